"""An article's topics: keywords by jieba's TF-IDF, scored against the IDF table jieba ships.

Why TF-IDF with jieba's bundled IDF rather than an IDF over our own corpus or
TextRank (README, "Topics" design notes): the bundled table makes the
keywords a function of the article alone, so an article's keywords are written
with its other metadata in the same transaction and never change when other
articles are added or removed (a corpus IDF would rewrite every article on
every build); TextRank needs jieba's part-of-speech pass, several times the
cost, and on a news story of a few hundred characters its co-occurrence graph
is too small to rank much better than term frequency.

What is left out, because it is not what a story is about: the names of the
story's people, places and organisations (they are the graph's entities
already; event names stay, as they often name the topic: 无人机 in
某市无人机产业推进会), words jieba's dictionary does not know (names again),
the genre's own words (data/lexicons/keyword_stopwords.txt), numbers and
counted quantities (六十家, 2025) and titles (局长, and jieba's 局局长).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from kg.lexicon import lexicon
from kg.resources import resource
from kg.text import normalise, to_simplified

#: keywords kept per article: enough to find a story by its topic, few enough to stay topical
TOP_K = 8

# 六十家, 三百余名, 2025, 12.5%: counts and quantities, never topics
_QUANTITY = re.compile(r"^[\d.,%０-９零〇一二三四五六七八九十百千万亿两余多几第]+"
                       r"[家个名位项年月日次届件所台亩元人期批]?$")
# tokens with no Han character and no Latin letter (punctuation runs jieba lets through)
_NO_WORD = re.compile(r"^[^\u4e00-\u9fffA-Za-z]+$")


@cache
def _extractor() -> Any:
    """jieba's TF-IDF extractor with our stop words, built once; jieba's dictionary loads on first use (~1 s)."""
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)  # it announces its dictionary on stderr otherwise
    tfidf = jieba.analyse.TFIDF()  # its own stop-word set: jieba's module-wide extractor stays as it was
    tfidf.set_stop_words(str(resource("lexicons", "keyword_stopwords.txt")))
    tfidf.tokenizer.check_initialized()  # its FREQ table is replaced, not filled, when the dictionary loads
    return tfidf


def article_keywords(text: str, names: Iterable[str] = (), top: int = TOP_K) -> list[str]:
    """The ``top`` keywords of one article, best first, in simplified script (``kg.text.normalise`` form).

    ``names``: the names of the article's people, places and organisations.
    They are blanked out of the text before counting, because a name repeated
    in every paragraph would otherwise lend its pieces (学院, 有限公司, a
    place's 滨湖) a frequency the story never gives them as words; event names
    stay, since 某市无人机产业推进会 says what the story is about. Words jieba's
    dictionary does not know are dropped too: its HMM finds them, and they are
    almost all names (of people, firms, places) the extractor did not list.
    Traditional-script text is converted first: jieba's dictionary and IDF
    table are simplified, and would miss almost every word otherwise.
    """
    if not text.strip():
        return []
    body = to_simplified(text)
    for name in sorted({to_simplified(n) for n in names if len(n) > 1}, key=len, reverse=True):
        body = body.replace(name, "，")
    extractor = _extractor()
    known = extractor.tokenizer.FREQ
    titles = lexicon().titles  # 局长, 副院长 …: who someone is, not what the story is about
    out: list[str] = []
    # ask for more than needed: some candidates are filtered out below
    for word in extractor.extract_tags(body, topK=top * 3):
        kw = normalise(word)
        if (len(kw) < 2 or not known.get(word) or _QUANTITY.match(kw) or _NO_WORD.match(kw)
                or titles.longest_suffix(kw)):
            continue
        if kw not in out:
            out.append(kw)
        if len(out) == top:
            break
    return out


__all__ = ["TOP_K", "article_keywords"]
