"""`kg serve`: the SPARQL 1.1 Protocol endpoint, driven by a real client (SPARQLWrapper) and by raw HTTP.

The server runs in-process (a thread; queries still go to worker processes)
on a free loopback port over the sample store; one test starts `kg serve` as
a real subprocess. Expected answers come from the embedded store itself.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from conftest import article, write
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper

import kg.views
from kg.cli import build_parser
from kg.query import NamedQuery, load_named
from kg.serve import (
    Job,
    ServeConfig,
    SparqlServer,
    Worker,
    WorkerPool,
    execute,
    is_loopback,
    make_server,
    query_page,
    serve,
)
from kg.store import GraphStore
from kg.vocab import PREFIXES

PEOPLE = "SELECT ?e ?label WHERE { ?e a kg:Person ; rdfs:label ?label } ORDER BY ?e ?label"
CONSTRUCT = "CONSTRUCT { ?e rdfs:label ?label ; a kg:Person } WHERE { ?e a kg:Person ; rdfs:label ?label }"
# about 1,130^3 rows to count: minutes of work, so only the time limit can end it
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 1.5


@pytest.fixture(scope="module")
def server(sample_store: Path) -> Iterator[SparqlServer]:
    cfg = ServeConfig(store=sample_store, port=0, timeout=TIMEOUT, max_rows=500, workers=2, quiet=True)
    srv = make_server(cfg)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def local(sample_store: Path) -> Iterator[GraphStore]:
    yield GraphStore.open_existing(sample_store)


def rows_of(result: ox.QuerySolutions) -> set[tuple[str | None, ...]]:
    names = [v.value for v in result.variables]
    return {tuple(s[n].value if s[n] is not None else None for n in names) for s in result}


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def get(server: SparqlServer, query: str, accept: str | None = None,
        **params: str) -> tuple[int, dict[str, str], bytes]:
    qs = urllib.parse.urlencode({"query": query, **params})
    return http(f"{server.url}/sparql?{qs}", headers={"Accept": accept} if accept else {})


# ------------------------------------------------------------------ a real client


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
@pytest.mark.parametrize("method", ["GET", POST, POSTDIRECTLY])
def test_sparqlwrapper_select_in_every_format(server: SparqlServer, local: GraphStore, fmt: str, method: str) -> None:
    sw = SPARQLWrapper(f"{server.url}/sparql")
    sw.setQuery(PEOPLE)
    sw.setReturnFormat(fmt)
    if method == POSTDIRECTLY:
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY)
    elif method == POST:
        sw.setMethod(POST)
    res = sw.query()
    body = res.response.read()
    parse_fmt = {JSON: ox.QueryResultsFormat.JSON, XML: ox.QueryResultsFormat.XML, TSV: ox.QueryResultsFormat.TSV,
                 CSV: ox.QueryResultsFormat.CSV}[fmt]
    expected = rows_of(local.query(PEOPLE))
    assert len(expected) > 5
    if fmt == CSV:  # CSV is plain text by design (no term types); compare values
        lines = body.decode("utf-8").splitlines()
        assert lines[0] == "e,label"
        assert {tuple(ln.split(",")) for ln in lines[1:]} == expected
    else:
        assert rows_of(ox.parse_query_results(body, parse_fmt)) == expected  # type: ignore[arg-type]


def test_sparqlwrapper_json_converts_and_ask(server: SparqlServer) -> None:
    sw = SPARQLWrapper(f"{server.url}/sparql")
    sw.setQuery(PEOPLE)
    sw.setReturnFormat(JSON)
    out = sw.query().convert()
    assert out["head"]["vars"] == ["e", "label"]  # type: ignore[index]
    assert any(b["label"]["xml:lang"] == "zh" for b in out["results"]["bindings"])  # type: ignore[index]
    sw.setQuery("ASK { ?p a kg:Person }")
    assert sw.query().convert()["boolean"] is True  # type: ignore[index]


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, XML])
def test_sparqlwrapper_construct(server: SparqlServer, local: GraphStore, fmt: str) -> None:
    sw = SPARQLWrapper(f"{server.url}/sparql")
    sw.setQuery(CONSTRUCT)
    sw.setReturnFormat(fmt)
    res = sw.query()
    ctype = res.response.headers["Content-Type"]
    body = res.response.read()
    rdf_fmt = {TURTLE: ox.RdfFormat.TURTLE, JSONLD: ox.RdfFormat.JSON_LD, XML: ox.RdfFormat.RDF_XML}[fmt]
    assert ctype.startswith(rdf_fmt.media_type)
    expected = set(local.query(CONSTRUCT))  # type: ignore[arg-type]
    got = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, rdf_fmt)}
    assert got == expected and expected


# ------------------------------------------------------------------ raw HTTP


@pytest.mark.parametrize(("accept", "ctype"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values"),
    (None, "application/sparql-results+json"), ("*/*", "application/sparql-results+json"),
    ("text/html;q=0.5, application/xml", "application/sparql-results+xml"),
])
def test_select_negotiates_accept(server: SparqlServer, local: GraphStore, accept: str | None, ctype: str) -> None:
    status, headers, body = get(server, PEOPLE, accept)
    assert status == 200 and headers["Content-Type"].startswith(ctype)
    if ctype in ("application/sparql-results+json", "application/sparql-results+xml", "text/tab-separated-values"):
        fmt = ox.QueryResultsFormat.from_media_type(ctype)
        assert rows_of(ox.parse_query_results(body, fmt)) == rows_of(local.query(PEOPLE))  # type: ignore[arg-type]


def test_our_serialisation_matches_pyoxigraphs(server: SparqlServer, local: GraphStore) -> None:
    """Every named query, JSON and XML, read back equal to what pyoxigraph's own serialiser writes."""
    for q in load_named().values():
        if q.params:
            continue
        for fmt in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV):
            status, _, body = get(server, q.text, fmt.media_type)
            assert status == 200, body
            ours = ox.parse_query_results(body, fmt)
            theirs = ox.parse_query_results(local.query(q.text).serialize(format=fmt), fmt)  # type: ignore[union-attr]
            assert rows_of(ours) == rows_of(theirs), q.name  # type: ignore[arg-type]


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    (None, ox.RdfFormat.TURTLE),
])
def test_construct_and_describe_formats(server: SparqlServer, local: GraphStore, accept: str | None,
                                        fmt: ox.RdfFormat) -> None:
    for query in (CONSTRUCT, "DESCRIBE ?e WHERE { ?e a kg:Alliance }"):
        status, headers, body = get(server, query, accept)
        assert status == 200 and headers["Content-Type"].startswith(fmt.media_type)
        got = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, fmt)}
        assert got == set(local.query(query)) and got  # type: ignore[arg-type]


def test_post_form_and_direct(server: SparqlServer, local: GraphStore) -> None:
    expected = rows_of(local.query(PEOPLE))
    form = urllib.parse.urlencode({"query": PEOPLE}).encode()
    for data, ctype in ((form, "application/x-www-form-urlencoded"),
                        (PEOPLE.encode(), "application/sparql-query; charset=utf-8")):
        status, _, body = http(f"{server.url}/sparql", data, {"Content-Type": ctype,
                                                               "Accept": "application/sparql-results+json"})
        assert status == 200
        assert rows_of(ox.parse_query_results(body, ox.QueryResultsFormat.JSON)) == expected  # type: ignore[arg-type]


def test_malformed_query_is_400_with_the_parsers_message(server: SparqlServer) -> None:
    status, headers, body = get(server, "SELECT ?x WHERE { ?x a kg:Person ")
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert text.startswith("malformed query: error at 1:") and "expected" in text
    status, _, body = get(server, "SELECT ?x WHERE { ?x a nope:Thing }")
    assert status == 400
    assert body.decode().startswith("malformed query: error at 1:") and "unknown prefix" in body.decode()


def test_updates_are_refused(server: SparqlServer, local: GraphStore) -> None:
    before = len(local)
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    url = f"{server.url}/sparql"
    attempts = [
        http(f"{url}?{urllib.parse.urlencode({'update': update})}"),
        http(url, urllib.parse.urlencode({"update": update}).encode(),
             {"Content-Type": "application/x-www-form-urlencoded"}),
        http(url, update.encode(), {"Content-Type": "application/sparql-update"}),
        http(f"{url}?{urllib.parse.urlencode({'query': 'PREFIX ex: <http://example.org/> ' + update})}"),
        http(f"{url}?{urllib.parse.urlencode({'query': 'DROP ALL'})}"),
    ]
    for status, _, body in attempts:
        assert status == 403 and b"read-only" in body
    assert len(GraphStore.open_existing(local.path)) == before


def test_status_codes(server: SparqlServer) -> None:
    url = f"{server.url}/sparql"
    status, headers, _ = http(url, b"x", {"Content-Type": "text/plain"}, method="PUT")
    assert status == 405 and "GET" in headers["Allow"]
    assert http(url, method="DELETE")[0] == 405
    assert get(server, PEOPLE, "image/png")[0] == 406
    status, _, body = get(server, CONSTRUCT, "text/csv")
    assert status == 406 and b"text/turtle" in body
    assert http(url, b"query=x", {"Content-Type": "multipart/form-data"})[0] == 415
    assert http(url, b"x" * 2_000_000, {"Content-Type": "application/sparql-query"})[0] == 413
    assert http(f"{url}?default-graph-uri=http://g/1")[0] == 200  # no query: the service description
    assert http(url, b"", {"Content-Type": "application/sparql-query"})[0] == 400  # an empty query
    assert http(f"{server.url}/nothing-here")[0] == 404


def test_time_limit_kills_the_query_and_the_server_stays_responsive(server: SparqlServer,
                                                                     local: GraphStore) -> None:
    results: list[tuple[int, float]] = []

    def slow() -> None:
        t0 = time.monotonic()
        results.append((get(server, SLOW)[0], time.monotonic() - t0))

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.3)
    # the other worker answers while the slow query runs
    t0 = time.monotonic()
    assert get(server, PEOPLE)[0] == 200
    assert time.monotonic() - t0 < 1.0
    t.join(30)
    (status, took), = results
    assert status == 503 and TIMEOUT <= took < TIMEOUT + 3
    # the killed worker is replaced: two slow queries at once are both cut off, then all is well again
    threads = [threading.Thread(target=slow) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert [s for s, _ in results[1:]] == [503, 503]
    status, _, body = get(server, PEOPLE, "application/sparql-results+json")
    assert status == 200
    assert rows_of(ox.parse_query_results(body, ox.QueryResultsFormat.JSON)) == rows_of(local.query(PEOPLE))  # type: ignore[arg-type]


def test_result_row_limit(server: SparqlServer) -> None:
    status, _, body = get(server, "SELECT * WHERE { ?s ?p ?o }")  # 1,130 rows > max_rows 500
    assert status == 422 and b"more than 500 rows" in body
    assert get(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 500")[0] == 200
    assert get(server, "CONSTRUCT WHERE { ?s ?p ?o }")[0] == 422


def test_result_byte_limit(sample_store: Path) -> None:
    store = ox.Store.read_only(str(sample_store))
    accept = [("application/sparql-results+json", 1.0)]
    status, _, body = execute(store, PREFIXES, Job(PEOPLE, accept, max_bytes=300))
    assert status == 422 and b"more than 300 bytes" in body
    status, _, body = execute(store, PREFIXES, Job(PEOPLE, accept, max_bytes=1_000_000))
    assert status == 200 and len(body) > 300


def test_query_page_lists_the_named_queries_escaped_and_offline(server: SparqlServer) -> None:
    status, headers, body = http(f"{server.url}/query")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    for q in load_named().values():
        assert f'id="{q.name}"' in page and q.description.replace("'", "&#x27;") in page
    assert 'action="/sparql"' in page and 'method="post"' in page
    assert not re.search(r"<(script|link|img)\b", page)  # nothing fetched, from a CDN or anywhere
    hostile = NamedQuery("x<y", "</textarea><script>alert(1)</script>", "SELECT * { ?s ?p '</textarea>' }",
                         {"p": "<b>"})
    page = query_page([hostile])
    assert "<script>" not in page and "</textarea><script" not in page and "&lt;/textarea&gt;" in page


def test_query_page_form_runs_a_named_query_as_html(server: SparqlServer) -> None:
    q = load_named()["people_posts"]
    data = urllib.parse.urlencode({"query": q.text, "format": "html"}).encode()
    status, headers, body = http(f"{server.url}/sparql", data, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<th>person</th>" in body.decode() and "<td>" in body.decode()


def test_graph_view_is_served(server: SparqlServer) -> None:
    status, headers, body = http(f"{server.url}/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"vis" in body and len(body) > 10_000
    assert http(f"{server.url}/", method="HEAD")[0] == 200


def test_safe_defaults(server: SparqlServer) -> None:
    assert ServeConfig(store=Path("x")).host == "127.0.0.1"
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.timeout > 0 and args.max_rows > 0
    assert server.server_address[0] == "127.0.0.1"
    # a page on another site that rebinds its DNS name to 127.0.0.1 is refused
    assert http(f"{server.url}/query", headers={"Host": "attacker.example"})[0] == 403
    # no CORS unless asked for
    assert "Access-Control-Allow-Origin" not in get(server, PEOPLE)[1]
    _, headers, _ = http(f"{server.url}/sparql?query=ASK%7B%7D", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers


def test_kg_serve_subprocess(sample_store: Path) -> None:
    """The real command: default host, --port 0, a real client, a clean stop on SIGTERM."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--store", str(sample_store), "--port", "0",
                             "--workers", "1"], stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        m = re.search(r"at (http://([\d.]+):\d+)/sparql", line)
        assert m, line
        assert m.group(2) == "127.0.0.1"
        sw = SPARQLWrapper(f"{m.group(1)}/sparql")
        sw.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        sw.setReturnFormat(JSON)
        n = int(sw.query().convert()["results"]["bindings"][0]["n"]["value"])  # type: ignore[index]
        # the default graph is the merged graph: every distinct triple once, not every quad
        merged = GraphStore.open_existing(sample_store).store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        assert n == len(list(merged))
    finally:
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=20)[1]
    assert proc.returncode == 0 and "Traceback" not in rest


def test_missing_store_is_one_line(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "kg", "serve", "--store", str(tmp_path / "none"), "--port", "0"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and out.stderr.startswith("kg: error: no graph store") and "Traceback" not in out.stderr


def test_json_results_are_standard(server: SparqlServer) -> None:
    query = 'SELECT ?x ?y WHERE { BIND(1 AS ?x) OPTIONAL { ?x kg:nothing ?y } } LIMIT 1'
    status, _, body = get(server, query, "application/json")
    doc = json.loads(body)
    assert status == 200 and doc["head"]["vars"] == ["x", "y"]
    assert doc["results"]["bindings"][0]["x"] == {"type": "literal", "value": "1",
                                                  "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


# ------------------------------------------------------------------ review fixes: Host check, leaks, view, signals


@pytest.mark.parametrize(("host", "ok"), [
    ("127.evil.example", False), ("127.0.0.1.evil.example:8000", False), ("attacker.example", False),
    ("localhost:8000", True), ("localhost.", True), ("[::1]:8000", True), ("::1", True), ("127.0.0.1", True),
    ("127.0.0.1:8000", True), ("127.1.2.3", True), ("[::1]evil", False), ("127.0.0.1:evil", False), ("", False),
])
def test_loopback_names_are_parsed_not_prefix_matched(host: str, ok: bool) -> None:
    assert is_loopback(host) is ok


def test_rebinding_name_that_starts_with_127_is_refused(server: SparqlServer) -> None:
    port = server.server_address[1]
    assert http(f"{server.url}/query", headers={"Host": "127.evil.example"})[0] == 403
    assert http(f"{server.url}/query", headers={"Host": f"127.evil.example:{port}"})[0] == 403
    assert http(f"{server.url}/query", headers={"Host": f"localhost:{port}"})[0] == 200
    assert http(f"{server.url}/query", headers={"Host": f"127.0.0.1:{port}"})[0] == 200


def small_config(store: Path, **kw: Any) -> ServeConfig:
    return ServeConfig(store=store, port=kw.pop("port", 0), timeout=TIMEOUT, workers=kw.pop("workers", 2), quiet=True,
                       **kw)


def live_children() -> set[multiprocessing.Process]:
    return {p for p in multiprocessing.active_children() if p.is_alive()}


def test_port_in_use_leaves_no_worker_running(sample_store: Path) -> None:
    before = live_children()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(OSError):
            make_server(small_config(sample_store, port=busy.getsockname()[1]))
    assert live_children() == before


def test_no_temp_dir_leaves_no_worker_running(sample_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure after the workers started but outside the bind (here: no writable temp dir) stops them too."""

    def no_temp_dir(*args: Any, **kwargs: Any) -> str:
        raise PermissionError(13, "Permission denied", "/tmp")

    monkeypatch.setattr(tempfile, "mkdtemp", no_temp_dir)
    before = live_children()
    with pytest.raises(PermissionError):
        make_server(small_config(sample_store))
    assert live_children() == before


def test_ipv6_loopback_host(sample_store: Path) -> None:
    """--host ::1 binds (it used to fail: the server was IPv4 only), and [::1]:PORT passes the Host check."""
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    srv = make_server(small_config(sample_store, host="::1", workers=1))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        assert srv.url.startswith("http://[::1]:")
        assert get(srv, "ASK { ?s ?p ?o }")[0] == 200
        assert http(f"{srv.url}/query", headers={"Host": "127.evil.example"})[0] == 403
    finally:
        srv.shutdown()
        srv.server_close()


def test_pool_whose_second_worker_fails_stops_the_first(sample_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Worker.wait_ready
    calls: list[int] = []

    def wait_ready(self: Worker, timeout: float) -> None:
        calls.append(1)
        if len(calls) == 2:
            self.kill()
            raise RuntimeError("second worker failed")
        real(self, timeout)

    monkeypatch.setattr(Worker, "wait_ready", wait_ready)
    before = live_children()
    with pytest.raises(RuntimeError, match="second worker"):
        WorkerPool(sample_store, dict(PREFIXES), size=2)
    assert live_children() == before


def test_worker_restarted_after_close_is_not_left_running(sample_store: Path) -> None:
    """A replacement that finishes starting after close() must not be put back (and kept alive) in a closed pool."""
    before = live_children()
    pool = WorkerPool(sample_store, dict(PREFIXES), size=1)
    closed = threading.Event()
    real_spawn = pool._spawn

    def late_spawn() -> Worker:  # the restart thread gets going only once the pool is closed
        closed.wait(10)
        return real_spawn()

    pool._spawn = late_spawn  # type: ignore[method-assign]
    pool._replace(pool.idle.get())
    pool.close()
    closed.set()
    for t in threading.enumerate():
        if t.name == "kg-serve-restart":
            t.join(60)
    assert pool.idle.empty()
    assert live_children() == before


def test_graph_view_is_built_off_the_request_thread(sample_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow build answers 503 + Retry-After after view_wait, other pages are not held up, and the page follows."""
    real = kg.views.write_view

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(2.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(kg.views, "write_view", slow)
    srv = make_server(small_config(sample_store, workers=1))
    srv.view_wait = 0.3
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        t0 = time.monotonic()
        status, headers, _ = http(f"{srv.url}/")
        assert status == 503 and headers["Retry-After"] and time.monotonic() - t0 < 1.5
        t0 = time.monotonic()
        assert http(f"{srv.url}/query")[0] == 200 and time.monotonic() - t0 < 1.0  # not behind the build
        deadline = time.monotonic() + 30
        while (status := http(f"{srv.url}/")[0]) == 503 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status == 200
    finally:
        srv.shutdown()
        srv.server_close()


def test_graph_view_follows_a_rebuilt_store(sample_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(sample_store, path)
    srv = make_server(small_config(path, workers=1))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        status, _, body = http(f"{srv.url}/")
        assert status == 200 and "甄试明".encode() not in body
        assert http(f"{srv.url}/")[2] == body  # cached while the store is unchanged
        store = GraphStore(path)  # a rebuild while the server runs (its workers hold the store read-only)
        text = "甄试明任测试集团董事长。"
        write(store, [article("rebuilt", text, entities=[("甄试明", "Person"), ("测试集团", "Organization")],
                              posts=[("董事长", "甄试明", "测试集团")])])
        del store
        status, _, body = http(f"{srv.url}/")
        assert status == 200 and "甄试明".encode() in body
    finally:
        srv.shutdown()
        srv.server_close()


def test_serve_builds_the_view_at_start_and_restores_sigterm(sample_store: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    built = threading.Event()
    real = kg.views.write_view

    def spy(*args: Any, **kwargs: Any) -> Any:
        built.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(kg.views, "write_view", spy)

    def mine(signum: int, frame: Any) -> None:
        pass

    seen: list[Any] = []

    def ready(srv: SparqlServer) -> None:
        seen.append(signal.getsignal(signal.SIGTERM))
        seen.append(built.wait(20))  # no request yet: serve() started the build itself
        threading.Thread(target=srv.shutdown, daemon=True).start()

    original = signal.signal(signal.SIGTERM, mine)
    try:
        serve(small_config(sample_store, workers=1), ready)
        assert seen[0] is not mine and seen[1] is True  # SIGTERM stops the server while it runs
        assert signal.getsignal(signal.SIGTERM) is mine  # and the caller's handler is back afterwards
    finally:
        signal.signal(signal.SIGTERM, original)
