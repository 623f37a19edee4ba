"""Turn files and folders of news into ``Article`` records, one input format each.

Readers yield errors in place of articles (never raise for a bad input), so a
large crawl loads everything it can and reports each bad file or line once.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.ingest.decode import DEFAULT_MAX_BYTES, decode_bytes, read_bytes, read_text
from kg.ingest.errors import IngestError, SkippedInput, shown
from kg.ingest.html import parse_html
from kg.ingest.page import clean_page
from kg.ingest.urls import UrlError, iri_from_url
from kg.model import Article
from kg.text import parse_date

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")


def iter_articles(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | IngestError]:
    """Articles (or errors) from many files and folders, in the order given.

    Entries of a folder that hold no readable file (an unreadable subfolder, a
    dangling or looping symbolic link, a link to a folder, which is not
    followed) come as ``SkippedInput``, an IngestError that is not a failure.
    """
    for path in paths:
        yield from read_path(path, max_bytes)


def read_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | IngestError]:
    """Articles (or errors) from one file, or from every known file under a folder."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        reason = "no such file or directory" if isinstance(e, FileNotFoundError) else f"cannot read ({e.strerror or e})"
        yield IngestError(shown(path), reason)
        return
    if stat.S_ISDIR(mode):
        for item in _walk(path, top=True):
            if isinstance(item, IngestError):
                yield item
            else:
                yield from _read_file(item, max_bytes)
        return
    yield from _read_file(path, max_bytes)


def _walk(folder: Path, top: bool = False) -> Iterator[Path | IngestError]:
    """Files with a known suffix under ``folder``, depth first in name order (the same order on every machine).

    Symbolic links to files are read; links to folders are not followed (as a
    crawl's mirrors and loops would read the same pages twice or forever).
    What cannot be looked into is a ``SkippedInput``, never silence; the
    folder given itself (``top``) is an error, as any path given is.
    """
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        if top:
            yield IngestError(shown(folder), f"cannot read directory ({e.strerror or e})")
        else:
            yield SkippedInput(shown(folder), f"skipped: cannot read directory ({e.strerror or e})")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError as e:
            yield SkippedInput(shown(path), f"skipped: {e.strerror or e}")
            continue
        if is_dir:
            yield from _walk(path)
            continue
        if is_link:
            try:
                mode = os.stat(path).st_mode
            except OSError as e:
                if path.suffix.lower() in SUFFIXES or e.errno == errno.ELOOP:  # a loop hides what it points at
                    loop = e.errno == errno.ELOOP
                    what = "symbolic link loop" if loop else f"dangling symbolic link ({e.strerror or e})"
                    yield SkippedInput(shown(path), f"skipped: {what}")
                continue
            if stat.S_ISDIR(mode):
                yield SkippedInput(shown(path), "skipped: symbolic link to a directory (not followed)")
                continue
        if path.suffix.lower() not in SUFFIXES:
            continue
        # from the directory entry's type, no system call: a FIFO would block the read forever, a device never end
        regular = stat.S_ISREG(mode) if is_link else entry.is_file(follow_symlinks=False)
        if not regular:
            yield SkippedInput(shown(path), "skipped: not a regular file (a FIFO, socket or device)")
            continue
        yield path


def _read_file(path: Path, max_bytes: int) -> Iterator[Article | IngestError]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        known = ", ".join(SUFFIXES)
        yield IngestError(shown(path), f"unknown file type {suffix or '(none)'}; expected one of {known}")
        return
    try:
        if suffix == ".jsonl":
            yield from _read_jsonl(read_bytes(path, max_bytes), shown(path))
            return
        text = read_text(path, max_bytes)
        yield _read_html(text, path) if suffix in (".html", ".htm") else _read_page(text, path)
    except IngestError as e:
        yield e
    except UrlError as e:
        yield IngestError(shown(path), str(e))
    except Exception as e:  # a page the HTML parser chokes on (nesting, markup) is its own problem, not the run's
        yield IngestError(shown(path), f"cannot read page ({type(e).__name__}: {' '.join(str(e).split())[:200]})")


def article_from_text(
    text: str,
    id: str,
    published: str | None = None,
    title: str | None = None,
    url: str | None = None,
) -> Article:
    """An article from text already clean (pasted, or from an API): no page cleaning."""
    return Article(id=id, text=text.strip(), title=title, published=published, url=url)


def _read_page(text: str, path: Path) -> Article:
    title, published, body = clean_page(text)
    if not body:
        raise IngestError(shown(path), "no article text found")
    return Article(id=shown(path.stem), text=body, title=title, published=published, source=shown(path))


def _read_html(text: str, path: Path) -> Article:
    page = parse_html(text, shown(path))
    return Article(
        id=shown(path.stem),
        text=page.text,
        title=page.title,
        published=parse_date(page.published),
        url=iri_from_url(page.url) if page.url else None,
        source=shown(path),
    )


def _lines(data: bytes, source: str) -> Iterator[tuple[int, str | IngestError]]:
    """The lines of a JSON-lines file, each decoded on its own: a line that is not UTF-8 is one bad line.

    A file with a UTF-16 BOM, or in which no line at all is UTF-8 (a GBK dump),
    is decoded whole with charset detection, as other text files are.
    """
    if not data.strip():
        raise IngestError(source, "empty file")
    raw = data.split(b"\n")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or not any(_utf8(x) for x in raw if x.strip()):
        yield from enumerate(decode_bytes(data, source).split("\n"), start=1)
        return
    if raw[0].startswith(codecs.BOM_UTF8):
        raw[0] = raw[0][len(codecs.BOM_UTF8):]
    for number, line in enumerate(raw, start=1):
        line = line.rstrip(b"\r")
        try:
            yield number, line.decode("utf-8")
        except UnicodeDecodeError as e:
            yield number, IngestError(source, f"line is not UTF-8 (byte 0x{line[e.start]:02x} at column "
                                              f"{e.start + 1}); JSON lines must be UTF-8", line=number)


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_jsonl(data: bytes, source: str) -> Iterator[Article | IngestError]:
    """One article per line; a bad line is reported with its number and skipped."""
    for number, line in _lines(data, source):
        if isinstance(line, IngestError):
            yield line
            continue
        if not line.strip():
            continue
        try:
            yield _article_from_json(line, source)
        except RecursionError:
            yield IngestError(source, "JSON nested too deeply", line=number)
        except ValueError as e:
            yield IngestError(source, str(e), line=number)


def _surrogate(value: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in value)


def _article_from_json(line: str, source: str) -> Article:
    if "\x00" in line:
        raise ValueError("line holds NUL bytes (binary data, not a JSON object)")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"broken JSON line ({e.msg} at column {e.colno})") from e
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    for key in ("id", "text"):
        if not isinstance(record.get(key), str | int) or not str(record[key]).strip():
            raise ValueError(f"missing or empty {key!r}")
    for key in ("title", "published", "url"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise ValueError(f"{key!r} must be a string or null")
    # an escaped lone surrogate (\ud800) decodes to a string no encoder takes: an id or URL holding one cannot
    # name anything, while text keeps its length (and offsets) with U+FFFD in its place
    for key in ("id", "url", "published"):
        if isinstance(record.get(key), str) and _surrogate(record[key]):
            raise ValueError(f"{key!r} holds a lone surrogate ({ascii(record[key])[:80]})")
    text, title = (_replace_surrogates(record.get(k)) for k in ("text", "title"))
    url = record.get("url") or None
    try:
        url = iri_from_url(url) if url else None
    except UrlError as e:
        raise ValueError(str(e)) from None
    # JSON-lines input is taken to be clean already: its text is kept as given.
    return Article(
        id=str(record["id"]).strip(),
        text=str(text).strip(),
        title=title or None,
        published=parse_date(record.get("published")) or record.get("published") or None,
        url=url,
        source=source,
    )


def _replace_surrogates(value: object) -> object:
    if isinstance(value, str) and _surrogate(value):
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)
    return value
