"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the embedded store, plus the HTML views.

Why this shape:

- **pyoxigraph directly**, not rdflib-endpoint: that one binds 0.0.0.0 and runs
  rdflib's own engine even over Oxigraph (about 25x slower per query here).
- **The standard library's ThreadingHTTPServer**: the protocol is two verbs on
  one path; a framework would add a dependency and an ASGI server for nothing.
  One thread per connection only waits; the work happens in worker processes.
- **Queries run in worker processes** (``multiprocessing``, spawn), each with the
  store opened read-only. A pyoxigraph query cannot be interrupted from Python,
  so the time limit is enforced by killing the worker at the deadline and
  starting a fresh one: a runaway cross join costs one process, never the server.
- **Results are refused, not truncated, above the size limit**: a cut result
  looks complete to a notebook. Rows are counted while serialising (SELECT
  results are written here, in the four standard formats, so counting is
  exact); RDF from CONSTRUCT/DESCRIBE is serialised by pyoxigraph.
- **Safe defaults**: loopback only, the Host header must name it (no DNS
  rebinding), no CORS unless ``--cors ORIGIN`` is given, updates refused.

Status codes: 400 malformed query (the parser's message), 403 SPARQL Update or
a foreign Host header, 404 unknown path, 405 wrong method, 406 no acceptable
format, 411 POST without Content-Length, 413 request body too large, 414 query
string too long, 415 wrong Content-Type, 422 result over the row/byte limit,
500 store error, 503 time limit exceeded or every worker busy (Retry-After).
"""

from __future__ import annotations

import contextlib
import html
import io
import ipaddress
import json
import multiprocessing
import os
import queue
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_BYTES = 50_000_000
DEFAULT_MAX_QUERY_BYTES = 1_000_000
DEFAULT_WORKERS = 2

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# media type -> format name; the first entry of each kind is the default for */*
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv", "text/html": "html",
}
RDF_TYPES: dict[str, str] = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/turtle": "turtle",
    "application/ld+json": "jsonld", "application/json": "jsonld",
    "application/n-triples": "ntriples", "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml", "application/xml": "rdfxml",
}
RESULT_CONTENT_TYPES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                        "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
                        "html": "text/html; charset=utf-8"}
RDF_FORMATS = {"turtle": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
               "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
               "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
               "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml")}
# ?format= / ?output= names (what SPARQLWrapper and HTML forms send), read as media types put before Accept
FORMAT_PARAM: dict[str, list[str]] = {
    "json": ["application/sparql-results+json", "application/ld+json"],
    "xml": ["application/sparql-results+xml", "application/rdf+xml"],
    "csv": ["text/csv"], "tsv": ["text/tab-separated-values"], "html": ["text/html"],
    "turtle": ["text/turtle"], "ttl": ["text/turtle"],
    "json-ld": ["application/ld+json"], "jsonld": ["application/ld+json"],
    "nt": ["application/n-triples"], "ntriples": ["application/n-triples"], "n-triples": ["application/n-triples"],
    "rdf+xml": ["application/rdf+xml"], "rdfxml": ["application/rdf+xml"],
}

_UPDATE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*"
                     r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


class ServeError(Exception):
    """A request the endpoint refuses; ``status`` is the HTTP status, the message goes in the body as is."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


# ---------------------------------------------------------------- content negotiation


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (by q, then as listed); no header means ``*/*``."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    out: list[tuple[int, str, float]] = []
    for i, part in enumerate(header.split(",")):
        bits = [b.strip() for b in part.split(";")]
        mt, q = bits[0].lower(), 1.0
        for b in bits[1:]:
            k, _, v = b.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if mt:
            out.append((i, mt, q))
    out.sort(key=lambda t: (-t[2], t[0]))
    return [(mt, q) for _, mt, q in out]


def negotiate(accept: list[tuple[str, float]], table: dict[str, str]) -> str | None:
    """The format name for the best acceptable media type in ``table`` (first entry answers wildcards)."""
    for mt, q in accept:
        if q <= 0:
            continue
        if mt in table:
            return table[mt]
        if mt == "*/*":
            return next(iter(table.values()))
        if mt.endswith("/*"):
            major = mt[:-1]
            for known, name in table.items():
                if known.startswith(major):
                    return name
    return None


def accept_with_format(accept_header: str | None, fmt: str | None) -> list[tuple[str, float]]:
    """``?format=json`` (SPARQLWrapper, HTML forms) ranks its media types before those of the Accept header."""
    accept = parse_accept(accept_header)
    if fmt:
        f = fmt.strip().lower()
        wanted = FORMAT_PARAM.get(f) or ([f] if "/" in f else [])
        accept = [(mt, 2.0) for mt in wanted] + accept
    return accept


# ---------------------------------------------------------------- SELECT result serialisers


def _json_term(t: Any) -> dict[str, Any]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d: dict[str, Any] = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                            "object": _json_term(t.object)}}
    return {"type": "literal", "value": str(t)}


def _xml_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{xml_escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{xml_escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{xml_escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{xml_escape(t.value)}</literal>"
        return f"<literal>{xml_escape(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
                f"<object>{_xml_term(t.object)}</object></triple>")
    return f"<literal>{xml_escape(str(t))}</literal>"


def _csv_field(t: Any) -> str:
    if t is None:
        return ""
    v = f"_:{t.value}" if isinstance(t, ox.BlankNode) else (t.value if hasattr(t, "value") else str(t))
    if any(c in v for c in ',"\r\n'):
        v = '"' + v.replace('"', '""') + '"'
    return v


def _html_cell(t: Any) -> str:
    if t is None:
        return "<td></td>"
    if isinstance(t, ox.NamedNode):
        return f'<td class="iri">{html.escape(t.value)}</td>'
    if isinstance(t, ox.Literal) and t.language:
        return f'<td>{html.escape(t.value)} <small>@{html.escape(t.language)}</small></td>'
    return f"<td>{html.escape(t.value if hasattr(t, 'value') else str(t))}</td>"


def _select_chunks(variables: list[str], rows: Iterable[Any], fmt: str) -> Iterator[str]:
    """SPARQL 1.1 results (JSON, XML, CSV, TSV) or an HTML table, one chunk per row so limits can be checked."""
    if fmt == "json":
        head = json.dumps({"head": {"vars": variables}}, ensure_ascii=False, separators=(",", ":"))
        yield head[:-1] + ',"results":{"bindings":['
        sep = ""
        for sol in rows:
            b = {v: _json_term(sol[v]) for v in variables if sol[v] is not None}
            yield sep + json.dumps(b, ensure_ascii=False, separators=(",", ":"))
            sep = ","
        yield "]}}"
    elif fmt == "xml":
        yield '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
        yield "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head><results>"
        for sol in rows:
            yield "<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(sol[v])}</binding>"
                                       for v in variables if sol[v] is not None) + "</result>\n"
        yield "</results></sparql>\n"
    elif fmt == "csv":
        yield ",".join(_csv_field(ox.Literal(v)) for v in variables) + "\r\n"
        for sol in rows:
            yield ",".join(_csv_field(sol[v]) for v in variables) + "\r\n"
    elif fmt == "tsv":
        yield "\t".join(f"?{v}" for v in variables) + "\n"
        for sol in rows:
            yield "\t".join("" if sol[v] is None else str(sol[v]) for v in variables) + "\n"
    else:  # html
        yield ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>SPARQL results</title>'
               "<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}"
               "table{border-collapse:collapse}.iri{color:#225}</style></head><body>"
               '<p><a href="/query">back to the query page</a></p><table><tr>')
        yield "".join(f"<th>{html.escape(v)}</th>" for v in variables) + "</tr>\n"
        for sol in rows:
            yield "<tr>" + "".join(_html_cell(sol[v]) for v in variables) + "</tr>\n"
        yield "</table></body></html>\n"


def _boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (b'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                b"<head/><boolean>" + (b"true" if value else b"false") + b"</boolean></sparql>\n")
    if fmt == "html":
        return f"<!doctype html><html><body><p>{'true' if value else 'false'}</p></body></html>".encode()
    return (b"true" if value else b"false") + (b"\r\n" if fmt == "csv" else b"\n")


# ---------------------------------------------------------------- the work itself (runs in a worker process)


@dataclass
class Job:
    """One query as a worker needs it: text, negotiated Accept list, dataset and limits (picklable)."""

    query: str
    accept: list[tuple[str, float]]
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_BYTES


Reply = tuple[int, str, bytes]  # status, content type, body


def _too_large(what: str, limit: int, unit: str) -> Reply:
    msg = (f"result too large: more than {limit} {unit} (the endpoint refuses rather than truncates; "
           f"add LIMIT/OFFSET, or start kg serve with a larger --max-{what})\n")
    return 422, "text/plain; charset=utf-8", msg.encode()


def _error(status: int, message: str) -> Reply:
    return status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode()


def execute(store: ox.Store, prefixes: dict[str, str], job: Job) -> Reply:
    """Run one query and serialise it as negotiated, enforcing the row and byte limits."""
    kwargs: dict[str, Any] = {"prefixes": prefixes}
    if job.default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if job.named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        result = store.query(job.query, **kwargs)
    except SyntaxError as exc:
        if _UPDATE.match(re.sub(r"#[^\n]*", " ", job.query)):
            return _error(403, "this endpoint is read-only: SPARQL Update is refused")
        msg = " ".join(str(exc).split())
        if "Prefix not found" in msg:  # the parser's list of expected characters hides the point: say it
            head = msg.split(": expected", 1)[0]
            msg = (f"{head}: unknown prefix (predeclared: {', '.join(prefixes)}; declare others with PREFIX). "
                   f"Parser: {msg}")
        return _error(400, "malformed query: " + msg)
    except ValueError as exc:  # e.g. an invalid graph IRI in default-graph-uri
        return _error(400, f"bad request: {exc}")
    try:
        if isinstance(result, ox.QueryBoolean):
            fmt = negotiate(job.accept, RESULT_TYPES)
            if fmt is None:
                return _error(406, "no acceptable format; ASK results come as "
                              + ", ".join(dict.fromkeys(RESULT_TYPES)))
            return 200, RESULT_CONTENT_TYPES[fmt], _boolean(bool(result), fmt)
        if isinstance(result, ox.QuerySolutions):
            fmt = negotiate(job.accept, RESULT_TYPES)
            if fmt is None:
                return _error(406, "no acceptable format; SELECT results come as "
                              + ", ".join(dict.fromkeys(RESULT_TYPES)))
            variables = [v.value for v in result.variables]
            buf, size, rows = io.BytesIO(), 0, 0

            def counted() -> Iterator[Any]:
                nonlocal rows
                for sol in result:
                    rows += 1
                    if rows > job.max_rows:
                        return
                    yield sol

            for chunk in _select_chunks(variables, counted(), fmt):
                data = chunk.encode("utf-8")
                size += len(data)
                if size > job.max_bytes:
                    return _too_large("bytes", job.max_bytes, "bytes")
                buf.write(data)
            if rows > job.max_rows:
                return _too_large("rows", job.max_rows, "rows")
            return 200, RESULT_CONTENT_TYPES[fmt], buf.getvalue()
        fmt = negotiate(job.accept, RDF_TYPES)
        if fmt is None:
            return _error(406, "no acceptable format; CONSTRUCT and DESCRIBE results come as "
                          + ", ".join(dict.fromkeys(RDF_TYPES)))
        triples = []
        for t in result:
            triples.append(t)
            if len(triples) > job.max_rows:
                return _too_large("rows", job.max_rows, "triples")
        rdf_format, ctype = RDF_FORMATS[fmt]
        body = ox.serialize(triples, None, rdf_format, prefixes=prefixes if fmt == "turtle" else None)
        if len(body) > job.max_bytes:
            return _too_large("bytes", job.max_bytes, "bytes")
        return 200, ctype, body
    except (OSError, RuntimeError, ValueError) as exc:
        return _error(500, f"query failed: {' '.join(str(exc).split())}")


def _worker_main(conn: Connection, store_path: str, prefixes: dict[str, str]) -> None:
    """A worker process: open the store read-only, then answer jobs until told to stop (None) or killed."""
    try:
        store = ox.Store.read_only(store_path)
    except OSError as exc:
        conn.send(("fatal", str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
        return
    conn.send(("ready", ""))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            reply = execute(store, prefixes, job)
        except Exception as exc:  # anything unexpected still answers the request
            reply = _error(500, f"internal error: {type(exc).__name__}: {exc}")
        conn.send(reply)


# ---------------------------------------------------------------- the worker pool (parent side)


class _Worker:
    def __init__(self, ctx: Any, store_path: str, prefixes: dict[str, str]) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, store_path, prefixes), daemon=True,
                                name="kg-serve-worker")
        self.proc.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError("the query worker did not start in time")
        kind, msg = self.conn.recv()
        if kind != "ready":
            self.kill()
            raise RuntimeError(msg)

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class WorkerPool:
    """N worker processes, each holding the store open read-only; a query past its deadline kills its worker."""

    def __init__(self, store_path: str | os.PathLike[str], prefixes: dict[str, str], size: int = DEFAULT_WORKERS,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.store_path = str(store_path)
        self.prefixes = prefixes
        self.timeout = timeout
        self.ctx = multiprocessing.get_context("spawn")  # safe next to the server's threads, unlike fork
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        try:
            workers = [self._spawn() for _ in range(max(1, size))]
            for w in workers:
                w.wait_ready(60)
                self.idle.put(w)
        except BaseException:  # a worker that could not start, or Ctrl-C: no process outlives the failed pool
            self.close()
            raise

    def _spawn(self) -> _Worker:
        w = _Worker(self.ctx, self.store_path, self.prefixes)
        with self._lock:
            self._all.add(w)
        return w

    def _replace(self, dead: _Worker) -> None:
        """Kill ``dead`` and start a successor in the background, so the request that timed out answers at once.

        The successor can finish starting after close(): it then finds the pool
        closed (checked under the lock close() takes) and is killed, rather than
        joining a pool nobody will close again.
        """
        with self._lock:
            self._all.discard(dead)
        dead.kill()
        if self.closed:
            return

        def start() -> None:
            if self.closed:
                return
            try:
                w = self._spawn()
                w.wait_ready(60)
            except Exception as exc:  # keep serving with fewer workers; say so (unless close() killed it)
                if not self.closed:
                    print(f"kg: warning: could not restart a query worker: {exc}", file=sys.stderr)
                return
            with self._lock:
                if not self.closed:
                    self.idle.put(w)
                    return
                self._all.discard(w)
            w.kill()

        threading.Thread(target=start, daemon=True, name="kg-serve-restart").start()

    def run(self, job: Job) -> Reply:
        """Answer ``job`` within the time limit, or raise ServeError(503)."""
        try:
            w = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            raise ServeError(503, f"every query worker is busy (waited {self.timeout:g} s); try again later",
                             {"Retry-After": str(max(1, int(self.timeout)))}) from None
        try:
            w.conn.send(job)
            if not w.conn.poll(self.timeout):
                self._replace(w)
                raise ServeError(503, f"query cancelled: it ran longer than the {self.timeout:g} s time limit "
                                 "(narrow it, add LIMIT, or start kg serve with a larger --timeout)")
            reply: Reply = w.conn.recv()
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._replace(w)
            raise ServeError(500, f"the query worker died ({type(exc).__name__}); it has been restarted") from exc
        self.idle.put(w)
        return reply

    def close(self) -> None:
        """Stop every worker: politely (None), then killed after a second. Safe to call twice."""
        with self._lock:
            self.closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in workers:
            w.proc.join(1)
            w.kill()


# ---------------------------------------------------------------- HTML pages


def query_page(named: Iterable[Any], endpoint: str = "/sparql") -> str:
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
        "Prefixes kg kgr org schema sem prov dcterms skos rdf rdfs owl xsd are predeclared; queries see the union "
        'of all article graphs. <a href="/">Graph view</a></p>',
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
            from kg.sparql import bind_params
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


# ---------------------------------------------------------------- HTTP


@dataclass
class ServeConfig:
    """Everything `kg serve` can be told; the defaults are the safe ones."""

    store: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES
    workers: int = DEFAULT_WORKERS
    cors: list[str] = field(default_factory=list)
    quiet: bool = False


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a Host header value or a --host address, with or without a port) names this machine.

    Parsed, not prefix-matched: "127.attacker.example" is a DNS name the
    attacker controls (the rebinding attack this check exists for), so only
    "localhost" and literal loopback addresses (127.0.0.0/8, ::1) pass.
    """
    h = host.strip().lower()
    if h.startswith("["):  # [::1] or [::1]:8000
        name, sep, rest = h[1:].partition("]")
        if not sep or not re.fullmatch(r"(?::\d*)?", rest):
            return False
    elif h.count(":") == 1:  # name:port or 1.2.3.4:port
        name, _, port = h.partition(":")
        if not re.fullmatch(r"\d*", port):
            return False
    else:  # a name, an IPv4 address, or a bare IPv6 address as --host takes it (::1)
        name = h
    name = name[:-1] if name.endswith(".") else name  # "localhost." is the same name, fully qualified
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


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


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: holds the config, the worker pool and the cached graph view."""

    daemon_threads = True
    allow_reuse_address = True
    view_wait = 30.0  # seconds a request for the graph view waits for a build before it gets a 503

    def __init__(self, config: ServeConfig) -> None:
        from kg.store import GraphStore
        from kg.vocab import PREFIXES

        GraphStore.open_existing(config.store)  # a missing or empty --store is a clear error before binding
        self.config = config
        self.prefixes = dict(PREFIXES)
        self.pool = WorkerPool(config.store, self.prefixes, config.workers, config.timeout)
        cache_dir: Path | None = None
        try:
            cache_dir = self.cache_dir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
            self.view = ViewCache(config.store, cache_dir)
            if ":" in config.host:  # an IPv6 address (--host ::1); the server class defaults to IPv4
                self.address_family = socket.AF_INET6
            super().__init__((config.host, config.port), SparqlHandler)
        except BaseException:  # no temp dir, Ctrl-C, anything: the workers must not outlive a server never served
            # (a failed bind is also cleaned up by TCPServer itself, through server_close)
            self.pool.close()
            if cache_dir is not None:
                shutil.rmtree(cache_dir, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}"

    def prepare_view(self) -> None:
        """Start building the graph view now, so the first visitor of / does not wait for it (serve() calls this)."""
        self.view.start()

    def view_page(self) -> Path:
        """The graph view for the store as it is now (see ViewCache); ServeError(503) while it is being built."""
        return self.view.page(self.view_wait)

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()
        self.view.closed = True
        shutil.rmtree(self.cache_dir, ignore_errors=True)


class SparqlHandler(BaseHTTPRequestHandler):
    """Routes: /sparql (the protocol), /query (the form), / (the graph view)."""

    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"

    # ------------------------------------------------------------ plumbing

    def _send(self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Vary", "Accept")
        origin = self.headers.get("Origin")
        cors = self.server.config.cors
        if origin and ("*" in cors or origin in cors):
            self.send_header("Access-Control-Allow-Origin", "*" if "*" in cors else origin)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _fail(self, exc: ServeError) -> None:
        self._send(exc.status, "text/plain; charset=utf-8", (str(exc).rstrip("\n") + "\n").encode(), exc.headers)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.config.quiet:
            sys.stderr.write(f"kg: {self.address_string()} {format % args}\n")

    def _check_host(self) -> None:
        """On a loopback bind, a Host header naming another host is a DNS-rebinding page: refuse it."""
        if not is_loopback(self.server.config.host):
            return
        host = (self.headers.get("Host") or "").strip()
        if host and not is_loopback(host):
            raise ServeError(403, f"Host {host!r} is not this loopback server (start with --host to serve others)")

    def _route(self, method: str) -> None:
        try:
            self._check_host()
            path = urlsplit(self.path).path
            if path == "/sparql":
                if method not in ("GET", "POST"):
                    raise ServeError(405, f"{method} is not allowed on /sparql: use GET or POST",
                                     {"Allow": "GET, POST, OPTIONS"})
                self._sparql(method)
            elif path in ("/", "/index.html", "/view", "/query"):
                if method not in ("GET", "HEAD"):
                    raise ServeError(405, f"{method} is not allowed on {path}", {"Allow": "GET, HEAD"})
                self._page(path)
            else:
                raise ServeError(404, f"no such page: {path} (try /sparql, /query or /)")
        except ServeError as exc:
            self._fail(exc)
        except Exception as exc:  # never a traceback to the client, one line to the log
            sys.stderr.write(f"kg: error: {self.command} {self.path}: {type(exc).__name__}: {exc}\n")
            self._fail(ServeError(500, f"internal error: {type(exc).__name__}: {exc}"))

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_HEAD(self) -> None:
        self._route("HEAD")

    def do_PUT(self) -> None:
        self._route("PUT")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def do_PATCH(self) -> None:
        self._route("PATCH")

    def do_OPTIONS(self) -> None:
        """CORS preflight: answered only for origins given with --cors."""
        origin = self.headers.get("Origin")
        cors = self.server.config.cors
        headers = {"Allow": "GET, POST, OPTIONS"}
        if origin and ("*" in cors or origin in cors):
            headers.update({"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                            "Access-Control-Allow-Headers": "Content-Type, Accept",
                            "Access-Control-Max-Age": "600"})
        self._send(204, "text/plain", b"", headers)

    # ------------------------------------------------------------ pages

    def _page(self, path: str) -> None:
        if path == "/query":
            from kg.query import load_named

            body = query_page(load_named().values()).encode("utf-8")
            self._send(200, "text/html; charset=utf-8", body,
                       {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"})
            return
        try:
            page = self.server.view_page()
        except ServeError:
            raise
        except Exception as exc:
            msg = " ".join(str(exc).split()) or type(exc).__name__
            body = error_page("graph view unavailable", msg).encode("utf-8")
            self._send(500, "text/html; charset=utf-8", body)
            return
        self._send(200, "text/html; charset=utf-8", page.read_bytes())

    # ------------------------------------------------------------ the protocol

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked" or length is None:
            self.close_connection = True
            raise ServeError(411, "POST needs a Content-Length header")
        try:
            n = int(length)
        except ValueError:
            self.close_connection = True
            raise ServeError(400, f"bad Content-Length {length!r}") from None
        if n > self.server.config.max_query_bytes:
            # read and drop a moderate excess so the client sees the 413 rather than a reset connection
            left = n if n <= 16 * self.server.config.max_query_bytes + 65536 else 0
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
            self.close_connection = True
            raise ServeError(413, f"request body of {n} bytes is over the {self.server.config.max_query_bytes} "
                             "byte limit (--max-query-bytes)")
        return self.rfile.read(n)

    def _sparql(self, method: str) -> None:
        cfg = self.server.config
        url = urlsplit(self.path)
        if len(url.query.encode()) > cfg.max_query_bytes:
            raise ServeError(414, f"query string over the {cfg.max_query_bytes} byte limit: POST it instead")
        params = parse_qs(url.query, keep_blank_values=True)
        if method == "POST":
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                raise ServeError(403, "this endpoint is read-only: SPARQL Update is refused")
            if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
                raise ServeError(415, f"Content-Type {ctype or '(none)'!r} is not accepted: send "
                                 "application/x-www-form-urlencoded (query=...) or application/sparql-query")
            body = self._read_body()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ServeError(400, "the request body is not UTF-8") from None
            if ctype == "application/sparql-query":
                if "query" in params:
                    raise ServeError(400, "give the query either in the body or as query=, not both")
                params["query"] = [text]
            else:
                for k, v in parse_qs(text, keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
        if "update" in params:
            raise ServeError(403, "this endpoint is read-only: SPARQL Update is refused")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            raise ServeError(400, "give exactly one query= parameter (the query page is at /query)")
        fmt = (params.get("format") or params.get("output") or [None])[0]
        job = Job(queries[0], accept_with_format(self.headers.get("Accept"), fmt),
                  params.get("default-graph-uri", []), params.get("named-graph-uri", []),
                  cfg.max_rows, cfg.max_bytes)
        status, ctype, body = self.server.pool.run(job)
        self._send(status, ctype, body)


def make_server(config: ServeConfig) -> SparqlServer:
    """Open the store in the workers and bind; ``port=0`` picks a free port (read it from ``server.url``)."""
    return SparqlServer(config)


def _terminate(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def serve(config: ServeConfig, ready: Callable[[SparqlServer], None] | None = None) -> None:
    """Serve until interrupted; ``ready`` is called once the socket is bound (the CLI prints the URLs there)."""
    server = make_server(config)
    previous: Any = None
    installed = threading.current_thread() is threading.main_thread()
    if installed:
        # SIGTERM (systemd, docker stop, CI) ends the loop like Ctrl-C, so workers and the cache dir are cleaned up;
        # the caller's handler comes back afterwards (serve() may be one step of a longer program, or a test)
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        server.prepare_view()
        if ready:
            ready(server)
        server.serve_forever()
    finally:
        server.server_close()
        if installed:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "Job", "ServeConfig", "ServeError", "SparqlServer", "ViewCache",
           "WorkerPool", "accept_with_format", "execute", "is_loopback", "make_server", "negotiate", "parse_accept",
           "query_page", "serve", "store_stamp"]
