"""The W3C SPARQL 1.1 Protocol tests (../shared/eval/external/w3c_sparql11_protocol) against `kg serve`.

Each test's requests are read from the manifest and sent as written (the
manifest's /sparql/ is this endpoint's /sparql), over a store holding the
manifest's data files in the named graphs it gives them. Query tests must get
the status and the kind of answer (boolean, tabular, RDF) the manifest allows;
the endpoint is read-only, so every update test must be refused (4xx) and the
store left as it was.
"""

from __future__ import annotations

import http.client as httpc
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.serve import ServeConfig, SparqlServer, make_server

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT.parent / "shared" / "eval" / "external" / "w3c_sparql11_protocol"
MANIFEST = SUITE / "manifest.ttl"

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {"application/rdf+xml", "text/turtle", "application/n-triples"}


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    statuses: list[str]  # hts:StatusCode2xx ... as "2", "3", "4"
    boolean: bool | None
    kind: str | None


@dataclass
class ProtocolTest:
    name: str
    requests: list[Request]
    graphs: dict[str, Path] = field(default_factory=dict)  # graph IRI -> data file

    @property
    def update(self) -> bool:
        return "update" in self.name


def load_manifest() -> list[ProtocolTest]:
    g = ox.Store()
    g.load(path=str(MANIFEST), format=ox.RdfFormat.TURTLE, base_iri=MANIFEST.as_uri())

    def objs(s: ox.NamedNode | ox.BlankNode, p: str) -> list[ox.NamedNode | ox.BlankNode | ox.Literal]:
        return [q.object for q in g.quads_for_pattern(s, ox.NamedNode(p), None, None)]

    def one(s: ox.NamedNode | ox.BlankNode, p: str) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
        found = objs(s, p)
        return found[0] if found else None

    def items(head: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Iterator[ox.NamedNode | ox.BlankNode]:
        while head is not None and head != ox.NamedNode(RDF + "nil"):
            yield one(head, RDF + "first")  # type: ignore[arg-type, misc]
            head = one(head, RDF + "rest")  # type: ignore[arg-type]

    manifest = next(q.subject for q in g.quads_for_pattern(None, ox.NamedNode(MF + "entries"), None, None))
    tests = []
    for entry in items(one(manifest, MF + "entries")):
        name = entry.value.rsplit("#", 1)[-1]
        graphs = {}
        for gd in objs(entry, UT + "graphData"):
            graphs[one(gd, RDFS + "label").value] = Path(  # type: ignore[arg-type, union-attr]
                one(gd, UT + "graph").value.removeprefix("file://"))  # type: ignore[arg-type, union-attr]
        reqs = []
        for r in items(one(one(entry, MF + "action"), HT + "requests")):  # type: ignore[arg-type]
            body = one(r, HT + "body")
            data = None
            if body is not None:
                enc = one(body, CNT + "characterEncoding")  # type: ignore[arg-type]
                data = one(body, CNT + "chars").value.encode(enc.value if enc else "utf-8")  # type: ignore[union-attr, arg-type]
            headers = {one(h, HT + "fieldName").value: one(h, HT + "fieldValue").value  # type: ignore[union-attr, arg-type]
                       for h in items(one(r, HT + "headers"))}
            resp = one(r, HT + "resp")
            statuses = [s.value.rsplit("StatusCode", 1)[-1][0] for s in objs(resp, MF + "expectedStatus")]  # type: ignore[arg-type]
            boolean = one(resp, MF + "expectedBoolean")  # type: ignore[arg-type]
            kind = one(resp, MF + "expectedFormat")  # type: ignore[arg-type]
            reqs.append(Request(one(r, HT + "methodName").value, one(r, HT + "absolutePath").value,  # type: ignore[union-attr]
                                data, headers, statuses, None if boolean is None else boolean.value == "true",
                                None if kind is None else kind.value))
        tests.append(ProtocolTest(name, reqs, graphs))
    return tests


TESTS = load_manifest() if MANIFEST.is_file() else []
pytestmark = pytest.mark.skipif(not TESTS, reason=f"the W3C protocol tests are not at {SUITE} (../shared absent)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparqlServer]:
    path = tmp_path_factory.mktemp("w3c") / "store"
    store = ox.Store(str(path))
    graphs = {iri: f for t in TESTS for iri, f in t.graphs.items()}
    for iri, f in graphs.items():
        store.load(path=str(f), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
    store.flush()
    del store
    srv = make_server(ServeConfig(store=path, port=0, timeout=10, workers=2, quiet=True))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def send(srv: SparqlServer, req: Request) -> tuple[int, str, bytes]:
    conn = httpc.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=30)
    try:
        path = "/sparql" + req.path[len("/sparql/"):] if req.path.startswith("/sparql/") else req.path
        conn.request(req.method, path, req.body, req.headers)
        resp = conn.getresponse()
        return resp.status, (resp.getheader("Content-Type") or "").split(";")[0].strip(), resp.read()
    finally:
        conn.close()


def quads(srv: SparqlServer) -> int:
    status, _, body = send(srv, Request("GET", "/sparql?query=SELECT%20(COUNT(*)%20AS%20?n)%20%7B%20GRAPH%20?g%20"
                                        "%7B%20?s%20?p%20?o%20%7D%20%7D", None, {}, ["2"], None, None))
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def boolean_of(ctype: str, body: bytes) -> bool:
    fmt = ox.QueryResultsFormat.JSON if ctype.endswith("json") else ox.QueryResultsFormat.XML
    return bool(ox.parse_query_results(body, fmt))


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(server: SparqlServer, test: ProtocolTest) -> None:
    if test.update:  # read-only: the first request (the update) is refused, nothing is changed
        before = quads(server)
        status, _, body = send(server, test.requests[0])
        assert 400 <= status < 500, (test.name, status, body)
        assert quads(server) == before
        return
    for req in test.requests:
        status, ctype, body = send(server, req)
        assert str(status)[0] in req.statuses, (test.name, status, body)
        if req.kind == "boolean":
            assert ctype in BOOLEAN_TYPES, (test.name, ctype)
        elif req.kind == "tabular":
            assert ctype in TABULAR_TYPES, (test.name, ctype)
        elif req.kind == "RDF":
            assert ctype in RDF_TYPES, (test.name, ctype)
            ox.parse(body, ox.RdfFormat.from_media_type(ctype))  # type: ignore[arg-type]
        if req.boolean is not None:
            assert boolean_of(ctype, body) is req.boolean, test.name


def test_the_whole_manifest_was_read() -> None:
    assert len(TESTS) == 34
    assert sum(t.update for t in TESTS) == 14 and all(t.requests for t in TESTS)
