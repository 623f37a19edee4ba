"""Tests of kg.ingest on text written for them, plus a measure on the dev crawl."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.ingest import (
    IngestError,
    article_from_text,
    clean_page,
    decode_bytes,
    iter_articles,
    read_path,
    read_text,
)
from kg.model import Article

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"

STORY_SIMPLIFIED = (
    "9月26日，青禾区职业教育研讨会在青禾市举行。青禾区党工委书记、青禾职业学院理事长闵觉非出席并讲话，"
    "学院党委书记乔映川、校长柯望舒参加会议。"
)
STORY_TRADITIONAL = (
    "9月26日，青禾職業學院與澄嵐科技公司舉行簽約儀式。學院校長柯望舒致詞，公司董事長閻霽雲出席。"
)


def only(items: list[Article | IngestError]) -> Article:
    assert len(items) == 1, items
    assert isinstance(items[0], Article), items[0]
    return items[0]


# --- errors -----------------------------------------------------------------


def test_error_message_is_one_line_with_place() -> None:
    error = IngestError("a/b.jsonl", "broken JSON line (x)", line=12)
    assert str(error) == "a/b.jsonl:12: broken JSON line (x)"
    assert str(IngestError("a/b.txt", "empty file")) == "a/b.txt: empty file"


# --- decode -----------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "gb.txt"
    path.write_bytes(STORY_SIMPLIFIED.encode(encoding))
    assert read_text(path) == STORY_SIMPLIFIED


def test_big5_is_detected_and_kept_traditional(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes(STORY_TRADITIONAL.encode("big5"))
    assert read_text(path) == STORY_TRADITIONAL
    article = only(list(read_path(path)))
    assert article.text == STORY_TRADITIONAL  # no conversion to Simplified here


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "第一段。\r\n第二段。".encode())
    assert read_text(path) == "第一段。\n第二段。"


def test_empty_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n")
    with pytest.raises(IngestError, match=r"empty\.txt: empty file"):
        read_text(path)


def test_binary_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    [error] = list(read_path(path))
    assert isinstance(error, IngestError)
    assert "photo.txt" in str(error) and "binary" in error.reason


def test_oversize_file_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(STORY_SIMPLIFIED, encoding="utf-8")
    [error] = list(read_path(path, max_bytes=20))
    assert isinstance(error, IngestError)
    assert "big.txt" in str(error) and "exceeds the size limit of 20 bytes" in str(error)


def test_undecodable_bytes_refused() -> None:
    with pytest.raises(IngestError):
        decode_bytes(bytes([0x81, 0xFF, 0x82, 0xFE, 0x01, 0x02, 0x03] * 50), "junk.txt")


# --- readers ----------------------------------------------------------------


def test_jsonl_broken_middle_line(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    good = {"id": "a1", "title": "标题", "published": "2025-09-26", "url": None, "text": STORY_SIMPLIFIED}
    lines = [json.dumps(good, ensure_ascii=False), '{"id": "a2", "text": ', json.dumps({**good, "id": "a3"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_path(path))
    assert [type(x).__name__ for x in items] == ["Article", "IngestError", "Article"]
    error = items[1]
    assert isinstance(error, IngestError) and error.line == 2
    assert str(error).startswith(f"{path}:2: broken JSON line")
    assert items[0].id == "a1" and items[0].text == STORY_SIMPLIFIED and items[0].published == "2025-09-26"


def test_unknown_extension_and_directory_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text(STORY_SIMPLIFIED, encoding="utf-8")
    (tmp_path / "a.txt").write_text(STORY_SIMPLIFIED, encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    assert [a.id for a in read_path(tmp_path) if isinstance(a, Article)] == ["a", "b"]
    [error] = list(read_path(tmp_path / "notes.docx"))
    assert isinstance(error, IngestError) and "unknown file type .docx" in error.reason
    items = list(iter_articles([tmp_path / "a.txt", tmp_path / "missing.txt"]))
    assert isinstance(items[0], Article) and isinstance(items[1], IngestError)


def test_txt_without_story_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "menu.txt"
    path.write_text("当前位置:首页 > 新闻\n学院要闻\n通知公告\n", encoding="utf-8")
    [error] = list(read_path(path))
    assert isinstance(error, IngestError) and error.reason == "no article text found"


def test_article_from_text_keeps_text() -> None:
    article = article_from_text(" 活动现场\n" + STORY_SIMPLIFIED, "mem", published="2025-09-26")
    assert article.text == "活动现场\n" + STORY_SIMPLIFIED and article.id == "mem"


# --- html -------------------------------------------------------------------

HOSTILE_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>青禾职业学院举办职业教育研讨会 - 青禾新闻网</title>
<meta property="og:title" content="青禾职业学院举办职业教育研讨会">
<meta name="publishdate" content="2025-09-26">
<script>alert(1)</script></head><body>
<nav><a href="/">首页</a> | <a href="/news">新闻</a></nav>
<article><h1>青禾职业学院举办职业教育研讨会</h1>
<p>9月26日，青禾职业学院举办职业教育研讨会，学院党委书记乔映川出席会议并致辞，校长柯望舒主持会议。</p>
<p><img src="x.jpg" onerror="alert(2)">会上，来自多所院校的代表围绕产教融合、专业建设等议题进行了交流。</p>
<script>document.write('<b>注入</b>')</script>
</article><footer>版权所有 青禾新闻网</footer></body></html>"""


def test_html_never_leaks_markup(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HOSTILE_HTML, encoding="utf-8")
    article = only(list(read_path(path)))
    for leak in ("<", ">", "alert", "onerror", "script", "document.write", "注入", "版权所有"):
        assert leak not in article.text
    assert "乔映川出席会议并致辞" in article.text
    assert article.title == "青禾职业学院举办职业教育研讨会"
    assert article.published == "2025-09-26"
    assert article.id == "page"


def test_html_without_article_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><script>alert(1)</script></head><body></body></html>", encoding="utf-8")
    [error] = list(read_path(path))
    assert isinstance(error, IngestError) and error.reason == "no article text found"


# --- page cleaning ----------------------------------------------------------

CRAWLED = """当前位置：首页 > 新闻中心 > 学院新闻
青禾职业学院举办职业教育研讨会
发布日期:2025-09-26 10:30 浏览次数:87

　　9月26日，青禾职业学院举办职业教育研讨会，学院党委书记乔映川出席会议并致辞，校长柯望舒主持会议。
活动现场
　　会上，来自多所院校的代表围绕产教融合、专业建设等议题进行了深入交流。
乔映川致辞
    研讨会期间，青禾职业学院与澄岚科技公司举行签约仪式，双方将共建产业学院。
青禾区举办秋季运动会
城东街道开展消防演练
市图书馆推出阅读季
青禾港货运量创新高
招商热线:400-6123-987 手机:13800012345
扫一扫关注微信公众号
版权声明:本站文章如需转载请注明出处
相关文章
青禾区召开经济工作会议，区委书记出席并讲话。
"""


def test_clean_page_removes_noise_and_reads_header() -> None:
    title, published, body = clean_page(CRAWLED)
    assert title == "青禾职业学院举办职业教育研讨会"
    assert published == "2025-09-26"
    paragraphs = body.split("\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("9月26日，青禾职业学院")  # indentation stripped
    assert paragraphs[2].endswith("双方将共建产业学院。")
    noises = ("当前位置", "浏览次数", "活动现场", "乔映川致辞", "运动会", "400", "138", "微信")
    noises += ("版权", "相关文章")
    for noise in noises:
        assert noise not in body, noise


def test_clean_page_bylines_and_credits() -> None:
    page = (
        "闵觉非 青禾报道\n"
        "青禾日报客户端记者 闵觉非 摄\n"
        "青禾新闻网讯(通讯员 闵觉非)9月26日，青禾职业学院举行签约仪式，校长柯望舒出席并讲话。\n"
        "(2025-09-27)\n"
        "一审:乔映川;二审:柯望舒\n"
        "作者: 编辑:闵觉非\n"
    )
    title, published, body = clean_page(page)
    assert body == "青禾新闻网讯(通讯员 闵觉非)9月26日，青禾职业学院举行签约仪式，校长柯望舒出席并讲话。"
    assert title is None and published is None  # a date after the story is not the header's


def test_clean_page_keeps_characters_exactly() -> None:
    text = "９月26日,青禾学院“产教融合”研讨会举行；党委书记乔映川（左三）出席。"
    assert clean_page(text)[2] == text


# --- bundled samples ----------------------------------------------------------


def test_samples_parse() -> None:
    items = list(read_path(SAMPLES))
    errors = [x for x in items if isinstance(x, IngestError)]
    assert not errors
    by_id = {a.id: a for a in items if isinstance(a, Article)}
    assert set(by_id) >= {"forum", "signing", "brief-alliance", "brief-tw"}
    forum, signing = by_id["forum"], by_id["signing"]
    assert forum.published == "2025-09-27" and forum.title and "研讨会" in forum.title
    assert "钟离述安" in forum.text and "签约仪式" in forum.text
    for noise in ("当前位置", "浏览次数", "研讨会现场", "400-", "版权", "相关文章", "开学典礼"):
        assert noise not in forum.text, noise
    assert signing.published == "2025-09-26" and signing.url and signing.title
    assert "<" not in signing.text and "alert" not in signing.text and "谯远舟" in signing.text
    assert "鞠曉澄" in by_id["brief-tw"].text


# --- the dev crawl ------------------------------------------------------------

PHONE = re.compile(r"(?<!\d)(400[- ]?\d{3,4}[- ]?\d{3,4}|1[3-9]\d{9})(?!\d)")


@pytest.mark.skipif(not DEV.is_dir(), reason=f"dev set not found at {DEV} (shared/ lies beside the repo)")
def test_dev_pages_clean_without_losing_people() -> None:
    pages = sorted(DEV.glob("*.txt"))
    assert pages
    found = kept = 0
    for page in pages:
        article = only(list(read_path(page)))
        body = article.text
        assert body, page.name
        for noise in ("当前位置", "版权", "版權", "相关文章"):
            assert noise not in body, (page.name, noise)
        assert not PHONE.search(body), page.name
        raw = page.read_text(encoding="utf-8")
        gold = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        for entity in gold["entities"]:
            if entity["type"] != "Person" or entity.get("optional"):
                continue
            names = [entity["name"], *entity.get("aliases", [])]
            if any(n in raw for n in names):
                found += 1
                kept += any(n in body for n in names)
    assert found and kept / found >= 0.97, f"{found - kept} of {found} gold people cut from the bodies"
