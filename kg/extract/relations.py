"""Relations from cue words, sentence by sentence (GUIDELINE "Relations").

One function per relation family (``attended``, ``spoke_at``, ``hosted``,
``organized``, ``presented``, ``awarded``, ``founded``, ``member_of``,
``represents``, ``part_of``, ``held_at``; ``held_on`` for the main event's date),
each taking the sentence's ``Ctx`` and returning its relations, so that each can be
read and tested alone; ``FAMILIES`` lists them and ``sentence_relations`` runs them.
Subjects and objects are entity names; an event left implicit ("出席活动并讲话",
"参加会议") is the article's main event, chosen by ``kg.extract.events.main_event``
from the headline and the lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.events import is_sub_event, refers_to_event
from kg.extract.mentions import BARE_ALLIANCE, CLASS_REFERENCES, Mention
from kg.extract.segment import Sentence, to_simplified
from kg.extract.titles import title_before
from kg.lexicon import lexicon
from kg.model import Evidence, Relation
from kg.text import iso_date

# --- held_on: dates (F5) ---
# 9月26日, 2024年9月26日, 26日 (day only: month from context is not guessed)
DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
YEAR_MONTH = re.compile(r"(\d{4})年(\d{1,2})月(?!\d)")
VAGUE_DATE = ("近日", "日前", "近期", "前不久", "最近")
# 昨日/昨天/今日/今天/前天 at the head of a report: a day counted from the publication date (F5).
RELATIVE_DAY = re.compile(r"(前天|昨天|昨日|今天|今日)")
RELATIVE_OFFSET = {"前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0}
# A day alone opening the report (11日上午,…): a day of the publication month.
DAY_ONLY = re.compile(r"^\s*(\d{1,2})[日号](?:上午|下午|晚上|晚|早上|中午)?[，,]")
# A year the article prints (2025年), standing in for a missing publication date.
PRINTED_YEAR = re.compile(r"((?:19|20)\d{2})年")
# A dateline (某地5月9日电 / 5月9日讯) followed by a day alone (8日,…): that day of the dateline's month.
DATELINE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:电|讯)[）)]?\s*[（(]?[^，,。]{0,20}?[）)]?\s*"
                      r"(\d{1,2})日")

# --- spoke_at ---
# "X表示/指出" speaks only when X stands right before the cue (X在致辞中表示 too).
SAY_CUES = ("表示", "指出", "强调", "介绍", "汇报", "解读", "宣读", "作总结")
# 甲作了某某工作报告 / 甲作专题报告: a report delivered is a speech
REPORT = re.compile(r"[作做]了?(?:《[^》]*》|[^，,。；;《]){0,40}?报告|报告了|[作做]了?的?《[^》]+》")
CLAUSE_END = "，,；;：:"
# A pronoun opening a sentence continues the previous sentence's speaker.
PRONOUN = re.compile(r"^(他|她)(?:在[^，,。]{0,10}中)?(表示|指出|强调|说)")
# 学习/贯彻/传达…(重要)讲话: a speech studied or relayed, given elsewhere.
QUOTED_SPEECH = re.compile(r"(学习|贯彻|传达|领会|落实|深入学习)")
# 传达学习了某某在某地考察时发表的重要讲话 / 学习某某关于某工作重要讲话指示批示精神: a speech relayed, whatever
# stands between the verb and the cue in its clause (not 学习会/学习班, where one does speak).
RELAYED_SPEECH = re.compile(r"(?:学习|贯彻|传达|领会)(?!会|班|中心组|研讨)")
# After an event: the scene of a speech (在某会上/中/期间); or the event as a topic (某论坛的召开/成功举办).
SCENE_AFTER = re.compile(r"(?:开幕式|闭幕式)?(?:上|中|期间|现场)")
TALKED_ABOUT = re.compile(r"的(?:召开|举办|举行|成功|顺利|胜利|圆满)")

# --- attended (and the parties of a signing, F1) ---
# 出席活动的还有甲 / 参加本次活动的企业界代表有：甲；乙: the attendees are named after the cue.
ATTENDEES_AFTER = re.compile(r"(?:出席|参加|参会|与会|到会)[^，,。；;]{0,10}的[^，,。；;的]{0,8}?(?:还)?(?:有|包括)")
# 与会官员/代表/嘉宾: people described as attending, after the cue word.
PARTICIPANT_NOUN = re.compile(r"(?:的)?(?:官员|代表|嘉宾|人员|领导|专家|同志|者|企业|单位|学员|师生)")
# 签约仪式, 签字仪式, 签署…协议: a signing, whose parties attend it (F1).
SIGNING = re.compile(r"签约|签字|签署")
# A与B签署/签订/签约: the clause's organisations sign (an object or 仪式 follows).
SIGN_VERB = re.compile(r"(?:正式|共同|现场)?(?:签署|签订|签约)")
# 甲、乙带领某某到/赴/莅临某地进行某某调研: the verb that takes the visitors (named before it) to where they go.
VISIT_VERB = re.compile(r"(?:莅临|来到|走进|赴|到|来|前往)")
# What a visit is called at its head (某某专题调研, 考察, 参观交流).
VISIT_KIND = re.compile(r"(?:调研|考察|参观|走访|视察|访问|拜访|指导|交流)(?:工作|活动)?$")
# A与B举行/举办…签约仪式: the verb of holding right before a signing, whose clause subjects are its parties.
HOLDS_SIGNING = re.compile(r"(?:共同|联合|隆重)?(?:举行|举办|召开)了?$")
# A ceremony other than the signing, whose object an organisation after the signing is (开工, 揭牌 …).
OTHER_CEREMONY = re.compile(r"开工|奠基|揭牌|落成|启用|开业|投产")

# --- organized: clause subjects and 由…主办 (F3) ---
# What may stand before a clause's subject (a date) and between it and its cue (在某地, 共同, 成功).
CLAUSE_DATE = re.compile(r"\s*(\d{1,2}月\d{1,2}日)?(上午|下午|晚上|晚)?\s*")
SUBJ_LEAD = re.compile(r"^\s*(\d{1,2}月\d{1,2}日)?(上午|下午|晚上|晚)?\s*$")
CUE_GAP = re.compile(r"^(于(\d{4}年)?(\d{1,2}月)?\d{1,2}[日号](上午|下午|晚上)?)?(在[^，,。]{0,20})?"
                     r"(共同|联合|成功|隆重|正式|首次|再次|于|组织)*$")
# 由甲、乙主办/承办: the organisers listed between 由 and the cue
ORGANIZER = re.compile(r"([^，,。；;由]{2,80}?)(?:共同|联合)?(?:主办|承办|协办)(?!方|单位)")
# A region's name (某市, 某县, 某区, 某省): the one kind of place that convenes meetings.
REGION = re.compile(r"[省市县区州盟旗]$")

# --- presented ---
# Documents that are signed, passed or studied: 《…协议》《…法》《…条例》《…的决定》.
DOCUMENT = re.compile(r"(协议|协议书|合同|备忘录|法|条例|决定|规定|办法|意见|通知|纲要|章程)$")

# --- founded ---
# 创办/成立 + a count of years (创办10周年, 成立三十周年): an anniversary, not a founding.
ANNIVERSARY = re.compile(r"(?:\d+|[一二三四五六七八九十百]+)(?:周年|年来)")

# --- member_of (F4) ---
# 成员单位包括甲、乙 / 理事单位有甲、乙: the listed organisations are members of the alliance at hand
MEMBER_LIST = re.compile(r"(?:成员单位|理事单位|会员单位|常务理事单位|理事长单位|副理事长单位|监事单位|成员)"
                         r"(?:包括|有|为|是|[:：])([^。；;]*)")
# Right after an alliance: its members listed (某联盟签约单位包括甲、乙 / 某联盟包括甲 / 某联盟牵头单位甲).
ALLIANCE_MEMBERS = re.compile(r"(?:的)?(?:(?:签约|成员|会员|理事|发起)单位|成员)?(?:包括|有|涵盖|[:：])|(牵头单位)")

# --- represents (F2) ---
# 代表双方/两家医院/各自单位: each person for their own organisation.
BOTH_SIDES = re.compile(r"(?:双方|两家[^，,。]{0,4}|各自单位|两校|两单位|两院)")
# Between the items of a list of organisations: 、 和 及 与 以及 ，
LIST_JOINER = re.compile(r"(、|和|及|与|以及|，|,)(?=\S)")

# --- part_of (F4) ---
# 会上还举行了… / 会议首先举行… / 期间还召开了…: what is held during the main event is a part of it (F4).
SIDE_HELD = re.compile(r"(?:会上|会议|大会|期间|活动中|仪式上|调研组|考察组)[^，,。；;]{0,6}?(?:还|同时|首先|随后|并)"
                       r"(?:举行|召开)了?$")
# The opening or closing of an event, a numbered plenary sitting, a sub-forum: parts of the main event.
SUB_PART = re.compile(r"(开幕式|闭幕式|开幕仪式|闭幕仪式|开班仪式|开幕大会|分论坛"
                      r"|第[一二三四五六七八九十\d]+次全体会议)$")
# 某大会举行第三次全体会议: a larger meeting holding a sitting (the object partOf the subject).
HOLDS = re.compile(r"(?:举行|召开)了?")
# 在专题报告阶段/环节: a stage of the main event, named elsewhere as an event of its own.
EVENT_PART_STAGE = re.compile(r"在(.{2,12}?)(?:阶段|环节)")

# --- held_at (F3) ---
# 在某地举行/召开/举办/成立/开幕/启幕: where the event is held (F3: 某会在某地成立 too);
# 甲与乙在某地会面/会见: the meeting, named by its own verb, held there.
HELD_AT = re.compile(r"在(.{2,20}?)(?:隆重|顺利|正式)?(举行|召开|举办|开幕|启幕|启动|开班|成立|揭牌|会面|会见|会晤)")

@dataclass
class Ctx:
    """What the rules need to know about the article while reading one sentence."""

    sent: Sentence
    ments: list[Mention]
    name_of: dict[int, str]  # id(mention) -> entity name
    main_event: str | None
    published: str | None
    last_alliance: str | None
    orgs: list[str]  # every organisation the article names, most mentioned first
    post_orgs: dict[str, list[str]]  # person -> organisations of their posts in this article
    events: list[str]  # every event of the article, in order of first mention
    prev_speaker: str | None = None  # the person a 他/她 opening this sentence refers to
    open_list: str | None = None  # the event whose list of attendees the previous sentence left open (；)
    # the 会见/会晤 the previous sentences told, with who took part, while no other event has followed (A2)
    meetings: tuple[tuple[str, frozenset[str]], ...] = ()

    def of(self, *types: str) -> list[Mention]:
        """Mentions of these types that can take part in the story (not bylines)."""
        return [m for m in self.ments if m.type in types and m.rule != "byline"]

    def name(self, m: Mention) -> str:
        return self.name_of[id(m)]

    def ev(self, start: int | None = None, end: int | None = None) -> Evidence:
        return Evidence(self.sent.text, self.sent.start if start is None else start,
                        self.sent.end if end is None else end)


def _meeting_of(ctx: Ctx, speaker: str | None) -> str | None:
    """The meeting a speaker's words belong to: one they took part in, else the last one told."""
    if not ctx.meetings:
        return None
    return next((name for name, people in reversed(ctx.meetings) if speaker in people), ctx.meetings[-1][0])


def _event_before(ctx: Ctx, pos: int, speaker: str | None = None) -> str | None:
    """The event a speaker speaks at (A2): one the clause sets the scene in (在某座谈会上表示, 在某论坛开幕式上),
    else the main event; an event only talked about (对某论坛的召开表示祝贺) is not where one speaks."""
    s, off = ctx.sent.norm, ctx.sent.start
    before = [m for m in ctx.of("Event") if m.end - off <= pos]
    framed = [m for m in before if SCENE_AFTER.match(s, m.end - off)
              and "在" in s[max(0, m.start - off - 20) : m.start - off]]
    if framed:
        m = framed[-1]
        if ctx.main_event and is_sub_event(m.norm):
            return ctx.main_event
        return ctx.name(m)
    if before and not SCENE_AFTER.match(s, before[-1].end - off) and TALKED_ABOUT.match(s, before[-1].end - off):
        return ctx.main_event
    return ctx.name(before[-1]) if before else _meeting_of(ctx, speaker) or ctx.main_event


def _stage_event(ctx: Ctx) -> str | None:
    """在专题报告阶段: the stage names a part of the main event, which the article calls 报告会 elsewhere."""
    m = EVENT_PART_STAGE.search(ctx.sent.norm)
    if not m:
        return None
    stage = m.group(1)
    for name in ctx.events:
        n = to_simplified(name)
        if n in stage or stage in n or (len(n) >= 3 and n[:-1] in stage):
            return name
    return None


def _cue_positions(text: str, predicate: str) -> list[tuple[int, str]]:
    """Where the predicate's cue words stand in the text (overlapping ones too), with the cue found."""
    return [(m.start(), m.group(1)) for m in lexicon().cue_patterns[predicate].finditer(text)]


def _event_after(ctx: Ctx, pos: int) -> str | None:
    """The event a cue ending at pos is about (A2).

    - a named event right after the cue (出席某某论坛) is it, unless it is a part of the
      main event (出席开幕式并致辞: the forum);
    - a bare reference (出席会议, 参加本次活动) is the main event;
    - else an event named later in the sentence, else the one named before the cue in the
      sentence, else the main event.
    """
    evs = ctx.of("Event")
    off = ctx.sent.start
    rest = ctx.sent.norm[pos:]
    gap = re.match(r"^(?:了|本次|此次|这次|当天|今天的|上午的|下午的|在)?", rest).end()
    direct = next((m for m in evs if m.start - off == pos + gap), None)
    if direct is not None:
        if ctx.main_event and is_sub_event(direct.norm):
            return ctx.main_event
        return ctx.name(direct)
    if refers_to_event(rest) and ctx.main_event:
        return ctx.main_event
    after = [m for m in evs if m.start - off >= pos]
    if after:
        return _whole(ctx, after[0])
    if evs:  # 甲会暨乙宴会在某地举行，甲、乙出席: the main event when the sentence names it, else the nearest
        names = [ctx.name(m) for m in evs]
        return ctx.main_event if ctx.main_event in names else _whole(ctx, evs[-1])
    return ctx.main_event


def _whole(ctx: Ctx, m: Mention) -> str:
    """(大会)开幕仪式由甲主持: an opening or closing stands for the main event it opens (A2)."""
    return ctx.main_event if ctx.main_event and is_sub_event(m.norm) else ctx.name(m)


def complete_date(text: str, published: str | None) -> str | None:
    """The first date in the text, its year completed from the publication date.

    A month and day well after the publication date belong to the year before
    (12月30日 in an article of 2025-01-03 is 2024-12-30).
    """
    m = DATE.search(text)
    if m:
        if m.group(1):
            return iso_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if not published:
            return None
        pub = published[:10]
        year = int(pub[:4])
        found = iso_date(year, int(m.group(2)), int(m.group(3)))
        if found and len(pub) == 10 and found > pub and int(found[5:7]) - int(pub[5:7]) > 1:
            found = iso_date(year - 1, int(m.group(2)), int(m.group(3)))
        return found
    m = YEAR_MONTH.search(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    return None


def sentence_relations(ctx: Ctx) -> tuple[list[Relation], str | None]:
    """Relations of one sentence, family by family, and the person a following 他/她 refers to."""
    rels: list[Relation] = []
    for family in FAMILIES:
        rels.extend(family(ctx))
    return rels, _next_speaker(ctx)


def _rel(ctx: Ctx, subj: str | None, pred: str, obj: str | None) -> list[Relation]:
    return [Relation(subj, pred, obj, ctx.ev())] if subj and obj and subj != obj else []


def attended(ctx: Ctx) -> list[Relation]:
    """出席/参加(某会): everyone named before the cue; 出席活动的还有甲、乙: everyone after it;
    甲会见乙: both sides; the parties of a signing (A与B签署…, A与B签约仪式) attend it (F1)."""
    s, off = ctx.sent.norm, ctx.sent.start
    persons = ctx.of("Person")
    out: list[Relation] = []
    # 甲主持会议，乙、丙出席: those named after another role's cue took that role, not this one
    others = [q + len(c) for pred in ("hosted", "spokeAt") for q, c in _cue_positions(s, pred)]
    for pos, cue in _cue_positions(s, "attended"):
        if cue == "与会" and PARTICIPANT_NOUN.match(s, pos + len(cue)):
            continue  # 与会官员, 与会代表: a description of people, not a cue for the names before it
        ev = _event_after(ctx, pos + len(cue))
        since = max((q for q in others if q <= pos), default=0)
        for p in persons:
            if since <= p.start - off and p.end - off <= pos:
                out += _rel(ctx, ctx.name(p), "attended", ev)
    for m in ATTENDEES_AFTER.finditer(s):
        ev = _event_before(ctx, m.start())
        for p in persons:
            if p.start - off >= m.end():
                out += _rel(ctx, ctx.name(p), "attended", ev)
    if ctx.open_list and not _cue_positions(s, "attended"):
        # …的企业界代表有：甲；乙；丙: a list of attendees goes on over ；-separated sentences
        for p in persons:
            out += _rel(ctx, ctx.name(p), "attended", ctx.open_list)
    for ev in ctx.of("Event"):
        if ev.rule == "meeting-verb":
            for p in persons:
                out += _rel(ctx, ctx.name(p), "attended", ctx.name(ev))
    return out + _signing_parties(ctx) + _visitors(ctx)


def _visitors(ctx: Ctx) -> list[Relation]:
    """甲、乙带领某某赴某地开展某某调研 (A3, F3): the people named before the visit verb make the visit."""
    s, off = ctx.sent.norm, ctx.sent.start
    out: list[Relation] = []
    for ev in (e for e in ctx.of("Event") if e.rule == "visit" or VISIT_KIND.search(e.norm)):
        verb = _visit_verb(s, ev.start - off)
        if verb is None:  # 甲一行来某地考察, the visit named by its clause: the visitors inside it
            out += [r for p in ctx.of("Person") if ev.start <= p.start and p.end < ev.end
                    for r in _rel(ctx, ctx.name(p), "attended", ctx.name(ev))]
            continue
        # (乙会见甲一行, 甲主持: names after another role's cue took that role)
        since = max((q + len(c) for pred in ("hosted", "spokeAt", "attended") for q, c in _cue_positions(s, pred)
                     if q + len(c) <= verb), default=0)
        for p in ctx.of("Person"):
            if since <= p.start - off and p.end - off <= verb:
                out += _rel(ctx, ctx.name(p), "attended", ctx.name(ev))
    return out


def _visit_verb(s: str, at: int) -> int | None:
    """Where the verb (赴/到/莅临 …) that takes a visit to its destination stands, in the 30 characters before it."""
    lead = s[max(0, at - 30) : at]
    cut = max(lead.rfind(c) for c in "，,。；;") + 1  # (the visit's own clause only)
    found = [m.start() for m in VISIT_VERB.finditer(lead, cut)]
    return max(0, at - 30) + found[0] if found else None


def _signing_parties(ctx: Ctx) -> list[Relation]:
    """A与B签署/签订…协议, A与B…签约仪式, A与B举行…签约仪式: the organisations that sign attend the signing."""
    s, off = ctx.sent.norm, ctx.sent.start
    orgs = ctx.of("Organization", "Alliance")
    out: list[Relation] = []
    signings = [e for e in ctx.of("Event") if SIGNING.search(e.norm)]
    for e in signings:  # 海川集团与青岚学院战略合作签约仪式: the parties inside the name
        for o in orgs:
            # (not what a ceremony joined to the signing opens: 集中签约和某某产业园开工活动)
            if e.start <= o.start and o.end <= e.end and not OTHER_CEREMONY.search(s[o.end - off : e.end - off]):
                out += _rel(ctx, ctx.name(o), "attended", ctx.name(e))
    for e in signings:  # 青岚学院与海川集团举行战略合作签约仪式: the two that hold it sign
        verb = HOLDS_SIGNING.search(s[: e.start - off])
        subjects = _clause_subjects(s, off, verb.start(), orgs) if verb else []
        if len(subjects) >= 2:
            for o in subjects:
                out += _rel(ctx, ctx.name(o), "attended", ctx.name(e))
    for m in SIGN_VERB.finditer(s):
        subjects = _clause_subjects(s, off, m.start(), orgs)
        if len(subjects) < 2:
            continue
        target = ctx.name(signings[0]) if signings else _signing_event(ctx)
        for o in subjects:
            out += _rel(ctx, ctx.name(o), "attended", target)
    return out


def _signing_event(ctx: Ctx) -> str | None:
    """The signing a 签署 clause belongs to: a signing the article names, else the main event."""
    named = [e for e in ctx.events if SIGNING.search(to_simplified(e))]
    return named[0] if named else ctx.main_event


def spoke_at(ctx: Ctx) -> list[Relation]:
    """讲话/致辞/发言 after the names; 表示/指出 right after one name; 他表示 continues the last speaker."""
    s, off = ctx.sent.norm, ctx.sent.start
    persons = ctx.of("Person")
    out: list[Relation] = []
    stage = _stage_event(ctx)
    say = _cue_positions(s, "spokeAt") + [(m.start(), "作报告") for m in REPORT.finditer(s)]
    for pos, cue in say:
        if cue in SAY_CUES or cue == "作报告":
            # 甲表示 / 甲书记在致辞中指出 / 甲对某某表示欢迎: the clause's first name speaks
            start = max(s.rfind(c, 0, pos) for c in CLAUSE_END) + 1
            subj = [p for p in persons if start <= p.start - off and p.end - off <= pos]
            # 甲表示: the clause's first name; 甲作的《A》、乙作的《B》: the nearest one before each report
            subj = subj[-1:] if cue == "作报告" else subj[:1]
            if "分别" in s[:pos]:  # 甲、乙分别作…报告: every name before 分别 (在丙的主持下: not the host)
                hosts = [q + len(c) for q, c in _cue_positions(s, "hosted") if q < s.index("分别")]
                subj = [p for p in persons if max(hosts, default=0) <= p.start - off and p.end - off <= s.index("分别")]
            for p in subj:
                out += _rel(ctx, ctx.name(p), "spokeAt", stage or _event_before(ctx, pos, ctx.name(p)))
        elif not QUOTED_SPEECH.search(s[max(0, pos - 12) : pos]) and not s.startswith("精神", pos + len(cue)) \
                and not RELAYED_SPEECH.search(s[max(s.rfind(c, 0, pos) for c in "，,；;") + 1 : pos]):
            # (学习贯彻某某重要讲话精神 is a speech studied, not given here: F6)
            for p in persons:
                if p.end - off <= pos:
                    out += _rel(ctx, ctx.name(p), "spokeAt", _event_after(ctx, pos + len(cue)))
    if PRONOUN.match(s) and ctx.prev_speaker and ctx.main_event:
        out += _rel(ctx, ctx.prev_speaker, "spokeAt", _meeting_of(ctx, ctx.prev_speaker) or ctx.main_event)
    return out


def hosted(ctx: Ctx) -> list[Relation]:
    """由甲主持 / 甲、乙主持 / 在甲的主持下: the hosts stand in the cue's own clause."""
    s, off = ctx.sent.norm, ctx.sent.start
    out: list[Relation] = []
    for pos, cue in _cue_positions(s, "hosted"):
        ev = _event_after(ctx, pos + len(cue))
        start = max(s.rfind(c, 0, pos) for c in CLAUSE_END) + 1
        for p in ctx.of("Person"):
            if start <= p.start - off and p.end - off <= pos:
                out += _rel(ctx, ctx.name(p), "hosted", ev)
    return out


def organized(ctx: Ctx) -> list[Relation]:
    """由某单位主办/承办 (not an organisation only named as where someone works); 某单位(于某日)举办/召开某会."""
    s, off = ctx.sent.norm, ctx.sent.start
    orgs = ctx.of("Organization", "Alliance")
    out: list[Relation] = []
    for m in ORGANIZER.finditer(s):
        ev = _event_after(ctx, m.end())
        for o in orgs:
            if m.start(1) <= o.start - off and o.end - off <= m.end(1) and not _holds_post(ctx, o):
                out += _rel(ctx, ctx.name(o), "organized", ev)
    for pos, _cue in _cue_positions(s, "organized"):
        # only the organisations that open the clause and stand right before the cue
        # 某市召开全市领导干部大会: a region opening the clause convenes as its government
        subjects = _clause_subjects(s, off, pos, orgs + [p for p in ctx.of("Place") if REGION.search(p.norm)])
        for o in subjects:
            out += _rel(ctx, ctx.name(o), "organized", _event_after(ctx, pos))
        if not subjects:  # 学院在某厅召开…: the bare class word stands for the article's own body
            out += _rel(ctx, _clause_class_word(ctx, pos), "organized", _event_after(ctx, pos))
    return out


def _clause_class_word(ctx: Ctx, pos: int) -> str | None:
    """The organisation a class word opening the cue's clause stands for (学校/学院/公司 …在…召开)."""
    s = ctx.sent.norm
    start = max(s.rfind(c, 0, pos) for c in "，,；;:：") + 1
    at = start + CLAUSE_DATE.match(s, start).end() - start
    word = _class_word(s[at:pos])
    if word is None or not CUE_GAP.match(s[at + len(word) : pos]):
        return None
    return resolve_class_word(word, [], ctx.orgs, ctx.last_alliance)


def presented(ctx: Ctx) -> list[Relation]:
    """作《A》报告; 甲、乙分别作《A》《B》报告 pairs in order."""
    s = ctx.sent.norm
    persons = ctx.of("Person")
    # an agreement, a law or a decision in 《》 is signed, studied or passed, not presented (F6),
    # unless it is launched or explained (发布/解读/宣讲)
    launched = re.search(r"(发布|宣讲|解读)", s)
    works = [w for w in ctx.of("Work") if launched or not DOCUMENT.search(w.norm)]
    out: list[Relation] = []
    if works and re.search(r"(作|做|发布|宣讲|解读)", s):
        speakers = [p for p in persons if p.start < works[0].start]
        if len(works) > 1 and any(works[0].end <= p.start < works[-1].start for p in persons):
            # 甲作的《A》、乙作的《B》: each work is the nearest speaker's before it
            for w in works:
                before = [p for p in persons if p.end <= w.start]
                if before:
                    out += _rel(ctx, ctx.name(before[-1]), "presented", ctx.name(w))
            return out
        if "分别" in s and len(speakers) == len(works):
            for p, w in zip(speakers, works, strict=True):
                out += _rel(ctx, ctx.name(p), "presented", ctx.name(w))
        elif len(speakers) >= 1:
            for w in works:
                out += _rel(ctx, ctx.name(speakers[-1]), "presented", ctx.name(w))
    return out


def awarded(ctx: Ctx) -> list[Relation]:
    """(甲)为某单位授牌 / 向某单位颁发: the giver is the clause's subject, not a name inside 受某某委托."""
    s, off = ctx.sent.norm, ctx.sent.start
    persons = ctx.of("Person")
    orgs = ctx.of("Organization", "Alliance")
    out: list[Relation] = []
    for m in re.finditer(r"[为向给](.{2,40}?)(授牌|颁发|颁奖|授予)", s):
        giver = sorted((x for x in persons if x.end - off <= m.start()), key=lambda x: x.start) or \
            sorted((x for x in orgs if x.end - off <= m.start()), key=lambda x: x.start)
        # 为某所所长甲颁发聘书: an organisation named for its post holder is not the recipient (F6)
        rec = [o for o in orgs if m.start(1) <= o.start - off < m.end(1) and not _holds_post(ctx, o)]
        if giver and rec:
            out += _rel(ctx, ctx.name(giver[0]), "awarded", ctx.name(rec[0]))
    return out


def founded(ctx: Ctx) -> list[Relation]:
    """某单位牵头成立/发起成立某联盟; 由甲、乙发起成立的某联盟 (the founders between 由 and the cue)."""
    s, off = ctx.sent.norm, ctx.sent.start
    persons = ctx.of("Person")
    orgs = ctx.of("Organization", "Alliance")
    out: list[Relation] = []
    for pos, cue in _cue_positions(s, "founded"):
        if ANNIVERSARY.match(s, pos + len(cue)):
            continue  # 论坛创办10周年: the founding as a date, not a founding told
        subj = [x for x in orgs + persons if x.end - off <= pos]
        # what was founded is named in the cue's own clause (某学院牵头成立某联盟)
        obj = [o for o in orgs if o.start - off >= pos + len(cue)
               and not any(c in s[pos + len(cue) : o.start - off] for c in "，,。；;")]
        # in the passive form (某联盟由甲牵头发起) what they founded stands before 由
        lead = s.rfind("由", 0, pos)
        founders = [o for o in orgs if lead >= 0 and lead < o.start - off and o.end - off <= pos]
        if not obj and founders:
            obj = [o for o in orgs if o.end - off <= lead][-1:]
        if not (subj and obj):
            continue
        for f in founders or [max(subj, key=lambda x: x.end)]:
            out += _rel(ctx, ctx.name(f), "founded", ctx.name(obj[0]))
    return out


def member_of(ctx: Ctx) -> list[Relation]:
    """成员单位包括/理事单位: 甲、乙 — the listed organisations belong to the alliance at hand; 某单位加入某联盟."""
    s, off = ctx.sent.norm, ctx.sent.start
    orgs = ctx.of("Organization", "Alliance")
    out: list[Relation] = []
    for a in (o for o in orgs if o.type == "Alliance"):
        # 某联盟(签约单位)包括甲、乙 / 某联盟牵头单位甲: the members listed right after the alliance
        tail = ALLIANCE_MEMBERS.match(s, a.end - off)
        if tail:
            end = min((k for k in (s.find(c, tail.end()) for c in "。；;") if k >= 0), default=len(s))
            for o in orgs:
                if tail.end() <= o.start - off < end and o.type != "Alliance":
                    out += _rel(ctx, ctx.name(o), "memberOf", ctx.name(a))
                    if tail.group(1) == "牵头单位":
                        break
    for m in MEMBER_LIST.finditer(s):
        alliances = [o for o in orgs if o.type == "Alliance" and o.end - off <= m.start()]
        group = ctx.name(alliances[-1]) if alliances else ctx.last_alliance
        for o in orgs:
            if m.start(1) <= o.start - off < m.end(1) and o.type != "Alliance":
                out += _rel(ctx, ctx.name(o), "memberOf", group)
    for pos, cue in _cue_positions(s, "memberOf"):
        if cue == "加入":
            subj = [o for o in orgs if o.end - off <= pos]
            obj = [o for o in orgs if o.start - off >= pos + len(cue)]
            if subj and obj:
                out += _rel(ctx, ctx.name(subj[-1]), "memberOf", ctx.name(obj[0]))
    return out


def represents(ctx: Ctx) -> list[Relation]:
    """甲代表某单位发言/致辞/签约; 代表A、B和C (each of the list); 甲、乙分别代表A和B (in order, F2)."""
    s, off = ctx.sent.norm, ctx.sent.start
    persons = ctx.of("Person")
    out: list[Relation] = []
    for m in re.finditer(r"代表", s):
        if s[max(0, m.start() - 2) : m.start()] == "分别":
            out += _distributed(ctx, m.start() - 2, m.end())
            continue
        # 甲代表… or 甲厅长代表…: the name, perhaps with its title, right before 代表; 他代表…: the last speaker
        who = [p for p in persons if p.end - off == m.start() or (
            p.end - off < m.start() and title_before(s[p.end - off : m.start()]) == s[p.end - off : m.start()])]
        if BOTH_SIDES.match(s, m.end()):
            start = max(s.rfind(c, 0, m.start()) for c in "，,。；;") + 1
            who = [p for p in persons if start <= p.start - off and p.end - off <= m.start()]
        if who and BOTH_SIDES.match(s, m.end()):
            # 甲副总经理和乙副院长代表双方签署: each for the organisation of their own post
            for p in who if len(who) > 1 else []:
                own = ctx.post_orgs.get(ctx.name(p), [])
                out += _rel(ctx, ctx.name(p), "represents", own[0] if own else None)
            continue
        if who:
            person = ctx.name(who[-1])
        elif s[max(0, m.start() - 1) : m.start()] in ("他", "她") and ctx.prev_speaker:
            person = ctx.prev_speaker
        else:
            continue
        for target in _listed_orgs(ctx, m.end(), person):
            out += _rel(ctx, person, "represents", target)
    return out


def _listed_orgs(ctx: Ctx, pos: int, person: str | None) -> list[str]:
    """The organisations listed from pos on (A、B以及C和D), named or by a bare 市政府/学校."""
    s, off = ctx.sent.norm, ctx.sent.start
    orgs = ctx.of("Organization", "Alliance")
    found: list[str] = []
    while pos < len(s):
        target = next((o for o in orgs if o.start - off == pos), None)
        if target is not None:
            found.append(ctx.name(target))
            pos = target.end - off
        else:
            word = _class_word(s[pos:])
            if word is None:
                break
            # a bare 市政府/学校: the speaker's own, else the article's only one; unresolved, the list goes on
            ref = _bare_reference(ctx, s[pos:], person) if person else None
            if ref is not None:
                found.append(ref)
            pos += len(word)
        joiner = LIST_JOINER.match(s, pos)
        if joiner:
            pos = joiner.end()
            continue
        break
    return found


def _distributed(ctx: Ctx, at: int, after: int) -> list[Relation]:
    """甲、乙分别代表A和B: the people before 分别 and the organisations after it, paired in order."""
    off = ctx.sent.start
    s = ctx.sent.norm
    start = max(s.rfind(c, 0, at) for c in "，,。；;") + 1
    people = [p for p in ctx.of("Person") if start <= p.start - off and p.end - off <= at]
    targets = _listed_orgs(ctx, after, None)
    if len(people) < 2 or len(people) != len(targets):
        return []
    return [r for p, t in zip(people, targets, strict=True) for r in _rel(ctx, ctx.name(p), "represents", t)]


def part_of(ctx: Ctx) -> list[Relation]:
    """甲会暨乙仪式: events after 暨 belong to the first; 在某阶段: a stage of the main event;
    某大会举行第三次全体会议: a sitting held by a larger meeting is part of it."""
    s, off = ctx.sent.norm, ctx.sent.start
    evs = ctx.of("Event")
    out: list[Relation] = []
    for m in re.finditer("暨", s):
        left = [e for e in evs if e.end - off <= m.start()]
        right = [e for e in evs if e.start - off >= m.end()]
        if left and right:
            for r in right:
                out += _rel(ctx, ctx.name(r), "partOf", ctx.name(left[-1]))
    for a in evs:
        held = HOLDS.match(s, a.end - off)
        if held:
            b = next((e for e in evs if e.start - off == held.end()), None)
            if b is not None:
                out += _rel(ctx, ctx.name(b), "partOf", ctx.name(a))
    for e in evs:  # 会上还举行了某某揭牌仪式 / 会议首先举行第一次全体会议 / 某某开幕式: a part of the main event
        if (SIDE_HELD.search(s[: e.start - off]) or SUB_PART.search(e.norm)) and ctx.name(e) != ctx.main_event:
            out += _rel(ctx, ctx.name(e), "partOf", ctx.main_event)
    stage = _stage_event(ctx)
    if stage and ctx.main_event:
        out += _rel(ctx, stage, "partOf", ctx.main_event)
    return out


def held_at(ctx: Ctx) -> list[Relation]:
    """在某地举行/召开/举办/成立: the event the clause is about (甲会暨乙仪式: the first), else the main one."""
    s, off = ctx.sent.norm, ctx.sent.start
    evs = ctx.of("Event")
    out: list[Relation] = []
    for m in HELD_AT.finditer(s):
        places = [x for x in ctx.of("Place") if m.start(1) <= x.start - off < m.end(1)]
        subj = [e for e in evs if e.end - off <= m.start()]
        # 在某地召开某某会: the event the verb holds; 某某会在某地举行: the clause's subject
        held = next((e for e in evs if e.start - off in (m.end(), m.end() + 1)
                     or (e.rule == "meeting-verb" and e.start - off == m.start(2))), None)
        target = ctx.name(held) if held else ctx.name(subj[0]) if subj else ctx.main_event
        # 在北岭省青川县召开 / 在古都某城举行: the last place named is where (a province before it is optional)
        for pl in places[-1:]:
            out += _rel(ctx, target, "heldAt", ctx.name(pl))
    return out + _visited(ctx)


def _visited(ctx: Ctx) -> list[Relation]:
    """赴青岚市考察 / 甲一行来云溪区调研: the place a visit goes to is where it is held (GUIDELINE: required)."""
    s, off = ctx.sent.norm, ctx.sent.start
    out: list[Relation] = []
    for ev in (e for e in ctx.of("Event") if e.rule == "visit" or VISIT_KIND.search(e.norm)):
        verb = _visit_verb(s, ev.start - off)
        lo, hi = (verb, ev.start - off) if verb is not None else (ev.start - off, ev.end - off)
        dest = [x for x in ctx.of("Place") if lo < x.start - off and x.end - off <= hi]
        if verb is None:  # the visit named by its clause: the place right after its verb of motion
            m = VISIT_VERB.search(s, lo, hi)
            dest = [x for x in dest if m and x.start - off == m.end()]
        for d in dest[:1]:
            out += _rel(ctx, ctx.name(ev), "heldAt", ctx.name(d))
    return out


# The relation families, in the order their facts are listed.
FAMILIES = (attended, spoke_at, hosted, organized, presented, awarded, founded, member_of, represents, part_of,
            held_at)


def open_list_after(ctx: Ctx) -> str | None:
    """The event whose attendees the next sentence goes on listing: this one opened or continued a list
    (出席活动的还有甲；) and ends with ；."""
    if not ctx.sent.norm.rstrip().endswith(("；", ";")):
        return None
    m = next(ATTENDEES_AFTER.finditer(ctx.sent.norm), None)
    if m is not None:
        return _event_before(ctx, m.start())
    return ctx.open_list if not _cue_positions(ctx.sent.norm, "attended") else None


def meetings_after(ctx: Ctx) -> tuple[tuple[str, frozenset[str]], ...]:
    """The 会见 whose talk the next sentences report (甲会见乙。甲表示…): those told so far, until another kind of
    event is named; what is said then is said at the meeting, not at the main event."""
    evs = ctx.of("Event")
    if not evs:
        return ctx.meetings
    if evs[-1].rule != "meeting-verb":
        return ()
    people = frozenset(ctx.name(p) for p in ctx.of("Person"))
    return (*ctx.meetings, *((ctx.name(e), people) for e in evs if e.rule == "meeting-verb"))


def _next_speaker(ctx: Ctx) -> str | None:
    """Who a 他/她 opening the next sentence is: a name opening this one, else this sentence's 他 again."""
    off = ctx.sent.start
    s = ctx.sent.norm
    # the sentence's subject: a name opening it, perhaps after its title chain (青岚市市长甲出席…)
    first_clause = min((k for k in (s.find(c) for c in "，,；;") if k >= 0), default=len(s))
    named = [p for p in ctx.of("Person") if p.start - off <= 2 or (
        p.end - off <= first_clause and title_before(s[: p.start - off]) is not None)]
    if named:
        return ctx.name(named[0])
    if PRONOUN.match(ctx.sent.norm):
        return ctx.prev_speaker
    return None


def _clause_subjects(s: str, off: int, pos: int, orgs: list[Mention]) -> list[Mention]:
    """The organisations that open the clause of a cue: 甲与乙在某地举行…, 甲举办…."""
    start = max(s.rfind(c, 0, pos) for c in "，,；;:：") + 1
    out: list[Mention] = []
    cursor = start
    for o in sorted(orgs, key=lambda o: o.start):
        rel = o.start - off
        if rel < cursor or o.end - off > pos:
            continue
        gap = s[cursor:rel]
        if gap.strip() not in ("", "与", "和", "、", "及", "同") and not (cursor == start and SUBJ_LEAD.match(gap)):
            break
        out.append(o)
        cursor = o.end - off
    if out and not CUE_GAP.match(s[cursor:pos]):
        return []
    return out


def _holds_post(ctx: Ctx, o: Mention) -> bool:
    """某局局长某某: the organisation names where a person works, not who organised."""
    rest = ctx.sent.norm[o.end - ctx.sent.start : o.end - ctx.sent.start + 8]
    return any(title_before(rest[:k]) == rest[:k] for k in range(2, len(rest) + 1))


_CLASS_WORDS = sorted(CLASS_REFERENCES, key=len, reverse=True)  # longest first: 市政府 before 政府


def _class_word(rest: str) -> str | None:
    """The class word (学校, 市政府 …) the text starts with, if any."""
    return next((w for w in _CLASS_WORDS if rest.startswith(w)), None)


def _bare_reference(ctx: Ctx, rest: str, person: str) -> str | None:
    """学校/联盟/医院 standing alone: the speaker's own such organisation, else the article's only one."""
    word = _class_word(rest)
    if word is None:
        return None
    return resolve_class_word(word, ctx.post_orgs.get(person, []), ctx.orgs, ctx.last_alliance)


def resolve_class_word(word: str, own: list[str], named: list[str], last_alliance: str | None) -> str | None:
    """The organisation a class word stands for: one's own, the alliance just named, or the only one named."""
    endings = CLASS_REFERENCES[word]
    mine = [o for o in own if to_simplified(o).endswith(endings)]
    if mine:
        return mine[0]
    if word in BARE_ALLIANCE and last_alliance:
        return last_alliance
    candidates = list(dict.fromkeys(o for o in named if to_simplified(o).endswith(endings)))
    return candidates[0] if len(candidates) == 1 else None


def held_on(sentences: list[Sentence], main_event_sent: int | None,
            published: str | None) -> tuple[str, int] | None:
    """The date of the main event and the sentence it was read from (F5).

    The first full date of the sentence naming the event, else of the report's first
    sentence; a dateline followed by a day (某地5月9日电 8日,…) gives that day of the
    dateline's month; 昨日/今日 count from the publication date.
    """
    if main_event_sent is None:
        return None
    given = published
    for si in dict.fromkeys((main_event_sent, 0)):
        if si >= len(sentences):
            continue
        text = sentences[si].norm
        published = given or _year_before(sentences, si)
        day = DAY_ONLY.match(text)
        if day and published and len(published) >= 10:
            # 11日上午,… in a report published that month: the day of the publication month (or the one before)
            d = int(day.group(1))
            y, mo = int(published[:4]), int(published[5:7])
            if d > int(published[8:10]):
                y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
            found = iso_date(y, mo, d)
            if found:
                return found, si
        line = DATELINE.search(text)
        if line:
            year = line.group(1) or (published[:4] if published else None)
            if year:
                found = iso_date(int(year), int(line.group(2)), int(line.group(4)))
                if found:
                    return found, si
        m = DATE.search(text)
        if m and not any(v in text[: m.start()] for v in VAGUE_DATE):
            found = complete_date(text[m.start():], published)
            if found:
                return found, si
        rel = RELATIVE_DAY.search(text[:12])
        if rel and published and len(published) >= 10 and not m:
            found = _shift(published[:10], RELATIVE_OFFSET[rel.group(1)])
            if found:
                return found, si
    return None


def _year_before(sentences: list[Sentence], si: int) -> str | None:
    """No publication date: the last year printed before the date (2021年元旦后的首周…1月8日) stands in for it."""
    for st in reversed(sentences[: si + 1]):
        years = PRINTED_YEAR.findall(st.norm)
        if years:
            return f"{years[-1]}-12-31"
    return None


def _shift(day: str, delta: int) -> str | None:
    """An ISO day moved by delta days."""
    from datetime import date, timedelta

    try:
        return (date.fromisoformat(day) + timedelta(days=delta)).isoformat()
    except ValueError:
        return None
