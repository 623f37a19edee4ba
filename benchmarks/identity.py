"""Precision and recall of cross-article merges on invented multi-article cases (issue 11, items 1 and 2).

Each case is a few hand-made articles (invented names only) whose namesake mentions carry a gold identity:
which mentions are one real event or person. The linker runs over them twice, once in a single build and
once article by article through a store (each later build reads what the earlier ones wrote, as
``kg build`` does), and every pair of namesake mentions in different articles is scored:

- a *merge* is a pair the linker gave one IRI; it is right when the gold says they are one;
- precision = right merges / merges; recall = right merges / pairs the gold says are one.

Two baselines are printed beside it: *name only* merges every namesake pair (what generic event names
did before), *same org only* merges persons only at the very same organisation IRI (the person rule
before; events by name).

    .venv/bin/python benchmarks/identity.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.link import Linker, generic_event
from kg.linkstore import link_index
from kg.model import Article, ArticleGraph, Entity, Evidence, Post, Relation
from kg.rdf import to_rdf
from kg.store import GraphStore
from kg.text import normalise


@dataclass
class Doc:
    """One invented article: its mentions as (name, type, gold id), posts, relations and date."""

    id: str
    published: str
    mentions: list[tuple[str, str, str]]
    posts: list[tuple[str, str, str]] = field(default_factory=list)
    relations: list[tuple[str, str, str]] = field(default_factory=list)


def meeting(aid: str, published: str, host: str, guest: str, gold: str, name: str = "会见",
            date: str | None = None, place: str | None = None) -> Doc:
    rels = [(host, "hosted", name), (guest, "attended", name)]
    ments = [(name, "Event", gold)]
    if date:
        rels.append((name, "heldOn", date))
    if place:
        rels.append((name, "heldAt", place))
        ments.append((place, "Place", place))
    return Doc(aid, published, ments, relations=rels)


def post(aid: str, person: str, gold: str, title: str, org: str, published: str = "2025-03-01",
         part_of: tuple[str, str] | None = None) -> Doc:
    d = Doc(aid, published, [(person, "Person", gold), (org, "Organization", org)], posts=[(person, title, org)])
    if part_of:
        d.mentions += [(x, "Organization", x) for x in part_of if x != org]
        d.relations.append((part_of[0], "partOf", part_of[1]))
    return d


def at_event(aid: str, person: str, gold: str, event: str, post_: tuple[str, str] | None = None) -> Doc:
    d = Doc(aid, "2025-08-01", [(person, "Person", gold), (event, "Event", event)],
            relations=[(person, "attended", event)])
    if post_:
        d.posts.append((person, *post_))
        d.mentions.append((post_[1], "Organization", post_[1]))
    return d


#: (case name, articles); gold ids name the real thing each mention is
CASES: list[tuple[str, list[Doc]]] = [
    ("会见: one meeting reported twice, another the same day", [
        meeting("e1a", "2025-03-01", "林安", "柯远航", "mtg-1", date="2025-03-01"),
        meeting("e1b", "2025-03-02", "柯远航", "林安", "mtg-1", date="2025-03-01"),
        meeting("e1c", "2025-03-01", "苏明哲", "贺青禾", "mtg-2", date="2025-03-01"),
    ]),
    ("签约仪式: same hall and day; another elsewhere", [
        meeting("e2a", "2025-04-10", "严可为", "方知远", "sign-1", "签约仪式", "2025-04-10", "北岭宾馆"),
        meeting("e2b", "2025-04-11", "唐若水", "叶书白", "sign-1", "签约仪式", "2025-04-10", "北岭宾馆"),
        meeting("e2c", "2025-05-01", "严可为", "方知远", "sign-2", "签约仪式", "2025-05-01", "南湾会堂"),
    ]),
    ("座谈会: the same people on two stated dates", [
        meeting("e3a", "2025-06-01", "林安", "柯远航", "talk-1", "座谈会", "2025-06-01"),
        meeting("e3b", "2025-09-01", "林安", "柯远航", "talk-2", "座谈会", "2025-09-01"),
    ]),
    ("开幕式: one opening, reported the next day without a date", [
        meeting("e4a", "2025-07-01", "贺青禾", "唐若水", "open-1", "开幕式"),
        meeting("e4b", "2025-07-02", "贺青禾", "唐若水", "open-1", "开幕式"),
    ]),
    ("会见 in unrelated articles on unrelated days", [
        meeting(f"e5{c}", f"2025-0{i}-15", h, g, f"mtg-u{i}") for i, (c, h, g) in enumerate(
            [("a", "林安", "柯远航"), ("b", "叶书白", "方知远"), ("c", "苏明哲", "严可为")], 1)
    ]),
    ("a specific event name in two articles", [
        meeting("e6a", "2025-08-01", "林安", "柯远航", "forum", "白沙湾论坛"),
        meeting("e6b", "2025-08-03", "苏明哲", "贺青禾", "forum", "白沙湾论坛"),
    ]),
    ("a career across a city's government and party committee", [
        post("p1a", "林安", "lin-bl", "副市长", "北岭市人民政府", "2021-01-05"),
        post("p1b", "林安", "lin-bl", "市长", "北岭市", "2023-02-01"),
        post("p1c", "林安", "lin-bl", "书记", "中共北岭市委", "2025-03-01"),
        post("p1d", "林安", "lin-nw", "副市长", "南湾市人民政府", "2024-04-01"),
    ]),
    ("from a school to its university", [
        post("p2a", "柯远航", "ke", "院长", "信息学院", part_of=("信息学院", "北岭大学")),
        post("p2b", "柯远航", "ke", "副校长", "北岭大学"),
        post("p2c", "苏明哲", "su", "主任", "岚峰大学计算机学院"),
        post("p2d", "苏明哲", "su", "副校长", "岚峰大学"),
    ]),
    ("namesakes at unrelated bodies", [
        post("p3a", "贺青禾", "he-1", "局长", "北岭市交通运输局"),
        post("p3b", "贺青禾", "he-2", "总经理", "南湾建材有限公司"),
        post("p3c", "贺青禾", "he-3", "校长", "岚峰中学"),
    ]),
    ("a post-less mention at the same forum as the official", [
        at_event("p5a", "唐若水", "tang", "岚峰峰会", ("秘书长", "岚峰商会")),
        at_event("p5b", "唐若水", "tang", "岚峰峰会"),
    ]),
    ("namesakes with unrelated posts at the same forum", [
        at_event("p6a", "叶书白", "ye-1", "澄江博览会", ("董事长", "澄江纺织有限公司")),
        at_event("p6b", "叶书白", "ye-2", "澄江博览会", ("教授", "青禾师范学院")),
    ]),
    ("a bureau chief promoted to the city (not merged on the name alone)", [
        post("p4a", "严可为", "yan", "局长", "北岭市交通运输局", "2020-01-01"),
        post("p4b", "严可为", "yan", "副市长", "北岭市人民政府", "2024-01-01"),
    ]),
]


def to_graph(d: Doc) -> ArticleGraph:
    names = [m[0] for m in d.mentions] + [p[0] for p in d.posts] + [x for r in d.relations for x in (r[0], r[2])]
    text = "，".join(dict.fromkeys(names)) + "。"

    def ev(s: str) -> Evidence:
        i = text.find(s)
        return Evidence(text, max(i, 0), max(i, 0) + len(s))

    persons = {p[0] for p in d.posts} | {r[0] for r in d.relations if r[1] in ("hosted", "attended")}
    ents = [Entity(n, t, [], [ev(n)]) for n, t, _ in d.mentions]
    ents += [Entity(p, "Person", [], [ev(p)]) for p in sorted(persons) if all(p != m[0] for m in d.mentions)]
    return ArticleGraph(Article(d.id, text, title=d.id, published=d.published, url=f"https://news.example.org/{d.id}"),
                        ents, [Post(p, t, o, ev(p)) for p, t, o in d.posts],
                        [Relation(s, p, o, ev(s)) for s, p, o in d.relations])


Mention = tuple[str, str, str, str]  # case, article, name, gold


def scored(case: str, docs: list[Doc]) -> list[Mention]:
    """The mentions whose identity is scored: persons and events (places and organisations are context)."""
    return [(case, d.id, n, g) for d in docs for n, t, g in d.mentions if t in ("Event", "Person")]


def link_all(docs: list[Doc], through_store: bool) -> dict[tuple[str, str], str]:
    """(article, name) → IRI, linking in one build or one build per article through a store."""
    out: dict[tuple[str, str], str] = {}
    store = GraphStore.in_memory()
    linker = Linker()
    for d in docs:
        if through_store:
            linker = Linker(link_index(store))
        la = linker.link(to_graph(d))
        store.replace_article(to_rdf(la))
        for e in la.entities:
            out.setdefault((d.id, e.name), e.iri)
    return out


def score(pairs: list[tuple[bool, bool]]) -> dict[str, float | int]:
    merged = sum(1 for m, _ in pairs if m)
    gold = sum(1 for _, g in pairs if g)
    right = sum(1 for m, g in pairs if m and g)
    return {"pairs": len(pairs), "gold_merges": gold, "merges": merged, "right": right,
            "precision": right / merged if merged else 1.0, "recall": right / gold if gold else 1.0}


def evaluate(through_store: bool) -> dict[str, dict[str, dict[str, float | int]]]:
    by: dict[str, dict[str, list[tuple[bool, bool]]]] = {}
    for case, docs in CASES:
        iris = link_all(docs, through_store)
        orgs = {(d.id, p): o for d in docs for p, _, o in d.posts}
        kind = {(d.id, n): t for d in docs for n, t, _ in d.mentions}
        for (_, a1, n1, g1), (_, a2, n2, g2) in combinations(scored(case, docs), 2):
            if a1 == a2 or normalise(n1) != normalise(n2):
                continue
            fam = "events" if kind.get((a1, n1)) == "Event" else "persons"
            gold = g1 == g2
            ours = iris[(a1, n1)] == iris[(a2, n2)]
            # events by name, whatever the name; persons at the very same organisation only
            old = (generic_event(n1) or ours) if fam == "events" else orgs.get((a1, n1)) == orgs.get((a2, n2))
            for system, merged in (("kg", ours), ("name only", True), ("before (same org / by name)", old)):
                for f in (fam, "all"):
                    by.setdefault(system, {}).setdefault(f, []).append((merged, gold))
    return {s: {f: score(p) for f, p in fams.items()} for s, fams in by.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    one = evaluate(through_store=False)
    per_build = evaluate(through_store=True)
    if args.json:
        print(json.dumps({"one build": one, "build per article": per_build}, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(CASES)} invented cases, {sum(len(d) for _, d in CASES)} articles; namesake pairs across articles\n")
    print(f"{'system':30} {'family':8} {'pairs':>5} {'gold':>5} {'merged':>6} {'right':>5} {'P':>6} {'R':>6}")
    for label, res in (("kg, one build", one["kg"]), ("kg, a build per article", per_build["kg"]),
                       ("before (same org / by name)", one["before (same org / by name)"]),
                       ("name only", one["name only"])):
        for fam in ("events", "persons", "all"):
            r = res[fam]
            print(f"{label:30} {fam:8} {r['pairs']:>5} {r['gold_merges']:>5} {r['merges']:>6} {r['right']:>5} "
                  f"{r['precision']:>6.2f} {r['recall']:>6.2f}")
    return 0 if one["kg"] == per_build["kg"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
