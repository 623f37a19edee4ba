"""Running queries: one job in a worker process, and the pool of workers with its time limit.

Queries run in worker processes (``multiprocessing``, spawn), each with the
store opened read-only. A pyoxigraph query cannot be interrupted from Python,
so the time limit and the memory limit (the worker's resident size, read from
/proc while the query runs) are enforced by killing the worker and starting a
fresh one: a runaway cross join costs one process, never the server. A worker
that dies (the engine's parser overflowing its stack on a deeply nested
query, say) is replaced the same way and its query answered with an error;
the query's text is then refused for a while without running it again, so a
flood of the same poison query costs one worker, not all of them. Queries run
on a thread with a large stack, and nesting deeper than MAX_NESTING is refused
before parsing. SELECT results are serialised by kg.results so rows and bytes
are counted exactly; RDF from CONSTRUCT/DESCRIBE is serialised by pyoxigraph.

Waiting is bounded: at most ``max_waiting`` requests wait for a worker, each
at most ``queue_wait`` seconds; past either the answer is 503 with
Retry-After, at once, rather than a connection that hangs.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from kg.results import boolean, select_chunks
from kg.serve.protocol import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_WAITING,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
    MAX_NESTING,
    RDF_FORMATS,
    RDF_TYPES,
    RESULT_CONTENT_TYPES,
    RESULT_TYPES,
    ServeError,
    negotiate,
)
from kg.sparql import dataset_options, is_update, nesting_depth, syntax_message, uses_service
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
    base_iri: str | None = None  # relative IRIs in the query resolve against it (the endpoint's URL)
    allow_service: bool = False  # SERVICE (federated query) is refused unless the server was started to allow it

    def key(self) -> str:
        """What identifies the query for the refusal memory (text and dataset; not the format)."""
        h = hashlib.sha256(self.query.encode("utf-8", "surrogatepass"))
        h.update("\0".join(["", *self.default_graphs, "", *self.named_graphs]).encode("utf-8", "surrogatepass"))
        return h.hexdigest()


Reply = tuple[int, str, bytes]  # status, content type, body


def _too_large(what: str, limit: int, unit: str) -> Reply:
    msg = (f"result too large: more than {limit} {unit} (the endpoint refuses rather than truncates; "
           f"add LIMIT/OFFSET, or start kg serve with a larger --max-{what})\n")
    return 422, "text/plain; charset=utf-8", msg.encode()


def _error(status: int, message: str) -> Reply:
    return status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode()


SERVICE_REFUSED = ("SERVICE (federated query) is refused: this endpoint does not send requests to other servers "
                   "on a query's behalf, since any page or client that can reach it could then make it reach "
                   "services on your network. Start kg serve with --allow-service to allow federation.")


def refusal(job: Job) -> Reply | None:
    """What is refused before the query is parsed: updates, SERVICE (unless allowed), nesting too deep to parse."""
    if is_update(job.query):
        return _error(403, "this endpoint is read-only: SPARQL Update is refused")
    if not job.allow_service and uses_service(job.query):
        return _error(400, SERVICE_REFUSED)
    depth = nesting_depth(job.query)
    if depth > MAX_NESTING:
        return _error(400, f"query nested too deeply: {depth} levels of brackets, the limit is {MAX_NESTING}")
    for g in (*job.default_graphs, *job.named_graphs):
        try:
            ox.NamedNode(g)
        except ValueError as exc:
            return _error(400, f"bad graph IRI {g!r} in default-graph-uri/named-graph-uri: {exc}")
    return None


def dataset(job: Job, union: bool = False) -> dict[str, Any]:
    """pyoxigraph's dataset keywords, as the SPARQL 1.1 Protocol orders them.

    default-graph-uri / named-graph-uri, when given, are the dataset and take
    precedence over the query's FROM / FROM NAMED (one without the other gives
    an empty default graph, or no named graphs); else the query's own FROM /
    FROM NAMED hold; else the store's default graph, the merged graph where every fact is once
    (kg.rdf); ``union`` (a store built before the merged graph) sees the union of all graphs.
    """
    if job.default_graphs or job.named_graphs:
        return {"default_graph": [ox.NamedNode(g) for g in job.default_graphs],
                "named_graphs": [ox.NamedNode(g) for g in job.named_graphs]}
    return dataset_options(job.query, union)


def execute(store: ox.Store, prefixes: dict[str, str], job: Job, union: bool = False) -> Reply:
    """Run one query and serialise it as negotiated, enforcing the row and byte limits."""
    refused = refusal(job)
    if refused is not None:
        return refused
    kwargs: dict[str, Any] = {"prefixes": prefixes, "base_iri": job.base_iri, **dataset(job, union)}
    try:
        result = store.query(job.query, **kwargs)
    except SyntaxError as exc:
        return _error(400, syntax_message(exc, prefixes, endpoint=True))
    except ValueError as exc:
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


WORKER_STACK = 512 * 1024 * 1024  # the query thread's stack (address space; only what is used is memory)


def _worker_main(conn: Connection, store_path: str, prefixes: dict[str, str]) -> None:
    """A worker process: open the store read-only, then answer jobs until told to stop (None) or killed.

    The jobs run on a thread with a 512 MB stack: the engine recurses once a
    nesting level or chained operator, and the main thread's 8 MB is gone after
    a few thousand (a crash, not an exception).
    """
    threading.stack_size(WORKER_STACK)
    t = threading.Thread(target=_worker_loop, args=(conn, store_path, prefixes), name="kg-serve-query")
    t.start()
    t.join()


def _worker_loop(conn: Connection, store_path: str, prefixes: dict[str, str]) -> None:
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


def rss_bytes(pid: int) -> int | None:
    """A process's resident set size, from /proc (None where there is no /proc, or the process is gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


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
    """N worker processes, each holding the store open read-only; a query past a limit kills its worker.

    Limits per query: ``timeout`` seconds of running, ``max_memory`` bytes of
    worker RSS (0: none). Limits on waiting: ``max_waiting`` requests in the
    queue, ``queue_wait`` seconds each (default: the time limit). A query that
    went over a limit or killed its worker is refused for ``remember`` seconds
    without being run again (same text and dataset).
    """

    poll_interval = 0.05  # seconds between two looks at a running worker's memory

    def __init__(self, store_path: str | os.PathLike[str], prefixes: dict[str, str], size: int = DEFAULT_WORKERS,
                 timeout: float = DEFAULT_TIMEOUT, max_memory: int = DEFAULT_MAX_MEMORY_MB * 2**20,
                 max_waiting: int = DEFAULT_MAX_WAITING, queue_wait: float | None = None,
                 remember: float = 30.0) -> None:
        self.store_path = str(store_path)
        self.prefixes = prefixes
        self.timeout = timeout
        self.max_memory = max_memory
        self.max_waiting = max_waiting
        self.queue_wait = timeout if queue_wait is None else queue_wait
        self.remember = remember
        self.ctx = multiprocessing.get_context("spawn")  # safe next to the server's threads, unlike fork
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.closed = False
        self.waiting = 0
        self.stats = {"timeouts": 0, "memory": 0, "crashes": 0, "busy": 0, "remembered": 0}
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._refused: dict[str, tuple[float, Reply]] = {}  # Job.key() -> (until, the reply it gets meanwhile)
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

    def _busy(self, why: str) -> ServeError:
        self.stats["busy"] += 1
        retry = max(1, min(30, int(self.timeout)))
        return ServeError(503, f"the endpoint is busy: {why}; try again in {retry} s", {"Retry-After": str(retry)})

    def _remembered(self, key: str) -> Reply | None:
        with self._lock:
            hit = self._refused.get(key)
            if hit is None:
                return None
            if hit[0] < time.monotonic():
                del self._refused[key]
                return None
        self.stats["remembered"] += 1
        status, ctype, body = hit[1]
        return status, ctype, body.rstrip(b"\n") + (f" [not run again: the same query did this less than "
                                                     f"{self.remember:g} s ago]\n").encode()

    def _remember(self, key: str, reply: Reply) -> None:
        with self._lock:
            now = time.monotonic()
            if len(self._refused) > 10_000:  # a flood of distinct runaways: forget the expired ones first
                self._refused = {k: v for k, v in self._refused.items() if v[0] >= now}
            self._refused[key] = (now + self.remember, reply)

    def run(self, job: Job) -> Reply:
        """Answer ``job`` within the limits; 503 if it cannot (with Retry-After when waiting was the reason)."""
        refused = refusal(job)
        if refused is not None:
            return refused
        key = job.key()
        remembered = self._remembered(key)
        if remembered is not None:
            return remembered
        with self._lock:
            if self.waiting >= self.max_waiting:
                raise self._busy(f"{self.waiting} queries are already waiting for a query worker")
            self.waiting += 1
        try:
            w = self.idle.get(timeout=self.queue_wait)
        except queue.Empty:
            raise self._busy(f"every query worker stayed busy for {self.queue_wait:g} s") from None
        finally:
            with self._lock:
                self.waiting -= 1
        remembered = self._remembered(key)  # the same query may have gone over a limit while this one waited
        if remembered is not None:
            self.idle.put(w)
            return remembered
        try:
            w.conn.send(job)
            reply = self._wait(w, key)
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._replace(w)
            self.stats["crashes"] += 1
            code = w.proc.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"{type(exc).__name__}"
            reply = _error(500, f"the query crashed its worker ({how}); the worker has been restarted, and this "
                                f"query is refused for {self.remember:g} s")
            self._remember(key, reply)
            return reply
        return reply

    def _wait(self, w: Worker, key: str) -> Reply:
        """The worker's reply, or a 503 once the query goes over the time or memory limit (the worker is killed)."""
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._replace(w)
                self.stats["timeouts"] += 1
                reply = _error(503, f"query cancelled: it ran longer than the {self.timeout:g} s time limit "
                                    "(narrow it, add LIMIT, or start kg serve with a larger --timeout)")
                self._remember(key, reply)
                return reply
            if w.conn.poll(min(left, self.poll_interval) if self.max_memory else left):
                reply: Reply = w.conn.recv()
                self.idle.put(w)
                return reply
            if self.max_memory:
                rss = rss_bytes(w.proc.pid) if w.proc.pid else None
                if rss is not None and rss > self.max_memory:
                    self._replace(w)
                    self.stats["memory"] += 1
                    mb = self.max_memory / 2**20
                    reply = _error(503, f"query cancelled: it took its worker past the {mb:g} MB memory limit "
                                        "(narrow it, add LIMIT, or start kg serve with a larger --max-memory)")
                    self._remember(key, reply)
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


__all__ = ["Job", "Reply", "Worker", "WorkerPool", "dataset", "execute", "refusal", "rss_bytes"]
