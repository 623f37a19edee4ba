"""Mend the tagger's output where it glues a post onto an organisation.

LAC reads "某大学化学学院院长某某" or "某市外办某某" as one ORG word; the title and
the name inside must be separate tokens before the title-chain rules can see them.
"""

from __future__ import annotations

import re

from kg.extract.segment import Sentence, Token
from kg.extract.titles import is_plausible_name, title_before
from kg.lexicon import lexicon

NAME_SEPARATORS = ("·", "-", "•", "‧", "・")


def _piece(t: Token, a: int, b: int, tag: str) -> Token:
    return Token(t.text[a:b], tag, t.start + a, t.start + b, t.norm[a:b])


def split_org(t: Token) -> list[Token]:
    n = t.norm
    # NAME 代表 ORG inside one word (某某代表医院/ORG): a person speaking for an organisation
    k = n.find("代表")
    if k in (2, 3) and is_plausible_name(n[:k], False) and len(n) - k - 2 >= 2:
        return [_piece(t, 0, k, "PER"), _piece(t, k, k + 2, "v"), _piece(t, k + 2, len(n), "ORG")]
    # ORG TITLE NAME inside one word
    for k in range(len(n) - 2, 1, -1):
        rest = n[k:]
        if not is_plausible_name(rest, False):
            continue
        title = title_before(n[:k])
        if title and len(title) < k:
            a = k - len(title)
            return [_piece(t, 0, a, "ORG"), _piece(t, a, k, "n"), _piece(t, k, len(n), "PER")]
    # ORG NAME: an organisation word directly followed by a name (某市外办某某)
    lex = lexicon()
    for k in (len(n) - 3, len(n) - 2):
        if k < 3:
            continue
        rest = n[k:]
        if is_plausible_name(rest, False) and lex.org_suffixes.longest_suffix(n[:k]) and not \
                lex.org_suffixes.longest_suffix(rest):
            return [_piece(t, 0, k, "ORG"), _piece(t, k, len(n), "PER")]
    return [t]


def _org_title(t: Token) -> list[Token]:
    """某市委常委/ORG is an organisation word glued to a title: split it, or keep the title alone."""
    title = title_before(t.norm)
    if not title:
        return [t]
    if len(title) == len(t.norm):
        return [_piece(t, 0, len(t.norm), "n")]
    a = len(t.norm) - len(title)
    return [_piece(t, 0, a, "ORG"), _piece(t, a, len(t.norm), "n")]


# Appointment and career verbs the tagger glues to the front of an organisation word.
LEAD_VERB = re.compile(r"^(现任|历任|曾任|先后任|出任|调任|兼任|升任|转任|拟任|时任|原任|担任|就职于|任职于|供职于"
                       r"|选举产生|产生|任)")


def _merge(a: Token, b: Token, tag: str) -> Token:
    return Token(a.text + b.text, tag, a.start, b.end, a.norm + b.norm)


def _split_you(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """报告会由校/n 党委书记: an event, 由 and the body hosting it, glued into one word by the tagger."""
    lex = lexicon()
    out: list[Token] = []
    for t in tokens:
        k = t.norm.find("由")
        if k >= 2 and k + 1 < len(t.norm) and lex.event_nouns.longest_suffix(t.norm[:k]):
            out.extend([_piece(t, 0, k, "n"), _piece(t, k, k + 1, "p"), _piece(t, k + 1, len(t.norm), "n")])
        else:
            out.append(t)
    return tuple(out)


def _split_ji(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """暨 joins two events; the tagger sometimes buries it inside one word (某某行暨某某院)."""
    out: list[Token] = []
    for t in tokens:
        k = t.norm.find("暨")
        if k <= 0 or len(t.norm) == 1:
            out.append(t)
            continue
        out.append(_piece(t, 0, k, t.tag))
        out.append(_piece(t, k, k + 1, "c"))
        if k + 1 < len(t.norm):
            out.append(_piece(t, k + 1, len(t.norm), t.tag))
    return tuple(out)


# Single characters that end a clause after a name rather than finish the name.
NOT_NAME_END = frozenset("说是在和与对把被将也都就还又再曾已向为从到给让等的了去来有要会能"
                         "可认称问答讲笑看想带率及或并而却但拿打做作写读回走跑坐站用同跟指")


# One character the tagger glues to the end of a name (郑某某称, 记者某某文/摄, 某某版《…》): a speech
# verb, a byline's credit before its slash, an edition of a work; split off when a name remains.
GLUED_TAIL = frozenset("称")
CREDIT_TAIL = frozenset("文图摄")
CREDIT_NEXT = frozenset("/／_＿")


def _glued_tail(t: Token, nxt: Token | None) -> bool:
    if t.tag != "PER" or len(t.norm) not in (3, 4) or not _is_han(t.norm) or not _surname_led(t.norm[:-1]):
        return False
    last = t.norm[-1]
    follows = nxt.norm[:1] if nxt is not None else ""
    return last in GLUED_TAIL or (last in CREDIT_TAIL and len(t.norm) == 4 and follows in CREDIT_NEXT) \
        or (last == "版" and follows in tuple("《“"))


def _split_glued_tails(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """郑某某称/PER → 郑某某/PER 称/v: what _glued_tail finds is no part of the name."""
    out: list[Token] = []
    for i, t in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if _glued_tail(t, nxt):
            n = len(t.norm)
            out.extend([_piece(t, 0, n - 1, "PER"), _piece(t, n - 1, n, "v" if t.norm[-1] == "称" else "n")])
        else:
            out.append(t)
    return tuple(out)


# Verbs of saying that follow a speaker's name (某某X 认为, 某某X 介绍道): before one, a two-character
# name and one more character are a three-character name the tagger cut (its last character read
# as 为, 来, 和, 成 …), unless that character plainly opens the clause.
SPEECH_AFTER = frozenset("认为 表示 介绍 称 说 指出 透露 交代 告诉 坦言 解释 强调 回忆 回答 说道 建议 提出 "
                         "谈 ： :".split())
CLAUSE_CHARS = frozenset("也都就还又再曾已不没说在对把被将的了等并却才便即亦正")


def _cut_before_speech(t: Token, nxt: Token | None, after: Token | None) -> bool:
    return t.tag == "PER" and len(t.norm) == 2 and nxt is not None and after is not None and len(nxt.norm) == 1 \
        and _is_han(nxt.norm) and nxt.tag not in ("w", "u", "d") and nxt.norm not in CLAUSE_CHARS \
        and after.norm in SPEECH_AFTER and t.norm[0] in lexicon().single_surnames


def _particle_suo(t: Token, nxt: Token | None) -> bool:
    """某博物馆所/ORG 藏/v, 某行所/ORG 不/d 允许: 所 before a verb is the particle (所+verb), not an office,
    where what precedes it is a complete name already (ends with an organisation word)."""
    prefix = t.norm[:-1]
    return t.tag == "ORG" and t.norm.endswith("所") and len(prefix) >= 2 and nxt is not None \
        and nxt.tag in ("v", "d", "vd") and (bool(lexicon().org_suffixes.longest_suffix(prefix))
                                             or prefix.endswith("行"))


def _split_dateline(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """某网4月13日/TIME 电某银行/ORG: the dateline's 电 (or 讯) glued to the first name of the report."""
    out: list[Token] = []
    for t in tokens:
        if out and out[-1].tag == "TIME" and out[-1].norm.endswith("日") and len(t.norm) >= 3 \
                and t.norm[0] in "电讯" and t.tag in ("ORG", "LOC", "PER", "n", "nz") and _is_han(t.norm):
            out.extend([_piece(t, 0, 1, "w"), _piece(t, 1, len(t.norm), t.tag)])  # read as a pause
        else:
            out.append(t)
    return tuple(out)


def _mend_names(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """Names the tagger cut short: 索尔-坎贝尔 at its separator, 金石/PER 开/v before a colon."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if (t.tag == "PER" and len(t.norm) == 2 and nxt is not None and len(nxt.norm) == 1 and _is_han(nxt.norm)
                and nxt.tag not in ("w", "u", "p", "c", "d") and nxt.norm not in NOT_NAME_END
                and (after is None or after.tag in ("w", "TIME")) and t.norm[0] in lexicon().single_surnames) \
                or _cut_before_speech(t, nxt, after):
            out.append(_merge(t, nxt, "PER"))  # 金石/PER 开/v ：: a three-character name cut short
            i += 2
            continue
        if t.tag == "PER" and i + 2 < len(tokens) and tokens[i + 1].norm in NAME_SEPARATORS \
                and tokens[i + 2].tag != "w" and _is_han(tokens[i + 2].norm):
            merged = _merge(_merge(t, tokens[i + 1], "PER"), tokens[i + 2], "PER")
            out.append(merged)
            i += 3
            continue
        out.append(t)
        i += 1
    return tuple(out)


# Words that follow a person's name (甲院士, 乙研究员, 丙同志): what stands before one in a
# list of such is a name, whatever the tagger made of it (凌某某/ORG 研究员, 周某/PER 和/c 院士).
AFTER_NAME = frozenset("院士 研究员 教授 副教授 同志 先生 女士 博士 律师 馆长".split())
# Clause words after a name cut short: 王某/PER 才/d 代表…, 张某/PER 之/u 等.
NAME_THEN = frozenset("等 代表 主持 出席 参加 当选 致辞 讲话 发言 介绍 表示 宣读 作".split())


def _surname_led(s: str) -> bool:
    lex = lexicon()
    return s[:2] in lex.compound_surnames or s[0] in lex.single_surnames


def _mend_listed_names(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """Names in a list of names the tagger did not read as names.

    - 甲、乙/v 丙/a、丁: a 2–3 character item between two names in a 、-list is a name;
    - 凌某某/ORG 研究员 or 周某/PER 和/c 院士 in a list of 某某院士: before a word that only
      follows a name, a 2–3 character surname-led item is the whole name;
    - 副校长 曾/d 某某/n 以及: after a title, a surname and one or two characters split by the
      tagger, then a clause word or punctuation, are a name.
    """
    lex = lexicon()
    items: list[list[Token]] = [[]]
    seps: list[Token] = []
    for t in tokens:
        if t.norm in ("、", "，", ",", "和", "及", "以及") or t.tag == "w":
            items.append([])
            seps.append(t)
        else:
            items[-1].append(t)
    out: list[Token] = []

    def per_end(k: int) -> bool:  # the item before ends with a name (市领导甲、)
        return 0 <= k < len(items) and bool(items[k]) and items[k][-1].tag == "PER"

    def per_start(k: int) -> bool:  # the item after starts with one (、丁出席)
        return 0 <= k < len(items) and bool(items[k]) and items[k][0].tag == "PER"

    for k, item in enumerate(items):
        text = "".join(t.norm for t in item)
        listed = (k > 0 and seps[k - 1].norm == "、" and per_end(k - 1)
                  and k < len(seps) and seps[k].norm == "、" and per_start(k + 1))
        if item and 2 <= len(text) <= 3 and _is_han(text) and not any(t.tag == "PER" for t in item) \
                and listed and lex.titles.longest_suffix(text) is None and text not in lex.not_org_words:
            out.append(Token("".join(t.text for t in item), "PER", item[0].start, item[-1].end, text))
        else:
            out.extend(_mend_before_title(item))
        if k < len(seps):
            out.append(seps[k])
    return tuple(out)


def _mend_before_title(item: list[Token]) -> list[Token]:
    """Within one list item: the name before 研究员/院士, and the surname split after a title."""
    lex = lexicon()
    out: list[Token] = []
    i = 0
    while i < len(item):
        t = item[i]
        # 凌某某/ORG 研究员: a surname-led word of 2–3 characters before a word that follows names
        if i + 1 < len(item) and item[i + 1].norm in AFTER_NAME and t.tag in ("ORG", "n", "nz", "LOC") \
                and 2 <= len(t.norm) <= 3 and _is_han(t.norm) and _surname_led(t.norm) \
                and (i == 0 or item[i - 1].tag in ("p", "c", "v")) \
                and not lex.org_suffixes.longest_suffix(t.norm) and lex.titles.longest_suffix(t.norm) is None:
            out.append(Token(t.text, "PER", t.start, t.end, t.norm))
            i += 1
            continue
        # 副校长 曾/d 某某/n (end of item or a clause word): a surname and the rest of the name
        if i > 0 and title_before(item[i - 1].norm) == item[i - 1].norm and t.tag != "PER" \
                and len(t.norm) == 1 and t.norm in lex.single_surnames and i + 1 < len(item) \
                and item[i + 1].tag in ("n", "nz", "a", "v", "vn", "d", "m") and 1 <= len(item[i + 1].norm) <= 2 \
                and _is_han(item[i + 1].norm) and lex.titles.longest_suffix(item[i + 1].norm) is None \
                and (i + 2 == len(item) or item[i + 2].norm in NAME_THEN):
            out.append(_merge(t, item[i + 1], "PER"))
            i += 2
            continue
        out.append(t)
        i += 1
    return out


def _mend_honorific_names(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """周某/PER 和/c 院士, 何某/PER 渔/n 同志: a two-character name cut before its third character."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.tag == "PER" and len(t.norm) == 2 and i + 2 < len(tokens) and len(tokens[i + 1].norm) == 1 \
                and _is_han(tokens[i + 1].norm) and tokens[i + 1].tag != "w" and _surname_led(t.norm) \
                and (tokens[i + 2].norm in AFTER_NAME
                     or (tokens[i + 2].norm in NAME_THEN and tokens[i + 1].tag in ("d", "u")
                         and tokens[i + 1].norm not in NOT_NAME_END)):  # 郭某/PER 也/d 出席: no name
            out.append(_merge(t, tokens[i + 1], "PER"))
            i += 2
            continue
        out.append(t)
        i += 1
    return tuple(out)


# A name in Latin script: two to four capitalised words, initials between (John A. Smith, Mary O'Neil).
LATIN_NAME = re.compile(r"(?<![A-Za-z])[A-Z][a-z][A-Za-z'\-]*(?:\s+[A-Z]\.)*(?:\s+[A-Z][a-z][A-Za-z'\-]*){1,3}"
                        r"(?![A-Za-z])")


def _mend_latin_names(sent: Sentence, tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """John/PER ␣ A/xc . ␣ Smith/nz: a Latin-script name the tagger cut at its spaces is one name,
    where the tagger read part of it as a name or a title stands right before it."""
    out = list(tokens)
    for m in LATIN_NAME.finditer(sent.norm):
        s, e = sent.start + m.start(), sent.start + m.end()
        inside = [k for k, t in enumerate(out) if s <= t.start and t.end <= e]
        if not inside or out[inside[0]].start != s or out[inside[-1]].end != e:
            continue
        before = out[inside[0] - 1] if inside[0] > 0 else None
        if not any(out[k].tag == "PER" for k in inside) and not (
                before is not None and title_before(before.norm) == before.norm):
            continue
        name = Token(sent.text[m.start() : m.end()], "PER", s, e, m.group(0))
        out[inside[0] : inside[-1] + 1] = [name]
    return tuple(out)


def _mend_dotted_names(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """阿某/PER 焦某·马某/PER: given names before a dotted family name are one foreign name."""
    out: list[Token] = []
    for t in tokens:
        if out and t.tag == "PER" and out[-1].tag == "PER" and out[-1].end == t.start \
                and any(c in NAME_SEPARATORS for c in t.norm + out[-1].norm):
            out[-1] = _merge(out[-1], t, "PER")
        else:
            out.append(t)
    return tuple(out)


def _is_han(s: str) -> bool:
    return bool(s) and all("\u4e00" <= c <= "\u9fff" for c in s)


# Labels of a page's furniture before a colon (来源：, 编辑：): no speaker.
PAGE_LABELS = frozenset("来源 稿源 编辑 责编 作者 记者 摄影 通讯员 图片 标签 关键词 链接 原标题 导语 出处".split())


def _speaker(tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    """某某：… at the head of a sentence is an interview's speaker label, a name whatever the tagger said."""
    if len(tokens) >= 2 and tokens[1].norm in ("：", ":") and tokens[0].tag in ("LOC", "n", "nz") \
            and tokens[0].norm not in PAGE_LABELS \
            and 2 <= len(tokens[0].norm) <= 3 and tokens[0].norm[0] in lexicon().single_surnames \
            and _is_han(tokens[0].norm) and tokens[0].norm not in lexicon().not_org_words:
        return (_piece(tokens[0], 0, len(tokens[0].norm), "PER"), *tokens[1:])
    return tokens


def repair(sent: Sentence) -> Sentence:
    if "日电" in sent.norm or "日讯" in sent.norm:
        sent = Sentence(sent.text, sent.start, sent.end, _split_dateline(sent.tokens), sent.norm)
    if "由" in sent.norm:
        sent = Sentence(sent.text, sent.start, sent.end, _split_you(sent.tokens), sent.norm)
    if "暨" in sent.norm:
        sent = Sentence(sent.text, sent.start, sent.end, _split_ji(sent.tokens), sent.norm)
    if len(sent.tokens) >= 2 and sent.tokens[1].norm in ("：", ":"):
        sent = Sentence(sent.text, sent.start, sent.end, _speaker(sent.tokens), sent.norm)
    if LATIN_NAME.search(sent.norm):
        sent = Sentence(sent.text, sent.start, sent.end, _mend_latin_names(sent, sent.tokens), sent.norm)
    if any(t.tag == "PER" for t in sent.tokens):
        tokens = _mend_dotted_names(_mend_honorific_names(_mend_names(_split_glued_tails(sent.tokens))))
        sent = Sentence(sent.text, sent.start, sent.end, tokens, sent.norm)
    sent = Sentence(sent.text, sent.start, sent.end, _mend_listed_names(sent.tokens), sent.norm)
    if not any(t.tag in ("ORG", "LOC") for t in sent.tokens):
        return sent
    lex = lexicon()
    tokens: list[Token] = []
    for k, t in enumerate(sent.tokens):
        if _particle_suo(t, sent.tokens[k + 1] if k + 1 < len(sent.tokens) else None):
            tokens.extend([_piece(t, 0, len(t.norm) - 1, "ORG"), _piece(t, len(t.norm) - 1, len(t.norm), "u")])
            continue
        if t.tag != "ORG":
            # 某市外/ORG 办/v: a one-character organisation suffix split off by the tagger
            # (not 所/u, the particle before a verb: 某博物馆 所藏)
            if tokens and len(t.norm) == 1 and t.tag != "u" and (
                    (tokens[-1].tag == "ORG" and t.norm in lex.org_suffixes)
                    or (tokens[-1].tag == "LOC" and t.norm in "办局委厅处司部")):
                tokens[-1] = _merge(tokens[-1], t, "ORG")
            else:
                tokens.append(t)
            continue
        lead = LEAD_VERB.match(t.norm)
        if lead and lead.group(0) == "任" and not (tokens and (tokens[-1].tag in ("TIME", "PER", "w") or tokens[
                -1].norm in ("后", "并", "现", "曾", "先后", "再"))):
            lead = None  # 任某市: a place that starts like the verb; the verb follows a date, a name or a pause
        if lead and len(t.norm) - lead.end() >= 3 and lex.org_suffixes.longest_suffix(t.norm):
            # 任某集团/ORG, 出任某厅/ORG: an appointment verb glued to the front of a name
            tokens.append(_piece(t, 0, lead.end(), "v"))
            t = _piece(t, lead.end(), len(t.norm), "ORG")
        if len(t.norm) > 3 and t.norm[-1] in "与和及同":  # 某学院与/ORG: the conjunction is not the name's
            tokens.extend([_piece(t, 0, len(t.norm) - 1, "ORG"), _piece(t, len(t.norm) - 1, len(t.norm), "c")])
            continue
        parts = split_org(t) if len(t.norm) >= 5 else [t]
        if len(parts) == 1:
            parts = _org_title(t)
        prev = tokens[-1] if tokens else None
        if prev is not None and prev.tag == "ORG" and parts[0].tag == "ORG" and len(prev.norm) <= 3 \
                and not lex.org_suffixes.longest_suffix(prev.norm):
            parts[0] = _merge(tokens.pop(), parts[0], "ORG")  # 临江/ORG 港航学会/ORG: a place read as its own ORG
        tokens.extend(parts)
    return Sentence(sent.text, sent.start, sent.end, tuple(tokens), sent.norm)
