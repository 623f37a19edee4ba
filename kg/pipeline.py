"""`kg build` as a function: files → articles → facts → linked entities → RDF → one named graph each in the store.

The one module that knows the order of the stages; each stage knows only the
one below it, so a notebook can run any prefix of this (``iter_articles``,
``extract_article``, ``Linker.link``, ``to_rdf``) and stop there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kg.extract import extract_article
from kg.ingest import DEFAULT_MAX_BYTES, IngestError, iter_articles
from kg.ingest.errors import SkippedInput
from kg.io import disk_full
from kg.link import Linker, article_key
from kg.linkstore import link_index
from kg.model import Article
from kg.rdf import article_iris, to_rdf
from kg.store import GraphStore


@dataclass
class BuildSummary:
    """What a build did, for the report at its end; ``errors`` holds every message ``on_error`` was given."""

    articles: int = 0
    failed: int = 0
    warnings: int = 0
    triples: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # entries of folders passed over (links, unreadable folders)
    disk_full: str | None = None  # the store's device filled up: why the build stopped early
    not_attempted: int = 0  # articles left unwritten because the build stopped
    pruned: list[str] = field(default_factory=list)  # --prune: ids of the articles removed (not among the inputs)
    prune_skipped: str | None = None  # --prune: why nothing was pruned


ProgressFn = Callable[[int, int, int, float], None]  # done, total, failed, seconds so far


def build_store(paths: Sequence[str], store: GraphStore, max_bytes: int = DEFAULT_MAX_BYTES,
                progress: ProgressFn | None = None, on_error: Callable[[str], None] | None = None,
                on_warning: Callable[[str], None] | None = None, reraise: bool = False,
                on_skip: Callable[[str], None] | None = None, prune: bool = False) -> BuildSummary:
    """Extract every article under ``paths``, link it and write it as its own named graph.

    Articles are read first (cheap) so that the graphs about to be replaced are
    known before linking starts: linking then ignores their old versions, which
    makes a rebuild of the same input reproduce the same graph. Each article is
    committed on its own, so an interrupted build keeps the articles done so far.
    An article whose key (URL, else id) was already written by this build is
    an error, not a replacement: two inputs would otherwise become one graph.
    """
    t0 = time.monotonic()
    summary = BuildSummary()

    def fail(msg: str) -> None:
        summary.failed += 1
        summary.errors.append(msg)
        if on_error:
            on_error(msg)

    articles: list[Article] = []
    for item in iter_articles(list(paths), max_bytes=max_bytes):
        if isinstance(item, SkippedInput):  # not a failure, but never silent: counted, and each one told
            summary.skipped.append(str(item))
            if on_skip:
                on_skip(str(item))
        elif isinstance(item, IngestError):
            fail(str(item))
        else:
            articles.append(item)
    rebuilt = {article_iris(article_key(a.id, a.url))[1].value for a in articles}
    if prune:  # kg build --prune, before linking so that nothing links to what is about to go
        _prune(store, rebuilt, summary)
    linker = Linker(link_index(store, exclude_graphs=rebuilt))
    total = len(articles)
    written: dict[str, str] = {}  # article key → source of the article written under it in this build
    for i, art in enumerate(articles, 1):
        key = article_key(art.id, art.url)
        if key in written:
            # replacing would silently lose the first article: a rebuild replaces, a collision within one build
            # (a/1.txt and b/1.txt, neither with a URL) is a mistake the user must hear about
            fail(f"{art.source or art.id}: same article {'URL' if art.url else 'id'} {key!r} as {written[key]}, "
                 "already built in this run; not written (give one of them another id or a URL)")
            if progress:
                progress(i, total, summary.failed, time.monotonic() - t0)
            continue
        try:
            rdf = to_rdf(linker.link(extract_article(art)))
            store.replace_article(rdf)
            written[key] = art.source or art.id
            summary.warnings += len(rdf.warnings)
            for w in rdf.warnings:
                if on_warning:
                    on_warning(w)
            summary.articles += 1
        except Exception as exc:  # one bad article must not stop the others
            if reraise:
                raise
            if disk_full(exc):  # but a full disk fails every article after it: stop, and say so once
                summary.disk_full = f"disk full writing the store: {exc}"
                summary.not_attempted = total - i
                fail(f"{art.source or art.id}: not written: {summary.disk_full}")
                break
            fail(f"{art.source or art.id}: {type(exc).__name__}: {exc}")
        if progress:
            progress(i, total, summary.failed, time.monotonic() - t0)
    try:
        store.flush()
    except OSError as exc:
        if not disk_full(exc) or reraise:
            raise
        summary.disk_full = summary.disk_full or f"disk full writing the store: {exc}"
    summary.triples = len(store)
    summary.seconds = time.monotonic() - t0
    return summary


def _prune(store: GraphStore, inputs: set[str], summary: BuildSummary) -> None:
    """Remove the stored articles that are not among the inputs (GraphStore.prune), unless an input could not be
    read: its articles are unknown, and a file that failed to open would otherwise take its articles with it."""
    if summary.failed:
        summary.prune_skipped = (f"{summary.failed} input(s) could not be read, so which articles they hold is "
                                 "unknown; nothing pruned")
        return
    summary.pruned = store.prune(inputs)


__all__ = ["BuildSummary", "ProgressFn", "build_store"]
