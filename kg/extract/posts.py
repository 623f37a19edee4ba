"""Posts (person, title, organisation) from the title spans of each sentence.

A title without a name of its own that is followed by 、 is a link in the chain of
the next name ("甲区党工委书记、乙区委书记、丙学院理事长某某" gives three posts).
A title with a name but no organisation borrows the organisation of the post just
before it in the same 、-list ("某学院党委书记甲、校长乙").
"""

from __future__ import annotations

import re

from kg.extract.mentions import CLASS_REFERENCES, GENERIC
from kg.extract.segment import Sentence, to_simplified
from kg.extract.titles import TitleSpan, org_span
from kg.model import Evidence, Post


def _org_text(sent: Sentence, ts: TitleSpan) -> str | None:
    span = org_span(sent, ts)
    if span is None:
        return None
    org = sent.text[span[0] - sent.start : span[1] - sent.start]
    if (len(org) == 1 and org in REGION_WORDS) or to_simplified(org) in CLASS_REFERENCES:
        return org  # 镇党委书记, 学校党委书记: the article's own town or school, resolved once all names are known
    return None if len(org) < 2 or to_simplified(org) in GENERIC else org


REGION_WORDS = frozenset("镇乡县市区省州")
# What the words of the clause before a post say about it (GUIDELINE: former, interim and
# proposed posts are optional; 免去 and 辞去 give none), checked in this order.
STATUS_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("removed", re.compile(r"(免去|辞去|撤销|免职)")),  # 免去甲的某局局长职务
    ("former", re.compile(r"(历任|曾任|先后任|曾担任|前任|时任|卸任|不再担任|^原|[、，]原)")),  # 曾任某局局长
    ("proposed", re.compile(r"(拟任|拟提名|拟推荐|拟为|提名为|提名)")),  # 拟任某区区长
    ("elected", re.compile(r"(当选|选举|选出|连任|推选|获选)")),  # 甲当选为会长
    ("appointed", re.compile(r"(任命|出任|调任|升任|接任|担任|履新|聘任|聘为|受聘|转任)")),  # 甲调任某局局长
)
CLAUSE_END = re.compile(r"[，,；;。：:！？]")


def post_status(clause: str, title: str) -> str:
    """The status the clause before a title gives it; 代/代理 in the title make it interim."""
    for status, cue in STATUS_CUES[:3]:
        if cue.search(clause):
            return status
    if title.startswith("代"):
        return "interim"
    for status, cue in STATUS_CUES[3:]:
        if cue.search(clause):
            return status
    return "current"


def _clause_before(sent: Sentence, pos: int) -> str:
    """The text of the sentence from the last clause mark up to an offset."""
    text = sent.norm[: pos - sent.start]
    marks = list(CLAUSE_END.finditer(text))
    return text[marks[-1].end() :] if marks else text
# Bodies an organisation named just before has: 某区 + 管委会 = 某区管委会.
BODY_WORDS = frozenset("管委会 党委 党工委 党组 工委 政府 人民政府 人大常委会 政协 纪委 董事会 办公室".split())


def _title_text(sent: Sentence, ts: TitleSpan) -> str:
    return sent.text[ts.title_start - sent.start : ts.title_end - sent.start]


def _joined(sent: Sentence, left_end: int, right_start: int) -> bool:
    """Two links of one chain: separated by 、, by 兼 (董事长兼总裁) or by nothing at all."""
    return sent.text[left_end - sent.start : right_start - sent.start].strip() in ("、", "", "兼", "及")


def _listed(sent: Sentence, left_end: int, right_start: int) -> bool:
    """The next item of the same list of people: only a separator between them."""
    return sent.text[left_end - sent.start : right_start - sent.start].strip() in ("、", "，", ",", "；", ";", "")


def sentence_posts(sent: Sentence, titles: list[TitleSpan]) -> list[Post]:
    posts: list[Post] = []
    pending: list[TitleSpan] = []  # chain links waiting for their name
    last_named: TitleSpan | None = None
    last_org: str | None = None
    for ts in titles:
        if ts.name_start is None or ts.name_end is None:
            if pending and not _joined(sent, pending[-1].title_end, ts.org_start or ts.title_start):
                pending = []
            pending.append(ts)
            continue
        person = sent.text[ts.name_start - sent.start : ts.name_end - sent.start]
        span_start = (pending[0].org_start or pending[0].title_start) if pending else (ts.org_start or ts.title_start)
        ev = Evidence(sent.text, min(span_start, ts.name_start), max(ts.name_end, ts.title_end))
        chain = pending if pending and _joined(sent, pending[-1].title_end, ts.org_start or ts.title_start) else []
        pending = []
        first = chain[0] if chain else ts
        inherited = None
        generic_org = first.org_start is not None and _org_text(sent, first) is None  # 学校党委书记: not the last org
        if not generic_org and last_named is not None and last_named.name_end is not None \
                and _listed(sent, last_named.name_end, first.org_start or first.title_start):
            inherited = last_org  # shared organisation: 某学院党委书记甲、校长乙；某镇党委书记丙，党委副书记、镇长丁
        org = inherited
        status = post_status(_clause_before(sent, first.title_start), first.title)
        if status == "removed":
            last_named, last_org = ts, org
            continue
        for link in [*chain, ts]:
            own = _org_text(sent, link)
            if own is None and org and link.org_start is not None:
                # 某区党工委书记、管委会主任: the chain's org plus a class word is that org's body
                word = sent.text[link.org_start - sent.start : link.org_end - sent.start] if link.org_end else ""
                if to_simplified(word) in BODY_WORDS:
                    own = org + word
            org = own or org  # 某镇党委副书记、镇长: one org along the chain
            title = _title_text(sent, link)
            posts.append(Post(person, title, org, ev, status if not title.startswith("代") else "interim"))
        last_named, last_org = ts, org
    return posts
