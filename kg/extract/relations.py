"""Relations from cue words, sentence by sentence (GUIDELINE "Relations").

Each rule names the pattern of Chinese event reports it reads. Subjects and
objects are entity names; an event left implicit ("出席活动并讲话") is the
article's main event, the first one it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.mentions import BARE_ALLIANCE, CLASS_REFERENCES, Mention
from kg.extract.segment import Sentence, to_simplified
from kg.extract.titles import title_before
from kg.lexicon import lexicon
from kg.model import Evidence, Relation
from kg.text import iso_date

# 9月26日, 2024年9月26日, 26日 (day only: month from context is not guessed)
DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
YEAR_MONTH = re.compile(r"(\d{4})年(\d{1,2})月(?!\d)")
VAGUE_DATE = ("近日", "日前", "近期", "前不久", "最近")
# "X表示/指出" speaks only when X stands right before the cue (X在致辞中表示 too).
SAY_CUES = ("表示", "指出", "强调", "介绍", "汇报", "解读", "宣读", "作总结")
# 甲作了某某工作报告 / 甲作专题报告: a report delivered is a speech
REPORT = re.compile(r"作了?(?:《[^》]*》|[^，,。；;《]){0,40}?报告")
CLAUSE_END = "，,；;：:"
# A pronoun opening a sentence continues the previous sentence's speaker.
PRONOUN = re.compile(r"^(他|她)(?:在[^，,。]{0,10}中)?(表示|指出|强调|说)")
# Bare words that refer back to an entity of the article.
# What may stand before a clause's subject (a date) and between it and its cue (在某地, 共同, 成功).
SUBJ_LEAD = re.compile(r"^\s*(\d{1,2}月\d{1,2}日)?(上午|下午|晚上|晚)?\s*$")
CUE_GAP = re.compile(r"^(在[^，,。]{0,20})?(共同|联合|成功|隆重|正式|首次|再次|于)*$")
ATTENDEES_AFTER = re.compile(r"(?:出席|参加|参会|与会|到会)[^，,。；;]{0,10}的(?:嘉宾|领导|人员)?(?:还)?(?:有|包括)")
# 由甲、乙主办/承办: the organisers listed between 由 and the cue
ORGANIZER = re.compile(r"([^，,。；;由]{2,80}?)(?:共同|联合)?(?:主办|承办|协办)(?!方|单位)")
# 成员单位包括甲、乙 / 理事单位有甲、乙: the listed organisations are members of the alliance at hand
MEMBER_LIST = re.compile(r"(?:成员单位|理事单位|会员单位|常务理事单位|成员)(?:包括|有|为|是)([^。；;]*)")
EVENT_PART_STAGE = re.compile(r"在(.{2,12}?)(?:阶段|环节)")


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

    def of(self, *types: str) -> list[Mention]:
        """Mentions of these types that can take part in the story (not bylines)."""
        return [m for m in self.ments if m.type in types and m.rule != "byline"]

    def name(self, m: Mention) -> str:
        return self.name_of[id(m)]

    def ev(self, start: int | None = None, end: int | None = None) -> Evidence:
        return Evidence(self.sent.text, self.sent.start if start is None else start,
                        self.sent.end if end is None else end)


def _event_before(ctx: Ctx, pos: int) -> str | None:
    """The event a speaker speaks at: one named before the cue (在某大会上表示), else the main event."""
    before = [m for m in ctx.of("Event") if m.end - ctx.sent.start <= pos]
    return ctx.name(before[-1]) if before else ctx.main_event


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
    """The event named after a cue (出席某论坛), else the one named in the sentence, else the main event."""
    evs = ctx.of("Event")
    after = [m for m in evs if m.start - ctx.sent.start >= pos]
    if after:
        return ctx.name(after[0])
    if evs:
        return ctx.name(evs[-1])
    return ctx.main_event


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


def sentence_relations(ctx: Ctx, prev_speaker: str | None) -> tuple[list[Relation], str | None]:
    """Relations of one sentence, and the person a following 他/她 refers to."""
    s = ctx.sent.norm
    off = ctx.sent.start
    rels: list[Relation] = []
    persons = ctx.of("Person")
    orgs = ctx.of("Organization", "Alliance")

    def add(subj: str | None, pred: str, obj: str | None) -> None:
        if subj and obj and subj != obj:
            rels.append(Relation(subj, pred, obj, ctx.ev()))

    # attended: 甲、乙出席/参加(某会) — everyone named before the cue
    for pos, _cue in _cue_positions(s, "attended"):
        ev = _event_after(ctx, pos)
        for p in persons:
            if p.end - off <= pos:
                add(ctx.name(p), "attended", ev)
    # 出席活动的还有甲、乙等 / 参加会议的有甲: the attendees are named after the cue
    for m in ATTENDEES_AFTER.finditer(s):
        ev = _event_before(ctx, m.start())
        for p in persons:
            if p.start - off >= m.end():
                add(ctx.name(p), "attended", ev)
    # 甲会见乙: both sides of a meeting take part in it
    for ev in ctx.of("Event"):
        if ev.rule == "meeting-verb":
            for p in persons:
                add(ctx.name(p), "attended", ctx.name(ev))
    # spokeAt: 讲话/致辞/发言 after the names; 表示/指出 right after one name
    stage = _stage_event(ctx)
    say = _cue_positions(s, "spokeAt") + [(m.start(), "作报告") for m in REPORT.finditer(s)]
    for pos, cue in say:
        if cue in SAY_CUES or cue == "作报告":
            # 甲表示 / 甲书记在致辞中指出 / 甲对某某表示欢迎: the clause's first name speaks
            start = max(s.rfind(c, 0, pos) for c in CLAUSE_END) + 1
            subj = [p for p in persons if start <= p.start - off and p.end - off <= pos][:1]
            if "分别" in s[:pos]:  # 甲、乙分别作…报告: every name before 分别
                subj = [p for p in persons if p.end - off <= s.index("分别")]
            for p in subj:
                add(ctx.name(p), "spokeAt", stage or _event_before(ctx, pos))
        else:
            for p in persons:
                if p.end - off <= pos:
                    add(ctx.name(p), "spokeAt", _event_after(ctx, pos))
    pm = PRONOUN.match(s)
    if pm and prev_speaker and ctx.main_event:
        add(prev_speaker, "spokeAt", ctx.main_event)
    # hosted: 由甲主持 / 甲主持 / 在甲的主持下
    for pos, _cue in _cue_positions(s, "hosted"):
        # 由甲主持 / 甲、乙主持: the hosts stand in the cue's own clause
        ev = _event_after(ctx, pos)
        start = max(s.rfind(c, 0, pos) for c in CLAUSE_END) + 1
        for p in persons:
            if start <= p.start - off and p.end - off <= pos:
                add(ctx.name(p), "hosted", ev)
    # organized: 由某单位主办/承办 — organisations before the cue, not those holding a named post
    for m in ORGANIZER.finditer(s):
        ev = _event_after(ctx, m.end())
        for o in orgs:
            if m.start(1) <= o.start - off and o.end - off <= m.end(1) and not _holds_post(ctx, o):
                add(ctx.name(o), "organized", ev)
    for pos, _cue in _cue_positions(s, "organized"):
        # 某单位举办/召开某会: only the organisation that opens the clause and stands right before the cue
        for o in _clause_subjects(s, off, pos, orgs):
            add(ctx.name(o), "organized", _event_after(ctx, pos))
    # presented: 作《A》报告; 甲、乙分别作《A》《B》报告 pairs in order
    works = ctx.of("Work")
    if works and re.search(r"(作|做|发布|宣讲|解读)", s):
        speakers = [p for p in persons if p.start < works[0].start]
        if "分别" in s and len(speakers) == len(works):
            for p, w in zip(speakers, works, strict=True):
                add(ctx.name(p), "presented", ctx.name(w))
        elif len(speakers) >= 1:
            for w in works:
                add(ctx.name(speakers[-1]), "presented", ctx.name(w))
    # awarded: (甲)为某单位授牌 / 向某单位颁发
    for m in re.finditer(r"[为向给](.{2,40}?)(授牌|颁发|颁奖|授予)", s):
        # the giver is the clause's subject, not a name inside 受某某委托
        giver = sorted((x for x in persons if x.end - off <= m.start()), key=lambda x: x.start) or \
            sorted((x for x in orgs if x.end - off <= m.start()), key=lambda x: x.start)
        rec = [o for o in orgs if m.start(1) <= o.start - off < m.end(1)]
        if giver and rec:
            add(ctx.name(giver[0]), "awarded", ctx.name(rec[0]))
    # founded: 某单位牵头成立/发起成立某联盟
    for pos, cue in _cue_positions(s, "founded"):
        subj = [x for x in orgs + persons if x.end - off <= pos]
        # what was founded is named in the cue's own clause (某学院牵头成立某联盟)
        obj = [o for o in orgs if o.start - off >= pos + len(cue)
               and not any(c in s[pos + len(cue) : o.start - off] for c in "，,。；;")]
        # 由甲、乙、丙等(为主要单位)发起成立的某联盟 / 某联盟由甲牵头发起: the organisations between 由
        # and the cue founded it; in the passive form what they founded stands before 由
        lead = s.rfind("由", 0, pos)
        founders = [o for o in orgs if lead >= 0 and lead < o.start - off and o.end - off <= pos]
        if not obj and founders:
            obj = [o for o in orgs if o.end - off <= lead][-1:]
        if not (subj and obj):
            continue
        for f in founders or [max(subj, key=lambda x: x.end)]:
            add(ctx.name(f), "founded", ctx.name(obj[0]))
    # memberOf: 某单位加入某联盟 / 某单位当选某联盟理事单位
    for m in MEMBER_LIST.finditer(s):
        alliances = [o for o in orgs if o.type == "Alliance" and o.end - off <= m.start()]
        group = ctx.name(alliances[-1]) if alliances else ctx.last_alliance
        for o in orgs:
            if m.start(1) <= o.start - off < m.end(1) and o.type != "Alliance":
                add(ctx.name(o), "memberOf", group)
    for pos, cue in _cue_positions(s, "memberOf"):
        if cue == "加入":
            subj = [o for o in orgs if o.end - off <= pos]
            obj = [o for o in orgs if o.start - off >= pos + len(cue)]
            if subj and obj:
                add(ctx.name(subj[-1]), "memberOf", ctx.name(obj[0]))
    # represents: 甲代表某单位发言/致辞/签约
    for m in re.finditer(r"代表", s):
        # 甲代表… or 甲厅长代表…: the name, perhaps with its title, right before 代表
        who = [p for p in persons if p.end - off == m.start() or (
            p.end - off < m.start() and title_before(s[p.end - off : m.start()]) == s[p.end - off : m.start()])]
        if not who:
            continue
        person = ctx.name(who[-1])
        # 代表甲、乙 / 代表甲和乙: each organisation of the list, named or by a bare 市政府/学校
        pos = m.end()
        while pos < len(s):
            target = next((o for o in orgs if o.start - off == pos), None)
            if target is not None:
                add(person, "represents", ctx.name(target))
                pos = target.end - off
            else:
                word = _class_word(s[pos:])
                ref = _bare_reference(ctx, s[pos:], person)
                if word is None or ref is None:
                    break
                add(person, "represents", ref)
                pos += len(word)
            if pos < len(s) and s[pos] in "、和及与":
                pos += 1
                continue
            break
    # partOf: 甲会暨乙仪式 — events after 暨 belong to the first one
    evs = ctx.of("Event")
    for m in re.finditer("暨", s):
        left = [e for e in evs if e.end - off <= m.start()]
        right = [e for e in evs if e.start - off >= m.end()]
        if left and right:
            for r in right:
                add(ctx.name(r), "partOf", ctx.name(left[-1]))
    if stage and ctx.main_event:
        add(stage, "partOf", ctx.main_event)
    # heldAt: 在某地举行/召开/举办
    for m in re.finditer(r"在(.{2,20}?)(隆重)?(举行|召开|举办|开幕|启动|开班)", s):
        places = [x for x in ctx.of("Place") if m.start(1) <= x.start - off < m.end(1)]
        subj = [e for e in evs if e.end - off <= m.start()]
        target = ctx.name(subj[0]) if subj else ctx.main_event  # 甲会暨乙仪式在某地举行: the main one
        for pl in places[:1]:
            add(target, "heldAt", ctx.name(pl))
    speaker = None
    named = [p for p in persons if p.start - off <= 2]
    if named:
        speaker = ctx.name(named[0])
    elif pm:
        speaker = prev_speaker
    return rels, speaker


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


def held_on(sentences: list[Sentence], main_event_sent: int | None, published: str | None) -> str | None:
    """The date of the main event: the first full date in the sentence that opens the report."""
    if main_event_sent is None:
        return None
    for si in (main_event_sent, 0):
        if si >= len(sentences):
            continue
        text = sentences[si].norm
        m = DATE.search(text)
        if m and not any(v in text[: m.start()] for v in VAGUE_DATE):
            return complete_date(text[m.start():], published)
    return None
