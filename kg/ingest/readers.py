"""Turn files and folders of news into ``Article`` records, one input format each.

Readers yield errors in place of articles (never raise for a bad input), so a
large crawl loads everything it can and reports each bad file or line once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.ingest.decode import DEFAULT_MAX_BYTES, read_text
from kg.ingest.errors import IngestError
from kg.ingest.html import parse_html
from kg.ingest.page import clean_page
from kg.model import Article
from kg.text import parse_date

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")


def iter_articles(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Article | IngestError]:
    """Articles (or errors) from many files and folders, in the order given."""
    for path in paths:
        yield from read_path(path, max_bytes)


def read_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | IngestError]:
    """Articles (or errors) from one file, or from every known file under a folder."""
    path = Path(path)
    if path.is_dir():
        # sorted, so that ids and outputs are the same on every machine
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        for file in files:
            yield from read_path(file, max_bytes)
        return
    if not path.exists():
        yield IngestError(str(path), "no such file or directory")
        return
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        known = ", ".join(SUFFIXES)
        yield IngestError(str(path), f"unknown file type {suffix or '(none)'}; expected one of {known}")
        return
    try:
        text = read_text(path, max_bytes)
    except IngestError as e:
        yield e
        return
    if suffix == ".jsonl":
        yield from _read_jsonl(text, str(path))
        return
    try:
        yield _read_html(text, path) if suffix in (".html", ".htm") else _read_page(text, path)
    except IngestError as e:
        yield e


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
        raise IngestError(str(path), "no article text found")
    return Article(id=path.stem, text=body, title=title, published=published, source=str(path))


def _read_html(text: str, path: Path) -> Article:
    page = parse_html(text, str(path))
    return Article(
        id=path.stem,
        text=page.text,
        title=page.title,
        published=parse_date(page.published),
        url=page.url,
        source=str(path),
    )


def _read_jsonl(text: str, source: str) -> Iterator[Article | IngestError]:
    """One article per line; a bad line is reported with its number and skipped."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield _article_from_json(line, source)
        except ValueError as e:
            yield IngestError(source, str(e), line=number)


def _article_from_json(line: str, source: str) -> Article:
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
    # JSON-lines input is taken to be clean already: its text is kept as given.
    return Article(
        id=str(record["id"]).strip(),
        text=str(record["text"]).strip(),
        title=record.get("title") or None,
        published=parse_date(record.get("published")) or record.get("published") or None,
        url=record.get("url") or None,
        source=source,
    )
