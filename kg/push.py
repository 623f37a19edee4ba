"""`kg push`: copy the store's graphs into an external SPARQL 1.1 store (Virtuoso, Fuseki, GraphDB, ...).

Each article's named graph is *replaced*, never appended to, so pushing twice
leaves the same data (idempotent) and a re-built article overwrites its old
version. Two ways to write, both standard:

- the Graph Store HTTP Protocol (``graph_store`` URL): one ``PUT ?graph=IRI``
  with an N-Triples body per graph, which the protocol defines as "replace";
- SPARQL 1.1 Update (``endpoint`` URL): ``DROP SILENT GRAPH <g> ; INSERT DATA
  { GRAPH <g> { ... } }``, several graphs per request (``batch``) to save
  round trips.

The default graph of the embedded store (article metadata, PROV, shared role
nodes) goes to a named graph of its own, ``METADATA_GRAPH`` unless told
otherwise: an external store's default graph is often the union of all graphs
(Virtuoso, GraphDB) or shared with other data, and replacing it could wipe
what is not ours.

Removed articles (`kg remove`, `kg build --prune`) are deleted from the
external store by the next push: the store keeps their graph IRIs as
tombstones (kg.store.TOMBSTONES), push deletes those graphs first (``DELETE
?graph=`` or ``DROP SILENT GRAPH``, a 404 counting as deleted) and clears each
tombstone once its delete succeeded, so a failed delete is retried next time.
The tombstones are cleared by the first push that deletes them: a second
external store pushed to later never hears of the removal (drop its graphs, or
push to it before the next removal).

What a failing store cannot do: hold a push forever, or take it elsewhere.
Every request has a total deadline (``deadline``), however slowly the store
trickles its answer; retries share one budget of seconds per push
(``retry_budget``); after ``max_failures`` requests in a row that got no
answer or a 5xx the push stops and reports the rest as not attempted; a 3xx is
a failure naming the new location (following it would turn a POST into a
bodiless GET that "succeeds" with nothing stored), and stops the push too.

Only the standard library's urllib: Basic and Digest authentication (Virtuoso's
``/sparql-auth`` and ``/sparql-graph-crud-auth`` want Digest) come with it.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import html
import http.client
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.store import GraphStore
from kg.vocab import KGR_NS

METADATA_GRAPH = KGR_NS + "graph/metadata"
MAX_TRIPLES_PER_REQUEST = 20_000
RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}

ProgressFn = Callable[[int, int, int], None]  # graphs done, graphs in total, graphs failed


class PushError(Exception):
    """A push that cannot start (bad URL, missing store); per-graph failures go into the report instead."""


@dataclass
class PushFailure:
    """One graph that did not arrive: which article, which graph, the HTTP status (None: no answer) and why."""

    graph: str
    article: str | None
    status: int | None
    message: str

    def __str__(self) -> str:
        what = f"article {self.article} (graph <{self.graph}>)" if self.article else f"graph <{self.graph}>"
        status = f"HTTP {self.status}" if self.status is not None else "no response"
        return f"{what}: {status}: {self.message}"


@dataclass
class PushReport:
    """What a push did; ``ok`` is False if any graph failed."""

    target: str
    graphs: int = 0
    pushed: int = 0
    deleted: int = 0  # graphs of removed articles deleted from the external store (tombstones cleared)
    triples: int = 0
    requests: int = 0
    seconds: float = 0.0
    failures: list[PushFailure] = field(default_factory=list)
    stopped: str | None = None  # why the push ended before trying every graph (the rest are "not attempted")

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class _Graph:
    iri: str
    article: str | None
    ntriples: list[bytes]  # one N-Triples line each


class _HttpFailure(Exception):
    """A request that failed after its retries; ``unreachable``: nothing answers at that address at all.

    ``stop``: no further request can succeed either (unreachable, redirected
    elsewhere, or failing every request), so the push ends here.
    """

    def __init__(self, status: int | None, message: str, retry: bool, unreachable: bool = False,
                 stop: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retry = retry
        self.unreachable = unreachable
        self.stop = stop or unreachable


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: urllib would re-send a POST as a GET without its body, and call that success."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        return None  # urllib then raises the 3xx as an HTTPError, which _Client reports


class _Deadline:
    """One request's total deadline: when it passes, the connection is shut down under whatever is blocked on it.

    A per-read timeout alone lets a store that sends one byte a second hold a
    request forever; shutting the socket down wakes the blocked read (or send)
    at once, and ``expired`` tells the error apart from a reset.
    """

    def __init__(self) -> None:
        self.at = float("inf")
        self.expired = False
        self.timers: list[threading.Timer] = []

    def start(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False

    def arm(self, sock: socket.socket) -> None:
        def fire() -> None:
            self.expired = True
            with contextlib.suppress(OSError):  # already closed: nothing left to wake
                sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(max(0.0, self.at - time.monotonic()), fire)
        timer.daemon = True
        timer.start()
        self.timers.append(timer)

    def stop(self) -> None:
        for t in self.timers:
            t.cancel()
        self.timers.clear()


def _connection(base: type[http.client.HTTPConnection], deadline: _Deadline) -> type[http.client.HTTPConnection]:
    class Connection(base):  # type: ignore[misc, valid-type]
        def connect(self) -> None:
            remaining = deadline.at - time.monotonic()
            if remaining <= 0:
                deadline.expired = True
                raise TimeoutError("request deadline passed")
            if self.timeout is None or self.timeout > remaining:
                self.timeout = remaining
            super().connect()
            deadline.arm(self.sock)

    return Connection


class _DeadlineHTTP(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.connection = _connection(http.client.HTTPConnection, deadline)

    def http_open(self, req: Any) -> Any:
        return self.do_open(self.connection, req)


class _DeadlineHTTPS(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.connection = _connection(http.client.HTTPSConnection, deadline)

    def https_open(self, req: Any) -> Any:
        return self.do_open(functools.partial(self.connection, context=self._context), req)


# refused, no route, unknown host: the next graph would fail the same way. A timeout or a reset is not here:
# the store is there, this one request was too slow or cut off, and the next graph may well go through.
_UNREACHABLE_ERRNOS = {errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH,
                       getattr(errno, "EHOSTDOWN", errno.EHOSTUNREACH)}


def _is_unreachable(exc: BaseException | str) -> bool:
    """Whether a connection error means that nothing can be reached at the target (vs. one failed request)."""
    if isinstance(exc, (ConnectionRefusedError, socket.gaierror)):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, TimeoutError) and exc.errno in _UNREACHABLE_ERRNOS


def _opener(url: str, user: str | None, password: str | None,
            deadline: _Deadline | None = None) -> urllib.request.OpenerDirector:
    """An opener that answers Basic or Digest challenges, never goes through a proxy (stores are local), never
    follows a redirect, and holds each request to ``deadline``."""
    handlers: list[Any] = [urllib.request.ProxyHandler({}), _NoRedirects()]
    if deadline is not None:
        handlers += [_DeadlineHTTP(deadline), _DeadlineHTTPS(deadline)]
    if user is not None:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, url, user, password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(mgr), urllib.request.HTTPBasicAuthHandler(mgr)]
    return urllib.request.build_opener(*handlers)


def _message(body: bytes) -> str:
    """A store's error page as one readable line (Virtuoso answers in HTML)."""
    text = body.decode("utf-8", "replace")
    text = re.sub(r"(?is)<(script|style|title)[^>]*>.*?</\1>", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.split())
    return text[:400] + ("..." if len(text) > 400 else "")


class _Client:
    """HTTP with bounded retries: connection errors, 5xx, 408 and 429 are retried with exponential backoff.

    Bounded three ways: ``deadline`` seconds per request in all, ``retry_budget``
    seconds of retrying (waits and retried requests) per push, and
    ``max_failures`` failed requests in a row (no answer or 5xx, after their
    retries), after which every further ``send`` fails at once with ``stop``.
    """

    def __init__(self, url: str, user: str | None, password: str | None, retries: int, backoff: float,
                 timeout: float, deadline: float = 120.0, retry_budget: float = 120.0, max_failures: int = 5) -> None:
        self.clock = _Deadline()
        self.opener = _opener(url, user, password, self.clock)
        self.retries = max(0, retries)
        self.backoff = backoff
        self.timeout = timeout
        self.deadline = deadline
        self.retry_budget = retry_budget
        self.retry_spent = 0.0
        self.max_failures = max(1, max_failures)
        self.failing = 0  # failed requests in a row
        self.last: _HttpFailure | None = None
        self.stopped: _HttpFailure | None = None
        self.requests = 0

    def send(self, method: str, url: str, body: bytes, ctype: str) -> None:
        if self.stopped:
            raise self.stopped
        attempt = 0
        while True:
            t0 = time.monotonic()
            try:
                self._once(method, url, body, ctype)
                if attempt:
                    self.retry_spent += time.monotonic() - t0
                self.failing = 0
                return
            except _HttpFailure as exc:
                if attempt:
                    self.retry_spent += time.monotonic() - t0
                wait = min(self.backoff * 2 ** attempt, 30.0)
                if not exc.retry or exc.stop or attempt >= self.retries or \
                        self.retry_spent + wait >= self.retry_budget:
                    self._failed(exc)
                    if self.stopped and self.stopped is not exc:  # this failure was the last straw: say so
                        raise self.stopped from exc
                    raise
            time.sleep(wait)
            self.retry_spent += wait
            attempt += 1

    def _failed(self, exc: _HttpFailure) -> None:
        """Count a failure in a row; stop the push at a redirect, an unreachable store or too many in a row."""
        if exc.stop:
            self.stopped = exc
            return
        if exc.status is not None and exc.status < 500:  # the store answered and refused this one request
            self.failing = 0
            return
        self.failing += 1
        if self.failing >= self.max_failures:
            self.stopped = _HttpFailure(exc.status, f"stopped after {self.failing} failed requests in a row "
                                                    f"(the last: {exc})", False, stop=True)

    def _once(self, method: str, url: str, body: bytes, ctype: str) -> None:
        req = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": ctype, "Accept": "*/*"})
        self.requests += 1
        where = url.split("?")[0]
        self.clock.start(self.deadline)
        try:
            with self.opener.open(req, timeout=min(self.timeout, self.deadline)) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:
            if 300 <= exc.code < 400:
                location = exc.headers.get("Location") if exc.headers else None
                to = urllib.parse.urljoin(url, location) if location else "no Location given"
                raise _HttpFailure(exc.code, f"redirected to {to}; a write is not re-sent to another address "
                                             "(give that URL to kg push if it is the store)", False,
                                   stop=True) from exc
            raise _HttpFailure(exc.code, _message(self._body(exc)) or exc.reason,
                               exc.code in RETRY_STATUSES) from exc
        except urllib.error.URLError as exc:
            if self.clock.expired:
                raise self._late(where) from exc
            reason = exc.reason.strerror if isinstance(exc.reason, OSError) and exc.reason.strerror else exc.reason
            raise _HttpFailure(None, f"cannot reach {where}: {reason}", True,
                               _is_unreachable(exc.reason)) from exc
        except (OSError, ValueError, http.client.HTTPException) as exc:  # timeouts, resets, a URL urllib cannot use
            if self.clock.expired:
                raise self._late(where) from exc
            raise _HttpFailure(None, f"{where}: {type(exc).__name__}: {exc}", True, _is_unreachable(exc)) from exc
        finally:
            self.clock.stop()

    def _late(self, where: str) -> _HttpFailure:
        return _HttpFailure(None, f"{where}: no complete answer within the request deadline of {self.deadline:g} s "
                                  "(timed out)", True)

    def _body(self, exc: urllib.error.HTTPError) -> bytes:
        """An error page, read under the same deadline (a store can trickle its error page too)."""
        try:
            return exc.read(65536)
        except (OSError, http.client.HTTPException):
            return b""


def _graph_names(store: GraphStore, metadata_graph: str | None) -> list[tuple[str, str | None, Any]]:
    """What will be pushed, without the triples: (target graph IRI, article id, source graph), in push order.

    Article graphs in article order, then the metadata (default) graph if it
    has anything. Cheap, so the progress line knows the total up front while
    the triples themselves are read one graph at a time (``_graphs``).
    """
    ids = store.article_graphs()
    named = sorted((g.value for g in store.store.named_graphs() if isinstance(g, ox.NamedNode)),
                   key=lambda g: (ids.get(g, "\uffff"), g))
    out: list[tuple[str, str | None, Any]] = [(g, ids.get(g), ox.NamedNode(g)) for g in named]
    if metadata_graph and next(iter(store.store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
        out.append((metadata_graph, None, ox.DefaultGraph()))
    return out


def _graphs(store: GraphStore, names: list[tuple[str, str | None, Any]]) -> Iterator[_Graph]:
    """Each graph of ``names`` as N-Triples lines, read when its turn comes: one graph (or batch) in memory."""
    for iri, article, source in names:
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in store.store.quads_for_pattern(None, None, None, source)]
        data = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES)
        yield _Graph(iri, article, [ln for ln in data.split(b"\n") if ln.strip()])


def _chunks(lines: list[bytes], size: int) -> list[list[bytes]]:
    return [lines[i:i + size] for i in range(0, len(lines), size)] or [[]]


def push_store(store: GraphStore | str | os.PathLike[str], endpoint: str | None = None,
               graph_store: str | None = None, *, batch: int = 50, user: str | None = None,
               password: str | None = None, metadata_graph: str | None = METADATA_GRAPH, retries: int = 3,
               backoff: float = 0.5, timeout: float = 60.0, deadline: float = 120.0, retry_budget: float = 120.0,
               max_failures: int = 5, progress: ProgressFn | None = None) -> PushReport:
    """Replace every graph of ``store`` in an external store; per-graph failures are collected, not raised.

    ``graph_store`` (a Graph Store Protocol URL) wins over ``endpoint`` (a SPARQL
    Update URL); one of them is needed. ``batch`` graphs go in one SPARQL Update
    request (the Graph Store Protocol takes one graph per request). A graph over
    MAX_TRIPLES_PER_REQUEST triples is sent as a replace followed by appends.
    Graphs are read from the store as they are sent, not all at once.

    If the target cannot be reached at all (connection refused, no route, an
    unknown host name, after the retries), the graphs not yet sent are reported
    as not attempted rather than tried one by one. A timeout or a reset
    connection fails only the graph (or batch) it happened to: the store is
    there, and the next graph may go through, unless ``max_failures`` requests
    in a row have failed so: then the push stops there. ``timeout`` bounds each
    wait for data, ``deadline`` each request in all, ``retry_budget`` the
    seconds all retries of the push may take together. A redirect stops the
    push (see the module's docstring).
    """
    if not endpoint and not graph_store:
        raise PushError("give a SPARQL Update endpoint or a Graph Store Protocol URL")
    target = graph_store or endpoint or ""
    try:
        parts = urllib.parse.urlsplit(target)
        _ = parts.port  # parsed now, so "http://host:99999/" is refused here rather than once per graph
    except ValueError as exc:
        raise PushError(f"not a valid URL: {target!r} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushError(f"not an http(s) URL: {target!r}")
    gs = store if isinstance(store, GraphStore) else GraphStore.open_existing(Path(store))
    t0 = time.monotonic()
    names = _graph_names(gs, metadata_graph)
    graphs = _graphs(gs, names)
    report = PushReport(target=target, graphs=len(names))
    client = _Client(target, user, password, retries, backoff, timeout, deadline, retry_budget, max_failures)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, len(names), len(report.failures))

    unreachable: _HttpFailure | None = None  # or otherwise stopped: the graphs after it are not attempted
    gone = _removed_graphs(gs, names, metadata_graph)
    if gone:
        deleted, unreachable = _delete(client, endpoint, graph_store, gone, report)
        report.deleted = len([g for g in deleted if g != metadata_graph])
        with contextlib.suppress(OSError):  # a store on a read-only disk: the deletes are repeated next time
            gs.clear_tombstones(deleted)
    if graph_store:
        for g in graphs:
            if unreachable:
                report.failures.append(PushFailure(g.iri, g.article, None, f"not attempted: {unreachable}"))
                tick(1)
                continue
            try:
                url = graph_store + ("&" if "?" in graph_store else "?") + urllib.parse.urlencode({"graph": g.iri})
                for i, chunk in enumerate(_chunks(g.ntriples, MAX_TRIPLES_PER_REQUEST)):
                    client.send("PUT" if i == 0 else "POST", url, b"\n".join(chunk) + b"\n",
                                "application/n-triples")
                report.pushed += 1
                report.triples += len(g.ntriples)
            except _HttpFailure as exc:
                report.failures.append(PushFailure(g.iri, g.article, exc.status, str(exc)))
                if exc.stop:
                    unreachable = exc
            tick(1)
    else:
        assert endpoint is not None
        for group in _batches(graphs, max(1, batch)):
            if unreachable:
                for g in group:
                    report.failures.append(PushFailure(g.iri, g.article, None, f"not attempted: {unreachable}"))
                tick(len(group))
                continue
            try:
                _update(client, endpoint, group)
                report.pushed += len(group)
                report.triples += sum(len(g.ntriples) for g in group)
            except _HttpFailure as exc:
                if exc.stop:  # unreachable, redirected, or failing every request: nothing more will go through
                    unreachable = exc
                if exc.status is None or exc.stop:  # no answer (a timeout/reset: this batch only), or the end
                    report.failures += [PushFailure(g.iri, g.article, exc.status, str(exc)) for g in group]
                elif len(group) == 1:
                    report.failures.append(PushFailure(group[0].iri, group[0].article, exc.status, str(exc)))
                else:  # find out which graphs of the batch the store refuses
                    for g in group:
                        if client.stopped:
                            unreachable = client.stopped
                            report.failures.append(PushFailure(g.iri, g.article, None,
                                                               f"not attempted: {client.stopped}"))
                            continue
                        try:
                            _update(client, endpoint, [g])
                            report.pushed += 1
                            report.triples += len(g.ntriples)
                        except _HttpFailure as one:
                            report.failures.append(PushFailure(g.iri, g.article, one.status, str(one)))
                            if one.stop:
                                unreachable = one
            tick(len(group))
    report.stopped = str(unreachable) if unreachable else None
    report.requests = client.requests
    report.seconds = time.monotonic() - t0
    return report


def _removed_graphs(store: GraphStore, names: list[tuple[str, str | None, Any]], metadata_graph: str | None,
                    ) -> list[str]:
    """The tombstoned graphs to delete remotely: those not in the store again (a rebuilt article is replaced
    anyway), and the metadata graph when the last article went with them."""
    present = {iri for iri, _, _ in names}
    gone = [g for g in store.tombstones() if g not in present]
    if store.tombstones() and metadata_graph and metadata_graph not in present:
        gone.append(metadata_graph)
    return gone


def _delete(client: _Client, endpoint: str | None, graph_store: str | None, graphs: list[str],
            report: PushReport) -> tuple[list[str], _HttpFailure | None]:
    """Delete ``graphs`` from the external store: the ones deleted (their tombstones to clear), and the failure
    that stopped the push, if one did; failures go into ``report``."""
    def failed(g: str, exc: _HttpFailure) -> None:
        report.failures.append(PushFailure(g, None, exc.status, f"removed article's graph not deleted: {exc}"))

    done: list[str] = []
    if graph_store:
        for g in graphs:
            url = graph_store + ("&" if "?" in graph_store else "?") + urllib.parse.urlencode({"graph": g})
            try:
                client.send("DELETE", url, b"", "application/n-triples")
            except _HttpFailure as exc:
                if exc.status != 404:  # 404: the store has no such graph, which is what a delete wants
                    failed(g, exc)
                    if exc.stop:
                        return done, exc
                    continue
            done.append(g)
        return done, None
    assert endpoint is not None
    for i in range(0, len(graphs), 200):
        group = graphs[i:i + 200]
        try:
            client.send("POST", endpoint, b" ;\n".join(b"DROP SILENT GRAPH " + str(ox.NamedNode(g)).encode()
                                                      for g in group), "application/sparql-update")
            done += group
        except _HttpFailure as exc:
            for g in group:
                failed(g, exc)
            if exc.stop:
                return done, exc
    return done, None


def _batches(graphs: Iterable[_Graph], batch: int) -> Iterator[list[_Graph]]:
    """Up to ``batch`` graphs per request, fewer when their triples would exceed MAX_TRIPLES_PER_REQUEST."""
    group: list[_Graph] = []
    size = 0
    for g in graphs:
        if group and (len(group) >= batch or size + len(g.ntriples) > MAX_TRIPLES_PER_REQUEST):
            yield group
            group, size = [], 0
        group.append(g)
        size += len(g.ntriples)
    if group:
        yield group


def _update(client: _Client, endpoint: str, group: list[_Graph]) -> None:
    """Replace the graphs of ``group`` by SPARQL Update: one request, or replace-then-append for a huge graph."""
    ops: list[bytes] = []
    for g in group:
        iri = str(ox.NamedNode(g.iri)).encode()
        chunks = _chunks(g.ntriples, MAX_TRIPLES_PER_REQUEST)
        ops.append(b"DROP SILENT GRAPH " + iri)
        if g.ntriples:
            ops.append(b"INSERT DATA { GRAPH " + iri + b" {\n" + b"\n".join(chunks[0]) + b"\n} }")
        if len(chunks) > 1:  # a graph too big for one request: send what we have, then append the rest
            client.send("POST", endpoint, b" ;\n".join(ops), "application/sparql-update")
            ops = []
            for chunk in chunks[1:]:
                client.send("POST", endpoint, b"INSERT DATA { GRAPH " + iri + b" {\n" + b"\n".join(chunk) + b"\n} }",
                            "application/sparql-update")
    if ops:
        client.send("POST", endpoint, b" ;\n".join(ops), "application/sparql-update")


__all__ = ["METADATA_GRAPH", "PushError", "PushFailure", "PushReport", "push_store"]
