"""Mentions of people, organisations, alliances, places and works in one sentence.

Three layers may nest, as they do in the text: a work title can contain anything,
an event name (read over these mentions by kg.extract.events) can contain an
organisation (某学院成立仪式), and names
(Person/Organization/Place) do not overlap each other, the longest reading winning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from kg.extract.phrases import extend_left, is_long_name, org_end
from kg.extract.segment import Sentence, Token
from kg.extract.titles import (
    TitleSpan,
    appointment_titles,
    find_titles,
    is_plausible_name,
    name_first_titles,
    org_span,
    title_before,
)
from kg.lexicon import lexicon
from kg.resources import resource
from kg.text import FAMILY

# 《…》 encloses a titled work; newspapers and sites in 《》 are media, not works.
WORK = re.compile(r"《([^《》\n]{2,80})》")
MEDIA_SUFFIX = ("报", "杂志", "周刊", "网", "频道", "电视台", "广播")
# Words that anchor a generic noun phrase as a proper name: "全国…联盟", "中国…学会".
NAME_ANCHORS = ("全国", "中国", "国家", "国际", "世界", "亚洲", "中华", "省", "市", "首届", "第")
# Generic heads that are references, not names, when they stand alone.
# Bare words by which an article refers back to one of its own organisations (联盟, 学校, 医院 …),
# with the endings of the names they can stand for.
BARE_ALLIANCE = ("联盟", "大联盟", "该联盟")
_SCHOOL = ("学校", "学院", "大学")
CLASS_REFERENCES: dict[str, tuple[str, ...]] = {
    **{w: ("联盟",) for w in BARE_ALLIANCE},
    **{w: _SCHOOL for w in ("学校", "我校", "该校", "本校", "校")},
    "学院": ("学院",), "大学": ("大学",), "医院": ("医院",), "公司": ("公司",), "集团": ("集团", "公司"),
    "协会": ("协会",), "学会": ("学会",), "商会": ("商会",), "银行": ("银行",), "市政府": ("市政府", "市人民政府"),
    "区政府": ("区政府", "区人民政府"), "县政府": ("县政府", "县人民政府"), "研究院": ("研究院",),
}
GENERIC = frozenset("联盟 学校 学院 大学 公司 集团 协会 学会 中心 政府 部门 单位 企业 活动 会议 大会 论坛 仪式 "
                    "联合体 共同体 基地 园区 开发区 高新区 新区 我校 该校 本校 全校 双方 区 市 省 县 镇 "
                    "市委 市政府 省委 省政府 区委 区政府 县委 县政府 镇政府 镇党委 市委市政府 省委省政府 市委政府 "
                    "人大 人大常委会 常委会 政协 工商联 党委 党组 相关部门 有关部门 职能部门 产业学院 二级学院 "
                    "管委会 领导小组 办公室 工作组 代表团 联邦 新公司 子公司 总部 医院 研究院 银行 商会 中共 "
                    # a body's boards and committees by their bare names (协会六届理事会理事长)
                    "理事会 董事会 监事会 理监事会 常务理事会 执委会 委员会 专家委员会 秘书处 主席团".split())
# The government of the article's own city, district or county by its bare name (代表市政府致辞,
# 市政府与某集团签约): an organisation of the story (GUIDELINE), though not as a title's prefix
# (市政府副秘书长 keeps it in the title). It joins the full name where the article prints one.
BARE_GOVERNMENT = frozenset("市政府 区政府 县政府 镇政府 市人民政府 区人民政府 县人民政府 管委会".split())
# An edition or sitting alone (七届 of 七届理事会理事长) names no organisation.
BARE_ORDINAL = re.compile(r"^第?[一二三四五六七八九十百零〇\d]+(届|次|期|批)$")


# Venues (hotels, halls, conference centres): where events are held, places not organisations.
VENUE = re.compile(r"(会议中心|会展中心|国际会议中心|博览中心|大酒店|酒店|宾馆|饭店|大厦|会堂|礼堂"
                   r"|报告厅|会议室|多功能厅|体育馆|体育中心|展示厅|展厅|展览馆|展览中心|大剧院|剧院|音乐厅|演播厅)$")
# Areas named after a place (某湖旅游度假区, 某某城市群): the place and the area word are one place.
AREA_WORDS = ("旅游度假区", "风景名胜区", "湿地公园", "度假区", "风景区", "旅游区", "城市群", "经济带", "经济圈",
              "经济区", "景区")
AREA = re.compile("^(" + "|".join(AREA_WORDS) + ")$")
# Zones: named only after a real place (某市高新区), never after 全国/国家 alone.
ZONE = re.compile(r"(高新区|开发区|经开区|新区|园区|合作区|示范区|保税区|科技园|产业园)$")
# Place names that name an administration rather than a location (某某高新区, 某某区委).
# A place the tagger names that is really the body governing it (某区委, 某高新区管委会, 某开发区).
GOVERNING_PLACE = re.compile(r"(委|局|厅|办|管委会|高新区|开发区|经开区)$")
# A country's ministry read as a place (某国国防部/LOC): a department, not a region's part (西部, 中部).
PLACE_MINISTRY = re.compile(r"^[\u4e00-\u9fff]{2,}[^东西南北中内外全本各局]部$")
ADMIN_PLACE = re.compile(r"(高新区|开发区|经开区|新区|园区|合作区|示范区|保税区|[委办局厅])$")


@dataclass
class Mention:
    type: str
    start: int
    end: int
    text: str  # as printed
    norm: str  # simplified
    sent: int  # sentence index
    rule: str  # which rule found it, for explanations
    alias_of: str | None = None  # (简称“X”): the simplified name this short form is declared for


def _is_alliance(norm: str) -> bool:
    return lexicon().alliance_suffixes.longest_suffix(norm) is not None


def org_type(norm: str) -> str:
    return "Alliance" if _is_alliance(norm) else "Organization"


def _anchored(tokens: list[Token]) -> bool:
    """A phrase is a proper name only if a name-like token or an anchor word is in it."""
    if any(t.tag in ("ORG", "LOC", "nz", "PER", "nw") for t in tokens):
        return True
    text = "".join(t.norm for t in tokens)
    return text.startswith(NAME_ANCHORS) or bool(re.match(r"[\u4e00-\u9fff]{2,}[省市县区镇乡村州]", text))


# What an organisation name does not go on with: a reference back (该会, 本院), a group of its people.
ANAPHOR_HEADS = ("该", "本", "我", "其", "各", "此")
GROUPS = frozenset("代表团 考察团 访问团 调研组 调研团 工作组 一行 全体 团队 代表 师生 员工 干部 职工 "
                   "总部 总部大楼".split())
HEADQUARTERS = frozenset("总部 总部大楼 总部基地".split())
LIST_JOINTS = frozenset("、 和 及 与 以及".split())
# A ministry or national commission by its short name (工信部, 发改委): the head of a chain, never a link in it.
MINISTRY = re.compile(r"^[\u4e00-\u9fff]{1,4}(部|委)$")
# A country's armed forces by its one-character name (美军, 日军 主力): one word, an organisation.
COUNTRY_FORCES = re.compile(r"^[美日德英俄法韩朝印意澳越]军$")


def _org_mentions(sent: Sentence, si: int) -> list[Mention]:
    lex = lexicon()
    toks = sent.tokens
    out = []
    for i, t in enumerate(toks):
        if t.tag == "w":
            continue
        if COUNTRY_FORCES.match(t.norm):
            out.append(_mk("Organization", sent, si, t, t, "country-forces"))
            continue
        # the longest run of tokens ending here that ends with an org or alliance suffix
        if t.tag == "ORG":
            end = i
            # extend right over nominal tokens that end with an org suffix: 教育部/ORG 某某司/n
            k = i + 1
            if t.norm in lex.not_org_words:
                continue  # 产生/ORG: a verb the tagger read as a name
            while k < len(toks) and _name_goes_on(toks[k]):
                tail = "".join(x.norm for x in toks[i : k + 1])
                if lex.org_suffixes.longest_suffix(tail) or _is_alliance(tail):
                    end = k
                k += 1
            start = extend_left(toks, i, frozenset()) if i > 0 and toks[i - 1].tag == "LOC" else i
            out.append(_mk("Organization", sent, si, toks[start], toks[end], "tagger-org"))
            continue
        if t.norm in HEADQUARTERS:
            continue  # 某集团北京总部: the company's seat, a venue; the company is named on its own
        if t.tag != "ORG" and title_before(t.norm) == t.norm:
            continue  # 某市委/ORG 常委/n: 常委 ends like 委 but is a title
        if t.tag in ("n", "nz", "vn", "LOC", "j") and t.norm not in lex.not_org_words and (
            lex.org_suffixes.longest_suffix(t.norm) or _is_alliance(t.norm)
        ):
            start = extend_left(toks, i, frozenset())
            phrase = list(toks[start : i + 1])
            norm = "".join(x.norm for x in phrase)
            if (norm in GENERIC and norm not in BARE_GOVERNMENT) or len(norm) < 3:
                continue
            if ZONE.search(norm) and phrase[0].tag not in ("LOC", "ORG"):
                continue  # 全国开发区: a class of zones, not one administration
            # 某某联盟 in a list of alliances needs no anchor; 命运共同体 and the like do
            listed = (start > 0 and toks[start - 1].norm in LIST_JOINTS) or (i + 1 < len(toks)
                                                                            and toks[i + 1].norm in LIST_JOINTS)
            if not _anchored(phrase) and not (norm.endswith("联盟") and len(norm) >= 4 and start < i
                                              and (listed or len(norm) >= 6)) \
                    and not (len(norm) >= 3 and _beside_org(toks, start, i)):
                continue  # 发挥产业联盟的作用: a kind of alliance; a short one is a name only in a list
            # a lone place name counts only when it ends like an administration (某某新区)
            if t.tag == "LOC" and start == i and not _is_alliance(norm) and not ADMIN_PLACE.search(norm) \
                    and not PLACE_MINISTRY.search(norm):
                continue
            out.append(_mk("Organization", sent, si, toks[start], t, "suffix-org"))
    return [_without_delegation(sent, si, m) for m in out]


def _in_name_list(toks: tuple[Token, ...], i: int) -> bool:
    """甲、能某、乙: an item of a 、-list of names."""
    return (i > 0 and toks[i - 1].norm == "、") or (i + 1 < len(toks) and toks[i + 1].norm == "、")


def _is_han_word(s: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in s)


def _surname_first(s: str) -> bool:
    lex = lexicon()
    return s[0] in lex.single_surnames or s[:2] in lex.compound_surnames


def _titled(toks: tuple[Token, ...], i: int) -> bool:
    """A long or Latin-script name counts where a title stands next to it (市长佐藤某一郎, 某某社长):
    alone, five-character transliterations are as often clubs and places."""
    if not all("\u4e00" <= c <= "\u9fff" for c in toks[i].norm):
        return True
    before = toks[i - 1].norm if i > 0 else ""
    after = toks[i + 1].norm if i + 1 < len(toks) else ""
    return bool(before and title_before(before) == before) or bool(after and title_before(after) == after) \
        or after in ("先生", "女士", "教授", "博士")


def _beside_org(toks: tuple[Token, ...], start: int, i: int) -> bool:
    """省经委/ORG、商务厅/n: an item of a 、-list whose neighbour is an organisation word is one too."""
    def org_word(t: Token) -> bool:
        return t.tag == "ORG" or (t.tag in ("n", "nz") and lexicon().org_suffixes.longest_suffix(t.norm) is not None
                                  and len(t.norm) >= 3)

    before = start >= 2 and toks[start - 1].norm == "、" and org_word(toks[start - 2])
    after = i + 2 < len(toks) and toks[i + 1].norm == "、" and org_word(toks[i + 2])
    return before or after


def _title_follows(sent: Sentence, m: Mention) -> bool:
    """市政府 副秘书长: a bare body before a title is the title's prefix, not an organisation."""
    rest = sent.norm[m.end - sent.start : m.end - sent.start + 8]
    return any(title_before(rest[:n]) == rest[:n] for n in range(2, len(rest) + 1))


def _name_goes_on(t: Token) -> bool:
    """Whether an organisation word may go on over t (教育部/ORG 某某司/n, 某商会/ORG 某市商会/ORG).

    Not over a title (某市委/ORG 常委/n), a reference (某会 议员 该会), a group of people (代表团),
    or a ministry, which heads a chain and is never a link in one (某学院/ORG 工信部/ORG).
    """
    lex = lexicon()
    return t.tag in ("n", "nz", "vn", "j", "ORG") and t.norm not in lex.not_org_words \
        and lex.titles.longest_suffix(t.norm) != t.norm and not t.norm.startswith(ANAPHOR_HEADS) \
        and t.norm not in GROUPS and not (t.tag == "ORG" and MINISTRY.match(t.norm))


def _without_delegation(sent: Sentence, si: int, m: Mention) -> Mention:
    """某商会代表团 → 某商会, 某有限公司协办 → 某有限公司: the tails phrases.org_end cuts off."""
    end = org_end(m.norm)
    return m if end == len(m.norm) else _span(m.type, sent, si, m.start, m.start + end, m.rule)


def _mk(typ: str, sent: Sentence, si: int, first: Token, last: Token, rule: str) -> Mention:
    return _span(typ, sent, si, first.start, last.end, rule)


def _span(typ: str, sent: Sentence, si: int, s: int, e: int, rule: str) -> Mention:
    off = sent.start
    return Mention(typ, s, e, sent.text[s - off : e - off], sent.norm[s - off : e - off], si, rule)


# "甲vs乙": the two sides of a fixture are teams (organisations), whatever the tagger thinks.
FIXTURE = re.compile(r"([A-Za-z\u4e00-\u9fff·]{2,10})\s*(?:vs|VS|Vs|v\.s\.|对阵)\s*([A-Za-z\u4e00-\u9fff·]{2,12})")
FIXTURE_STOP = re.compile(r"(推荐|两队|比赛|之战|的|主场|客场|做客|预测|分析|前瞻|首回合|次回合|从|在|近|本场|将|赛前)")


# News agencies, papers and sites named where a report credits them: the dateline (某某网北京3月2日电,
# 某某社5月1日讯), a source line (来源：某某网), a site's own tag (某某网讯, 某某网记者) and 据某某网报道.
_MEDIA = r"([\u4e00-\u9fffA-Za-z]{1,8}?(?:网|日报|晚报|早报|时报|商报|报|通讯社|新闻社|社|电视台|广播电台))"
MEDIA_CREDIT = (
    re.compile(r"^[\s（(【]*" + _MEDIA + r"(?:[\u4e00-\u9fff]{2,4})?\s*\d{1,2}月\d{1,2}日\s*(?:电|讯|消息)"),
    re.compile(r"(?:来源|稿源|转自|摘自|来自)\s*[:：]\s*" + _MEDIA + r"(?=$|[\s，。|/）)\]】])"),
    re.compile(r"(?:^|(?<=[\s（(【]))" + _MEDIA + r"(?:讯|消息|记者)"),
    re.compile(r"(?<=据)" + _MEDIA + r"(?:报道|消息|援引|称)"),
)
# Words of the paper itself (本报, 该网) and common nouns ending like media (互联网, 官网, 电网).
NOT_MEDIA = frozenset("互联网 物联网 因特网 官网 电网 全网 外网 内网 上网 联网 报社 旅行社 合作社 日报 晚报 早报 时报 "
                      "网 社 报".split())


MEDIA_LEADS = ("据", "从", "在", "经", "由")


def _media_credits(sent: Sentence, si: int) -> list[Mention]:
    out = []
    for pattern in MEDIA_CREDIT:
        for m in pattern.finditer(sent.norm):
            name = m.group(1)
            if len(name) < 3 or name in NOT_MEDIA or name.startswith(ANAPHOR_HEADS + MEDIA_LEADS) or name in GENERIC \
                    or any(name.endswith(w) for w in NOT_MEDIA if len(w) == 3 and w[-1] == "网"):
                continue
            out.append(_span("Organization", sent, si, sent.start + m.start(1), sent.start + m.end(1), "media"))
    return out


def _match_sides(sent: Sentence, si: int) -> list[Mention]:
    out = []
    for m in FIXTURE.finditer(sent.norm):
        right = FIXTURE_STOP.split(m.group(2))[0]
        if len(right) >= 4 and right[: len(right) // 2] == right[len(right) // 2 :]:
            right = right[: len(right) // 2]  # 凯尔特人凯尔特人: the name said again as the next subject
        for s, e in ((m.start(1), m.end(1)), (m.start(2), m.start(2) + len(right))):
            if e - s >= 2:
                out.append(_span("Organization", sent, si, sent.start + s, sent.start + e, "fixture"))
    return out


def _proper_org(norm: str) -> bool:
    """Not a bare class word (市政府, 相关部门) and not a title read as a name (市委常委)."""
    return len(norm) >= 2 and norm not in GENERIC and title_before(norm) != norm and not BARE_ORDINAL.match(norm) \
        and not ETHNIC_GROUP.match(norm) and not TEAM_CLASS.search(norm)


# 某联赛主队, 北岭球队, 老牌强队: a class of teams (home sides of a league, a country's clubs), not one team.
TEAM_CLASS = re.compile(r"(主队|客队|球队|强队|弱旅|方队|劲旅)$")


# 汉族, 土家族 in a career statement: a people, not an organisation.
ETHNIC_GROUP = re.compile(r"^[\u4e00-\u9fff]{1,4}族$")


def sentence_mentions(sent: Sentence, si: int) -> tuple[list[Mention], list[TitleSpan]]:
    """All mentions in a sentence, overlaps resolved, plus the title spans for posts."""
    titles = find_titles(sent)
    titles += [t for t in name_first_titles(sent) + appointment_titles(sent)  # a name's other titles too
               if not any(t.name_start == o.name_start and t.title_start < o.title_end and o.title_start < t.title_end
                          for o in titles)]
    titles.sort(key=lambda t: t.title_start)
    names: list[tuple[int, Mention]] = []  # (priority, mention); lower wins ties
    for ts in titles:
        if ts.name_start is not None and ts.name_end is not None:
            names.append((0, _span("Person", sent, si, ts.name_start, ts.name_end, "title-name")))
        span = org_span(sent, ts)
        if span is not None:
            m = _without_delegation(sent, si, _span("Organization", sent, si, span[0], span[1], "title-org"))
            if len(m.norm) >= 2 and m.norm not in GENERIC:
                m.type = org_type(m.norm)
                names.append((0, m))
    for i, t in enumerate(sent.tokens):
        if t.tag == "PER" and len(t.norm) == 2 and _is_han_word(t.norm) and not _surname_first(t.norm) \
                and not _titled(sent.tokens, i) and not _in_name_list(sent.tokens, i):
            continue  # 敏学/PER 笃行: a two-character "name" with no surname, title or list is an idiom's half
        if t.tag == "PER" and (is_plausible_name(t.norm, True) or (is_long_name(t.norm) and _titled(sent.tokens, i))):
            nxt = sent.tokens[i + 1] if i + 1 < len(sent.tokens) else None
            if nxt is not None and nxt.tag in ("n", "nz") and lexicon().org_suffixes.longest_suffix(nxt.norm):
                continue  # 某某/PER 集团/n: a company named after a person
            names.append((2, _mk("Person", sent, si, t, t, "tagger-person")))
        elif t.tag == "LOC" and len(t.norm) >= 2:
            names.append((3, _mk("Place", sent, si, t, t, "tagger-place")))
        elif len(t.norm) == 1 and t.norm in place_abbreviations() and _abbreviation_context(sent.tokens, i):
            names.append((3, _mk("Place", sent, si, t, t, "place-abbreviation")))
    for m in _org_mentions(sent, si):
        m.type = org_type(m.norm)
        names.append((1, m))
    names.extend((0, m) for m in _match_sides(sent, si))
    names.extend((0, m) for m in _media_credits(sent, si))

    chosen: list[Mention] = []
    taken: list[tuple[int, int]] = []
    # spans read from a title chain are the most reliable; then the longest reading wins
    for _, m in sorted(names, key=lambda pm: (pm[0] > 0, -(pm[1].end - pm[1].start), pm[0], pm[1].start)):
        if any(m.start < e and s < m.end for s, e in taken):
            continue
        taken.append((m.start, m.end))
        chosen.append(m)
    # Places that end like organisations (某某区委) are organisations; venues are places.
    for m in chosen:
        if m.type == "Place" and GOVERNING_PLACE.search(m.norm):
            m.type = "Organization"
        elif m.type == "Organization" and VENUE.search(m.norm):
            m.type = "Place"
    works = []
    for w in WORK.finditer(sent.norm):
        body = w.group(1)
        if body.endswith(MEDIA_SUFFIX):
            continue
        s, e = sent.start + w.start(1), sent.start + w.end(1)
        works.append(_span("Work", sent, si, s, e, "book-title"))
    # nothing inside a work title is a name of the story
    chosen = [m for m in chosen if not any(w.start <= m.start < w.end for w in works)]
    chosen = _places_in_context(sent, _join_areas(sent, si, [_venue_city(sent, si, m) for m in chosen]))
    # bylines (记者 某某, 通讯员 某某) name the paper's staff, not people of the story: marked, kept
    # as people (the dev annotation holds them optional; CLUENER counts them as names)
    for b in BYLINE.finditer(sent.norm):
        for m in chosen:
            if m.type == "Person" and b.start() <= m.start - sent.start < b.end():
                m.rule = "byline"
    chosen = [m for m in chosen if m.type not in ("Organization", "Alliance") or _proper_org(m.norm)
              or (m.norm in BARE_GOVERNMENT and m.rule != "title-org" and not _title_follows(sent, m))]
    chosen = _org_asides(sent, si, chosen)
    # events are read over these names and works by kg.extract.events; orgs_in_events then adds
    # the organisations their names hold
    return sorted(chosen + works, key=lambda m: (m.start, -m.end)), titles


# What an event name adds after the organisation it is of: the edition, the happening's verb and
# its head (某协会青年分会 | 成立大会, 某学院 | 第三届理事会第二次会议, 某公司 | 揭牌仪式).
EVENT_TAIL = re.compile(r"(第?[一二三四五六七八九十百零〇\d]+(届|次|期|批)|20\d\d年?度?)*"
                        r"(成立|揭牌|授牌|签约|开工|启动|奠基|开幕|闭幕|落成|启用|换届|就职|年度)?$")


def orgs_in_events(sent: Sentence, si: int, chosen: list[Mention], events: list[Mention]) -> list[Mention]:
    """某协会青年分会成立大会: the organisation an event is of is an organisation of the story too.

    The event's name less its head noun, edition and verb, when that ends like an organisation
    and no name found already crosses it; a shorter name inside it gives way (longest wins).
    """
    lex = lexicon()
    off = sent.start
    for ev in events:
        head = lex.event_nouns.longest_suffix(ev.norm)
        if not head or len(ev.norm) <= len(head) + 3:
            continue
        body = ev.norm[: len(ev.norm) - len(head)]
        tail = EVENT_TAIL.search(body)
        body = body[: tail.start()] if tail else body
        if len(body) < 4 or not lex.org_suffixes.longest_suffix(body) or not _proper_org(body) \
                or any(q in body for q in "“”\"「」《》()（）及和与暨、") or body.startswith("第") \
                or any(body.endswith(w) for w in lex.not_org_words):
            continue  # 某工程开工及某公司揭牌仪式, 全市领导干部大会: no organisation
        s, e = ev.start, ev.start + len(body)
        toks = [t for t in sent.tokens if s <= t.start and t.end <= e]
        if sent.norm[s - off : e - off] != body or not toks or toks[-1].end != e or not _anchored(toks):
            continue
        names = [m for m in chosen if m.start < e and s < m.end]
        if any(m.start < s or m.end > e or m.type not in ("Organization", "Alliance", "Place") for m in names):
            continue
        if any((m.start, m.end) == (s, e) for m in names):
            continue
        chosen = [m for m in chosen if m not in names]
        chosen.append(_span(org_type(body), sent, si, s, e, "event-org"))
    return chosen


# 某某(中国)有限公司: a region in brackets inside a company's name.
BRACKET_REGION = re.compile(r"[（(](中国|香港|澳门|台湾|北京|上海|深圳|广州|天津|重庆|亚太|亚洲|国际|集团)[)）]"
                            r"([\u4e00-\u9fffA-Za-z]{0,10}?(股份有限公司|有限责任公司|有限公司|公司|集团|研究院|中心))")
# 某市工商联(总商会): the chamber of commerce the federation also is, printed inside its name.
BRACKET_ALSO = re.compile(r"[（(](总商会|商会)[)）]")
# 某某(以下简称“某某”): the short form the article will use, an alias of the name before it.
DECLARED_ALIAS = re.compile(r"[（(]\s*(?:以下|下文)?(?:简称|下称|称)\s*[:：]?\s*"
                            r"[“\"「『]([^”\"」』()（）]{1,16})[”\"」』]\s*[)）]")
# 某地·某某中心: a place and a name joined by a middle dot are one name when the second part is one.
MIDDLE_DOT = "·•‧・"


def _org_asides(sent: Sentence, si: int, chosen: list[Mention]) -> list[Mention]:
    """Organisation names with a bracket or a dot inside, and the short forms they declare.

    - 海川投资(中国)有限公司: the bracketed region and the suffix after it belong to the name;
    - 青岚·海川文化交流中心: a place or name and an organisation joined by a middle dot are one;
    - 海川生物科技股份有限公司(简称“海川生物”): the short form is a mention of the same
      organisation (alias_of), so that its later uses join it.
    """
    off = sent.start
    orgs = sorted((m for m in chosen if m.type in ("Organization", "Alliance")), key=lambda m: m.start)
    for m in orgs:
        rest = sent.norm[m.end - off :]
        b = BRACKET_REGION.match(rest) or (BRACKET_ALSO.match(rest) if m.norm.endswith(("工商联", "工商业联合会"))
                                           else None)
        if b:
            end = m.end + b.end()
            chosen = [x for x in chosen if x is m or not (m.end <= x.start < end and FAMILY[x.type] != "Event")]
            whole = _span(m.type, sent, si, m.start, end, m.rule)
            chosen[chosen.index(m)] = whole
    orgs = sorted((m for m in chosen if m.type in ("Organization", "Alliance")), key=lambda m: m.start)
    for m in orgs:
        if m.start - off < 1 or sent.norm[m.start - off - 1] not in MIDDLE_DOT:
            continue
        head = next((x for x in chosen if x.end == m.start - 1 and x.type in ("Organization", "Place")
                     and 2 <= len(x.norm) <= 8), None)
        if head is not None and not _quoted_at(sent, head.start):
            chosen = [x for x in chosen if x is not head]
            chosen[chosen.index(m)] = _span(m.type, sent, si, head.start, m.end, m.rule)
    for m in sorted((m for m in chosen if m.type in ("Organization", "Alliance")), key=lambda m: m.start):
        d = DECLARED_ALIAS.match(sent.norm[m.end - off :])
        if not d:
            continue
        s, e = m.end + d.start(1), m.end + d.end(1)
        chosen = [x for x in chosen if not (x.start < e and s < x.end and FAMILY[x.type] != "Event")]
        alias = _span(m.type, sent, si, s, e, "declared-alias")
        alias.alias_of = m.norm
        chosen.append(alias)
    return sorted(chosen, key=lambda m: (m.start, -m.end))


def _quoted_at(sent: Sentence, pos: int) -> bool:
    """Whether pos is inside a quotation opened earlier in the sentence (“投资某地·月月签”)."""
    before = sent.norm[: pos - sent.start]
    return before.count("“") > before.count("”")


BYLINE = re.compile(
    # （记者 某某）
    r"[（(]\s*(?:本报|本台)?(?:记者|通讯员|实习生|特约记者|见习记者|摄影|编辑|责编|撰稿)[^（）()]{0,24}[）)]"
    r"|^(?:本报|本台|新华社)?(?:记者|通讯员)\s*[\u4e00-\u9fff]{2,4}(?=\s|报道|摄|$)"  # 本报记者某某报道
    r"|[\u4e00-\u9fff]{2,4}\s*摄(?=$|[。，,；;）)])"  # 某某 摄
)
# A place is a place (not a word in passing) where the story goes, meets or is held.
PLACE_BEFORE = re.compile(r"(在|于|赴|到|来|抵|抵达|访问|前往|落户|走进|来到|位于|回到)$")
PLACE_AFTER = re.compile(r"^(举行|召开|举办|开幕|闭幕|成立|揭牌|签约|开工|启动|考察|调研|访问|参观)")


@cache
def place_abbreviations() -> dict[str, str]:
    """One-character abbreviations of places (沪 → 上海), from data/lexicons/place_abbreviations.txt."""
    out = {}
    for raw in resource("lexicons", "place_abbreviations.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            short, _, full = line.partition(" ")
            out[short] = full.strip()
    return out


# 在沪举行, 来锡调研, 在蓉成立: an abbreviation is a place between a verb of place and what happens there.
ABBREVIATION_BEFORE = frozenset("在 来 赴 抵 到 莅 访 回 返 于".split())
ABBREVIATION_AFTER = re.compile(r"^(举行|召开|举办|开幕|闭幕|成立|揭牌|签约|开工|启动|考察|调研|访问|参观|参加|出席"
                                r"|期间|工作|投资|落户|交流|办学|发展)")


def _abbreviation_context(tokens: tuple[Token, ...], i: int) -> bool:
    if i == 0 or i + 1 >= len(tokens) or tokens[i - 1].norm not in ABBREVIATION_BEFORE:
        return False
    after = "".join(t.norm for t in tokens[i + 1 : i + 3])
    return bool(ABBREVIATION_AFTER.match(after))


VENUE_OWNERS = ("大学", "学院", "学校", "公司", "集团", "医院", "委", "政府", "研究院", "研究所", "协会", "商会")


@cache
def _place_word(text: str) -> str | None:
    """text when the tagger reads it alone as one place name (临江, 临江市), else None."""
    from kg.extract.segment import analyse

    inner = analyse(text)
    words = inner[0].tokens if len(inner) == 1 else ()
    return text if len(words) == 1 and words[0].tag == "LOC" else None


def _venue_city(sent: Sentence, si: int, m: Mention) -> Mention:
    """在某市某酒店举行: the city at the head of a venue's name is where the event is held (GUIDELINE:
    the city required, the venue optional), so the venue gives way to its city, where it has one."""
    if m.type != "Place" or not VENUE.search(m.norm) or len(m.norm) < 5:
        return m
    head = m.norm[: VENUE.search(m.norm).start()]  # type: ignore[union-attr]
    if any(w in head for w in VENUE_OWNERS):
        return m  # 某大学第一学术报告厅, 某市委机关会堂: a venue of an organisation, not of a city
    toks = [t for t in sent.tokens if m.start <= t.start and t.end <= m.end]
    if len(toks) >= 2 and toks[0].tag == "LOC" and len(toks[0].norm) >= 2:
        city = toks[0]
    else:  # one word for the whole venue (某市某某大酒店/LOC): is its head a place on its own?
        city = next((c for c in (_place_word(m.text[:k]) for k in (3, 2)) if c is not None), None)
        if city is None:
            return m
        city = Token(city, "LOC", m.start, m.start + len(city), m.norm[: len(city)])
    return _span("Place", sent, si, city.start, city.end, "venue-city")


# What may stand between two places of one list or one address: 赴东陵、西陵、南陵等市, 在北岭云溪县举行.
PLACE_JOINT = frozenset({"", "、", "和", "及", "与", "以及"})


def _join_areas(sent: Sentence, si: int, chosen: list[Mention]) -> list[Mention]:
    """青岚湖/Place 旅游度假区: a place followed by an area word is one place (青岚湖旅游度假区)."""
    out: list[Mention] = []
    for m in sorted(chosen, key=lambda m: m.start):
        prev = out[-1] if out else None
        if prev is not None and prev.type == "Place" and prev.end == m.start and AREA.match(m.norm) \
                and m.type in ("Place", "Organization"):
            out[-1] = _span("Place", sent, si, prev.start, m.end, prev.rule)
            continue
        out.append(m)
    # an area word right after a place that no rule read as a name (青岚湖 旅游度假区/n)
    for k, m in enumerate(out):
        if m.type != "Place":
            continue
        rest = sent.norm[m.end - sent.start :]
        area = next((a for a in AREA_WORDS if rest.startswith(a)), None)
        if area and not any(o.start < m.end + len(area) and m.end < o.end for o in out if o is not m):
            out[k] = _span("Place", sent, si, m.start, m.end + len(area), m.rule)
    return out


def _places_in_context(sent: Sentence, chosen: list[Mention]) -> list[Mention]:
    """Places where the story goes, meets or is held; the other items of their list (or the county
    after its province) go with them."""
    places = sorted((m for m in chosen if m.type == "Place"), key=lambda m: m.start)
    kept = {id(m) for m in places if _place_context(sent, m)}
    changed = True
    while changed:
        changed = False
        for a, b in pairwise(places):
            if (id(a) in kept) == (id(b) in kept):
                continue
            between = sent.norm[a.end - sent.start : b.start - sent.start]
            if between in PLACE_JOINT:
                kept.update((id(a), id(b)))
                changed = True
    return [m for m in chosen if m.type != "Place" or id(m) in kept]


def _place_context(sent: Sentence, m: Mention) -> bool:
    if m.rule == "place-abbreviation":
        return True
    if m.rule == "venue-city":  # the venue's context: 在某市某酒店举行
        m = Mention(m.type, m.start, m.start + len(m.norm), m.text, m.norm, m.sent, m.rule)
        venue_end = _venue_end(sent, m.start)
        after = sent.norm[venue_end - sent.start : venue_end - sent.start + 4]
        before = sent.norm[max(0, m.start - sent.start - 4) : m.start - sent.start]
        return bool(PLACE_BEFORE.search(before) or PLACE_AFTER.match(after))
    before = sent.norm[max(0, m.start - sent.start - 4) : m.start - sent.start]
    after = sent.norm[m.end - sent.start : m.end - sent.start + 4]
    return bool(PLACE_BEFORE.search(before) or PLACE_AFTER.match(after))


def _venue_end(sent: Sentence, start: int) -> int:
    """Where the venue that starts at start ends (its suffix), for the context after it."""
    rest = sent.norm[start - sent.start :]
    found = re.search(VENUE.pattern.rstrip("$"), rest)
    return start + found.end() if found else start
