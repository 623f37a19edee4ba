"""Posts (person, title, organisation) from the title spans of each sentence.

A title without a name of its own that is followed by 、 is a link in the chain of
the next name ("甲区党工委书记、乙区委书记、丙学院理事长某某" gives three posts).
A title with a name but no organisation borrows the organisation of the post just
before it in the same 、-list ("某学院党委书记甲、校长乙").
"""

from __future__ import annotations

import re

from kg.extract.hierarchy import parents
from kg.extract.mentions import CLASS_REFERENCES, GENERIC
from kg.extract.phrases import extend_left
from kg.extract.segment import Sentence, to_simplified
from kg.extract.titles import (
    TitleSpan,
    career_title,
    department_of,
    is_plausible_name,
    org_span,
    region_title,
    title_before,
)
from kg.lexicon import lexicon
from kg.model import Evidence, Post


def _org_text(sent: Sentence, ts: TitleSpan) -> str | None:
    span = org_span(sent, ts)
    if span is None:
        return None
    org = sent.text[span[0] - sent.start : span[1] - sent.start]
    if (len(org) == 1 and org in REGION_WORDS) or to_simplified(org) in CLASS_REFERENCES:
        return org  # 镇党委书记, 学校党委书记: the article's own town or school, resolved once all names are known
    if to_simplified(org) in GOVERNMENT_BODIES:
        return org  # 县政府党组书记: as printed (县政府 + 党组书记 = the region's 县政府党组书记 either way)
    if to_simplified(org) in ZONES and ts.title.lstrip("副").startswith(ZONE_BODIES):
        return org  # 新区党工委副书记: the zone as printed (新区 + 党工委副书记 = 新区党工委 + 副书记)
    return None if len(org) < 2 or to_simplified(org) in GENERIC else org


# Development zones printed bare before their own party and administrative bodies' titles.
ZONES = frozenset("新区 开发区 高新区 园区 经开区 保税区 示范区 合作区".split())
ZONE_BODIES = ("党工委", "工委", "管委会")
REGION_WORDS = frozenset("镇乡县市区省州")
# Bodies printed bare before a title (县政府党组书记, 管委会副主任, 人大常委会副主任): kept as the org,
# since the scorer and the guideline read 县政府 + 党组书记 and null + 县政府党组书记 alike.
GOVERNMENT_BODIES = frozenset("县政府 市政府 省政府 区政府 镇政府 乡政府 管委会 人大常委会 党工委 工委 政协 工商联"
                              .split())
# What the words of the clause before a post say about it (GUIDELINE: former, interim and
# proposed posts are optional; 免去 and 辞去 give none), checked in this order.
STATUS_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("removed", re.compile(r"(免去|辞去|撤销|免职)")),  # 免去甲的某局局长职务
    ("former", re.compile(r"(历任|曾任|先后任|曾担任|前任|时任|卸任|不再担任|^原|[、，]原)")),  # 曾任某局局长
    ("proposed", re.compile(r"(拟任|拟提名|拟推荐|拟为|提名为|提名)")),  # 拟任某区区长
    ("elected", re.compile(r"(当选|选举|选出|连任|推选|获选)")),  # 甲当选为会长
    ("appointed", re.compile(r"(任命|出任|调任|升任|接任|担任|履新|聘任|聘为|受聘|转任|同志任)")),  # 甲调任某局局长
)
# An appointment verb right after a name: what follows is that person's post.
APPOINTED_BEFORE = re.compile(r"[\u4e00-\u9fff]{2,4}(担任|出任|调任|升任|兼任|当选为|当选|任命为|任)$")
CLAUSE_END = re.compile(r"[，,；;。：:！？]")


# Titles that belong to a region, whatever body precedes them (市委常委, 常务副市长, 区长).
REGIONAL = re.compile(r"^(副|常务副)?([省市区县州镇乡]委|[省市区县州镇乡]长$|市长助理$)")
REGION_ORG = re.compile(r"[省市区县州镇乡]委?$")  # 某市, or its committee (某市委原常委、统战部部长)


def _regional(title: str) -> bool:
    return bool(REGIONAL.match(title))


def _region_org(org: str) -> bool:
    return bool(REGION_ORG.search(org)) or len(org) == 1


def post_status(clause: str, title: str) -> str:
    """The status the clause before a title gives it; 代/代理 in the title make it interim."""
    for status, cue in STATUS_CUES[:3]:
        if cue.search(clause):
            return status
    if title.startswith("原"):
        return "former"
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


# Titles that name the body they are held in (全国人大代表, 政协委员): no organisation is carried to them.
NAMES_ITS_BODY = re.compile(r"(人大代表|政协委员|政协常委)$")
# Joints between two organisations that share the titles after them (A公司和B公司董事长甲).
ORG_JOINTS = frozenset("和 、 及 与".split())


def _co_org(sent: Sentence, first: TitleSpan) -> str | None:
    """The organisation joined by 和/、 to the chain's first organisation, sharing its titles."""
    if first.org_start is None:
        return None
    toks = sent.tokens
    k = next((i for i, t in enumerate(toks) if t.start == first.org_start), None)
    if k is None or k < 2 or toks[k - 1].norm not in ORG_JOINTS:
        return None
    left = toks[k - 2]
    lex = lexicon()
    if not (left.tag == "ORG" or lex.org_suffixes.longest_suffix(left.norm)) or title_before(left.norm):
        return None
    start = extend_left(toks, k - 2, stop_titles=True)
    org = sent.text[toks[start].start - sent.start : left.end - sent.start]
    return org if len(org) >= 4 and lex.org_suffixes.longest_suffix(to_simplified(org)) else None


def _unmarked(title: str) -> str:
    """The title without 原: the post's status says it is former (某会原副主席 → 副主席, former), as the
    annotated articles name such posts; 代 stays (代市长 is the interim title itself)."""
    return title[1:] if title.startswith("原") and len(title) > 2 else title


def _left(ts: TitleSpan) -> int:
    """Where a post's words begin: its organisation, or its title when it has none."""
    return ts.title_start if ts.org_start is None else ts.org_start


def _title_text(sent: Sentence, ts: TitleSpan) -> str:
    return sent.text[ts.title_start - sent.start : ts.title_end - sent.start]


def _joined(sent: Sentence, left_end: int, right_start: int) -> bool:
    """Two links of one chain: separated by 、, by 兼 (董事长兼总裁) or by nothing at all."""
    return sent.text[left_end - sent.start : right_start - sent.start].strip() in ("、", "", "兼", "及")


def _unread_link(sent: Sentence, left_end: int, right_start: int) -> bool:
    """某办事处党委副书记、副主任、驻某市工作队和某组牵头负责人甲: a link between two of the chain that
    the rules could not read (no clause mark, no name in it) does not cut the chain."""
    gap = sent.text[left_end - sent.start : right_start - sent.start]
    return gap.startswith("、") and 2 <= len(gap) <= 24 and not CLAUSE_END.search(gap) and "、" not in gap[1:] \
        and not any(t.tag == "PER" and left_end <= t.start < right_start for t in sent.tokens)


def _listed(sent: Sentence, left_end: int, right_start: int) -> bool:
    """The next item of the same list of people: only a separator between them."""
    return sent.text[left_end - sent.start : right_start - sent.start].strip() in (
        "、", "，", ",", "；", ";", "", "和", "及", "以及", "，以及")  # 某会会长甲和副会长乙: 和 lists people too


def sentence_posts(sent: Sentence, titles: list[TitleSpan]) -> list[Post]:
    posts: list[Post] = []
    pending: list[TitleSpan] = []  # chain links waiting for their name
    last_named: TitleSpan | None = None
    last_org: str | None = None
    same_title: dict[str, str] = {}  # head title -> the org it was first named with in this sentence
    last_chain: dict[str, str] = {}  # head title -> its org in the previous person's chain
    for ts in titles:
        if ts.name_start is None or ts.name_end is None:
            if pending and not _joined(sent, pending[-1].title_end, _left(ts)):
                pending = []
            if not pending and APPOINTED_BEFORE.search(_clause_before(sent, _left(ts))):
                continue  # 甲担任某部部长、乙…: the post of the name before the verb, not a link of 乙's chain
            pending.append(ts)
            continue
        person = sent.text[ts.name_start - sent.start : ts.name_end - sent.start]
        span_start = _left(pending[0]) if pending else _left(ts)
        ev = Evidence(sent.text, min(span_start, ts.name_start), max(ts.name_end, ts.title_end))
        unread = bool(pending) and not _joined(sent, pending[-1].title_end, _left(ts)) \
            and _unread_link(sent, pending[-1].title_end, _left(ts))
        chain = pending if pending and (unread or _joined(sent, pending[-1].title_end, _left(ts))) else []
        pending = []
        first = chain[0] if chain else ts
        inherited = None
        generic_org = first.org_start is not None and _org_text(sent, first) is None  # 学校党委书记: not the last org
        after_name = not chain and ts.title_start >= ts.name_end and ts.title.endswith("院士")  # 某所所长甲院士 (E10)
        if not generic_org and not after_name and last_named is not None and last_named.name_end is not None \
                and _listed(sent, max(last_named.name_end, last_named.title_end), _left(first)):
            # shared organisation: 某学院党委书记甲、校长乙；某镇党委书记丙，党委副书记、镇长丁; the org of the
            # same title in the previous person's chain first (某局党组成员、某会副会长甲，党组成员乙: 某局)
            inherited = last_chain.get(_head(first.title), last_org)
            if inherited and _regional(first.title) != _region_org(inherited):
                inherited = None  # 市人大常委会主任甲，市委常委、常务副市长乙: a region's post, not the body's
            if NAMES_ITS_BODY.search(to_simplified(first.title)):
                inherited = None  # 某会副主席甲及全国政协委员乙: the title names its own body
        if inherited is None and not chain and first.org_start is None and not after_name:
            # 某常委会副主任甲主持会议，副主任乙、丙出席: the same title, bare, later in the sentence
            inherited = same_title.get(_head(first.title))
        if inherited and not chain and ts.title_start >= ts.name_end and _head(ts.title) in ACADEMIC:
            if to_simplified(inherited).endswith("会"):
                inherited = None  # 某学会理事甲教授: no society confers the rank
            elif ADMIN_UNIT.search(to_simplified(inherited)):
                roots = parents(to_simplified(inherited))  # 某大学发展规划处处长甲教授: the rank is the university's
                inherited = inherited[: len(roots[-1])] if roots else inherited
        org = inherited
        cue_start = first.cue_start if first.cue_start is not None else ts.cue_start
        cue = _clause_before(sent, first.title_start) if cue_start is None else \
            sent.norm[cue_start - sent.start : first.title_start - sent.start]  # 任命甲为A董事长，B董事长
        status = post_status(cue, first.title)
        if status == "removed":
            last_named, last_org, last_chain = ts, org, {}
            continue
        co_org = _co_org(sent, first)
        chain_orgs: dict[str, str] = {}
        for link in [*chain, ts]:
            own = _org_text(sent, link)
            if (own is None or to_simplified(own) in GOVERNMENT_BODIES) and org and link.org_start is not None:
                # 某区党工委书记、管委会主任: the chain's org plus a class word is that org's body
                word = sent.text[link.org_start - sent.start : link.org_end - sent.start] if link.org_end else ""
                if to_simplified(word) in BODY_WORDS and not any(to_simplified(org).endswith(b) for b in BODY_WORDS) \
                        and to_simplified(org) not in ZONES:
                    own = org + word  # (not 某区党工委 + 管委会: a second body is printed as itself)
            if not link.title:
                continue  # the name of a title the lexicon lacks: no post of its own
            title = link.composed or _title_text(sent, link)
            if own is None and org and link.org_start is None and _region_org(org) and not _regional(link.title) \
                    and department_of(link.title):
                org = None  # 某市委常委、宣传部部长: the department is printed as the title's own org
            if unread and link is ts:
                org = None  # past a link the rules could not read, the chain's org is not carried
            org = own or org  # 某镇党委副书记、镇长: one org along the chain
            kind = "interim" if title.startswith("代") else "former" if title.startswith("原") else status
            posts.append(Post(person, _unmarked(title), org, ev, kind))
            if org:
                chain_orgs.setdefault(_head(link.title), org)
            if co_org and org == _org_text(sent, first):  # A公司和B公司董事长甲: the post at A too
                posts.append(Post(person, title, co_org, ev, posts[-1].status))
        last_named, last_org, last_chain = ts, org, chain_orgs
        if org and not _regional(ts.title) and _head(ts.title) not in ACADEMIC:
            same_title.setdefault(_head(ts.title), org)
    return posts


# Ranks a person holds, not seats of a body: not carried to the next bare one (教授甲、副教授乙).
ACADEMIC = frozenset("教授 研究员 院士 博士生导师 硕士生导师 工程师 高级工程师 讲师 研究馆员 主任医师 博士后 副教授 "
                     "副研究员 博导".split())


# Administrative units, which confer no academic rank (学院, 系, 研究所 do: 某大学化学学院院长甲教授).
ADMIN_UNIT = re.compile(r"(处|办|办公室|部|室|科|中心|馆)$")


def _head(title: str) -> str:
    return title[3:] if title.startswith("常务副") else title.lstrip("副")


# Career statements: a biography names its subject once, then lists posts with no name.
# 甲，男，汉族，1970年5月生 / 甲先生：1966年出生 / 甲1996年毕业于…: the sentence opens a biography.
BIO_OPEN = re.compile(r"^(，|,|：|:|（|\(|先生|女士|同志|男|女|\d{4}年)")
BIO_CUE = re.compile(r"(出生|生于|年生|月生|汉族|国籍|籍贯|学历|毕业|党员|参加工作|入党|博士|硕士|学士|本科|岁"
                     r"|现任|曾任|历任)")
# A name the tagger missed, up to the mark after it (or 先生/女士), and what must follow it then.
BIO_HEAD = re.compile(r"^([\u4e00-\u9fff]{1,4}?)(先生|女士)?(?=[，,：:（(、]|自|于|现任|曾任|历任|\d)")
BIO_STRONG = re.compile(r"^[，,：:、]\s*(男|女)[，,、]|^[，,：:、][^。]{0,12}(出生|生于|年生|月生)")
# 甲先生，… / 甲女士自2006年起…: a form of address opening a statement about the person.
BIO_ADDRESS = re.compile(r"^(先生|女士)\s*([，,：:（(]|自|现任|曾任|历任|于|\d)")
# Words that open a segment of a career list and say how the post stands (现任某局局长, 历任…).
CAREER_LEAD = re.compile(
    r"^(?:(?:其|他|她|并|后|又|还|同时|目前|现|曾|先后|历任|曾任|现任|拟任|兼任|担任|出任|调任|升任|转任|任职于|任|"
    r"当选为|当选|受聘为|受聘|聘为|被聘为|被任命为|任命为|为|是|系|至今|起|期间|至)\s*)+")
# A date or range that dates a clause of a career statement: 2009年5月至今, 1981年至1983年, 2006年4月起.
CAREER_DATE = re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月)?(?:份)?\s*(?:(起|至今|以来)|[至到—–-]\s*(?:(\d{4})\s*年"
                         r"(?:\s*(\d{1,2})\s*月)?|(今|现在)))?")
# A bare date dates a post only when a post follows it (2006年4月任…), not a birth (1970年5月生).
DATED_POST = re.compile(r"(起|开始)?(任|调任|升任|出任|担任|兼任|当选|受聘|进入|就职|在)")
CAREER_SPLIT = re.compile(r"[，,；;、。：:（）()]|兼(?!职)|以及|和|及")
# A short aside in brackets inside a name (上海某（集团）公司) does not split a segment.
NAME_ASIDE = re.compile(r"[（(][\u4e00-\u9fff]{1,4}[）)](?=[\u4e00-\u9fff])")
# 和/及 split a segment only after a title (某公司总经理和某集团副总经理), not inside a name (某科技和信息化局).
SOFT_JOINS = frozenset(("以及", "和", "及"))
CAREER_FORMER = re.compile(r"(历任|曾任|先后任|先后担任|曾担任|此前任|原任)")
CAREER_CURRENT = re.compile(r"(现任|至今|目前|现为)")
CAREER_PROPOSED = re.compile(r"^(拟任|拟提名|拟推荐|拟提名为|拟推荐为|拟)")
NOT_CAREER_SENTENCE = re.compile(r"(出席|参加(?!工作)|还有|主持(?!工作)|陪同|会见|致辞|讲话)")
NOT_CAREER_ORG = re.compile(r"(工作|毕业|获得|获|学习|就读|荣誉|称号|的|参加|享受|津贴|专业)")


def _bio_subject(text: str, sent: Sentence) -> str | None:
    toks = sent.tokens
    if not toks:
        return None
    if toks[0].tag == "PER" and is_plausible_name(toks[0].norm, True):
        rest = to_simplified(text[toks[0].end : toks[0].end + 60])
        if BIO_ADDRESS.match(rest) or (BIO_OPEN.match(rest) and BIO_CUE.search(rest)):
            return toks[0].text
    # the tagger missed or split the name (石林/n，男 ; 柏思/PER 仁/n 先生：): the words before the first mark
    head = BIO_HEAD.match(sent.norm)
    if head and head.group(1)[0] in lexicon().single_surnames | {c[0] for c in lexicon().compound_surnames}:
        rest = to_simplified(text[sent.start + head.end() : sent.start + head.end() + 40])
        if head.group(2) or BIO_STRONG.search(rest):
            return sent.text[: head.end(2) if head.group(2) else head.end(1)]
    return None


def _ends_with_title(text: str, pos: int) -> bool:
    """The words before a 和/及 end with a title: the joint is between two posts."""
    before = re.split(r"[，,；;、。：:（）()]", text[:pos])[-1]
    title = career_title(before)
    return bool(title) and len(before) > len(title)


# The verbs after a name that make a dated sentence a career statement (2003年12月，甲任…).
DATED_VERBS = frozenset("任 担任 出任 调任 升任 转任 兼任 任职 当选 当选为 改任 接任".split())


def _dated_subject(sent: Sentence) -> str | None:
    """The person a sentence opening with a date appoints: 2003年12月，甲任某校党委副书记，…"""
    toks = sent.tokens
    k = 0
    while k < len(toks) and (toks[k].tag in ("TIME", "m") or toks[k].norm in ("，", ",", "至今", "起")):
        k += 1
    if k == 0 or k + 1 >= len(toks) or toks[k].tag != "PER" or toks[k + 1].norm not in DATED_VERBS:
        return None
    return toks[k].text if is_plausible_name(toks[k].norm, True) else None


def _ym(year: str | None, month: str | None) -> str | None:
    if not year:
        return None
    return f"{year}-{int(month):02d}" if month else year


def career_posts(text: str, sentences: list[Sentence]) -> list[Post]:
    """Posts of the person a biography describes, from the name-less segments that list them."""
    posts: list[Post] = []
    subject: str | None = None
    prev_end = 0
    for sent in sentences:
        if "\n" in text[prev_end : sent.start]:
            subject = None  # a new paragraph: the biography is over
        prev_end = sent.end
        subject = _bio_subject(text, sent) or subject
        dated = _dated_subject(sent) if subject is None else None  # 2003年12月，甲任某校党委副书记 (this sentence)
        if subject is None and dated is None:
            continue
        who = subject or dated or ""
        if NOT_CAREER_SENTENCE.search(sent.norm):
            continue  # 出席仪式的还有某会秘书长: a report of others inside the biography's paragraph
        others = [t for t in sent.tokens if t.tag == "PER" and t.text != who]
        status, start, end, org = "current", None, None, None
        listed: list[str] = []  # organisations listed with 、 before the title they share
        pos = 0
        asides = [(a.start(), a.end()) for a in NAME_ASIDE.finditer(sent.norm)]
        marks = [m for m in CAREER_SPLIT.finditer(sent.norm) if not any(a <= m.start() < b for a, b in asides)
                 and (m.group(0) not in SOFT_JOINS or _ends_with_title(sent.norm, m.start()))]
        for m in [*marks, None]:
            seg_end = m.start() if m else len(sent.norm)
            sep = m.group(0) if m else "。"
            raw = sent.norm[pos:seg_end]
            a, b = sent.start + pos, sent.start + seg_end
            pos = m.end() if m else len(sent.norm)
            date = CAREER_DATE.search(raw)
            if date and (date.group(3) or date.group(4) or date.group(6) or DATED_POST.match(raw[date.end() :])):
                start = _ym(date.group(1), date.group(2))
                end = _ym(date.group(4), date.group(5))
                status = "former" if end else "current"
                raw = raw[: date.start()] + raw[date.end() :]
            if CAREER_FORMER.search(raw):
                status = "former"
            elif CAREER_PROPOSED.search(raw):
                status = "proposed"  # 拟任某区副区长
            elif CAREER_CURRENT.search(raw):
                status = "current"
            if raw.startswith(to_simplified(who)):
                raw = raw[len(who) :]  # 甲任某校党委副书记: the subject named before the verb
            lead = CAREER_LEAD.match(raw)
            body = raw[lead.end() :] if lead else raw
            if not any(a <= t.start < b for t in others) and 2 <= len(body) <= 60:
                title = career_title(body)
                if title:
                    own = body[: len(body) - len(title)].strip()
                    printed_own = sent.text[b - sent.start - len(title) - len(own) : b - sent.start - len(title)]
                    if to_simplified(printed_own) == own:
                        own = printed_own  # as the article prints it (Traditional script stays so)
                    if own and region_title(title) and own[-1] != title[0] and len(own) <= 4:
                        own += title[0]  # 诸暨市委书记: the post belongs to the region (GUIDELINE)
                    if own and (len(own) < 2 or NOT_CAREER_ORG.search(own) or to_simplified(own) in GENERIC):
                        own = own if to_simplified(own) in CLASS_REFERENCES else None
                    org = own or org
                    ev = Evidence(sent.text, a, b)
                    printed = sent.text[b - sent.start - len(title) : b - sent.start]
                    kind = "interim" if title.startswith("代") else status
                    posts.append(Post(who, printed, org, ev, kind, start, end))
                    if own:  # 甲公司、乙公司副总经理: each organisation listed before the title
                        posts.extend(Post(who, printed, o, ev, kind, start, end) for o in listed)
                    listed = []
                elif body:
                    org = None
                    own_org = sent.text[a - sent.start : b - sent.start]
                    if sep == "、" and lexicon().org_suffixes.longest_suffix(body) and len(body) >= 4 \
                            and not NOT_CAREER_ORG.search(body):
                        listed.append(own_org[len(own_org) - len(body) :])
                    else:
                        listed = []
            else:
                listed = []
            if sep in "；;。":
                status, start, end, org = "current", None, None, None
    return posts


# Titles whose organisation an article leaves implied, with the endings of the organisations they may
# belong to (GUIDELINE implied_org: its one association for a bare 会长, its one company for 董事长).
IMPLIED_KINDS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"^(副|常务副|执行|名誉|常务|创会)?(会长|理事长|秘书长|监事长|理事|监事)$"),
     ("协会", "学会", "商会", "联合会", "总会", "促进会", "研究会", "基金会", "联谊会", "同乡会", "工商联")),
    (re.compile(r"^(副|常务副)?(董事长|总经理|总裁)$"), ("公司", "集团")),
)


def implied_org(title: str, orgs: list[tuple[str, str, int]]) -> str | None:
    """The organisation a bare title leaves implied, where the article makes it unambiguous.

    ``orgs`` holds the article's organisations and places as (name, family, mentions). A title
    of an association or a company takes the one such organisation the article is about: named
    at least twice, and twice as often as any other. Regions and schools are left null: an
    article about a visit names two cities, and a school's report names its colleges more often
    than the school (measured on the tuning folds).
    """
    t = to_simplified(title)
    for kind, endings in IMPLIED_KINDS:
        if kind.match(t):
            cands = sorted(((c, n) for n, fam, c in orgs if fam == "Org" and to_simplified(n).endswith(endings)),
                           reverse=True)
            if cands and cands[0][0] >= 2 and (len(cands) == 1 or cands[0][0] >= 2 * cands[1][0]):
                return cands[0][1]
            return None
    return None
