"""Word lists the rules read, loaded once from data/lexicons/*.txt.

Linguistic knowledge lives in data files so that a reviewer can change a list
without reading code; every file starts with a comment saying what its entries
are and where they come from.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from kg.resources import resource


def _lines(name: str) -> list[str]:
    path = resource("lexicons", name)
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


class SuffixSet:
    """Longest-suffix lookup over a word list: which listed word does a string end with?"""

    def __init__(self, words: list[str]):
        self.words = frozenset(words)
        self.lengths = sorted({len(w) for w in words}, reverse=True)

    def longest_suffix(self, s: str) -> str | None:
        for n in self.lengths:
            if n <= len(s) and s[-n:] in self.words:
                return s[-n:]
        return None

    def __contains__(self, s: object) -> bool:
        return s in self.words


@dataclass(frozen=True)
class Lexicon:
    titles: SuffixSet
    title_prefixes: SuffixSet
    org_suffixes: SuffixSet
    alliance_suffixes: SuffixSet
    event_nouns: SuffixSet
    not_org_words: frozenset[str]
    single_surnames: frozenset[str]
    compound_surnames: frozenset[str]
    cue_patterns: dict[str, re.Pattern[str]]  # predicate -> every cue, at every position (longest there)


@cache
def lexicon() -> Lexicon:
    cues: dict[str, list[str]] = defaultdict(list)
    for line in _lines("cue_verbs.txt"):
        pred, _, cue = line.partition("\t")
        cues[pred].append(cue.strip())
    surnames = [w for line in _lines("surnames.txt") for w in line.split()]
    return Lexicon(
        titles=SuffixSet(_lines("titles.txt")),
        title_prefixes=SuffixSet(_lines("title_prefixes.txt")),
        org_suffixes=SuffixSet(_lines("org_suffixes.txt")),
        alliance_suffixes=SuffixSet(_lines("alliance_suffixes.txt")),
        event_nouns=SuffixSet(_lines("event_nouns.txt")),
        not_org_words=frozenset(w for line in _lines("not_org_words.txt") for w in line.split()),
        single_surnames=frozenset(w for w in surnames if len(w) == 1),
        compound_surnames=frozenset(w for w in surnames if len(w) == 2),
        cue_patterns={p: re.compile("(?=(" + "|".join(re.escape(w) for w in sorted(c, key=len, reverse=True)) + "))")
                      for p, c in cues.items()},
    )
