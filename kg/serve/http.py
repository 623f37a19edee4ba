"""HTTP: the server, its routes and the safety checks in front of them.

Why the standard library's ThreadingHTTPServer: the protocol is two verbs on
one path; a framework would add a dependency and an ASGI server for nothing.
One thread per connection only waits; the work happens in worker processes
(kg.serve.execute). Safe defaults: loopback only, the Host header must name
it (no DNS rebinding), no CORS unless ``--cors ORIGIN`` is given, updates
refused, SERVICE refused (the server would otherwise fetch any URL a query
names, a proxy into the user's network) unless ``--allow-service``.

Holding up under many clients: the listen backlog is LISTEN_BACKLOG (the
standard library's is 5, so a burst of 200 clients timed out in the kernel's
queue); at most ``max_connections`` connections are served at once (more get
503 with Retry-After); a connection must send its whole request within
``client_timeout`` seconds of its first byte, and waits at most that long idle
between requests (slow and idle connections are closed, each costs a thread);
the body of a refused POST is read and dropped, so the next request on a
kept-alive connection is read from where it starts.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.query import load_named
from kg.serve.execute import Job, WorkerPool
from kg.serve.pages import ViewCache, error_page, query_page
from kg.serve.protocol import (
    DEFAULT_CLIENT_TIMEOUT,
    DEFAULT_HOST,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_MEMORY_MB,
    DEFAULT_MAX_QUERY_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_MAX_WAITING,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
    LISTEN_BACKLOG,
    RDF_FORMATS,
    SD_TYPES,
    ServeError,
    accept_with_format,
    negotiate,
    service_description,
)
from kg.store import GraphStore
from kg.vocab import PREFIXES


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
    allow_service: bool = False  # let queries use SERVICE (federation): the server then fetches what they name
    max_memory_mb: int = DEFAULT_MAX_MEMORY_MB  # a query worker's RSS past which its query is cancelled (0: none)
    max_waiting: int = DEFAULT_MAX_WAITING  # requests waiting for a worker; more get 503 + Retry-After at once
    queue_wait: float | None = None  # seconds a request waits for a worker before 503 (None: the time limit)
    client_timeout: float = DEFAULT_CLIENT_TIMEOUT  # to send a whole request, to take an answer, to sit idle
    max_connections: int = DEFAULT_MAX_CONNECTIONS  # connections served at once; more get 503 + Retry-After
    base_iri: str | None = None  # what relative IRIs in queries resolve against (None: the endpoint's URL)


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


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: holds the config, the worker pool and the cached graph view."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = LISTEN_BACKLOG
    view_wait = 30.0  # seconds a request for the graph view waits for a build before it gets a 503

    def __init__(self, config: ServeConfig) -> None:
        GraphStore.open_existing(config.store)  # a missing or empty --store is a clear error before binding
        self.config = config
        self.prefixes = dict(PREFIXES)
        self.connections = 0
        self._watch_lock = threading.Lock()
        self._watched: dict[SparqlHandler, tuple[float, str]] = {}  # handler -> (deadline, "read" or "write")
        self._stopping = threading.Event()
        self.pool = WorkerPool(config.store, self.prefixes, config.workers, config.timeout,
                               max_memory=config.max_memory_mb * 2**20, max_waiting=config.max_waiting,
                               queue_wait=config.queue_wait)
        cache_dir: Path | None = None
        try:
            cache_dir = self.cache_dir = Path(tempfile.mkdtemp(prefix="kg-serve-"))
            self.view = ViewCache(config.store, cache_dir)
            if ":" in config.host:  # an IPv6 address (--host ::1); the server class defaults to IPv4
                self.address_family = socket.AF_INET6
            super().__init__((config.host, config.port), SparqlHandler)
            threading.Thread(target=self._reap, daemon=True, name="kg-serve-reaper").start()
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

    @property
    def endpoint(self) -> str:
        return f"{self.url}/sparql"

    # ------------------------------------------------------------ connections: how many, and how long

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._watch_lock:
            self.connections += 1
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._watch_lock:
                self.connections -= 1

    def watch(self, handler: SparqlHandler, phase: str) -> None:
        """``handler`` must finish reading its request (or writing its answer) within client_timeout from now."""
        with self._watch_lock:
            self._watched[handler] = (time.monotonic() + self.config.client_timeout, phase)

    def unwatch(self, handler: SparqlHandler) -> None:
        with self._watch_lock:
            self._watched.pop(handler, None)

    def _reap(self) -> None:
        """Close the connections past their deadline: a 408 to one still sending its request, then shutdown."""
        while not self._stopping.wait(0.25):
            now = time.monotonic()
            with self._watch_lock:
                late = [(h, phase) for h, (deadline, phase) in self._watched.items() if deadline < now]
                for h, _ in late:
                    del self._watched[h]
            for h, phase in late:
                h.expired = True
                sock = h.connection
                with contextlib.suppress(OSError):
                    if phase == "read":
                        msg = (f"request not received within {self.config.client_timeout:g} s (--client-timeout)\n"
                               ).encode()
                        sock.send(b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
                                  b"Content-Type: text/plain; charset=utf-8\r\n"
                                  + f"Content-Length: {len(msg)}\r\n\r\n".encode() + msg, socket.MSG_DONTWAIT)
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (or was cut off for being slow) is worth no traceback; anything else, one line."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, ValueError)):
            return
        sys.stderr.write(f"kg: error: connection from {client_address[0]}: {type(exc).__name__}: {exc}\n")

    def prepare_view(self) -> None:
        """Start building the graph view now, so the first visitor of / does not wait for it (serve() calls this)."""
        self.view.start()

    def view_page(self) -> Path:
        """The graph view for the store as it is now (see ViewCache); ServeError(503) while it is being built."""
        return self.view.page(self.view_wait)

    def server_close(self) -> None:
        self._stopping.set()
        super().server_close()
        self.pool.close()
        self.view.closed = True
        shutil.rmtree(self.cache_dir, ignore_errors=True)


class SparqlHandler(BaseHTTPRequestHandler):
    """Routes: /sparql (the protocol; GET without a query: the service description), /query (the form), / (view)."""

    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "kg-serve"
    expired = False  # set by the server's reaper when this connection went past its deadline
    _body_read = False

    # ------------------------------------------------------------ plumbing

    def setup(self) -> None:
        self.timeout = self.server.config.client_timeout  # idle between requests, and each read or write
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        """Wait (at most client_timeout) for a request's first byte, then give the whole request that long."""
        self._body_read = False
        limit = self.server.config.client_timeout
        try:
            self.connection.settimeout(limit)
            if not self.rfile.peek(1):
                self.close_connection = True
                return
            # from here the reaper holds the whole request to the limit (and answers 408); the socket's own
            # timeout, per read, is only a backstop
            self.connection.settimeout(limit + 2)
        except (OSError, ValueError):  # idle too long (socket timeout), reset, or closed under us
            self.close_connection = True
            return
        self.server.watch(self, "read")
        try:
            super().handle_one_request()
        finally:
            self.server.unwatch(self)
        if self.expired:
            self.close_connection = True

    def _send(self, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        if self.expired:
            self.close_connection = True
            return
        self.server.watch(self, "write")
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
        if self.close_connection:
            self.send_header("Connection", "close")
        # headers and body in one write: two small writes meet Nagle's algorithm and the client's delayed ACK,
        # 40 ms a request on loopback
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()
        self.server.unwatch(self)

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

    def _drain(self) -> None:
        """Read and drop the body of a request that is refused before its body was read (403, 404, 405, 415...),
        so that the next request on this kept-alive connection starts where the client started it.

        A body that cannot be drained cheaply (no Content-Length, chunked, over
        the request size limit) ends the connection instead.
        """
        if self._body_read:
            return
        self._body_read = True
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            return
        if length is None:
            return  # no body
        try:
            left = int(length)
        except ValueError:
            self.close_connection = True
            return
        if left < 0 or left > self.server.config.max_query_bytes:
            self.close_connection = True
            return
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                self.close_connection = True
                return
            left -= len(chunk)

    def _route(self, method: str) -> None:
        try:
            if self.expired:
                self.close_connection = True
                return
            if self.server.connections > self.server.config.max_connections:
                self.close_connection = True
                raise ServeError(503, f"too many connections (over {self.server.config.max_connections}); "
                                 "try again shortly", {"Retry-After": "2"})
            self._check_host()
            path = urlsplit(self.path).path
            if path in ("/sparql", "/sparql/"):
                if method not in ("GET", "POST", "HEAD"):
                    raise ServeError(405, f"{method} is not allowed on /sparql: use GET or POST",
                                     {"Allow": "GET, HEAD, POST, OPTIONS"})
                self._sparql(method)
            elif path in ("/", "/index.html", "/view", "/query"):
                if method not in ("GET", "HEAD"):
                    raise ServeError(405, f"{method} is not allowed on {path}", {"Allow": "GET, HEAD"})
                self._page(path)
            else:
                raise ServeError(404, f"no such page: {path} (try /sparql, /query or /)")
        except ServeError as exc:
            self._drain()
            self._fail(exc)
        except OSError:  # the client went away, or was cut off for being slow: nobody to answer
            self.close_connection = True
        except Exception as exc:  # never a traceback to the client, one line to the log
            sys.stderr.write(f"kg: error: {self.command} {self.path}: {type(exc).__name__}: {exc}\n")
            self._drain()
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
        self._drain()
        origin = self.headers.get("Origin")
        cors = self.server.config.cors
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if origin and ("*" in cors or origin in cors):
            headers.update({"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                            "Access-Control-Allow-Headers": "Content-Type, Accept",
                            "Access-Control-Max-Age": "600"})
        self._send(204, "text/plain", b"", headers)

    # ------------------------------------------------------------ pages

    def _page(self, path: str) -> None:
        self._drain()
        self.server.unwatch(self)  # the request is read; the graph view may take a while to build (view_wait)
        if path == "/query":
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

    def _service_description(self, fmt_param: str | None) -> None:
        """GET /sparql without a query: the SPARQL 1.1 Service Description, negotiated (Turtle by default)."""
        cfg = self.server.config
        accept = accept_with_format(self.headers.get("Accept"), fmt_param)
        fmt = negotiate(accept, SD_TYPES)
        if fmt is None:
            raise ServeError(406, "no acceptable format; the service description comes as "
                             + ", ".join(dict.fromkeys(SD_TYPES)))
        if fmt == "html":
            self._send(303, "text/plain; charset=utf-8", b"the query page is at /query\n", {"Location": "/query"})
            return
        limits = {"time (s)": f"{cfg.timeout:g}", "memory per worker (MB)": str(cfg.max_memory_mb or "none"),
                  "rows": str(cfg.max_rows), "result bytes": str(cfg.max_bytes),
                  "request bytes": str(cfg.max_query_bytes), "workers": str(cfg.workers)}
        triples = service_description(self.server.endpoint, allow_service=cfg.allow_service, limits=limits)
        rdf_format, ctype = RDF_FORMATS[fmt]
        sd_prefixes = {"sd": "http://www.w3.org/ns/sparql-service-description#",
                       "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
        body = ox.serialize(triples, None, rdf_format, prefixes=sd_prefixes if fmt == "turtle" else None)
        self._send(200, ctype, body)

    # ------------------------------------------------------------ the protocol

    def _read_body(self) -> bytes:
        self._body_read = True
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
        try:
            body = self.rfile.read(n) if n > 0 else b""
        except TimeoutError:
            self.close_connection = True
            raise ServeError(408, "request body not received in time (--client-timeout)") from None
        if len(body) < n or self.expired:
            self.close_connection = True
            raise ServeError(400, f"request body cut short: {len(body)} of {n} bytes")
        return body

    def _sparql(self, method: str) -> None:
        cfg = self.server.config
        url = urlsplit(self.path)
        if len(url.query.encode()) > cfg.max_query_bytes:
            raise ServeError(414, f"query string over the {cfg.max_query_bytes} byte limit: POST it instead")
        params = parse_qs(url.query, keep_blank_values=True)
        if method == "POST":
            ctype, _, ctype_params = (self.headers.get("Content-Type") or "").partition(";")
            ctype = ctype.strip().lower()
            if ctype == "application/sparql-update":
                raise ServeError(403, "this endpoint is read-only: SPARQL Update is refused")
            if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
                raise ServeError(415, f"Content-Type {ctype or '(none)'!r} is not accepted: send "
                                 "application/x-www-form-urlencoded (query=...) or application/sparql-query")
            charset = re.search(r"charset\s*=\s*\"?([^\";\s]+)", ctype_params, re.IGNORECASE)
            if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
                raise ServeError(415, f"charset {charset.group(1)!r} is not accepted: send the query as UTF-8")
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
        fmt = (params.get("format") or params.get("output") or [None])[0]
        queries = params.get("query", [])
        if method in ("GET", "HEAD") and not queries:
            self._service_description(fmt)
            return
        if method == "HEAD":
            raise ServeError(405, "HEAD with a query is not allowed: use GET or POST", {"Allow": "GET, POST"})
        if len(queries) != 1 or not queries[0].strip():
            raise ServeError(400, "give exactly one query= parameter (the query page is at /query)")
        job = Job(queries[0], accept_with_format(self.headers.get("Accept"), fmt),
                  params.get("default-graph-uri", []), params.get("named-graph-uri", []),
                  cfg.max_rows, cfg.max_bytes, base_iri=cfg.base_iri or self.server.endpoint,
                  allow_service=cfg.allow_service)
        self.server.unwatch(self)  # the query has its own limits; the connection's clock restarts for the answer
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


__all__ = ["ServeConfig", "SparqlHandler", "SparqlServer", "is_loopback", "make_server", "serve"]
