"""`kg serve` as an attacker and a careless client would use it, on loopback: SERVICE, datasets, negotiation,
bodies of refused requests, many clients, runaway and crashing queries, slow and idle connections.

Every test is bounded: a fixed number of requests, each with a client-side
timeout, and servers with short limits so that a wait ends in seconds.
"""

from __future__ import annotations

import http.client as httpc
import json
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.query import run_query
from kg.serve import Job, ServeConfig, SparqlServer, execute, make_server, negotiate, parse_accept
from kg.serve.execute import rss_bytes
from kg.serve.protocol import RDF_TYPES, RESULT_TYPES
from kg.store import GraphStore
from kg.vocab import PREFIXES

PEOPLE = "SELECT ?e ?label WHERE { ?e a kg:Person ; rdfs:label ?label } ORDER BY ?e ?label"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# an ORDER BY over a cross join of the sample store: 1.3 M rows held in memory to sort (past 300 MB in about 1 s)
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f ?c"
SD = "http://www.w3.org/ns/sparql-service-description#"


def start(store: Path, **kw: Any) -> SparqlServer:
    cfg = ServeConfig(store=store, port=0, quiet=True, **{"timeout": 3.0, "workers": 2, **kw})
    srv = make_server(cfg)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def stop(srv: SparqlServer) -> None:
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def server(sample_store: Path) -> Iterator[SparqlServer]:
    srv = start(sample_store, client_timeout=1.0, max_memory_mb=300)
    yield srv
    stop(srv)


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def get(srv: SparqlServer, query: str, accept: str | None = None, **params: Any) -> tuple[int, dict[str, str], bytes]:
    qs = urllib.parse.urlencode({"query": query, **params}, doseq=True)
    return http(f"{srv.url}/sparql?{qs}", headers={"Accept": accept} if accept else {})


# ------------------------------------------------------------------ SERVICE


class Listener:
    """A loopback HTTP server that counts the requests it gets: where a SERVICE clause would send one."""

    def __init__(self) -> None:
        hits = self.hits = []

        class H(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *a: Any) -> None:
                pass

        self.srv = HTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.srv.server_port}/sparql"

    def close(self) -> None:
        self.srv.shutdown()
        self.srv.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def test_service_is_refused_and_sends_nothing(server: SparqlServer, listener: Listener) -> None:
    u = listener.url
    for q in (f"SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
              f"select * where {{ service silent <{u}> {{ ?s ?p ?o }} }}",
              f"SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} LIMIT 1",
              f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} }}",
              f"SELECT * WHERE {{ BIND(<{u}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
              f"SELECT * WHERE {{ SERV\\u0049CE <{u}> {{ ?s ?p ?o }} }}",  # a \\u escape, for parsers that unescape
              f"SELECT * WHERE {{ #\n SERVICE <{u}> {{ ?s ?p ?o }} }}"):
        status, _, body = get(server, q)
        assert status == 400 and b"--allow-service" in body, q
        form = urllib.parse.urlencode({"query": q}).encode()
        assert http(f"{server.url}/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 400
    assert listener.hits == []
    # the word in a string, a comment, an IRI or a variable is no SERVICE clause
    for q in ('SELECT ?service WHERE { ?service rdfs:label "SERVICE <http://x/> {}" } # SERVICE',
              "ASK { <http://example.org/SERVICE> ?p ?o }"):
        assert get(server, q)[0] == 200, q


def test_service_runs_only_when_allowed(sample_store: Path, listener: Listener) -> None:
    store = ox.Store.read_only(str(sample_store))
    q = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    accept = [("application/sparql-results+json", 1.0)]
    assert execute(store, PREFIXES, Job(q, accept))[0] == 400
    assert listener.hits == []
    status, _, _body = execute(store, PREFIXES, Job(q, accept, allow_service=True))
    assert status == 500 and listener.hits  # the federated call was made, and its 500 reported


def test_service_description_says_federation_is_off(server: SparqlServer) -> None:
    status, headers, body = http(f"{server.url}/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    triples = set(ox.parse(body, ox.RdfFormat.TURTLE))
    svc = ox.NamedNode(f"{server.url}/sparql")
    assert ox.Quad(svc, ox.NamedNode(SD + "endpoint"), svc) in triples
    assert ox.Quad(svc, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")) in triples
    features = {t.object for t in triples if t.predicate == ox.NamedNode(SD + "feature")}
    assert ox.NamedNode(SD + "UnionDefaultGraph") in features
    assert ox.NamedNode(SD + "BasicFederatedQuery") not in features
    formats = {t.object.value for t in triples if t.predicate == ox.NamedNode(SD + "resultFormat")}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    status, headers, body = http(f"{server.url}/sparql", headers={"Accept": "application/ld+json"})
    assert status == 200 and headers["Content-Type"].startswith("application/ld+json") and json.loads(body)
    assert http(f"{server.url}/sparql", headers={"Accept": "image/png"})[0] == 406
    req = urllib.request.Request(f"{server.url}/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    with urllib.request.urlopen(req, timeout=10) as resp:  # a browser is sent to the query page
        assert resp.url.endswith("/query") and b"<form" in resp.read()


# ------------------------------------------------------------------ the dataset


def small_store() -> ox.Store:
    s = ox.Store()
    p = ox.NamedNode("http://example.org/p")
    for g, o in (("http://g/1", "one"), ("http://g/2", "two"), (None, "default")):
        s.add(ox.Quad(ox.NamedNode(f"http://example.org/{o}"), p, ox.Literal(o),
                      ox.NamedNode(g) if g else ox.DefaultGraph()))
    return s


@pytest.mark.parametrize(("query", "default", "named", "expected"), [
    ("SELECT ?o WHERE { ?s ?p ?o }", [], [], {"default"}),  # the store's default graph: in kg, the merged graph
    ("SELECT ?o FROM <http://g/1> WHERE { ?s ?p ?o }", [], [], {"one"}),
    ("SELECT ?o FROM <http://g/1> FROM <http://g/2> WHERE { ?s ?p ?o }", [], [], {"one", "two"}),
    ("SELECT ?o FROM NAMED <http://g/1> WHERE { ?s ?p ?o }", [], [], set()),  # FROM NAMED alone: empty default
    ("SELECT ?o FROM NAMED <http://g/1> WHERE { GRAPH ?g { ?s ?p ?o } }", [], [], {"one"}),
    ("SELECT ?o WHERE { ?s ?p ?o }", ["http://g/2"], [], {"two"}),
    ("SELECT ?o FROM <http://g/1> WHERE { ?s ?p ?o }", ["http://g/2"], [], {"two"}),  # the protocol's wins
    ("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", ["http://g/2"], [], set()),  # and names no graphs
    ("SELECT ?o WHERE { ?s ?p ?o }", [], ["http://g/1"], set()),
    ("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", [], ["http://g/1"], {"one"}),
])
def test_dataset_as_the_protocol_says(query: str, default: list[str], named: list[str], expected: set[str]) -> None:
    status, _, body = execute(small_store(), PREFIXES, Job(query, [("application/sparql-results+json", 1.0)],
                                                           default, named))
    assert status == 200, body
    got = {b["o"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert got == expected


def test_a_store_built_before_the_merged_graph_is_read_as_the_union() -> None:
    status, _, body = execute(small_store(), PREFIXES, Job("SELECT ?o WHERE { ?s ?p ?o }",
                                                           [("application/sparql-results+json", 1.0)], [], []),
                              union=True)
    assert status == 200 and {b["o"]["value"] for b in json.loads(body)["results"]["bindings"]} == {
        "one", "two", "default"}


def test_kg_query_honours_from() -> None:
    store = GraphStore.in_memory()
    for q in small_store():
        store.store.add(q)
    out = run_query(store, "SELECT ?o FROM <http://g/2> WHERE { ?s ?p ?o }", fmt="csv")
    assert out.split() == ["o", "two"]
    assert sorted(run_query(store, "SELECT ?o WHERE { ?s ?p ?o }", fmt="csv").split()[1:]) == ["default", "one",
                                                                                                   "two"]


def test_dataset_over_http_and_bad_iris(server: SparqlServer) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    status, _, body = get(server, q, "application/sparql-results+json", **{"default-graph-uri": "http://nothing/"})
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "0"
    for bad in ("not an iri", "relative/path", "http://a b/", "http://x/<y>"):
        for key in ("default-graph-uri", "named-graph-uri"):
            status, _, body = get(server, q, **{key: bad})
            assert status == 400 and b"bad graph IRI" in body, (key, bad)
    assert get(server, "SELECT * FROM <not an iri> WHERE { ?s ?p ?o }")[0] == 400


# ------------------------------------------------------------------ base IRI and negotiation


def test_relative_iris_resolve_against_the_endpoint(server: SparqlServer) -> None:
    status, _headers, body = get(server, "CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples")
    assert status == 200, body
    assert body.decode().strip() == (f'<{server.url}/s> <{server.url}/p> '
                                     '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    status, _, body = get(server, "BASE <http://example.org/base/> CONSTRUCT { <s> <p> 1 } WHERE {}",
                          "application/n-triples")
    assert status == 200 and body.startswith(b"<http://example.org/base/s>")


@pytest.mark.parametrize(("accept", "select", "construct"), [
    ("text/*", "text/csv", "text/turtle"),
    ("text/csv;q=0, text/*", "text/tab-separated-values", "text/turtle"),
    ("application/*", "application/sparql-results+json", "application/ld+json"),
    ("*/*", "application/sparql-results+json", "text/turtle"),
    ("text/*;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", "text/turtle"),
    ("application/n-triples, text/*;q=0.1", "text/csv", "application/n-triples"),
    ("image/*, text/*;q=0.2", "text/csv", "text/turtle"),
])
def test_wildcards_pick_a_type_of_that_kind(server: SparqlServer, accept: str, select: str, construct: str) -> None:
    status, headers, _ = get(server, PEOPLE, accept)
    assert status == 200 and headers["Content-Type"].split(";")[0] == select
    status, headers, _ = get(server, "CONSTRUCT WHERE { ?s a kg:Person } LIMIT 3", accept)
    assert status == 200 and headers["Content-Type"].split(";")[0] == construct
    status, headers, _body = get(server, "ASK { ?s a kg:Person }", accept)
    assert status == 200 and headers["Content-Type"].split(";")[0] == select


def test_negotiate_rules() -> None:
    assert negotiate(parse_accept("text/*"), RESULT_TYPES) == "csv"
    assert negotiate(parse_accept("text/*, text/csv;q=0, text/tab-separated-values;q=0"), RESULT_TYPES) == "html"
    assert negotiate(parse_accept("*/*;q=0"), RESULT_TYPES) is None
    assert negotiate(parse_accept("text/xml"), RESULT_TYPES) == "xml"  # an alias still answers when named
    assert negotiate(parse_accept("text/*"), RDF_TYPES) == "turtle"
    assert negotiate(parse_accept("text/plain"), RDF_TYPES) == "ntriples"
    assert negotiate(parse_accept("application/json;q=0.9, text/csv;q=0.8"), RESULT_TYPES) == "json"


# ------------------------------------------------------------------ refused requests on kept-alive connections


def test_refused_bodies_are_drained_and_the_connection_goes_on(server: SparqlServer) -> None:
    conn = httpc.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    q = urllib.parse.urlencode({"query": PEOPLE})
    refused = [("POST", "/sparql", b"query=" + b"x" * 5000, {"Content-Type": "text/plain"}, 415),
               ("POST", "/sparql", b"CLEAR ALL", {"Content-Type": "application/sparql-update"}, 403),
               ("POST", "/sparql", b"update=CLEAR+ALL", {"Content-Type": "application/x-www-form-urlencoded"}, 403),
               ("POST", "/sparql", b"SERVICE", {"Content-Type": "application/sparql-query; charset=UTF-16"}, 415),
               ("PUT", "/sparql", b"<a> <b> <c> .", {"Content-Type": "text/turtle"}, 405),
               ("POST", "/nowhere", b"query=ASK{}", {"Content-Type": "application/x-www-form-urlencoded"}, 404),
               ("POST", "/query", b"query=ASK{}", {"Content-Type": "application/x-www-form-urlencoded"}, 405)]
    for method, path, body, headers, expected in refused:
        conn.request(method, path, body, headers)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == expected, (method, path)
        assert not resp.will_close, (method, path)
        conn.request("GET", f"/sparql?{q}", headers={"Accept": "text/csv"})  # the same connection
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read().startswith(b"e,label"), (method, path)
    conn.close()


# ------------------------------------------------------------------ many clients, runaway and crashing queries


def test_backlog_and_two_hundred_concurrent_clients(sample_store: Path) -> None:
    srv = start(sample_store, max_waiting=512, timeout=10.0)
    try:
        listening = srv.socket.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
        assert listening and srv.request_queue_size >= 200
        results: list[tuple[int, dict[str, str], float]] = []
        lock = threading.Lock()
        go = threading.Event()

        def client(i: int) -> None:
            go.wait(10)
            t0 = time.monotonic()
            status, headers, _ = get(srv, f"SELECT ?e WHERE {{ ?e a kg:Person }} LIMIT {1 + i % 7}", "text/csv")
            with lock:
                results.append((status, headers, time.monotonic() - t0))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(200)]
        for t in threads:
            t.start()
        go.set()
        for t in threads:
            t.join(60)
        assert len(results) == 200
        for status, headers, took in results:  # every client answered, none left hanging
            assert status == 200 or (status == 503 and "Retry-After" in headers), status
            assert took < 20
        assert sum(s == 200 for s, _, _ in results) >= 190
    finally:
        stop(srv)


def test_waiting_is_bounded_with_retry_after(sample_store: Path) -> None:
    srv = start(sample_store, workers=1, timeout=4.0, max_waiting=2, queue_wait=1.0)
    try:
        results: list[tuple[int, dict[str, str], bytes, float]] = []
        lock = threading.Lock()

        def client(query: str) -> None:
            t0 = time.monotonic()
            status, headers, body = get(srv, query)
            with lock:
                results.append((status, headers, body, time.monotonic() - t0))

        runaway = threading.Thread(target=client, args=(SLOW,))
        runaway.start()
        time.sleep(0.5)  # the only worker is busy now
        waiters = [threading.Thread(target=client, args=(f"{PEOPLE} LIMIT {i + 1}",)) for i in range(2)]
        for t in waiters:
            t.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        status, headers, body = get(srv, PEOPLE)  # a third waiter: over max_waiting, refused at once
        assert status == 503 and "Retry-After" in headers and b"already waiting" in body
        assert time.monotonic() - t0 < 0.5
        for t in (*waiters, runaway):
            t.join(30)
        waited = [r for r in results if r[2] != b"" and b"busy" in r[2]]
        assert len(waited) == 2  # each waiter gave up after queue_wait, with Retry-After
        for status, headers, _, took in waited:
            assert status == 503 and int(headers["Retry-After"]) >= 1 and 0.9 < took < 3
        (status, _, body, _), = [r for r in results if b"time limit" in r[2]]
        assert status == 503
        assert get(srv, PEOPLE)[0] == 200
    finally:
        stop(srv)


def test_memory_limit_cancels_the_query_not_the_server(server: SparqlServer) -> None:
    t0 = time.monotonic()
    status, _, body = get(server, HUNGRY)
    assert status == 503 and b"300 MB memory limit" in body
    assert time.monotonic() - t0 < 3.0  # well before the 3 s time limit
    assert server.pool.stats["memory"] >= 1
    status, _, body = get(server, HUNGRY)  # the same query again is refused without running
    assert status == 503 and b"not run again" in body
    assert get(server, PEOPLE)[0] == 200
    for w in list(server.pool._all):
        rss = rss_bytes(w.proc.pid)
        assert rss is None or rss < 300 * 2**20


def test_deep_nesting_is_refused_before_it_can_crash_a_worker(server: SparqlServer) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    form = urllib.parse.urlencode({"query": deep}).encode()
    for _ in range(20):  # a flood of them
        status, _, body = http(f"{server.url}/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 400 and b"nested too deeply" in body
    paren = "SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"
    assert get(server, paren)[0] == 400
    assert server.pool.stats["crashes"] == 0
    # a long chain (not nested) is parsed on the worker's large stack: an answer, not a dead worker
    chain = "SELECT (" + " + ".join(["1"] * 3000) + " AS ?x) WHERE {}"
    status, _, body = get(server, chain, "application/sparql-results+json")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["x"]["value"] == "3000"


def test_a_worker_crash_is_contained(sample_store: Path) -> None:
    srv = start(sample_store, timeout=20.0)
    try:
        result: list[tuple[int, dict[str, str], bytes]] = []
        t = threading.Thread(target=lambda: result.append(get(srv, SLOW)))
        t.start()
        deadline = time.monotonic() + 10
        while srv.pool.idle.qsize() == 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        busy = [w for w in srv.pool._all if w not in list(srv.pool.idle.queue)]
        assert len(busy) == 1
        os.kill(busy[0].proc.pid, signal.SIGSEGV)  # what a stack overflow in the engine does
        t.join(20)
        (status, _, body), = result
        assert status == 500 and b"crashed its worker" in body and b"signal 11" in body
        status, _, body = get(srv, SLOW)  # the same query is not given another worker to kill
        assert status == 500 and b"not run again" in body
        assert get(srv, PEOPLE)[0] == 200  # the other worker answers meanwhile
        deadline = time.monotonic() + 30
        while len(srv.pool._all) < 2 and time.monotonic() < deadline:  # and the dead one is replaced
            time.sleep(0.1)
        assert len(srv.pool._all) == 2 and srv.pool.stats["crashes"] == 1
    finally:
        stop(srv)


# ------------------------------------------------------------------ slow and idle connections


def test_idle_connection_is_closed(server: SparqlServer) -> None:
    with socket.create_connection(server.server_address[:2], timeout=10) as s:
        t0 = time.monotonic()
        assert s.recv(100) == b""  # closed by the server, nothing sent
        assert 0.8 < time.monotonic() - t0 < 4


def test_slow_request_gets_408_and_is_closed(server: SparqlServer) -> None:
    with socket.create_connection(server.server_address[:2], timeout=10) as s:
        t0 = time.monotonic()
        s.sendall(b"GET /sparql?query=ASK")
        got = b""
        try:
            for c in b"%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n":  # one byte every 0.3 s: never a whole request
                time.sleep(0.3)
                s.sendall(bytes([c]))
        except OSError:
            pass
        try:
            while chunk := s.recv(4096):
                got += chunk
        except OSError:
            pass
        assert got.startswith(b"HTTP/1.1 408") and 0.8 < time.monotonic() - t0 < 5


def test_slow_body_gets_408(server: SparqlServer) -> None:
    with socket.create_connection(server.server_address[:2], timeout=10) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                  b"Content-Length: 100\r\n\r\nASK")
        got = b""
        try:
            while chunk := s.recv(4096):
                got += chunk
        except OSError:
            pass
        assert got.startswith(b"HTTP/1.1 408")
    assert get(server, "ASK {}")[0] == 200


def test_connections_over_the_limit_get_503(sample_store: Path) -> None:
    srv = start(sample_store, max_connections=3, client_timeout=5.0)
    idle = [socket.create_connection(srv.server_address[:2], timeout=10) for _ in range(3)]
    try:
        time.sleep(0.3)
        status, headers, body = get(srv, "ASK {}")
        assert status == 503 and "Retry-After" in headers and b"too many connections" in body
        for s in idle:
            s.close()
        time.sleep(0.5)
        assert get(srv, "ASK {}")[0] == 200
    finally:
        for s in idle:
            s.close()
        stop(srv)
