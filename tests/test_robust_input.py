"""Bad input never sinks a run (issue 13): real files on disk, each malformed one a single error line.

Every test writes its inputs to a temp folder, reads them the way `kg build`
and `kg extract` do, and checks that the good articles all arrive and each bad
one is reported once, naming its file and (for JSON lines) its line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest import IngestError, iter_articles, read_path
from kg.ingest.errors import SkippedInput
from kg.ingest.urls import UrlError, iri_from_url
from kg.model import Article
from kg.pipeline import build_store
from kg.store import GraphStore

ROOT = Path(__file__).resolve().parents[1]
STORY = "宁川工程职业学院举行产教融合研讨会，学院党委书记阙明远出席会议并讲话。"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def good(i: int) -> bytes:
    return json.dumps({"id": f"good{i}", "text": STORY, "url": f"https://news.example.org/{i}.html"},
                      ensure_ascii=False).encode()


def messy_jsonl(path: Path) -> dict[int, str]:
    """Fifty good lines with one of each malformed kind among them; line number → what its error must say."""
    bad = {
        3: (b'{"id": "deep", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        7: (b'{"id": "x\\ud800y", "text": "' + STORY.encode() + b'"}', "'id' holds a lone surrogate"),
        11: (b'{"id": "nul", "text": "a\x00b"}', "NUL"),
        15: (json.dumps({"id": "gbk", "text": STORY}, ensure_ascii=False).encode("gbk"), "not UTF-8"),
        19: ('{"id": "latin", "text": "café"}'.encode("latin-1"), "not UTF-8 (byte 0xe9"),
        23: (json.dumps({"id": "rel", "text": STORY, "url": "news/1.html"}).encode(), "not absolute"),
    }
    lines: list[bytes] = []
    n = 0
    while len(lines) < 56:
        number = len(lines) + 1
        if number in bad:
            lines.append(bad[number][0])
        else:
            lines.append(good(n))
            n += 1
    path.write_bytes(b"\n".join(lines) + b"\n")
    return {k: v[1] for k, v in bad.items()}


def test_a_bad_jsonl_line_is_one_error_with_its_number_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "crawl.jsonl"
    expected = messy_jsonl(path)
    items = list(read_path(path))
    errors = [x for x in items if isinstance(x, IngestError)]
    articles = [x for x in items if isinstance(x, Article)]
    assert len(articles) == 50 and {a.id for a in articles} == {f"good{i}" for i in range(50)}
    assert {e.line: e.source for e in errors} == {n: str(path) for n in expected}
    for e in errors:
        assert expected[e.line] in e.reason, e
        str(e).encode("utf-8")  # every message can be printed


def test_lone_surrogates_in_text_keep_offsets_and_urls_are_made_iris(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        '{"id": "s", "text": "甲\\udc80乙出席会议并讲话。", "title": "标\\ud800题"}\n'
        + json.dumps({"id": "u", "text": STORY, "url": 'https://news.example.org/a b"<c>{d}|^`[1].html'}) + "\n",
        encoding="utf-8")
    s, u = list(read_path(path))
    assert isinstance(s, Article) and s.text == "甲\ufffd乙出席会议并讲话。" and s.title == "标\ufffd题"
    assert isinstance(u, Article) and u.url == "https://news.example.org/a%20b%22%3Cc%3E%7Bd%7D%7C%5E%60%5B1%5D.html"
    assert iri_from_url("http://[::1]:8080/宁川?q=1") == "http://[::1]:8080/宁川?q=1"  # IPv6 host and IRI chars kept
    with pytest.raises(UrlError, match="not a valid IRI"):
        iri_from_url("https://[bad/")


def test_a_file_name_that_is_not_utf8_is_read_and_built(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"bad\xffname.txt")
    (folder / name).write_text("宁川新闻\n" + STORY + "\n", encoding="utf-8")
    [article] = list(read_path(folder))
    assert isinstance(article, Article) and article.id == "bad\\xffname"
    assert article.source == str(folder) + "/bad\\xffname.txt"
    summary = build_store([str(folder)], GraphStore(tmp_path / "store"))
    assert (summary.articles, summary.failed) == (1, 0)


def test_the_html_url_with_spaces_is_encoded_not_fatal(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text('<html><head><link rel="canonical" href="https://news.example.org/a b.html">'
                    f"<title>标题</title></head><body><article><p>{STORY}{STORY}</p></article></body></html>",
                    encoding="utf-8")
    [article] = list(read_path(page))
    assert isinstance(article, Article) and article.url == "https://news.example.org/a%20b.html"


def _deny(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """What a folder without read (and search) permission does, for a root test runner whom chmod cannot stop."""
    import kg.ingest.readers as readers

    real_stat, real_scandir = os.stat, os.scandir

    def stat(path: object, *a: object, **k: object) -> os.stat_result:
        if Path(os.fsdecode(path)).parent == denied:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fsdecode(path))  # type: ignore[arg-type]
        return real_stat(path, *a, **k)  # type: ignore[arg-type]

    def scandir(path: object) -> object:
        if Path(os.fsdecode(path)) == denied:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fsdecode(path))  # type: ignore[arg-type]
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(readers.os, "stat", stat)
    monkeypatch.setattr(readers.os, "scandir", scandir)


def test_unreadable_paths_and_odd_links_are_reported_not_fatal(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    crawl = tmp_path / "crawl"
    locked = crawl / "locked"
    locked.mkdir(parents=True)
    (locked / "inside.txt").write_text("标题\n" + STORY + "\n", encoding="utf-8")
    (crawl / "ok.txt").write_text("标题\n" + STORY + "\n", encoding="utf-8")
    (crawl / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (crawl / "loop.txt").symlink_to("loop.txt")
    (crawl / "mirror").symlink_to(".")
    if os.geteuid() == 0:
        _deny(monkeypatch, locked)
    else:
        locked.chmod(0)
    try:
        items = list(iter_articles([crawl, locked / "inside.txt", crawl / "ok.txt", locked]))
    finally:
        locked.chmod(0o755)
    skipped = {Path(x.source).name: x.reason for x in items if isinstance(x, SkippedInput)}
    errors = [x for x in items if isinstance(x, IngestError) and not isinstance(x, SkippedInput)]
    assert [a.id for a in items if isinstance(a, Article)] == ["ok", "ok"]
    assert skipped == {"dangling.txt": "skipped: dangling symbolic link (No such file or directory)",
                       "locked": "skipped: cannot read directory (Permission denied)",
                       "loop.txt": "skipped: symbolic link loop",
                       "mirror": "skipped: symbolic link to a directory (not followed)"}
    assert [str(e) for e in errors] == [f"{locked / 'inside.txt'}: cannot read (Permission denied)",
                                        f"{locked}: cannot read directory (Permission denied)"]  # named: an error


def test_kg_build_reports_each_bad_input_once_and_writes_the_rest(tmp_path: Path) -> None:
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    expected = messy_jsonl(crawl / "crawl.jsonl")
    (crawl / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (crawl / "loop.txt").symlink_to("loop.txt")
    store = tmp_path / "store"
    res = run("build", str(crawl), "--store", str(store), "--html", "", "-v")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("kg: error:")]
    assert [ln.split(":")[3] for ln in errors] == [str(n) for n in expected]  # kg: error: FILE:LINE: why
    assert "kg: built 50 articles" in res.stderr and f"{len(expected)} failed" in res.stderr
    for verbose in (res, run("extract", str(crawl), "-v", "--format", "table")):
        assert f"kg: {crawl / 'loop.txt'}: skipped: symbolic link loop" in verbose.stderr
        assert f"kg: {crawl / 'dangling.txt'}: skipped: dangling symbolic link" in verbose.stderr
        assert "kg: skipped 2 entries inside directories" in verbose.stderr and "-v names" not in verbose.stderr
    quiet = run("extract", str(crawl), "--format", "table")
    assert quiet.stdout.count("== good") == 50 and "skipped: symbolic link loop" not in quiet.stderr
    assert "kg: skipped 2 entries inside directories" in quiet.stderr and "; -v names each" in quiet.stderr


FOOTER_ONLY = """<html><head><title>宁川工程职业学院举行产教融合研讨会</title></head><body>
<article><h1>宁川工程职业学院举行产教融合研讨会</h1><p>{story}</p><p>{story}</p></article>
<footer>Copyright © 2019 宁川工程职业学院 版权所有</footer></body></html>"""


def test_a_copyright_footer_is_never_the_publication_date(tmp_path: Path) -> None:
    footer = tmp_path / "footer.html"
    footer.write_text(FOOTER_ONLY.format(story=STORY), encoding="utf-8")
    meta = tmp_path / "meta.html"
    meta.write_text(FOOTER_ONLY.format(story=STORY).replace(
        "<head>", '<head><meta property="article:published_time" content="2024-05-06T10:00:00+08:00">'),
        encoding="utf-8")
    bar = tmp_path / "bar.html"
    bar.write_text(FOOTER_ONLY.format(story=STORY).replace(
        "</h1>", "</h1><div class='info'>发布时间：2024-05-07 来源：宁川日报</div>"), encoding="utf-8")
    text = tmp_path / "page.txt"
    text.write_text("宁川新闻网 版权所有 © 2003-2024 2019年3月1日\n宁川工程职业学院举行产教融合研讨会\n"
                    f"{STORY}\n版权所有 2020-01-02\n", encoding="utf-8")
    dated = {a.id: a.published for a in iter_articles([footer, meta, bar, text]) if isinstance(a, Article)}
    assert dated == {"footer": None, "meta": "2024-05-06", "bar": "2024-05-07", "page": None}


def test_a_jsonl_file_wholly_in_gbk_or_with_a_bom_is_still_read(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"g{i}", "text": STORY}, ensure_ascii=False) for i in range(3)]
    gbk = tmp_path / "gbk.jsonl"
    gbk.write_bytes("\n".join(lines).encode("gbk"))  # no line is UTF-8: the file is one encoding, detected
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    for path in (gbk, bom):
        items = list(read_path(path))
        assert [a.text for a in items if isinstance(a, Article)] == [STORY] * 3, items


@pytest.mark.skipif(os.geteuid() != 0, reason="the other test uses chmod directly when not root")
def test_real_permissions_as_an_unprivileged_user() -> None:
    """Root reads anything, so the same walk runs as nobody over a folder chmod 0 (no monkeypatching)."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="kg-perm-", dir="/tmp"))
    try:
        base.chmod(0o755)
        (base / "locked").mkdir()
        (base / "locked" / "a.txt").write_text("标题\n" + STORY + "\n", encoding="utf-8")
        (base / "ok.txt").write_text("标题\n" + STORY + "\n", encoding="utf-8")
        (base / "ok.txt").chmod(0o644)
        (base / "locked").chmod(0)
        code = ("import sys; from kg.ingest import iter_articles\n"
                "for x in iter_articles(sys.argv[1:]): print(type(x).__name__, x if not hasattr(x, 'id') else x.id)")
        setpriv = shutil.which("setpriv")
        if not setpriv:
            pytest.skip("setpriv (util-linux) is needed to drop root")
        res = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
                              code, str(base / "locked" / "a.txt"), str(base)], cwd=ROOT, capture_output=True,
                             text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if (res.returncode != 0 and "No module named" in res.stderr) or res.returncode in (126, 127):
            pytest.skip(f"python cannot run as nobody here: {res.stderr.strip()[-200:]}")
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [
        f"IngestError {base}/locked/a.txt: cannot read (Permission denied)",
        f"SkippedInput {base}/locked: skipped: cannot read directory (Permission denied)",
        "Article ok"]


def test_a_page_the_parser_chokes_on_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def choke(*a: object, **k: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(trafilatura, "bare_extraction", choke)
    (tmp_path / "a.html").write_text(f"<p>{STORY}</p>", encoding="utf-8")
    (tmp_path / "b.txt").write_text("标题\n" + STORY + "\n", encoding="utf-8")
    items = list(read_path(tmp_path))
    assert [type(x).__name__ for x in items] == ["IngestError", "Article"]
    assert str(items[0]).endswith("a.html: cannot read page (RecursionError: maximum recursion depth exceeded)")


def test_a_fifo_never_blocks_the_run(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")  # opening it to read would wait for a writer forever
    (tmp_path / "ok.txt").write_text("标题\n" + STORY + "\n", encoding="utf-8")
    items = list(iter_articles([tmp_path, tmp_path / "pipe.jsonl"]))
    assert [type(x).__name__ for x in items] == ["Article", "SkippedInput", "IngestError"]
    assert items[1].reason == items[2].reason.replace("not", "skipped: not", 1)  # type: ignore[union-attr]
