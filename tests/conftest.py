"""Shared fixtures for the graph tests: a store built once from data/samples, and hand-made articles.

Hand-made ArticleGraphs (invented names) test linking and queries without
depending on what the extractor finds this week; the sample store tests the
whole path from files to SPARQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kg.link import LinkedArticle, Linker
from kg.linkstore import link_index
from kg.model import Article, ArticleGraph, Entity, Evidence, Post, Relation
from kg.pipeline import build_store
from kg.rdf import to_rdf
from kg.store import GraphStore

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/samples built once per session; tests only read it."""
    path = tmp_path_factory.mktemp("samples") / "store"
    store = GraphStore(path)
    summary = build_store([str(SAMPLES)], store)
    assert summary.failed == 0 and summary.articles == 4
    del store  # release the RocksDB lock so CLI tests can open it
    return path


def ev(text: str, needle: str) -> Evidence:
    start = text.index(needle)
    return Evidence(text, start, start + len(needle))


def article(aid: str, text: str, entities: Iterable[tuple[str, str] | tuple[str, str, list[str]]] = (),
            posts: Iterable[tuple[str, str, str | None]] = (), relations: Iterable[tuple[str, str, str]] = (),
            published: str = "2025-03-01") -> ArticleGraph:
    """An ArticleGraph written by hand; every name must occur in ``text`` (it becomes the evidence)."""
    ents = []
    for spec in entities:
        name, typ = spec[0], spec[1]
        aliases = list(spec[2]) if len(spec) > 2 else []  # type: ignore[misc]
        ents.append(Entity(name, typ, aliases, [ev(text, name)]))
    return ArticleGraph(
        Article(aid, text, title=f"{aid} 标题", published=published, url=f"https://news.example.org/{aid}.html"),
        ents,
        [Post(p, t, o, ev(text, p)) for p, t, o in posts],
        [Relation(s, p, o, Evidence(text, 0, len(text))) for s, p, o in relations],
    )


def write(store: GraphStore, graphs: Iterable[ArticleGraph], linker: Linker | None = None) -> list[LinkedArticle]:
    """Link and store hand-made graphs the way build_store does, minus extraction."""
    linker = linker or Linker(link_index(store))
    out = []
    for g in graphs:
        la = linker.link(g)
        store.replace_article(to_rdf(la))
        out.append(la)
    return out


@contextmanager
def loopback_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on a free loopback port, answering with ``handler``; yields its base URL."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()
