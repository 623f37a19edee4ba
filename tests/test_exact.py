"""Exact answers from any client: a fact stated by several articles is one row (issue 11, item 3).

The default graph is the merged graph (kg.rdf): every article graph's triples once. These tests write the
same facts from three invented articles and count rows the way an analyst would, without DISTINCT,
through kg's own store, pyoxigraph on the store directory, rdflib on an export, and a real HTTP client
(SPARQLWrapper) against kg serve.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import article, write
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.query import load_named, run_query
from kg.serve import ServeConfig, make_server
from kg.store import GraphStore
from kg.vocab import PREFIXES

TEXT = "北岭市副市长林安出席白沙湾论坛。"


def same_facts(aid: str, published: str = "2025-03-01"):
    return article(aid, TEXT, [("林安", "Person"), ("北岭市", "Organization"), ("白沙湾论坛", "Event")],
                   posts=[("林安", "副市长", "北岭市")], relations=[("林安", "attended", "白沙湾论坛")],
                   published=published)


# what an analyst writes from the README, with no DISTINCT and no GROUP BY
CAREER = """SELECT ?name ?title ?org WHERE {
  ?m org:member ?p ; org:role/rdfs:label ?title ; org:organization/rdfs:label ?org . ?p rdfs:label ?name }"""
ATTENDED = "SELECT ?p ?e WHERE { ?p kg:attended ?e }"
PEOPLE = "SELECT ?p ?label WHERE { ?p a kg:Person ; rdfs:label ?label }"
COUNT_POSTS = "SELECT (COUNT(*) AS ?n) WHERE { ?m a org:Membership }"


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exact") / "store"
    store = GraphStore(path)
    write(store, [same_facts("a1"), same_facts("a2", "2025-03-02"), same_facts("a3", "2025-03-03")])
    del store
    return path


def rows(result: ox.QuerySolutions) -> list[tuple[str | None, ...]]:
    names = [v.value for v in result.variables]
    return [tuple(s[n].value if s[n] is not None else None for n in names) for s in result]


def test_kg_store_counts_each_fact_once(three: Path) -> None:
    store = GraphStore.open_existing(three)
    assert len(rows(store.query(CAREER))) == 1  # type: ignore[arg-type]
    assert len(rows(store.query(ATTENDED))) == 1  # type: ignore[arg-type]
    assert len(rows(store.query(PEOPLE))) == 1  # type: ignore[arg-type]
    assert rows(store.query(COUNT_POSTS))[0][0] == "1"  # type: ignore[arg-type]
    # the provenance is still there: three articles, three statements of the post
    n = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?st kg:statementOf ?m }")
    assert rows(n)[0][0] == "3"  # type: ignore[arg-type]
    g = store.query("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?p kg:attended ?e } }")
    assert rows(g)[0][0] == "3"  # type: ignore[arg-type]


def test_named_queries_return_each_fact_once(three: Path) -> None:
    store = GraphStore.open_existing(three)
    posts = run_query(store, name="people_posts", fmt="json")
    bindings = json.loads(posts)["results"]["bindings"]
    assert len(bindings) == 1 and bindings[0]["articles"]["value"] == "3"
    for q in load_named().values():
        args = [f"{p}=林安" for p in q.params]
        out = json.loads(run_query(store, name=q.name, params=args, fmt="json"))["results"]["bindings"]
        keys = [tuple(sorted((k, v["value"]) for k, v in b.items())) for b in out]
        assert len(keys) == len(set(keys)), q.name


def test_pyoxigraph_and_rdflib_default_graph(three: Path, tmp_path: Path) -> None:
    """Plain clients read the default graph: pyoxigraph on the directory, rdflib on a TriG export."""
    raw = ox.Store.read_only(str(three))
    assert len(rows(raw.query(CAREER, prefixes=PREFIXES))) == 1  # type: ignore[arg-type]
    out = tmp_path / "all.trig"
    GraphStore.open_existing(three).export("trig", out)
    ds = rdflib.Dataset()
    ds.parse(out, format="trig")
    ns = {k: rdflib.Namespace(v) for k, v in PREFIXES.items()}
    assert len(list(ds.default_graph.query(CAREER, initNs=ns))) == 1
    assert len(list(ds.default_graph.query(ATTENDED, initNs=ns))) == 1


def test_rebuilding_one_article_keeps_facts_others_state(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "s")
    write(store, [same_facts("a1"), same_facts("a2")])
    # a2 is rebuilt without the post and the attendance: a1 still states them, so they stay
    bare = article("a2", TEXT, [("林安", "Person"), ("北岭市", "Organization")])
    write(store, [bare])
    assert len(rows(store.query(CAREER))) == 1  # type: ignore[arg-type]
    assert len(rows(store.query(ATTENDED))) == 1  # type: ignore[arg-type]
    # a1 rebuilt without them too: no article states them any more, so the merged graph forgets them
    write(store, [article("a1", TEXT, [("北岭市", "Organization")])])
    assert rows(store.query(ATTENDED)) == []  # type: ignore[arg-type]
    assert rows(store.query(CAREER)) == []  # type: ignore[arg-type]
    # and the merged graph is exactly the set union of the article graphs, plus the article metadata
    union = {(q.subject, q.predicate, q.object) for q in store.store if q.graph_name != ox.DefaultGraph()}
    default = {(q.subject, q.predicate, q.object) for q in store.store.quads_for_pattern(None, None, None,
                                                                                          ox.DefaultGraph())}
    assert union <= default


def test_a_store_from_before_the_merged_graph_is_merged_by_the_next_build(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "old")
    write(store, [same_facts("a1"), same_facts("a2")])
    store.store.update("DELETE { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")  # as an older kg wrote it
    old = GraphStore(None)
    old.store = store.store
    assert not old.merged()
    assert len(rows(old.query(ATTENDED))) == 2  # read as the union meanwhile  # type: ignore[arg-type]
    write(old, [same_facts("a3")])
    assert old.merged() and len(rows(old.query(ATTENDED))) == 1  # type: ignore[arg-type]


def test_sparqlwrapper_against_kg_serve(three: Path) -> None:
    srv = make_server(ServeConfig(store=three, port=0, workers=1, quiet=True))
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        sw = SPARQLWrapper(f"{srv.url}/sparql")
        sw.setReturnFormat(JSON)
        for q, n in ((CAREER, 1), (ATTENDED, 1), (PEOPLE, 1)):
            sw.setQuery(q)
            assert len(sw.query().convert()["results"]["bindings"]) == n, q  # type: ignore[index]
        sw.setQuery(COUNT_POSTS)
        assert sw.query().convert()["results"]["bindings"][0]["n"]["value"] == "1"  # type: ignore[index]
        # per-article provenance stays reachable through GRAPH
        sw.setQuery("SELECT ?g WHERE { GRAPH ?g { ?p kg:attended ?e } }")
        assert len(sw.query().convert()["results"]["bindings"]) == 3  # type: ignore[index]
        # the README's curl line, as a user types it
        if shutil.which("curl"):
            out = subprocess.run(["curl", "-s", "-H", "Accept: text/csv", "--data-urlencode",
                                  "query=SELECT * WHERE { ?s a kg:Event }", f"{srv.url}/sparql"],
                                 capture_output=True, text=True, timeout=30, check=True).stdout
            assert out.splitlines()[0].strip() == "s" and len(out.strip().splitlines()) == 2
    finally:
        srv.shutdown()
        srv.server_close()
