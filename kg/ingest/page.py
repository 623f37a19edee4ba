"""Find the story inside a crawled plain-text news page.

A crawled page is the article plus the site around it: navigation, a header of
date/author/view counts, photo captions, an editor's sign-off, copyright notices,
adverts and a list of other headlines. Every piece of that noise would otherwise
become false people and organisations, while cutting a story paragraph loses
real ones, so the rules below are tuned on the two failure costs together.

The approach works on lines, because crawlers keep the page's block structure
as lines:

1. each line is stripped of its indentation and classified by the regex tables
   below (most specific first) as noise, an end-of-article marker, prose, or a
   short headline-like line;
2. the body starts at the first prose line (a line that reads as sentences);
   everything above it is the header, where the title and date are read;
3. the body stops at the first end marker (copyright, "related articles",
   editor credits...) or at a long run of headline-like lines (a list of other
   stories); single short lines inside the body are photo captions and dropped.

Inner characters of kept lines are never changed (no punctuation or width
normalisation), so character offsets into the body stay meaningful.
"""

from __future__ import annotations

import re

from kg.text import DATE, iso_date, to_simplified

# --- Lines that end the article: nothing after them is the story. -------------
END_MARKERS: tuple[re.Pattern[str], ...] = (
    # copyright notices of mainland and Traditional-Chinese sites
    re.compile(r"^(版权声明|版權聲明|版权所有|版權所有|免责声明|免責聲明|Copyright|©)", re.I),
    # "all content of this site may not be reproduced" disclaimers
    re.compile(r"^本(网站|網站|网|網|站)(内容|內容|所载|所載|发布|發布|所发|所發|刊载|刊載)"),
    # reposting rules: 未经授权不得转载 / 转载请注明出处 / 如需转载
    re.compile(r"(未经|未經).{0,8}(授权|授權|许可|許可).{0,8}(转载|轉載)|(转载|轉載)请注明|如需(转载|轉載)"),
    # share buttons rendered as text
    re.compile(r"^(分享给朋友|分享到|分享至|分享：|分享:|分享$)"),
    # teaser lists of other articles
    re.compile(
        r"^[【\[]?(相关文章|相關文章|相关阅读|相關閱讀|相关新闻|相關新聞|推荐阅读|推薦閱讀|延伸阅读|延伸閱讀|热点推荐|猜你喜欢"
        r"|相关报道|相關報導|相关链接|相關鏈接|相关推荐|相關推薦|更多阅读|更多閱讀|往期回顾|往期回顧|精彩推荐|精彩推薦"
        r"|热门文章|熱門文章|热门推荐|熱門推薦|你可能感兴趣|您可能感兴趣|你可能還喜歡|你可能还喜欢|大家都在看)"
    ),
    # tag and keyword lines, after which come teasers of other stories: 标签:某某 某某 / 关键词:
    re.compile(r"^[【\[]?\s*(标签|標籤|标 签|关键词|關鍵詞|关键字|關鍵字|TAG|Tags?)\s*[:：】\]]", re.I),
    # previous/next article links
    re.compile(r"^(上一篇|下一篇|上一條|下一條|上一条|下一条)"),
    # editor and reviewer sign-off: 一审:…;二审:… / 初审: / 责任编辑: / 编辑: / 图文:
    re.compile(
        r"^[(（【\[]?\s*(一审|二审|三审|初审|复审|复核|终审|審核|审核|审校|责任编辑|責任編輯|责编|編輯|编辑|校对|图文|圖文|来稿|供稿)\s*[:：/]"
    ),
    # "作者: 编辑:某某" sign-off lines
    re.compile(r"^(作者|撰稿)\s*[:：].{0,20}(编辑|編輯)\s*[:：]"),
    # "return to top / print / close window" page furniture
    re.compile(r"^(【?打印|【?关闭窗口|【?關閉窗口|返回顶部|返回頂部|返回列表)"),
)

# --- Lines that are noise wherever they are; dropped without ending the story. ---
NOISE_LINES: tuple[re.Pattern[str], ...] = (
    # breadcrumb navigation: 当前位置:首页 > 栏目 > 正文
    re.compile(r"^(当前位置|當前位置|您的位置|您现在的位置|你的位置|所在位置)\s*[:：]?"),
    re.compile(r"(首页|首頁|主页|主頁)\s*[>＞»/]"),
    # header of date/source/author/view counts: 发布日期:… 浏览次数: / 时间:… 点击次数:124
    re.compile(
        r"^(发布日期|发布时间|發佈日期|發布日期|發布時間|发表时间|發表時間|更新时间|更新時間|日期|时间|時間"
        r"|来源|來源|文章来源|文章來源|信息来源|稿件来源|发布单位|發布單位|发布者|作者|字号)\s*[:：]"
    ),
    re.compile(
        r"(浏览次数|瀏覽次數|点击次数|點擊次數|阅读次数|閱讀次數|阅读量|点击数|点击量|浏览量|访问量)\s*[:：]?"
    ),
    re.compile(r"(\s|^)(作者|來源|来源|编辑|編輯)\s*[:：]"),
    # blog-style header: "admin1年前 (2024-09-24)栏目98"
    re.compile(r"\d+\s*(年|个月|個月|天|小时|小時|分钟|分鐘)前\s*[(（]?\s*\d{4}-\d{1,2}-\d{1,2}"),
    # a line that is only a date/time, maybe in brackets: 2015-03-11 16:02:33 / (2019-06-29)
    re.compile(
        r"^[(（\[]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
        r"(\s*\d{1,2}:\d{2}(:\d{2})?)?\s*[)）\]]?$"
    ),
    # standalone bylines: "某某 某地报道", "掌上XX客户端记者 某某 摄", "记者 某某 通讯员 某某"
    re.compile(r"^\S{2,5}\s+\S{1,8}(报道|報道|报导)$"),
    re.compile(r"^[^。，,；;]{0,16}(记者|記者|通讯员|通訊員|摄影|攝影)[^。，,；;]{0,16}$"),
    re.compile(
        r"^[(（]?\s*(文|图|圖|文/图|文图|摄影|攝影|撰文|通讯员|通訊員|记者|記者)\s*[:：/|]\s*\S.{0,30}$"
    ),
    # WeChat/QR prompts: 长按/扫一扫加微信, 关注公众号
    re.compile(r"微信号|微信公众号|公众号|扫一扫|掃一掃|长按|長按|二维码|二維碼|微信扫|微信/手机|微信/电话"),
    # adverts with phone numbers: 400-0123-021, mobile numbers, 0510-1234567
    re.compile(r"(?<!\d)(400[- ]?\d{3,4}[- ]?\d{3,4}|1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?!\d)"),
    re.compile(r"^(产业招商|招商热线|咨询电话|联系电话|聯絡電話|服务热线|热线电话|联系方式)"),
    # app download prompts: 立即打开 / 打开APP / 下载客户端
    re.compile(r"^(立即打开|立即打開|打开APP|打開APP|打开客户端|下载客户端|点击下载|点击进入)", re.I),
    # bare URLs and embedded players
    re.compile(r"^(https?://|www\.)\S*$", re.I),
)

# A copyright notice anywhere in a line: its years are the site's, not the story's date.
COPYRIGHT = re.compile(r"版权|版權|Copyright|©|\(c\)\s*\d{4}|All rights reserved", re.I)

# A headline's trailing date in brackets: "…签订共建协议 ( 2024-10-31 )".
TRAILING_DATE = re.compile(r"\s*[(（\[]\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*[)）\]]\s*$")

# Indentation crawlers keep: ASCII and full-width spaces, NBSP, tabs, zero-width marks.
INDENT = "\u0020\u3000\u00a0\t\u200b\ufeff"

# Punctuation that ends or joins sentences, which headlines and captions lack.
SENTENCE_END = re.compile(r"[。！？!?；;]")
CLAUSE = re.compile(r"[，,、：:]")
# A line without a single letter/ideograph ("|", "、", "..."), left by stripped markup.
NO_WORDS = re.compile(r"^[\W_]*$")

# Lengths, in characters, tuned on real crawls: a sentence with a full stop is prose
# from MIN_SENTENCE on; a line with only commas must be longer to count as prose,
# because headlines and teasers ("权威发布:……,……") use commas too.
MIN_SENTENCE = 10
MIN_CLAUSE_LINE = 30
# Noise lines are page furniture, never long paragraphs with full stops.
MAX_NOISE_LINE = 100
# A run of this many headline-like lines inside the body is a list of other stories.
MAX_CAPTION_RUN = 4
# Header lines this short are site or column names ("新闻网", "综合新闻"), not titles.
MIN_TITLE = 6
MAX_TITLE = 80


def clean_page(raw: str) -> tuple[str | None, str | None, str]:
    """Return ``(title, published, body)`` of a crawled text page.

    ``published`` is YYYY-MM-DD from the page header (not from the story, whose
    dates are event dates); ``title`` is the headline above the story, if any;
    ``body`` keeps the story's paragraphs separated by "\\n".
    """
    lines = join_wrapped([line.strip(INDENT).rstrip() for line in raw.splitlines()])
    start = next((i for i, line in enumerate(lines) if _kind(line) == "prose"), None)
    if start is None:
        return _title(lines), _published(lines), ""
    header = lines[:start]
    body: list[str] = []
    run: list[str] = []  # headline-like lines seen since the last prose line
    for line in lines[start:]:
        kind = _kind(line)
        if kind == "end":
            break
        if kind == "prose":
            body.extend(c for c in run if is_caption_sentence(c))  # captions that tell the story
            body.append(line)
            run = []
        elif kind == "short":
            run.append(line)
            if len(run) >= MAX_CAPTION_RUN and not all(is_caption_sentence(c) for c in run):
                break
    return _title(header), _published(header), "\n".join(body)


# A photo caption inside the story that reports who did what (县委副书记甲主持开幕式,
# 某会副主席乙为某协会授牌): a clause with a verb of the story, kept when prose follows.
CAPTION_VERB = re.compile(r"(主持|出席|讲话|致辞|发言|作.{0,12}报告|授牌|授旗|揭牌|签约|签署|宣读|当选|调研|考察"
                          r"|会见|颁发|颁奖)")


def is_caption_sentence(line: str) -> bool:
    """Whether a short line inside the story is a caption saying who did what (read in simplified form)."""
    return MIN_SENTENCE <= len(line) <= MAX_TITLE and bool(CAPTION_VERB.search(to_simplified(line)))


# Hard-wrapped text: a block of lines cut at one width (within WRAP_SLACK characters, for
# a wide punctuation mark moved to the next line), at least WRAP_WIDTH wide, and at least
# WRAP_LINES of them at that width.
WRAP_WIDTH = 20
WRAP_SLACK = 2
WRAP_LINES = 2
# A line that ends like this finished its sentence or paragraph, whatever its width.
LINE_END = re.compile(r"[。！？!?；;：:…”」』）)]$")


def join_wrapped(lines: list[str]) -> list[str]:
    """Join the lines of hard-wrapped paragraphs (某某新能源汽车产 / 业联盟) back into one line each.

    In a block of consecutive non-blank lines of prose whose lines are cut at one width,
    a line of that width that stops mid-sentence goes on in the next line: the break was
    the wrapper's, not the writer's, and is removed. A shorter line ends its paragraph.
    Pages that keep one paragraph a line have lines of every width and are left alone.
    """
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        out.extend(_unwrap(block))
        block.clear()

    for line in lines:
        if line:
            block.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return out


def _unwrap(block: list[str]) -> list[str]:
    if len(block) < 2:
        return list(block)
    width = max(len(x) for x in block)
    full = [len(x) >= width - WRAP_SLACK for x in block]
    text = "".join(block)
    prose = SENTENCE_END.search(text) or len(CLAUSE.findall(text)) >= 2
    if width < WRAP_WIDTH or sum(full) < WRAP_LINES or not prose:
        return list(block)
    out = [block[0]]
    for prev_full, prev, line in zip(full, block, block[1:], strict=False):
        if prev_full and not LINE_END.search(prev):
            out[-1] += line
        else:
            out.append(line)
    return out


def strip_furniture(lines: list[str]) -> list[str]:
    """Drop noise lines and cut at the first end marker, keeping every other line.

    For text whose block structure is already trusted (the main content found in
    HTML by trafilatura), where info bars and sign-offs can still slip in but
    short lines are not necessarily captions.
    """
    kept: list[str] = []
    for line in lines:
        kind = _kind(line)
        if kind == "end":
            break
        if kind in ("prose", "short"):
            kept.append(line)
    return kept


def is_prose(line: str) -> bool:
    """Whether a line reads as sentences of a story rather than a headline or caption."""
    if SENTENCE_END.search(line):
        return len(line) >= MIN_SENTENCE
    return bool(CLAUSE.search(line)) and len(line) >= MIN_CLAUSE_LINE


def _kind(line: str) -> str:
    """One of "blank", "end", "noise", "prose", "short"."""
    if not line or NO_WORDS.match(line):
        return "blank"
    if any(p.search(line) for p in END_MARKERS):
        return "end"
    # Long sentences are story even when they mention a source or a phone number.
    long_prose = len(line) > MAX_NOISE_LINE and SENTENCE_END.search(line)
    if not long_prose and any(p.search(line) for p in NOISE_LINES):
        return "noise"
    return "prose" if is_prose(line) else "short"


def _published(header: list[str]) -> str | None:
    """The first valid date in the header, as YYYY-MM-DD; never one of a copyright line (a site's years)."""
    for line in header:
        if COPYRIGHT.search(line):
            continue
        for m in DATE.finditer(line):
            found = iso_date(*(int(g) for g in m.groups()))
            if found:
                return found
    return None


def _title(header: list[str]) -> str | None:
    """The first header line that looks like a headline: not noise, short, no full stop."""
    for line in header:
        line = TRAILING_DATE.sub("", line)
        if _kind(line) != "short" or not MIN_TITLE <= len(line) <= MAX_TITLE:
            continue
        if re.search(r"[。！？!?…]", line) or COPYRIGHT.search(line):
            continue
        return line
    return None
