"""Posts (person, title, organisation) from the title spans of each sentence.

A title without a name of its own that is followed by 、 is a link in the chain of
the next name ("甲区党工委书记、乙区委书记、丙学院理事长某某" gives three posts).
A title with a name but no organisation borrows the organisation of the post just
before it in the same 、-list ("某学院党委书记甲、校长乙").
"""

from __future__ import annotations

from kg.extract.segment import Sentence
from kg.extract.titles import TitleSpan
from kg.model import Evidence, Post


def _org_text(sent: Sentence, ts: TitleSpan) -> str | None:
    if ts.org_start is None or ts.org_end is None:
        return None
    end = ts.org_end + (1 if ts.region_party else 0)
    return sent.text[ts.org_start - sent.start : end - sent.start]


def _title_text(sent: Sentence, ts: TitleSpan) -> str:
    return sent.text[ts.title_start - sent.start : ts.title_end - sent.start]


def _joined_by_comma(sent: Sentence, left_end: int, right_start: int) -> bool:
    return sent.text[left_end - sent.start : right_start - sent.start].strip() == "、"


def sentence_posts(sent: Sentence, titles: list[TitleSpan]) -> list[Post]:
    posts: list[Post] = []
    pending: list[TitleSpan] = []  # chain links waiting for their name
    last_named: TitleSpan | None = None
    last_org: str | None = None
    for ts in titles:
        if ts.name_start is None or ts.name_end is None:
            if pending and not _joined_by_comma(sent, pending[-1].title_end, ts.org_start or ts.title_start):
                pending = []
            pending.append(ts)
            continue
        person = sent.text[ts.name_start - sent.start : ts.name_end - sent.start]
        span_start = (pending[0].org_start or pending[0].title_start) if pending else (ts.org_start or ts.title_start)
        ev = Evidence(sent.text, span_start, ts.name_end)
        if pending and _joined_by_comma(sent, pending[-1].title_end, ts.org_start or ts.title_start):
            for link in pending:
                posts.append(Post(person, _title_text(sent, link), _org_text(sent, link), ev))
        pending = []
        org = _org_text(sent, ts)
        if (
            org is None
            and last_named is not None
            and last_named.name_end is not None
            and _joined_by_comma(sent, last_named.name_end, ts.title_start)
        ):
            org = last_org  # shared organisation
        posts.append(Post(person, _title_text(sent, ts), org, ev))
        last_named, last_org = ts, org
    return posts
