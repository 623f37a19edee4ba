"""Where a name phrase starts: walking left from its head over the words a name is made of.

Organisation, event and title-chain rules all ask the same question ("how far
left does this name reach?"), so the answer lives here once.
"""

from __future__ import annotations

import re

from kg.extract.segment import Token
from kg.lexicon import lexicon

# Tags the left edge of an organisation or event name may extend over.
NOMINAL = frozenset({"n", "nz", "vn", "an", "ORG", "LOC", "nw", "j", "s", "f"})
# Numbers that belong to a name: ordinals, editions, anniversaries, years (not 两次, 28家).
ORDINAL = re.compile(r"^(第.+|.+届|.*周年|\d{4}年?度?|.+期|首次|首届)$")
DASHES = frozenset("—–-－")
# Bodies named with their session (北岭省十二届人大常委会, 县十六届纪委): the ordinal is inside the name.
SESSION_BODIES = ("人大", "人民代表大会", "政协", "党委", "纪委", "县委", "市委", "省委", "区委")
QUOTE_OPEN, QUOTE_CLOSE = "“\"「『(（", "”\"」』)）"


# A loose phrase (the organisation before a title) also crosses these tags, since
# the tagger reads verbs inside long names (某某协同发展联盟); clause words still stop it.
LOOSE = frozenset({"v", "vd", "a", "ad", "PER", "q"})
CLAUSE_WORDS = frozenset("出席 参加 主持 会见 陪同 考察 调研 表示 指出 介绍 讲话 致辞 发言 举行 召开 举办 受 由 在 为 "
                         "对 向 与会 带领 率 率领 邀请 应邀 走访 看望 慰问 担任 任 是 有 包括 其中 代表 进行 开展 "
                         "组织 到 赴 前往 来 列席 参观 当选 选举 宣布 通过 听取 审议 还有 以及 包括 吸引 "
                         # appointment and career verbs glued to the front of an organisation (出任某厅厅长,
                         # 历任某局局长, 选举产生某会理事): the verb is no part of the name
                         "出任 现任 历任 曾任 先后任 时任 原任 兼任 调任 升任 转任 改任 拟任 继任 新任 "
                         "产生 免去 辞去 卸任 履任 仍是 历经 "
                         # co-organiser and support verbs (由某公司协办) and verbs of evaluation
                         "协办 承办 主办 赞助 高度评价 肯定 感谢 祝贺 希望 牵头".split())


# A page's labels (来源中国某网, 编辑某某): what follows is named, the label is no part of the name.
PAGE_WORDS = frozenset("来源 稿源 出处 转自 摘自 编辑 责编".split())


def extend_left(tokens: tuple[Token, ...], i: int, allow: frozenset[str] = frozenset(), stop_titles: bool = True,
                loose: bool = False, numbers: bool = False, stop_quoted_events: bool = False,
                persons: bool = True) -> int:
    """Index of the first token of the nominal phrase that ends with tokens[i].

    Quoted spans are taken whole (工信部“某某基地”授牌); a 与/和 joins two parts of one
    name (职业教育与成人教育司) but not two complete organisations; titles and
    people end the phrase, since a name never contains them.
    """
    lex = lexicon()
    j = i
    in_quote = False
    while j > 0:
        t = tokens[j - 1]
        if t.tag == "w" and t.norm in DASHES and j >= 2 and tokens[j - 2].tag in ("LOC", "ORG", "nz") \
                and tokens[j].tag in NOMINAL:
            j -= 1  # 泸水—江宁产业合作推介会: two places joined by a dash in one name
            continue
        if t.tag == "w" and t.norm and t.norm[-1] in QUOTE_CLOSE:
            if t.norm[-1] in ")）" and j >= 2 and tokens[j - 2].tag == "PER":
                break  # （记者 某某）某部: a byline in brackets before the name is no part of it
            if stop_quoted_events and j >= 2 and lex.event_nouns.longest_suffix(tokens[j - 2].norm):
                break  # “某某研修班”开学典礼: the quoted event is an event of its own
            in_quote = True
            j -= 1
            continue
        if in_quote:
            if t.tag == "w" and t.norm and t.norm[0] in QUOTE_OPEN:
                in_quote = False
            j -= 1
            continue
        if (stop_titles and lex.titles.longest_suffix(t.norm) == t.norm) or t.norm in PAGE_WORDS:
            break
        if loose and t.tag == "PER" and tokens[j].tag in ("ORG", "LOC"):
            break  # 免去甲北大党委副书记: a name before an organisation is the person, not the name's
        if loose and t.tag == "m" and ORDINAL.match(t.norm) and j >= 2 and tokens[j - 2].tag in ("LOC", "ORG", "n") \
                and (tokens[j].tag == "ORG" or tokens[j].norm.startswith(SESSION_BODIES)):
            j -= 1  # 北岭省 十二届 人大常委会: the session inside a legislature's name
            continue
        if loose and t.tag in LOOSE and t.norm not in CLAUSE_WORDS and not (t.tag == "PER" and not persons):
            j -= 1
            continue
        if t.tag in NOMINAL or t.norm in allow or (t.tag == "m" and t.norm.startswith("第")):
            j -= 1
            continue
        if numbers and t.tag in ("m", "q", "TIME") and ORDINAL.match(t.norm):  # 成立十周年论坛, 第三届年会
            j -= 1
            continue
        # 职业教育与成人教育司 is one name; 某局和某学院 (和, or complete orgs) are two
        joinable = ("n", "vn", "nz", "v", "ORG") if loose else ("n", "vn", "nz", "ORG")
        if t.norm in ("与", "和", "及") and j >= 2 and tokens[j - 2].tag in joinable \
                and not lex.org_suffixes.longest_suffix(tokens[j - 2].norm):
            j -= 1
            continue
        break
    if in_quote:  # unbalanced: do not swallow half a quotation
        return i
    return j


# Names the title rules do not expect: Latin script (John A. Smith), or five and six characters
# in Han script, as Japanese names are (佐藤某一郎) when the tagger reads them as one name.
LATIN_PERSON = re.compile(r"[A-Z][a-z][A-Za-z'\-]*(?:\s+[A-Z]\.)*(?:\s+[A-Z][a-z][A-Za-z'\-]*){1,3}")
HONORIFIC_END = re.compile(r"(先生|女士|同志|教授|院士|博士|主任|书记|部长|市长|社长|会长)$")


def is_long_name(norm: str) -> bool:
    """A person's name beyond the two-to-four Han characters of a Chinese one, for a word the tagger
    tagged PER: Latin script, or five or six Han characters with no title or honorific at the end.

    (Post extraction may call it beside titles.is_plausible_name, so that 校长John A. Smith and
    市长佐藤某一郎 give posts.)
    """
    if LATIN_PERSON.fullmatch(norm):
        return True
    return len(norm) in (5, 6) and all("\u4e00" <= c <= "\u9fff" for c in norm) and not HONORIFIC_END.search(norm)


# 某商会代表团, 某市考察团: a delegation is its people; the organisation it comes from is the name.
DELEGATION = re.compile(r"(代表团|考察团|访问团|调研团|调研组)$")
# Tails glued to an organisation word that are no part of it: a title's marker (某分会创会 会长,
# 某会原 副主席), a co-organiser's verb (某有限公司协办), a board of one edition or the edition alone
# (某会第五届执行委员会, 某商会第三届 理事会理事长: the post is the body's, GUIDELINE), a major and a
# degree (某学院某系某专业 大学毕业).
ORG_TAIL = re.compile(r"(创会|原|现任|时任|前任|首任|名誉|荣誉|代理|协办|承办|主办|联办|合办|赞助|冠名"
                      r"|第?[一二三四五六七八九十百零〇\d]+届(?:执行委员会|执委会|理事会|常务理事会|理监事会|董事会|监事会)?)$"
                      r"|(?<=[系院校])([^系院校]{1,8}专业(?:大学|本科|研究生)?)$")


def org_end(norm: str) -> int:
    """Where an organisation name really ends, as a length of norm (simplified text): the tails of
    DELEGATION and ORG_TAIL cut off when what remains still reads as a name.

    Mentions use it for every organisation span; post extraction may apply it to the span of
    titles.org_span too, so that 某商会第三届理事会理事长 gives the post at 某商会.
    """
    d = DELEGATION.search(norm)
    tail = ORG_TAIL.search(norm) if d is None else None
    if d is None and tail is None:
        return len(norm)
    cut = (d or tail).start()  # type: ignore[union-attr]
    marker = tail is not None and tail.group(1) is not None  # 创会, 原, 第三届 …: the rest must end like a name
    if cut < 2 or (d is not None and cut < 3) or (
            marker and not (lexicon().org_suffixes.longest_suffix(norm[:cut]) or norm[cut - 1] in ")）")):
        return len(norm)
    return cut
