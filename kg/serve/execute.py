"""Running queries: one job in a worker process, and the pool of workers with its time limit.

Queries run in worker processes (``multiprocessing``, spawn), each with the
store opened read-only. A pyoxigraph query cannot be interrupted from Python,
so the time limit is enforced by killing the worker at the deadline and
starting a fresh one: a runaway cross join costs one process, never the
server. SELECT results are serialised by kg.results so rows and bytes are
counted exactly; RDF from CONSTRUCT/DESCRIBE is serialised by pyoxigraph.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import queue
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg.results import boolean, select_chunks
from kg.serve.protocol import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
    RDF_FORMATS,
    RDF_TYPES,
    RESULT_CONTENT_TYPES,
    RESULT_TYPES,
    ServeError,
    negotiate,
)
from kg.sparql import is_update, syntax_message
from kg.store import is_merged


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


def execute(store: ox.Store, prefixes: dict[str, str], job: Job, union: bool = False) -> Reply:
    """Run one query and serialise it as negotiated, enforcing the row and byte limits.

    With no default graph asked for, a query sees the store's default graph: the merged graph, every
    fact once (kg.rdf); ``union`` (a store built before the merged graph) sees the union of all graphs.
    """
    kwargs: dict[str, Any] = {"prefixes": prefixes}
    if job.default_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    elif union:
        kwargs["use_default_graph_as_union"] = True
    if job.named_graphs:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        result = store.query(job.query, **kwargs)
    except SyntaxError as exc:
        if is_update(job.query):
            return _error(403, "this endpoint is read-only: SPARQL Update is refused")
        return _error(400, syntax_message(exc, prefixes, endpoint=True))
    except ValueError as exc:  # e.g. an invalid graph IRI in default-graph-uri
        return _error(400, f"bad request: {exc}")
    try:
        if isinstance(result, ox.QueryBoolean):
            fmt = negotiate(job.accept, RESULT_TYPES)
            if fmt is None:
                return _error(406, "no acceptable format; ASK results come as "
                              + ", ".join(dict.fromkeys(RESULT_TYPES)))
            return 200, RESULT_CONTENT_TYPES[fmt], boolean(bool(result), fmt)
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

            for chunk in select_chunks(variables, counted(), fmt):
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
    union = not is_merged(store)
    conn.send(("ready", ""))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            reply = execute(store, prefixes, job, union)
        except Exception as exc:  # anything unexpected still answers the request
            reply = _error(500, f"internal error: {type(exc).__name__}: {exc}")
        conn.send(reply)


# ---------------------------------------------------------------- the worker pool (parent side)


class Worker:
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
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.closed = False
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        try:
            workers = [self._spawn() for _ in range(max(1, size))]
            for w in workers:
                w.wait_ready(60)
                self.idle.put(w)
        except BaseException:  # a worker that could not start, or Ctrl-C: no process outlives the failed pool
            self.close()
            raise

    def _spawn(self) -> Worker:
        w = Worker(self.ctx, self.store_path, self.prefixes)
        with self._lock:
            self._all.add(w)
        return w

    def _replace(self, dead: Worker) -> None:
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


__all__ = ["Job", "Reply", "Worker", "WorkerPool", "execute"]
