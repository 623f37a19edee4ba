"""The document's events: event names in each sentence, and the main event of the report.

An event name follows a grammar (ERROR_CLASSES A1):

    [organiser] + [edition: 第N届 / 一届三次 / 第N期] + [“quoted theme”] + [topic] + head noun

with heads from ``data/lexicons/event_nouns.txt`` (研讨会, 推进会, 座谈会, 全体会议, 活动,
仪式 …). Two readings find names, and the longer one wins where they overlap:

- the tagger's tokens walked left from a head noun (``_noun_events``);
- the clause grammar of reports (``_clause_events``): what is held is named between
  the verb of holding and a head (召开了某某推进会), or as the clause's subject before
  在某地/于某处 + 举行/召开 (某某会暨某某仪式在某地举行), or before 举行 + a sitting
  (某大会举行第三次全体会议); there the bare head 活动 names the happening too;
- visits, which have no head noun, by what the visitors do where they go
  (一行莅临某公司参观交流, 赴某地开展“主题”专题调研), and meetings between officials
  (会见, 拜会, 会面).

A (简称“X”) aside inside a name stays in it, and the name without the aside, and with
the short form in its place, become aliases (``aside_aliases``). Events joined by 暨,
及 or 和 are two events (the later partOf the first, see relations.part_of). Verb
phrases (做好调研工作), boards (第一届理事会成员) and groups (考察组) are not events (A4).

The main event (``main_event``) is chosen from the headline and the lead, not taken
as the first event mentioned: every implicit attendance of the article hangs on it.
``refers_to_event`` and ``is_sub_event`` tell the relation families when a cue's
object (出席会议, 出席开幕式) stands for the main event (A2).
"""

from __future__ import annotations

import re

from kg.extract.mentions import GENERIC, Mention, _mk, _span
from kg.extract.phrases import extend_left
from kg.extract.segment import Sentence, to_simplified
from kg.lexicon import lexicon

# Verbs that are part of event names (某学院成立仪式, 开工奠基仪式).
EVENT_VERBS = frozenset(
    "成立 揭牌 签约 开工 启动 奠基 开幕 闭幕 颁奖 授牌 落成 启用 签署 交流 合作 发布 推介 招商 "
    "表彰 就职 宣誓 选举 换届 建设 发展 创新 融合 共建 对接 洽谈 培训 研讨".split()
)
# Words that end like an event noun (节, 赛) but name none.
NOT_EVENT = frozenset("环节 季节 细节 关节 章节 情节 春节 节日 调节 脱节 赛道 赛季 赛事".split())
# A board named with an ordinal sitting is one of its meetings (首次理事会, 二届四次理事会, 第三次常委会);
# with a term alone (第一届理事会) it is the board, not a meeting.
MEETING_BODIES = frozenset("理事会 董事会 监事会 常委会 理监事会 执委会 委员会 会员大会 代表大会".split())
MEETING_ORDINAL = re.compile(r"^(首次|第.+次|.+次)$")
SITTING = re.compile(r"(首次|[第一二三四五六七八九十\d]+次)$")
# What follows a head noun when the phrase names a group, a room or a document, not a happening:
# 考察组, 调研团, 会议室, 理事会成员, 理事会工作报告, 论坛秘书处.
NOT_EVENT_AFTER = re.compile(r"^(组|团|队|室|厅|成员|工作报告|报告|秘书处|办公室|精神|纪要|期间|代表|单位|工作[^会]"
                             r"|员)")
# Leading words that open a clause, not a name: 见证某某仪式, 出席某某会.
LEADING_VERBS = re.compile(r"^(见证|出席|参加|举行|召开|举办|开展|启动|共同|隆重|正式|顺利|成功)+")
# Verbs of holding: what stands between one and a head noun is the event's name (召开了某某推进会).
HOLD_VERB = re.compile(r"(举行|召开|举办|开展|组织召开|联合举办)了?")
# The clause's subject held somewhere: 某某会(暨某某仪式)在某地/于某处(隆重)举行/召开/开幕.
HELD_SUBJECT = re.compile(r"(?:在|于)[^，,。；;！？]{1,30}?(?:隆重|顺利|正式|胜利)?"
                          r"(?:举行|召开|举办|开幕|拉开帷幕|拉开序幕|启动)"
                          r"|(?:隆重|顺利|正式|胜利|圆满)?(?:举行|召开|开幕|闭幕|拉开帷幕|拉开序幕)(?=[。，,；;]|$)"
                          r"|(?:举行|召开)了?(?=第[一二三四五六七八九十\d]+次|首次)")  # 某大会举行第三次全体会议
# What may open a clause before its subject: a date, a time of day, a vague time word.
CLAUSE_LEAD = re.compile(r"^(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}[日号])?(?:至\d{1,2}[日号])?"
                         r"(?:上午|下午|晚上|晚|早上|中午)?(?:\d{1,2}[:：]\d{2})?(?:日前|近日|昨日|昨天|今日|今天)?"
                         r"(?:上午|下午|晚上|晚)?")
# (简称“X”) / (以下简称“X”) / (下称X): an aside giving the short form of what precedes it.
ASIDE = re.compile(r"[(（](?:以下)?(?:简称|下称)[：:]?[“\"「]?([^“”\"「」()（）]{1,15})[”\"」]?[)）]")
# A count before a bare head (两次全体会议, 多场座谈会): several happenings, not a name.
COUNTED = re.compile(r"(两|三|四|五|六|七|八|九|十|几|多|数|\d+)(次|场|个|项|轮)$")
# Heads so general that a verb before them makes a verb phrase, not a name (监督会议, 筹备大会).
BARE_HEADS = frozenset("会议 大会 活动 仪式 典礼 论坛 会".split())
# Heads that are verbs of the happening: before 和/及 they share the head that follows (签约和开工活动).
VERB_HEADS = frozenset("签约 揭牌 授牌 考察 调研 开工 奠基 签字 启动".split())
# Two events printed together: 某某会暨某某仪式, 某某仪式及某某签约仪式, 某某会和某某活动.
JOINERS = "暨及和与"
# 「某某论坛2025」/“某某节”: a quoted name that ends like an event (a year may follow) is that event.
QUOTED = re.compile(r"[“「『\"]([^“”「」『』\"\n]{3,40}?)(?:\s*\d{4}年?)?[”」』\"]")
# 甲会见乙: a meeting between officials is an event even with no name (GUIDELINE: inspection visit).
# (not the 会见 read across 到会/与会 + 见证: 到会见证签约)
MEETING_VERB = re.compile(r"(?<![到与参])(会见|会晤|接见|拜会|会面)(?!证)(了)?")
# An edition or sitting in a name (第十次, 二届四次, 第51届, 2017年度): a specific happening.
EDITION = re.compile(r"第[^，,。]{1,6}[届次期]|[一二三四五六七八九十\d]+届[一二三四五六七八九十\d]+次|\d{4}年度?")
# A head that names the happening only where a clause holds it or a quoted theme precedes it.
CLAUSE_HEAD = "活动"
# “某某周”活动 / “某某”系列活动: a quoted theme and 活动.
QUOTED_ACTIVITY = re.compile(r"[“「]([^“”「」]{2,30})[”」]([\u4e00-\u9fff]{0,8}?)活动")
# Words that open a reference back to an event, not its name (该活动, 本次会议, 各类活动).
REFERENCE_START = ("该", "本次", "此次", "这次", "本届", "此届", "各类", "各项", "相关", "更多", "其他", "有关",
                   "一系列")
# A visit named by what the visitors do where they go (一行莅临某公司参观交流, 来我院参访交流, 赴某地考察调研):
# the happening is the activity (A3: events with no standard head noun).
VISIT_HEAD = r"(?:参观交流|参访交流|考察调研|调研考察|参观考察|考察交流|调研指导|检查指导|视察指导|座谈交流|专题调研)"
VISIT = re.compile(r"(?:莅临|来到|走进|赴|到|来|前往)[^，,。；;、“”]{1,20}?"
                   r"(?:(?:进行|开展)((?:“[^“”]{1,24}”)?[\u4e00-\u9fff]{0,8}?" + VISIT_HEAD + r")"
                   r"|(" + VISIT_HEAD + r"))")
# 甲一行来青岚市考察 / 甲带队赴北岭拜访某某 / 甲一行走访某某企业: a visit told as a clause, with no head noun (A3);
# the name runs from the visitor to the end of the clause, the headline giving it another name.
VISIT_CLAUSE = re.compile(r"(?:一行|率队|带队|率团)"
                          r"(?:(?:来|到|赴|莅临|前往)(?:(?!进行|开展|参加|出席)[^，,。；;]){2,20}?)?"
                          r"(?:考察|调研|拜访|走访|参观|访问)")
# 期待各位朋友来某地参观考察 / 欢迎…到某地考察: a visit wished for, not one that took place (A4).
INVITED = re.compile(r"期待|欢迎|邀请|希望|诚邀|将")
# Holding to come, or by many (将陆续召开, 准备召开): other happenings than the one reported.
FUTURE = re.compile(r"(将|陆续|准备|拟|即将|计划|正在)[^，,。]{0,4}(?:举行|召开|举办)了?$")
# 某大会举行(第三次全体会议): a holding verb right before an event, with the holder right before it.
HOLDS_BEFORE = re.compile(r"(举行|召开)了?$")
# 会见出席(某论坛)的代表团: an event that describes the guests (出席…的), not what is reported.
GUESTS_BEFORE = re.compile(r"(出席|参加|赴|前来|来华|参会)[^，,。]{0,4}$")
# Headlines: a bracketed column name before them (【合作共赢谋发展】); a signing or a visit told as a clause.
HEADLINE_NOISE = re.compile(r"^[【\[][^】\]]{1,20}[】\]]")
SIGNING_HEADLINE = re.compile(r"[与和同].{2,20}(?:签署|签订|签约)")
VISIT_HEADLINE = re.compile(r"(?:一行|率团|带队)?(?:来|到|赴|莅临)?.{0,12}(?:会见|拜会|拜访|考察|调研|参观|参访|走访)")
# Parts of a larger happening: attendance and speech there count for the main event (A2).
# (大会开幕仪式, 论坛开幕式: the opening of the meeting at hand, named by its class word)
SUB_EVENT = re.compile(r"^(?:大会|会议|论坛|峰会|年会|活动)?"
                       r"(开幕式|闭幕式|开幕仪式|闭幕仪式|开班式|开班仪式|开营仪式|开幕大会|主论坛|分论坛|启动仪式)$")
# A bare word that refers back to the event (出席会议, 参加活动, 本次活动): the main event.
EVENT_REFERENCE = re.compile(r"^(?:了)?(?:本次|此次|这次|该次|当天的|今天的)?"
                             r"(?:会议|活动|大会|仪式|典礼|论坛|年会|峰会|会|开幕式|闭幕式|签约仪式|揭牌仪式|座谈会|研讨会|调研|考察)")


def is_event_name(norm: str, clause: bool = False) -> bool:
    """Whether a phrase ends with an event head and is more than the head's verb (签约 alone is no event).

    ``clause``: the phrase is what a clause holds (举办某某活动, 某某活动在某地举行), where the
    bare head 活动 names the happening too; elsewhere 活动 is mostly a common noun (经济活动).
    """
    if norm.startswith(REFERENCE_START):
        return False  # 该活动, 本届博览会: a reference back, not a name
    head = lexicon().event_nouns.longest_suffix(norm)
    if not head and clause and norm.endswith(CLAUSE_HEAD):
        head = CLAUSE_HEAD
    if not head:  # 二届四次理事会, 首次常委会: a board's numbered sitting is a meeting
        body = next((b for b in MEETING_BODIES if norm.endswith(b)), None)
        if body and SITTING.search(norm[: -len(body)]):
            head = body
    return bool(head) and norm not in GENERIC and not any(norm.endswith(w) for w in NOT_EVENT) and (
        len(norm) > len(head) or len(norm) >= 3)


def sentence_events(sent: Sentence, si: int, ments: list[Mention]) -> list[Mention]:
    """The events of one sentence, given its other mentions (names and works)."""
    works = [m for m in ments if m.type == "Work"]
    orgs = [m for m in ments if m.type in ("Organization", "Alliance")]
    found = [m for m in _noun_events(sent, si) + _clause_events(sent, si)
             if not any(w.start <= m.start < w.end for w in works)
             and not any(o.start <= m.start and m.end <= o.end and (o.start, o.end) != (m.start, m.end) for o in orgs)]
    found = [part for m in found for part in _split_joined(sent, si, m)]
    events = _drop_nested(_quoted_events(sent, si) + found + _visits(sent, si))
    events += _visit_clauses(sent, si, ments, events)
    return events + _meeting_verbs(sent, si, events)


def _visit_clauses(sent: Sentence, si: int, ments: list[Mention], events: list[Mention]) -> list[Mention]:
    """甲一行来某地考察: the visit is the clause from the visitor's name to its end, unless an event is named in it."""
    out: list[Mention] = []
    off = sent.start
    for p in (m for m in ments if m.type == "Person"):
        m = VISIT_CLAUSE.match(sent.norm, p.end - off)
        if m is None or sent.norm[: p.start - off].endswith("对"):
            continue  # (对甲一行来访表示欢迎: the visit talked about, told already)
        end = min((k for k in (sent.norm.find(c, m.end()) for c in "，,。；;") if k >= 0), default=len(sent.norm))
        if end - m.end() > 40 or any(e.start < off + end and p.start < e.end for e in events + out):
            continue
        out.append(_span("Event", sent, si, p.start, off + end, "visit"))
    return out


def _visits(sent: Sentence, si: int) -> list[Mention]:
    out = []
    for m in VISIT.finditer(sent.norm):
        clause = sent.norm[max(sent.norm.rfind(c, 0, m.start()) for c in "，,。；;") + 1 : m.start()]
        if INVITED.search(clause):
            continue
        g = 1 if m.group(1) else 2
        out.append(_span("Event", sent, si, sent.start + m.start(g), sent.start + m.end(g), "visit"))
    return out


def _noun_events(sent: Sentence, si: int) -> list[Mention]:
    """Events read from the tokens: a head noun and the nominal phrase before it."""
    lex = lexicon()
    toks = sent.tokens
    out = []
    for i, t in enumerate(toks):
        if t.tag == "w":
            continue
        head = lex.event_nouns.longest_suffix(t.norm)
        if not head and t.norm in MEETING_BODIES and i > 0 and MEETING_ORDINAL.match(toks[i - 1].norm):
            head = t.norm  # 首次理事会, 第三次常委会: a sitting of a board is a meeting
        if not head or t.norm in NOT_EVENT:
            continue
        if t.tag == "v":
            continue  # 与某集团签约/v, 出席会议/v: a verb names no event
        if i + 1 < len(toks) and lex.event_nouns.longest_suffix(t.norm + toks[i + 1].norm):
            continue  # the event goes on: 签约 仪式
        if NOT_EVENT_AFTER.match(sent.norm[t.end - sent.start:]):
            continue  # 考察组, 理事会成员: a group or a document, not a happening
        start = extend_left(toks, i, EVENT_VERBS, stop_titles=False, numbers=True, stop_quoted_events=True,
                            loose=True, persons=False)
        phrase = toks[start : i + 1]
        # strip leading words that open a clause rather than a name
        while phrase and (phrase[0].norm in EVENT_VERBS and phrase[0].tag == "v"):
            phrase = phrase[1:]
        if not phrase:
            continue
        if len(phrase) == 2 and phrase[0].tag in ("v", "vd") and phrase[1].norm in BARE_HEADS:
            continue  # 监督会议, 主持会议: a verb and its object
        norm = "".join(x.norm for x in phrase)
        if len(norm) <= len(head) and len(norm) < 3:
            continue
        if lex.event_nouns.longest_suffix(norm) == norm and COUNTED.search(sent.norm[: phrase[0].start - sent.start]):
            continue  # 主持两次全体会议: several sittings counted, no one event named
        if norm in GENERIC:
            continue
        out.append(_trim(sent, si, _mk("Event", sent, si, phrase[0], phrase[-1], "event-noun")))
    return [m for m in out if m is not None]


def _clause_events(sent: Sentence, si: int) -> list[Mention]:
    """Events read from the clause: 召开了某某会 (object of holding), 某某会在某地举行 (subject held)."""
    s = sent.norm
    out: list[Mention] = []
    for m in HOLD_VERB.finditer(s):
        rest = s[m.end():]
        stop = min((rest.find(c) for c in "，,。；;：:！？!?、 《》<>" if c in rest), default=len(rest))
        name = _longest_event_prefix(rest[: min(stop, 40)], clause=True)
        if name:
            cut = _after_modifier(name)  # 举行了隆重的开幕式: 开幕式
            name = name[cut:]
            b = m.end() + cut
            span = _trim(sent, si, _span("Event", sent, si, sent.start + b, sent.start + b + len(name), "held-object"))
            if span is not None:
                out.append(span)
    for m in HELD_SUBJECT.finditer(s):
        start = max(s.rfind(c, 0, m.start()) for c in "，,。；;：:！？") + 1
        lead = CLAUSE_LEAD.match(s[start : m.start()])
        start += lead.end() if lead else 0
        cut = _after_modifier(s[start : m.start()])  # 由某局主办的某某会: 某某会
        start += cut
        name = s[start : m.start()]
        if 4 <= len(name) <= 80 and not any(c in name for c in "《》<>") and is_event_name(_strip_asides(name), True):
            span = _trim(sent, si, _span("Event", sent, si, sent.start + start, sent.start + m.start(), "held-subject"))
            if span is not None:
                out.append(span)
    return out


def _after_modifier(text: str) -> int:
    """Where a name starts after its modifiers: past the last 的 outside quotes (由某局主办的某某会, 隆重的开幕式)."""
    cut = 0
    for k, c in enumerate(text[:-1]):
        if c == "的" and not _in_quote(text, k):
            cut = k + 1
    return cut


def _longest_event_prefix(text: str, clause: bool = False) -> str | None:
    """The longest start of the text that is an event name (a head noun ends it, nothing continues the head)."""
    for k in range(len(text), 1, -1):
        name = text[:k]
        if is_event_name(name, clause) and not (k < len(text) and lexicon().event_nouns.longest_suffix(text[: k + 1])):
            if NOT_EVENT_AFTER.match(text[k:]) or (k < len(text) and text[k] in "会式礼"):
                continue
            return name
    return None


def _trim(sent: Sentence, si: int, m: Mention) -> Mention | None:
    """Leading clause verbs off (见证某某仪式 → 某某仪式); None when no name is left."""
    lead = LEADING_VERBS.match(m.norm)
    start = m.start + (lead.end() if lead else 0)
    if m.end - start < 2:
        return None
    out = _span("Event", sent, si, start, m.end, m.rule) if start != m.start else m
    if out.norm in GENERIC or not _strip_asides(out.norm):
        return None
    return out


def _strip_asides(norm: str) -> str:
    return ASIDE.sub("", norm)


def aside_aliases(norm: str, text: str) -> list[str]:
    """Other names of an event printed with a (简称“X”) aside: without the aside, and with X for what it shortens.

    某某产教协作网(简称“产协网”)第一届第六次理事会 → 某某产教协作网第一届第六次理事会,
    产协网第一届第六次理事会.
    """
    m = ASIDE.search(norm)
    if not m:
        return []
    plain = text[: m.start()] + text[m.end():]
    short = text[m.start(1) : m.end(1)] + text[m.end():]
    return [a for a in dict.fromkeys([ASIDE.sub("", plain), ASIDE.sub("", short)]) if a and a != text]


def _split_joined(sent: Sentence, si: int, m: Mention) -> list[Mention]:
    """某某会暨某某仪式 / 某某仪式及某某签约仪式: two events where the part before the joiner ends with a head."""
    norm = m.norm
    for k in range(len(norm) - 2, 1, -1):
        if norm[k] not in JOINERS:
            continue
        left, right = norm[:k], norm[k + 1 :]
        if norm[k] != "暨" and lexicon().event_nouns.longest_suffix(left) in VERB_HEADS:
            continue  # 集中签约和某某开工活动: one happening with a shared head
        if is_event_name(_strip_asides(left), True) and is_event_name(_strip_asides(right), True) \
                and not _in_quote(norm, k):
            first = _span("Event", sent, si, m.start, m.start + k, m.rule)
            second = _span("Event", sent, si, m.start + k + 1, m.end, m.rule)
            return [first, *_split_joined(sent, si, second)]
    return [m]


def _in_quote(text: str, k: int) -> bool:
    opened = sum(text[:k].count(c) for c in "“「『(（")
    closed = sum(text[:k].count(c) for c in "”」』)）")
    return opened > closed


def _quoted_events(sent: Sentence, si: int) -> list[Mention]:
    out = []
    lex = lexicon()
    for m in QUOTED.finditer(sent.norm):
        body = m.group(1)
        if lex.event_nouns.longest_suffix(body) and body not in GENERIC:
            out.append(_span("Event", sent, si, sent.start + m.start(1), sent.start + m.end(0) - 1, "quoted-event"))
    for m in QUOTED_ACTIVITY.finditer(sent.norm):
        out.append(_span("Event", sent, si, sent.start + m.start(), sent.start + m.end(), "quoted-event"))
    return out


def _meeting_verbs(sent: Sentence, si: int, events: list[Mention]) -> list[Mention]:
    out = []
    for m in MEETING_VERB.finditer(sent.norm):
        s, e = sent.start + m.start(1), sent.start + m.end(1)
        if not any(ev.start <= s < ev.end for ev in events):
            out.append(_span("Event", sent, si, s, e, "meeting-verb"))
    return out


def _drop_nested(ms: list[Mention]) -> list[Mention]:
    """The longest reading of overlapping event names wins (the clause grammar over a token walk inside it)."""
    out: list[Mention] = []
    clause_first = {"held-subject": 0, "held-object": 0}
    for m in sorted(ms, key=lambda m: (-(m.end - m.start), m.start, clause_first.get(m.rule, 1))):
        if not any(o.start < m.end and m.start < o.end for o in out):
            out.append(m)
    return sorted(out, key=lambda m: m.start)


# ---------------------------------------------------------------------------------------------
# The main event


def is_sub_event(norm: str) -> bool:
    """An opening ceremony or a forum's sub-forum: a part of the main event, never the main one when there is more."""
    return bool(SUB_EVENT.match(norm))


def main_event(title: str | None, sentences: list[Sentence], events: list[Mention],
               name_of: dict[int, str]) -> Mention | None:
    """The event the report is about: named in the headline, held in the lead, not a part of another.

    Each event entity is scored on its first mention: the share of its name that the
    headline repeats (×3); being in the lead (+1 first sentence with an event, +0.5 the
    second) and held there (召开某某会 / 某某会在某地举行, +0.5; 将陆续召开, −1); being the
    second of A暨B (−1.5) or the sitting "A举行B" holds (+1.5); describing the guests
    (会见出席某论坛的代表团, −1.5); an edition in the name (+0.5); a bare 会见 (−1), a
    ceremony part or a generic word (−2); how often it is named; ties go to the earliest.
    """
    if not events:
        return None
    headline = to_simplified(title or "")
    lead_sents = sorted({m.sent for m in events})[:2]
    firsts: dict[str, Mention] = {}
    for m in sorted(events, key=lambda m: m.start):
        firsts.setdefault(name_of[id(m)], m)
    names = list(firsts)
    mentioned = {n: sum(1 for m in events if name_of[id(m)] == n) for n in names}

    def score(name: str) -> tuple[float, int]:
        m = firsts[name]
        norm = _strip_asides(to_simplified(name))
        sent = sentences[m.sent].norm
        s = 0.0
        if headline:
            s += 3.0 * _overlap(norm, headline)
        if m.sent in lead_sents:
            s += 1.0 if m.sent == lead_sents[0] else 0.5
            before = sent[: m.start - sentences[m.sent].start]
            if m.rule in ("held-object", "held-subject") and not FUTURE.search(before):
                s += 0.5
            if FUTURE.search(before):
                s -= 1.0  # 各县将陆续召开党代表大会: other happenings than the one reported
        rel = m.start - sentences[m.sent].start
        if rel > 0 and sent[rel - 1] in JOINERS and any(
                o.sent == m.sent and o.end == m.start - 1 for o in events):
            s -= 1.5  # the second of A暨B
        before = sent[:rel]
        held = HOLDS_BEFORE.search(before)
        if held and any(o.sent == m.sent and o.end - sentences[m.sent].start == held.start() for o in events):
            s += 1.5  # 某大会举行第三次全体会议: the sitting is what the report is about
        after = sent[m.end - sentences[m.sent].start :]
        if after.startswith("的") and GUESTS_BEFORE.search(before):
            s -= 1.5  # 会见出席某论坛的代表团: the forum describes the guests; the report is the meeting
        if EDITION.search(norm):
            s += 0.5  # 第十次代表大会 over a bare 党代表大会
        if m.rule == "meeting-verb":
            s -= 1.0
        if is_sub_event(norm) or norm in GENERIC:
            s -= 2.0
        s += 0.1 * min(mentioned[name], 5)
        return s, -m.start

    return firsts[max(names, key=score)]


def _overlap(name: str, headline: str) -> float:
    """The share of the name's character pairs the headline repeats (1.0: the headline names it whole)."""
    if name in headline:
        return 1.0
    pairs = [name[i : i + 2] for i in range(len(name) - 1)]
    return sum(1 for p in pairs if p in headline) / len(pairs) if pairs else 0.0


def headline_alias(title: str | None, main: Mention) -> str | None:
    """The headline as another name of the main event, where the headline is that happening told as a clause.

    某医院党委书记甲一行来我院参访交流 (main event 参访交流), 甲公司与乙公司签署战略合作框架协议
    (a signing), 甲会见乙 (a meeting): analysts and annotators call the event by its headline.
    The headline is an alias only: the evidence stays with the mentions in the text.
    """
    if not title:
        return None
    head = HEADLINE_NOISE.sub("", title).strip()
    head = re.split(r"\s*[|｜]|——|\s-\s", head)[0].strip()
    if not 6 <= len(head) <= 40 or any(c in head for c in "，,。！？!?"):
        return None
    norm = to_simplified(head)
    if norm == main.norm:
        return None
    if norm.endswith(main.norm) and main.rule in ("visit", "meeting-verb", "held-object", "held-subject"):
        return head
    if SIGNING_HEADLINE.search(norm) and re.search("签约|签署|签字", main.norm):
        return head
    if VISIT_HEADLINE.search(norm) and main.rule in ("visit", "meeting-verb"):
        return head
    return None


def refers_to_event(rest: str) -> bool:
    """The words after a cue refer back to an event without naming it (出席会议, 参加本次活动)."""
    return bool(EVENT_REFERENCE.match(rest))


__all__ = ["aside_aliases", "headline_alias", "is_event_name", "is_sub_event", "main_event", "refers_to_event",
           "sentence_events"]
