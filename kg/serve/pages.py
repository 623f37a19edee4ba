"""The endpoint's pages: the query form, the error page, and the graph view kept current with the store."""

from __future__ import annotations

import contextlib
import html
import os
import shutil
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.query import NamedQuery
from kg.serve.protocol import ServeError
from kg.sparql import bind_params


def query_page(named: Iterable[NamedQuery], endpoint: str = "/sparql") -> str:
    """The query form and the named queries, each in its own form: no script, no CDN, everything escaped."""
    formats = [("html", "HTML table"), ("json", "SPARQL JSON / JSON-LD"), ("xml", "SPARQL XML / RDF-XML"),
               ("csv", "CSV"), ("tsv", "TSV"), ("turtle", "Turtle (CONSTRUCT)"), ("nt", "N-Triples (CONSTRUCT)")]
    select = "<select name=\"format\">" + "".join(
        f'<option value="{html.escape(v)}">{html.escape(label)}</option>' for v, label in formats) + "</select>"
    ep = html.escape(endpoint, quote=True)
    parts = [
        '<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>kg SPARQL</title><style>'
        "body{font-family:sans-serif;max-width:70em;margin:1em auto;padding:0 1em}"
        "textarea{width:100%;font-family:monospace;font-size:90%}section{border-top:1px solid #ccc;margin-top:1em}"
        "</style></head><body><h1>kg SPARQL endpoint</h1>",
        f"<p>Endpoint: <code>{ep}</code> (SPARQL 1.1 Protocol, read-only). "
        "Prefixes kg kgr org schema sem prov dcterms skos rdf rdfs owl xsd are predeclared; queries see the merged "
        'default graph (each fact once); GRAPH ?g reaches one article. <a href="/">Graph view</a></p>',
        f'<form method="post" action="{ep}"><textarea name="query" rows="8">'
        "SELECT ?e ?label WHERE { ?e a kg:Person ; rdfs:label ?label } LIMIT 20</textarea>"
        f"<p>{select} <button type=\"submit\">Run</button></p></form>",
        "<h2>Named queries</h2>",
    ]
    for q in named:
        params = "".join(f"<li><code>?{html.escape(p)}</code>: {html.escape(d)}</li>" for p, d in q.params.items())
        note = (f"<p>Parameters (bind them by editing the <code>VALUES</code> line):</p><ul>{params}</ul>"
                if params else "")
        text = q.text
        if q.params:
            text = bind_params(text, {p: ox.Literal("…") for p in q.params})
        parts.append(
            f'<section id="{html.escape(q.name, quote=True)}"><h3>{html.escape(q.name)}</h3>'
            f"<p>{html.escape(q.description)}</p>{note}"
            f'<form method="post" action="{ep}"><textarea name="query" rows="{min(24, text.count(chr(10)) + 2)}">'
            f"{html.escape(text)}</textarea><p>{select} <button type=\"submit\">Run</button></p></form></section>")
    parts.append("</body></html>\n")
    return "".join(parts)


def error_page(title: str, message: str) -> str:
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f"<body><h1>{html.escape(title)}</h1><pre>{html.escape(message)}</pre>"
            '<p><a href="/query">query page</a></p></body></html>\n')


def store_stamp(path: Path) -> int:
    """When the store last changed: the latest mtime (ns) of the directory and its files.

    A rebuild writes new RocksDB files (SST, log, MANIFEST) and a read-only
    open writes none, so the stamp moves when the data may have changed and
    only then; a stat per file (a few dozen) costs far less than a page build.
    """
    latest = path.stat().st_mtime_ns
    with os.scandir(path) as entries:
        for e in entries:
            with contextlib.suppress(OSError):  # a file a compaction deleted meanwhile
                latest = max(latest, e.stat().st_mtime_ns)
    return latest


@dataclass
class _ViewBuild:
    """One build of the graph view, for the store as it was at ``stamp``."""

    stamp: int
    path: Path
    done: threading.Event = field(default_factory=threading.Event)
    error: str | None = None


class ViewCache:
    """The graph view page (what `kg viz` writes), rebuilt when the store changes, built off the request threads.

    Why this shape: write_view loads the whole graph and lays it out, which
    takes seconds on a big store. The build runs on a thread of its own; a
    request waits for it on an Event, at most ``wait`` seconds, and then gets a
    503 with Retry-After while the build goes on. No lock is held while
    building, so queries and other pages are never held up, and a second
    request for the page joins the running build instead of starting another.
    The page is keyed on ``store_stamp``: after a `kg build` into the served
    store the next request builds a fresh page (a page of the old data is not
    served, it would show a graph that no longer exists). Superseded pages stay
    in the cache directory until the server closes, since a request may still
    be reading one.
    """

    def __init__(self, store: Path, cache_dir: Path) -> None:
        self.store = store
        self.cache_dir = cache_dir
        self.closed = False
        self._lock = threading.Lock()  # guards the fields below; never held while a page is built
        self._builds = 0
        self._current: _ViewBuild | None = None

    def start(self) -> _ViewBuild:
        """The build for the store as it is now: the finished or running one, else a new one (also after a failure)."""
        stamp = store_stamp(self.store)
        with self._lock:
            b = self._current
            if b is not None and b.stamp == stamp and not (b.done.is_set() and b.error is not None):
                return b
            self._builds += 1
            b = self._current = _ViewBuild(stamp, self.cache_dir / f"graph-{self._builds}.html")
        threading.Thread(target=self._build, args=(b,), daemon=True, name="kg-serve-view").start()
        return b

    def _build(self, b: _ViewBuild) -> None:
        try:
            from kg.views import write_view

            write_view(self.store, b.path)
        except Exception as exc:
            b.error = " ".join(str(exc).split()) or type(exc).__name__
        finally:
            b.done.set()
            if self.closed:  # the server closed while this ran: whatever it wrote goes too
                shutil.rmtree(self.cache_dir, ignore_errors=True)

    def page(self, wait: float) -> Path:
        """The current page's file; ServeError(503) if it is not ready within ``wait`` s, RuntimeError if it failed."""
        b = self.start()
        if not b.done.wait(wait):
            raise ServeError(503, "the graph view is still being generated (a large graph takes a while); "
                             "try again in a few seconds", {"Retry-After": "5"})
        if b.error is not None:
            raise RuntimeError(b.error)
        return b.path


__all__ = ["ViewCache", "error_page", "query_page", "store_stamp"]
