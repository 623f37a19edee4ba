"""Title chains: "<org><title>、<org><title><name>" read into posts and names.

This is where most people and many organisations of organisational news are
found, so it runs first and its spans take precedence over the tagger's guesses.
Patterns it captures (GUIDELINE "Posts"):
- ORG TITLE NAME              工信部某中心主任甲
- ORG TITLE、ORG TITLE NAME   某区党工委书记、某学院理事长甲   (a chain, one person)
- ORG TITLE NAME、TITLE NAME  某学院党委书记甲、校长乙         (org carried over)
- PLACE + 区委/市委… TITLE     某区委书记甲 -> (甲, 区委书记, 某区)
- foreign names with 先生/女士  某公司日方总经理某某先生
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from kg.extract.phrases import CLAUSE_WORDS, LOOSE, NOMINAL, extend_left, is_long_name, org_end
from kg.extract.segment import Sentence, Token
from kg.lexicon import SuffixSet, _lines, lexicon

# A name ends before one of these words (what follows a name in news prose).
NAME_STOP = frozenset(
    "等 先生 女士 同志 一行 及 和 与 同 在 为 对 向 代表 率 率队 带队 陪同 分别 共同 也 都 就 "
    "出席 参加 主持 表示 指出 强调 介绍 讲话 致辞 发言 宣读 作 会见 考察 调研 参观 听取 "
    "说 认为 希望 等人 则 还 亦 受 应邀 作为 阁下 以及".split()
)
# Region-level party committees: the title belongs to the region that precedes it.
REGION_PARTY = ("省委", "市委", "区委", "县委", "州委", "镇党委", "乡党委")
# A prefix that ends in one of these is a sentence fragment, not an organisation.
NOT_ORG = frozenset("的 了 着 是 在 和 与 及 或 并 向 对 等 个 位 名 任 将 把 被 从 于".split())

# Forms of address that follow a surname (王先生, 李老师): the tagger reads them as names.
HONORIFIC = re.compile(r"(先生|女士|小姐|老师|阿姨|师傅|博士|教授|总|老|同志|大爷|大妈|书记|主任"
                       r"|局长|校长|院长|律师|医生|大夫|记者|主编|经理|董|总裁|部长|市长|县长|省长|厂长|处长|科长"
                       r"|行长|所长|站长|导|副)$")
# A form of address led by 小/老 before the surname and a short title (小刘总, 老王头): no name.
ADDRESS_LEAD = "小老阿"
# Boards of an organisation: a title on a board belongs to the organisation itself.
GOVERNING_BODY = re.compile(r"(第[^第]{1,4}届)?(理事会|董事会|监事会|执委会|理监事会)$")
PUNCT_TAG = "w"
BRACKETS = frozenset("()（）“”\"「」『』")
NOMINAL_OR_NAME = NOMINAL | {"PER"}


@dataclass(frozen=True)
class TitleSpan:
    """A title with the organisation text before it and the name after it (if any)."""

    title: str  # simplified form, as printed incl. prefixes
    title_start: int  # article offsets
    title_end: int
    org_start: int | None
    org_end: int | None
    name_start: int | None
    name_end: int | None
    region_party: bool  # 区委书记-type: org is the region + the title's first char
    composed: str | None = None  # the title as read when its prefix is shared, not contiguous (市委 + 常委)
    cue_start: int | None = None  # where the words that say how the post stands begin, if not in its own clause


@cache
def _title_words() -> tuple[SuffixSet, SuffixSet]:
    """Departments that compose with a head title, and the qualifications only biographies list."""
    return SuffixSet(_lines("title_departments.txt")), SuffixSet(_lines("career_titles.txt"))


# 驻沪总领事, 驻华大使, 驻会副会长: a posting abroad or to a city, kept in the title (GUIDELINE E10).
POSTED = re.compile(r"驻[\u4e00-\u9fff]{1,3}$")
POSTED_HEADS = frozenset("总领事 副总领事 领事 大使 公使 参赞 代表 首席代表 总代表 特派员 代办".split())
# 原 marks a former post where an organisation (or nothing) precedes it: 某会原副主席, not 太原市长.
FORMER = re.compile(r"(?:^|[委会局部院司厅所协联办校团社处室组]|[\u4e00-\u9fff]{2}[省市县区州])原$")
# Heads that take a department before them (组织部长, 工会主席, 财务部经理).
DEPARTMENT_HEADS = re.compile(r"^(副|常务副)?(部长|处长|科长|主任|主席|书记|经理|总经理|总监|负责人|组长)$")
# A function before a manager's title forms one title with it (财务总监, 技术负责人, 销售经理).
FUNCTION_HEADS = re.compile(r"^(副)?(总监|经理|负责人|主管|总经理|总裁)$")
FUNCTIONS = re.compile(r"(财务|技术|营销|销售|市场|行政|人事|人力资源|运营|生产|质量|研发|投资|品牌|采购|项目|客户"
                       r"|业务|信息|安全|法务|审计|风控|工程|设计|制作|创意|艺术|策划|公关|内容|产品|数据|战略|招商"
                       r"|教学|培训|宣传|新闻|编辑|视觉|音乐|传播|合规|供应链|物流)$")
# Inside a biography, the innermost unit before a head title is part of it (résumés print
# 财务处副处长, 技术中心主任 as one title): the words after the last organisation ending.
CAREER_UNIT = re.compile(r"(?:^|公司|集团|厂|局|厅|院|所|行|会|大学|学校|委|署|站|社)"
                         r"([\u4e00-\u9fff]{1,6}?(?:部|处|科|室|办|中心|车间|组|系))$")
# Seats on a board that a résumé prints with the board and its term (第一届董事会董事, 监事会主席).
BOARD_SEATS = frozenset("董事 监事 董事长 监事长 秘书 秘书长 主席".split())
BOARD = re.compile(r"(第[^第，,、]{1,4}届|第[^第，,、]{1,6}届、第[^第，,、]{1,4}届)?(董事会|监事会|董事局)$")
# Owners of a department that are no organisation (公司财务部经理, 校办主任): the title is the whole.
BARE_OWNERS = frozenset("公司 集团 学校 学院 本公司 该公司 总公司 分公司 子公司 党委 校 院 厂 局".split())


# A region's head contracted with its name (北岭省长 = 北岭省 + 省长, GUIDELINE E4).
REGION_HEADS = frozenset("省长 市长 区长 县长 州长".split())


def region_title(title: str) -> bool:
    """A title that belongs to the region printed before it: 区委书记, 市委常委, and 省长 in 北岭省长."""
    bare = title.lstrip("原代")
    return bare.lstrip("副").startswith(REGION_PARTY) or bare in REGION_HEADS


def title_before(s: str) -> str | None:
    """The longest title the string ends with (see _title)."""
    return _title(s, False)


@cache
def _title(s: str, career: bool) -> str | None:
    """The longest title the string ends with, read as a grammar.

    head title (lexicon), then leftwards: 助理 after a head (总裁助理); a department
    that forms one title with the head (组织部长, 工会主席) where nothing or no proper
    organisation precedes it; stacked rank and side prefixes (常务副, 三级, 独立);
    a posting (驻沪总领事).
    """
    lex = lexicon()
    if s.endswith("助理"):  # 总裁助理, 校长助理: the assistant of a head title
        head = _title(s[:-2], career)
        return (head + "助理") if head else None
    base = lex.titles.longest_suffix(s)
    if not base:
        return None
    title = base
    rest = s[: len(s) - len(title)]
    if not title.startswith("副"):  # 组织部副部长, 财务处副处长: the rank sits between department and head
        vice = next((v for v in ("常务副", "副") if rest.endswith(v)), None)
        if vice and DEPARTMENT_HEADS.match(vice + title) and (
                _title_words()[0].longest_suffix(rest[: -len(vice)]) or career):
            title, rest = vice + title, rest[: -len(vice)]
    core = title[3:] if title.startswith("常务副") else title.lstrip("副")
    function = FUNCTIONS.search(rest) if FUNCTION_HEADS.match(title) else None
    if function:  # 财务总监, 技术负责人
        title = function.group(0) + title
    elif DEPARTMENT_HEADS.match(title) and rest:
        depts = _title_words()[0]
        dept = depts.longest_suffix(rest)
        if dept is None and len(title) >= 2 and core[:1] in "部处科":
            shared = depts.longest_suffix(rest + core[0])  # 组织 + 部长 = 组织部长
            if shared and len(shared) > 1 and not title.startswith("副"):
                dept = shared[:-1]
        if dept is None and career:
            unit = CAREER_UNIT.search(rest)  # 某厂生产处处长, 某公司技术中心主任: the innermost unit
            dept = _unit(unit.group(1)) if unit else None
            if dept is None and core[:1] in "部处科" and not title.startswith("副"):
                unit = CAREER_UNIT.search(rest + core[0])  # 某公司财务科长: 财务科 + 科长, printed once
                dept = _unit(unit.group(1))[:-1] if unit and len(_unit(unit.group(1))) > 2 else None
        if dept is not None:
            owner = rest[: len(rest) - len(dept)]
            if career or not owner or owner in BARE_OWNERS or owner.endswith(("、", "，")):
                title = dept + title
    while True:
        p = lex.title_prefixes.longest_suffix(s[: len(s) - len(title)])
        if not p:
            break
        title = p + title
    if career and title.lstrip("独立非执行职工代表副") in BOARD_SEATS:
        board = BOARD.search(s[: len(s) - len(title)])  # 第五届董事会独立董事: résumés print the board
        if board:
            title = board.group(0) + title
    posted = POSTED.search(s[: len(s) - len(title)])
    if posted and title in POSTED_HEADS:
        title = posted.group(0) + title
    former = FORMER.search(s[: len(s) - len(title)])
    if former:  # 某会原副主席, 某市委原常委: a former post, kept with its marker (GUIDELINE E11)
        title = "原" + title
    return title


def _unit(found: str) -> str:
    """The unit CAREER_UNIT found, without the company it may take along (某公司 + 试制中心)."""
    cut = max(found.rfind("公司"), found.rfind("集团"))
    return found[cut + 2 :] if cut >= 0 else found


def department_of(title: str) -> str | None:
    """The department a title opens with (组织部长 → 组织部, 工会主席 → 工会), if any."""
    depts = _title_words()[0]
    for k in range(min(len(title) - 2, 6), 1, -1):
        if title[:k] in depts.words:
            return title[:k]
        if title[: k + 1] in depts.words and title[k] in "部处科":
            return title[: k + 1]
    return None


def career_title(s: str) -> str | None:
    """A title or, inside a biography only, a qualification (高级工程师, 中共党员) the string ends with."""
    title = _title(s, True)
    qual = _title_words()[1].longest_suffix(s)
    if qual is None or (title and len(title) >= len(qual)):
        return title
    while True:
        p = lexicon().title_prefixes.longest_suffix(s[: len(s) - len(qual)])
        if not p:
            break
        qual = p + qual
    return qual


def is_plausible_name(s: str, tagged_person: bool) -> bool:
    lex = lexicon()
    n = len(s)
    if any(sep in s for sep in "·•‧・-"):
        return 3 <= n <= 15
    if not all("\u4e00" <= c <= "\u9fff" for c in s):
        return False
    if tagged_person:
        # 王先生, 张总, 老刘, 小军, 陈某: a form of address, not a name
        if n == 2 and (s[0] in "老小阿" or s[1] in "某总姐哥叔姨"):
            return False
        honorific = HONORIFIC.search(s)
        if honorific and n - len(honorific.group(0)) <= 1:
            return False  # 缪行长, 陈副 (处长), 陈导: a surname and a title, how people are addressed
        if honorific and n == 3 and s[0] in ADDRESS_LEAD and s[1] in lex.single_surnames:
            return False  # 小刘总, 老陈头
        return 2 <= n <= 4
    if s[:2] in lex.compound_surnames:
        return 3 <= n <= 4
    return s[0] in lex.single_surnames and 2 <= n <= 3


# Offices whose first character is also a surname (公署 after 某特派员): no name after a title.
OFFICE_WORDS = frozenset("公署 总署 分署 总局 分局 支局 总部 分部 分处 总队 支队 分院 总院 分会 总会 分社 总社".split())


def name_after(tokens: tuple[Token, ...], k: int) -> int | None:
    """Index one past the last token of a name starting at tokens[k], or None."""
    if k >= len(tokens):
        return None
    first = tokens[k]
    if first.tag == PUNCT_TAG or first.norm in NAME_STOP:
        return None
    latin = _latin_name(tokens, k)
    if latin is not None:
        return latin
    if first.tag == "PER":
        end = k + 1
        text = first.norm
        # the tagger sometimes cuts a name short: 单立/PER 坡/n
        if end < len(tokens) and len(text) <= 3 and len(tokens[end].norm) == 1 and tokens[end].tag != PUNCT_TAG \
                and tokens[end].tag not in ("u", "p", "c", "d") and tokens[end].norm not in NAME_STOP:
            nxt = tokens[end + 1] if end + 1 < len(tokens) else None
            credit = tokens[end].norm in "文图摄" and nxt is not None and nxt.norm[:1] in "/／_＿"
            if (nxt is None or nxt.tag == PUNCT_TAG or nxt.norm in NAME_STOP) and not credit:
                end += 1  # (but 记者某某 文/摄: the byline's credit)
        elif end < len(tokens) and len(text) == 1 and len(tokens[end].norm) == 2 \
                and tokens[end].tag in ("LOC", "n", "nz", "a", "an", "PER"):
            end += 1  # a surname alone: 隽/PER 新阳/LOC
        name = "".join(t.norm for t in tokens[k:end])
        if name in OFFICE_WORDS:
            return None  # 公署/PER: an office the tagger read as a name
        # a Latin-script or long transliterated name the repair stage joined into one word (John A. Smith)
        return end if is_plausible_name(name, True) or (end == k + 1 and is_long_name(name)) else None
    text = ""
    end = k
    while end < len(tokens) and tokens[end].tag != PUNCT_TAG and tokens[end].norm not in NAME_STOP:
        if tokens[end].tag in ("ORG", "LOC", "TIME", "m"):
            break
        text += tokens[end].norm
        end += 1
        if len(text) >= 3:
            break
    if end == k:
        return None
    nxt = tokens[end] if end < len(tokens) else None
    ends_clean = nxt is None or nxt.tag == PUNCT_TAG or nxt.norm in NAME_STOP or nxt.tag == "v"
    if end - k == 1 and len(text) == 2 and first.tag in ("n", "vn", "v", "q", "f", "s", "r", "t"):
        return None  # 理事单位: a two-character common word after a title is no name
    if ends_clean and is_plausible_name(text, False) and text not in OFFICE_WORDS:  # 某特派员公署: no name
        return end
    return None


LATIN_WORD = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z]+)*$")  # John, Smith, BenBell (not CEO)
LATIN_PART = re.compile(r"^([A-Z][a-z]*|[A-Z]\.?)$")  # a word or an initial inside the name
LATIN_JOINS = frozenset(" -.·")


def _latin_name(tokens: tuple[Token, ...], k: int) -> int | None:
    """Index one past a Latin-script name after a title (某大学校长John A. Smith, 创意总监Eric), if one
    starts at tokens[k]: capitalised words and initials joined by spaces, hyphens or dots."""
    if not LATIN_WORD.match(tokens[k].norm):
        return None
    end = k + 1
    j = k + 1
    while j < len(tokens):
        t = tokens[j].norm
        if t.strip() == "" or t in LATIN_JOINS:
            j += 1
            continue
        if LATIN_PART.match(t) or LATIN_WORD.match(t):
            j += 1
            end = j
            continue
        break
    nxt = tokens[end] if end < len(tokens) else None
    if nxt is not None and nxt.norm.strip() in (".", "-", "·"):
        end += 1 if tokens[end - 1].norm.isupper() and len(tokens[end - 1].norm) == 1 else 0  # A.
        nxt = tokens[end] if end < len(tokens) else None
    if nxt is not None and nxt.tag in ("n", "nz", "ORG", "j", "LOC") and title_before(nxt.norm) != nxt.norm:
        return None  # BenBell公司: a brand, not a name
    return end if 2 <= len("".join(t.norm for t in tokens[k:end])) <= 40 else None


def _token_at(tokens: tuple[Token, ...], pos: int) -> int:
    for k, t in enumerate(tokens):
        if t.start <= pos < t.end:
            return k
    return len(tokens) - 1


# A verb or a title's first character the tagger glues to the end of a name (某某作的报告, 某某莅会).
GLUED_TAIL = re.compile(r"^(.{2,3})(作|莅|蒞)$|^(.{3})(和|与|副|在)$")


def _name_end(toks: tuple[Token, ...], k: int, end: int) -> int:
    """Where the name of tokens[k:end] ends, without a character glued to it (谷某作/PER 的)."""
    last = toks[end - 1]
    if end - k == 1 and last.tag == "PER":
        m = GLUED_TAIL.match(last.norm)
        if m and is_plausible_name(m.group(1) or m.group(3), True):
            return last.end - 1
    return last.end


def _unknown_link(sent: Sentence, out: list[TitleSpan], i: int) -> TitleSpan | None:
    """某会副会长、某集团首席品牌官甲: a title the lexicon lacks ends the chain; its name still takes
    the chain's other posts. The span carries the name only (empty title, no post of its own)."""
    toks = sent.tokens
    tok = toks[i]
    if tok.tag != "PER" or not out or out[-1].name_start is not None or not is_plausible_name(tok.norm, True):
        return None
    gap = sent.norm[out[-1].title_end - sent.start : tok.start - sent.start]
    if not gap.startswith("、") or not 3 <= len(gap) <= 16 or any(c in CHAIN_BREAK for c in gap[1:]):
        return None
    after = toks[i + 1] if i + 1 < len(toks) else None
    if after is not None and after.tag not in (PUNCT_TAG, "v") and after.norm not in NAME_STOP:
        return None
    return TitleSpan("", out[-1].title_end + 1, tok.start, None, None, tok.start, tok.end, False)


# Marks inside the gap before a name that end a chain (a new clause, a list of people).
CHAIN_BREAK = frozenset("，,。；;：:、和与及的")


def _bracketed_org(toks: tuple[Token, ...], close: int, seg_start: int) -> int | None:
    """The first token of an organisation whose name ends in brackets (某省工商联(总商会)), if tokens[close]
    closes one."""
    b = next((j for j in range(close - 1, max(seg_start, close - 8) - 1, -1) if toks[j].norm in "(（"), None)
    if b is None or b - 1 < seg_start or toks[b - 1].tag not in NOMINAL:
        return None
    return max(extend_left(toks, b - 1, stop_titles=False, loose=True), seg_start)


def _after_link(toks: tuple[Token, ...], out: list[TitleSpan], seg_start: int, title_start: int) -> bool:
    """The title opens a new link of a chain: a nameless title and 、 just before its words."""
    return bool(out) and out[-1].name_start is None and 0 < seg_start < len(toks) \
        and toks[seg_start - 1].norm == "、" and toks[seg_start].start < title_start


# What an organisation the tagger broke into pieces ends with (市/n 对/p 外/n 友/ORG 协/v).
LINK_ORG_END = re.compile(r"(协|会|局|委|办|院|所|部|厅|处|科|室|站|队|组|中心|集团|公司|学校|大学|联)$")


def _link_org(sent: Sentence, start: int, end: int) -> tuple[int | None, int | None]:
    """某局党组成员、市科协专职副主席甲: the words of a chain link before its title are its
    organisation when they read as one (an organisation ending, no clause word), however the
    tagger cut them."""
    text = sent.norm[start - sent.start : end - sent.start]
    if not 2 <= len(text) <= 14 or not all("\u4e00" <= c <= "\u9fff" for c in text):
        return None, None
    if not LINK_ORG_END.search(text) or any(w in text for w in CLAUSE_WORDS if len(w) > 1):
        return None, None
    return start, end


def _unit_word(t: Token) -> bool:
    """联合/v 总会/v: a two-character word the tagger reads as a verb that ends like an organisation."""
    if len(t.norm) == 1:  # 事业/n 发展/vn 办/v 主任: a one-character unit closing a department's name
        return t.norm in "办处科室部所站队组"
    return len(t.norm) == 2 and t.norm[-1] in "会院所部厅局社" and t.norm not in CLAUSE_WORDS


def _numbered_unit(t: Token) -> bool:
    """施工/n 三部/m: a numbered unit the tagger reads as a number ends an organisation name."""
    return t.tag == "m" and len(t.norm) >= 2 and t.norm[-1] in "部所处厂队局科室院" and not t.norm[0].isdigit()


def find_titles(sent: Sentence) -> list[TitleSpan]:
    """Every title in the sentence followed by a name, by 、 or by the next organisation of a chain."""
    toks = sent.tokens
    out: list[TitleSpan] = []
    seg_start = 0  # first token after the last punctuation mark or title
    for i, tok in enumerate(toks):
        if tok.tag == PUNCT_TAG:
            if tok.norm not in BRACKETS:  # 某某(福州)有限公司: brackets and quotes sit inside names
                seg_start = i + 1
            continue
        prefix = "".join(t.norm for t in toks[seg_start : i + 1])
        title = title_before(prefix)
        if not title:
            carrier = _unknown_link(sent, out, i)
            if carrier is not None:
                out.append(carrier)
                seg_start = i + 1
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        name_start_i = i + 1
        if nxt is not None and nxt.norm in ("：", ":") and i + 2 < len(toks):
            name_start_i = i + 2  # 理事会常务委员：甲、乙、丙 — a title heading a list of names
        name_end = name_after(toks, name_start_i) if nxt is not None else None
        chain_link = nxt is not None and (nxt.norm in ("、", "兼", "及") or nxt.tag in ("ORG", "LOC")
                                          or nxt.norm in ANAPHORIC_ORGS)  # 某会议员该会会长甲
        if name_end is None and not chain_link:
            continue
        title_start = tok.end - len(title)
        if name_end is None and out and out[-1].name_end == title_start:
            continue  # 甲教授、: the title of the name before it (_title_after_name), not a chain link
        k = _token_at(toks, title_start)
        org_s = org_e = None
        if toks[k].start < title_start:  # the title begins inside a word: 河畔区委/书记
            first = extend_left(toks, k, stop_titles=False, loose=True)
            org_s, org_e = toks[max(first, seg_start)].start, title_start
        elif k - 1 >= seg_start and toks[k - 1].norm in ANAPHORIC_ORGS:  # 该会会长, 本院院长
            org_s, org_e = toks[k - 1].start, title_start
        elif k - 1 >= seg_start and toks[k - 1].norm in ")）" and _bracketed_org(toks, k - 1, seg_start) is not None:
            first = _bracketed_org(toks, k - 1, seg_start)  # 某省工商联(总商会)专职副主席
            org_s, org_e = toks[first].start, title_start
        elif k - 1 >= seg_start and toks[k - 1].tag == "PER" and name_end is None \
                and not (k - 2 >= seg_start and _split_suffix(toks[k - 2].norm, toks[k - 1].norm)):
            continue  # 某中心某某主任、: the name before its title (name_first_titles reads it)
        elif k - 1 >= seg_start and (toks[k - 1].tag in NOMINAL_OR_NAME or _numbered_unit(toks[k - 1]) or (
                toks[k - 1].tag in LOOSE and toks[k - 1].norm not in CLAUSE_WORDS and (len(toks[k - 1].norm) >= 3
                                                                                         or _unit_word(toks[k - 1])))):
            first = extend_left(toks, k - 1, stop_titles=False, loose=True)
            org_s, org_e = toks[max(first, seg_start)].start, title_start
        if org_s is None and _after_link(toks, out, seg_start, title_start):
            org_s, org_e = _link_org(sent, toks[seg_start].start, title_start)
        region = region_title(title)
        if org_s is not None and org_e is not None:
            org_norm = sent.norm[org_s - sent.start : org_e - sent.start]
            if org_norm[-1] in NOT_ORG or org_norm in NAME_STOP:
                org_s = org_e = None
        out.append(TitleSpan(
            title=title, title_start=title_start, title_end=tok.end,
            org_start=org_s, org_end=org_e,
            name_start=toks[name_start_i].start if name_end is not None else None,
            name_end=_name_end(toks, name_start_i, name_end) if name_end is not None else None,
            region_party=region,
        ))
        seg_start = name_end if name_end is not None else i + 1
        if name_end is not None:
            out.extend(_title_after_name(sent, out[-1], name_end))
            out.extend(_name_list(sent, out[-1], name_end))
    return out


# One-word references to the article's own institution before a title (该会会长, 本院院长).
ANAPHORIC_ORGS = frozenset("该会 本会 我会 该院 本院 我院 该校 本校 我校 该所 本所 该公司 本公司 该集团 该中心 本中心"
                           .split())
# Last characters of the units a name may follow in 某组甲秘书长 (beyond the organisation suffixes).
UNIT_ENDS = frozenset("组网室队站")
# Words after which a name opens its clause as much as after punctuation (由甲董事长主持).
CLAUSE_OPENERS = frozenset("由 和 与 及 同 请 随后 最后 首先 接着 期间 会上 会后".split())


def _split_suffix(before: str, name: str) -> bool:
    """The 'name' completes an organisation ending begun by the word before it (办 + 公室 = 办公室)."""
    found = lexicon().org_suffixes.longest_suffix(before + name)
    return found is not None and len(found) > len(name)


def name_first_titles(sent: Sentence) -> list[TitleSpan]:
    """ORG NAME TITLE: 某研究院某某副院长、某中心某某主任; NAME TITLE opening a clause: 甲董事长表示."""
    toks = sent.tokens
    out = []
    for i, t in enumerate(toks):
        opens = i == 0 or toks[i - 1].tag == PUNCT_TAG or toks[i - 1].norm in CLAUSE_OPENERS
        if t.tag != "PER" or not (opens or toks[i - 1].tag in ("ORG", "n", "nz", "j")):
            continue
        if i > 0 and _split_suffix(toks[i - 1].norm, t.norm):
            continue  # 某公司办/ORG 公室/PER 主任: the tagger cut 办公室 in two
        j = i + 1
        # the tagger cut the name short before the title: 张宪/PER 中/f 处长
        if j + 1 < len(toks) and len(t.norm) == 2 and len(toks[j].norm) == 1 and toks[j].tag != PUNCT_TAG \
                and title_before(toks[j + 1].norm) == toks[j + 1].norm:
            j += 1
        name_end = toks[j - 1].end
        if j >= len(toks):
            continue
        title = title_before(toks[j].norm)
        if title != toks[j].norm and j + 1 < len(toks):
            # the tagger split the title: 调研/n 员/n
            two = toks[j].norm + toks[j + 1].norm
            if title_before(two) == two:
                j, title = j + 1, two
        if title_before(title or "") != title or not title:
            continue
        after = toks[j + 1] if j + 1 < len(toks) else None
        if after is not None and after.tag != PUNCT_TAG and after.norm not in NAME_STOP and after.tag != "v":
            continue
        if opens:  # 甲董事长表示: the post with its organisation left to the article (implied_org)
            if (after is not None and after.tag != "v" and after.norm not in NAME_STOP) \
                    or not is_plausible_name(t.norm, True) or t.norm[-1] in "前原副代":
                continue
            out.append(TitleSpan(title, toks[j].end - len(title), toks[j].end, None, None, t.start, name_end, False))
            continue
        prev = toks[i - 1]
        if prev.tag != "ORG" and not lexicon().org_suffixes.longest_suffix(prev.norm) \
                and not (prev.tag in ("n", "nz", "j") and prev.norm[-1] in UNIT_ENDS):
            continue  # (某工作联络组/n 甲秘书长, 某协发网/nz 乙秘书长: units the suffix list lacks)
        first = extend_left(toks, i - 1, stop_titles=False, loose=True, persons=False)
        out.append(TitleSpan(title, toks[j].end - len(title), toks[j].end, toks[first].start, prev.end,
                             t.start, name_end, False))
    return out


# 甲当选/出任/担任/任 某会主席; 任命甲为某局局长 (免去甲的…职务 gives no post: 的 is no such verb)
APPOINT = frozenset("为 当选 当选为 任命 聘任 聘为 出任 担任 任 兼任 升任 接任 调任 转任 改任 连任 任命为 "
                    "被任命为 履新 获选 推选为 选为 作为".split())  # 作为: 甲作为某集团总经理发言
APPOINT_LEAD = re.compile(r"^(新一届|新任|首任|第[^，,。]{1,4}届|本届|为)")
APPOINT_TAIL = re.compile(r"(新一届|新任|首任|第[^，,。]{1,4}[届任]|本届)$")
# Words between a name and its appointment verb: 甲同志成功当选, 乙随即出任, 丙以190票的高票当选为,
# 丁被任命为, 王某等20名代表当选为.
APPOINT_FILLER = frozenset("同志 先生 女士 成功 随即 亦 也 再次 顺利 正式 被 已 当场 全票 光荣 继续 分别 均 将 拟 "
                           "高票 等额 一致 满票 当".split())
VOTES = re.compile(r"^(以|等)")
# A region's party committee printed once before its seats (中共某市委委员、常委、副书记).
COMMITTEE = re.compile(r"[\u4e00-\u9fff]{2,}[省市区县州]委$")
COMMITTEE_SEATS = frozenset("委员 常委 书记 副书记 常务副书记".split())
# Verbs before the name in 选举甲为X, 任命乙同志为Y.
CHOOSE = frozenset("选举 任命 推选 聘任 聘请 增补 提名 选 决定 同意".split())
# Names of one appointment joined in a list: 甲、乙和丙当选副县长.
NAME_JOINS = frozenset("、 和 及 与".split())


def _appointed_names(toks: tuple[Token, ...], i: int) -> tuple[list[int], int] | None:
    """The names listed from tokens[i] and the index of the appointment verb after them, if any."""
    names = [i]
    k = i + 1
    while k + 1 < len(toks) and toks[k].norm in NAME_JOINS and toks[k + 1].tag == "PER":
        names.append(k + 1)
        k += 2
    skipped = 0
    while k < len(toks) and skipped < 8 and toks[k].norm not in APPOINT:
        t = toks[k]
        if t.norm in APPOINT_FILLER or (VOTES.match(t.norm) and t.tag != PUNCT_TAG) \
                or (skipped and t.tag in ("m", "q", "u", "n") and toks[k - 1].norm not in APPOINT):
            k += 1
            skipped += 1
            continue
        return None
    if k >= len(toks) - 1:
        return None
    if skipped and toks[k].norm == "为" and toks[k - 1].norm != "被" and (i == 0 or toks[i - 1].norm not in CHOOSE):
        return None  # 甲的原因为…: 为 after filler words is no appointment unless passive
    return names, k


# Words ending in 任 that are no appointment verb glued to a name (主任, 责任, 信任 …).
NOT_GLUED_REN = frozenset("担任 出任 调任 升任 兼任 接任 转任 改任 连任 留任 继任 离任 卸任 历任 曾任 现任 信任 "
                          "责任 主任 上任 到任 就任 专任 新任 首任 前任 后任 原任 聘任 委任 选任 拟任 时任 胜任 "
                          "放任 赴任 在任 常任 重任 充任".split())


def _glued_appointee(toks: tuple[Token, ...], i: int) -> tuple[int, int] | None:
    """A name with 任 glued to it by the tagger (甲任/PER 第二届会长, 王某/PER 健任/v 某市委书记): where the
    name ends, and the index of the token after the verb."""
    t = toks[i]
    if i + 1 >= len(toks) or toks[i + 1].tag == PUNCT_TAG:
        return None
    if t.tag == "PER" and len(t.norm) in (3, 4) and t.norm.endswith("任") and is_plausible_name(t.norm[:-1], True):
        return t.end - 1, i + 1
    nxt = toks[i + 1]
    if t.tag == "PER" and len(t.norm) == 2 and len(nxt.norm) == 2 and nxt.norm.endswith("任") \
            and nxt.norm not in NOT_GLUED_REN and i + 2 < len(toks) and toks[i + 2].tag != PUNCT_TAG \
            and is_plausible_name(t.norm + nxt.norm[0], True):
        return nxt.start + 1, i + 2
    return None


def _more_posts(sent: Sentence, k: int) -> int | None:
    """The end of a clause from tokens[k] that only lists more posts (org + title, 、 or 兼 between), if it does."""
    toks = sent.tokens
    j = k
    while j < len(toks) and (toks[j].tag != PUNCT_TAG or toks[j].norm == "、") and toks[j].tag != "PER" \
            and toks[j].norm not in ("的", "职务", "一职"):
        j += 1
    if j == k or (j < len(toks) and toks[j].tag == "PER") \
            or any(t.tag in ("v", "p", "d", "c", "r", "PER") and not _unit_word(t) for t in toks[k:j]):
        return None  # a verb or a name: a clause of its own (…会长，集团党委书记乙当选为副会长)
    clause = sent.norm[toks[k].start - sent.start : toks[j - 1].end - sent.start]
    parts = [x for x in re.split(r"兼|、", clause) if x]
    return j if parts and all(title_before(x) and len(x) <= 24 for x in parts) else None


def appointment_titles(sent: Sentence) -> list[TitleSpan]:
    """People named before an appointment verb, and the posts named after it (副会长兼秘书长: two)."""
    toks = sent.tokens
    out: list[TitleSpan] = []
    last_org: tuple[int, int] | None = None
    choose_cue: int | None = None  # where 选举/任命 of the sentence's first appointee stands
    last_regional = False  # the last org was a region's, read with a region title (某市 of 某市委常委)
    i = 0
    while i < len(toks) - 2:
        t = toks[i]
        found = _appointed_names(toks, i) if t.tag == "PER" else None
        glued = _glued_appointee(toks, i) if found is None else None
        if found is None and glued is None:
            i += 1
            continue
        names, v = found or ([i], glued[1] - 1)
        name_ends = {i: glued[0]} if glued else {}
        j = v + 1
        if j < len(toks) and toks[j].norm == "为":
            j += 1
        if choose_cue is not None and toks[v].norm == "为" and i > 0 and toks[i - 1].norm in ("，", ",", "；", ";"):
            cue_from = choose_cue  # 选举甲为X，乙为Y: the choice is the same for 乙
        else:
            cue_from = None
            if i > 0 and toks[i - 1].norm in CHOOSE:
                choose_cue = toks[i - 1].start
        first = j
        while j < len(toks) and (toks[j].tag != PUNCT_TAG or toks[j].norm == "、") \
                and toks[j].norm not in ("的", "职务", "一职") and toks[j].tag != "PER" \
                and not (toks[j].tag == "v" and toks[j].norm != "兼" and not _unit_word(toks[j]) and j > first
                         and title_before("".join(t.norm for t in toks[first:j]))):
            j += 1  # (a verb after a title ends the clause: 甲作为某集团总经理发言)
        while j > first and toks[j - 1].norm in NAME_JOINS:
            j -= 1  # …院长、周某为…: the list mark before the next name
        if j < len(toks) and toks[j].tag == "PER":
            # 甲担任某部部长、某联盟秘书长乙担任…: the part after the last 、 is the next person's title
            mark = next((x for x in range(j - 1, first, -1) if toks[x].norm == "、"), None)
            if mark is not None and title_before("".join(t.norm for t in toks[mark + 1 : j])):
                j = mark
        clause_end = toks[j - 1].end if j > first else toks[first].start
        while j < len(toks) and toks[j].norm in ("，", ","):
            more = _more_posts(sent, j + 1)  # 任命甲为A集团董事长、总经理，B集团党委书记、董事长
            if more is None:
                break
            j = more
        i = max(j, i + 1)
        if first >= j:
            continue
        start, end = toks[first].start, toks[j - 1].end
        cue = cue_from if cue_from is not None else \
            next((t.end for t in reversed(toks[: names[0]]) if t.tag == PUNCT_TAG), sent.start)
        clause = sent.norm[start - sent.start : end - sent.start]
        pos = start
        for part in re.split(r"(兼|、|，|,)", clause):
            if part in ("兼", "、", "，", ","):
                pos += len(part)
                continue
            title = title_before(part)
            if title:
                org_text = part[: len(part) - len(title)]
                lead = APPOINT_LEAD.match(org_text)
                skip = lead.end() if lead else 0
                tail = APPOINT_TAIL.search(org_text)  # 联盟首任理事长: 首任 is no part of the org
                org = (pos + skip, pos + len(part) - len(title) - (len(tail.group(0)) if tail else 0))
                if org[1] - org[0] >= 2:
                    last_org, last_regional = org, region_title(title)
                elif org[1] - org[0] == 1 and title.lstrip("副").startswith(REGION_PARTY):
                    pass  # 县委书记 after 当选: the region is printed (one character) before the title
                elif last_org and department_of(title) and (last_regional or
                                                             COMMITTEE.search(sent.norm[last_org[0] - sent.start :
                                                                                        last_org[1] - sent.start])):
                    org = None  # 任某市委常委、宣传部部长: the department is the title's own (GUIDELINE)
                else:
                    org = last_org  # 副会长兼秘书长 / 乙当选为副会长: the org named just before
                composed = None
                committee = COMMITTEE.search(sent.norm[org[0] - sent.start : org[1] - sent.start]) if org else None
                if org and committee and title in COMMITTEE_SEATS:
                    # 任中共某市委委员、常委、副书记: the region's 市委常委, 市委副书记 (GUIDELINE E4)
                    lead = 2 if sent.norm[org[0] - sent.start : org[0] - sent.start + 2] == "中共" else 0
                    composed = sent.text[org[1] - 2 - sent.start : org[1] - sent.start] + \
                        sent.text[pos + len(part) - len(title) - sent.start : pos + len(part) - sent.start]
                    org = (org[0] + lead, org[1] - 1)
                for n in names:
                    out.append(TitleSpan(title, pos + len(part) - len(title), pos + len(part),
                                         org[0] if org else None, org[1] if org else None, toks[n].start,
                                         name_ends.get(n, toks[n].end), region_title(title) and composed is None,
                                         composed, cue if pos > clause_end or cue_from is not None else None))
                if composed and org:
                    org = (org[0] - lead, org[1] + 1)  # the next seat on the same committee
            pos += len(part)
    return out


def _title_after_name(sent: Sentence, ts: TitleSpan, k: int) -> list[TitleSpan]:
    """某学院副院长某某教授、: a second title after the name; its organisation is carried in sentence_posts
    (the same one as the title before the name), except for 院士, which no organisation confers."""
    toks = sent.tokens
    if k >= len(toks) or title_before(toks[k].norm) != toks[k].norm:
        return []
    after = toks[k + 1] if k + 1 < len(toks) else None
    if after is not None and after.tag != PUNCT_TAG and after.norm not in NAME_STOP and after.tag != "v":
        return []
    return [TitleSpan(toks[k].norm, toks[k].start, toks[k].end, None, None,
                      ts.name_start, ts.name_end, False)]


def _name_list(sent: Sentence, ts: TitleSpan, k: int) -> list[TitleSpan]:
    """One title shared by a list of names: 副主任甲、乙、丙 gives each of them the post."""
    toks = sent.tokens
    more = []
    while k + 1 < len(toks) and toks[k].norm == "、" and toks[k + 1].tag != PUNCT_TAG:
        end = name_after(toks, k + 1)
        if end is None or (end < len(toks) and title_before(toks[end].norm) == toks[end].norm):
            break  # 甲、乙副主任: the next name has a title of its own
        if end < len(toks) and toks[end].tag not in (PUNCT_TAG, "v") and toks[end].norm not in NAME_STOP:
            break  # 甲、乙出席会议/v: the list ends at the verb
        more.append(TitleSpan(ts.title, ts.title_start, ts.title_end, ts.org_start, ts.org_end,
                              toks[k + 1].start, _name_end(toks, k + 1, end), ts.region_party))
        k = end
    return more


def org_span(sent: Sentence, ts: TitleSpan) -> tuple[int, int] | None:
    """The organisation a title belongs to, as a span; 河畔区委书记 gives 河畔区 (the region).

    One place for every trim, so posts and the organisation entity agree: what
    precedes a 的-clause is not the name, nor is 原/时任 (a former post at the
    same organisation), nor a board's name (理事会) after it.
    """
    if ts.org_start is None or ts.org_end is None:
        return None
    start, end = ts.org_start, ts.org_end
    text = sent.norm[start - sent.start : end - sent.start]
    cut = text.rfind("的")
    also = text.rfind("兼")  # 某省委常委兼统战部甲部长: the department alone
    if also > cut and len(text) - also > 2:
        cut = also
    if cut >= 0:
        start += cut + 1
    elif text.startswith(("原", "时任")) and len(text) >= 4:
        start += 1 if text[0] == "原" else 2
    elif (lead := CAREER_VERB.match(text)) and len(text) - lead.end() >= 2:
        start += lead.end()  # 现任本公司董事, 历任某集团…: the career verb is no part of the org
    # 某联盟理事会常务委员: the post is held in the body's organisation, not in its board
    body = GOVERNING_BODY.search(sent.norm[start - sent.start : end - sent.start])
    if body and body.start() >= 2:
        end -= len(body.group(0))
    text = sent.norm[start - sent.start : end - sent.start]
    # 黄某院士和某研究所党委书记 / 及人大主任: a list before the org, cut after its last joint
    joint = ORG_JOINT.search(text)
    if joint and joint.end() < len(text) - 1:
        start += joint.end()
    else:
        junk = [m for m in LEAD_JUNK.finditer(text) if m.start() == 0 or m.group(0) not in "及和与并"]
        if junk and len(text) - junk[-1].end() >= 2:
            start += junk[-1].end()  # 代表团拜访某小组主席: the verb and its subject are no part of the org
    region = sent.norm[ts.title_start - sent.start]
    if ts.region_party and sent.norm[start - sent.start : start - sent.start + 2] == "中共" and end - start >= 4:
        start += 2  # 中共某市委书记: the region 某市 holds the post (GUIDELINE)
    contracted = ts.title.lstrip("原代") in REGION_HEADS
    if ts.region_party and region in "省市区县州" and sent.norm[end - 1 - sent.start] != region and not (
            contracted and (end - start > 4 or sent.norm[end - 1 - sent.start] in "府委会局部厅办院所司处")):
        end += 1
    elif ts.title in UNIT_HEADS and end - start >= 2 and ts.title_end - ts.title_start == len(ts.title):
        # 某市社会处长, 外交部长: a unit contracted with its head (社会处 + 处长) when what precedes is no
        # organisation on its own
        org = sent.norm[start - sent.start : end - sent.start]
        if org[-1] != ts.title[0] and not lexicon().org_suffixes.longest_suffix(org) \
                and not (org[-1] in "省市区县州" and len(org) <= 4):
            end += 1
    if end > start:  # 某商会第三届 理事长, 某分会创会 会长: the tails org_end cuts are the post's, not the name's
        end = start + org_end(sent.norm[start - sent.start : end - sent.start])
    return (start, end) if end > start else None


# Heads of units whose first character is the unit (处长 of 某处): printed once for both in 社会处长.
UNIT_HEADS = frozenset("处长 部长 科长 局长 厅长 司长".split())


# Career verbs glued to the front of an organisation by the tagger (现任/v 本公司 read as one span).
CAREER_VERB = re.compile(r"^(现任|历任|曾任|先后任|起任|任(?![丘城县命职])|现为|曾为|兼任|后任|并任)")
# Joints that end a list before an organisation: the title of the person before (院士和), or 及.
ORG_JOINT = re.compile(r"^.*(院士|教授|先生|女士|主席|书记|主任|会长|部长)(和|及|与|、)")
# Words that open a clause, not a name, when glued to the front of an organisation.
LEAD_JUNK = re.compile(r"(及|和|与|并|拜访|拜会|会见|会晤|接见|走访|看望|慰问|率领|带领|陪同|邀请"
                       r"|调任|出任|担任|升任|转任|改任|接任|兼任|当选为|当选|任命为|任命|聘任|选举|推选|增补)")
