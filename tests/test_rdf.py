"""The ontology, the vocabulary module, SHACL and round trips through a second RDF parser."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import ROOT, article, write
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from kg.rdf import date_literal
from kg.store import GraphStore
from kg.validate import validate_ntriples
from kg.vocab import KG, KG_NS, PREFIXES

ONTOLOGY = ROOT / "ontology" / "kg.ttl"


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY)


def _declared(onto: rdflib.Graph) -> set[str]:
    return {str(s)[len(KG_NS):] for s in onto.subjects(RDF.type, None) if str(s).startswith(KG_NS)}


def test_vocab_and_ontology_declare_the_same_terms(onto: rdflib.Graph) -> None:
    in_code = set(KG.__annotations__)
    assert in_code == _declared(onto)


def test_every_kg_term_used_in_code_and_queries_is_declared(onto: rdflib.Graph) -> None:
    declared = _declared(onto)
    used: set[str] = set()
    for py in (ROOT / "kg").rglob("*.py"):
        used |= set(re.findall(r"\bKG\.([A-Za-z_]\w*)", py.read_text(encoding="utf-8")))
    for rq in (ROOT / "queries").glob("*.rq"):
        used |= set(re.findall(r"\bkg:([A-Za-z_]\w*)", rq.read_text(encoding="utf-8")))
    assert used and used <= declared, used - declared


def test_every_term_has_chinese_and_english_label_and_comment(onto: rdflib.Graph) -> None:
    for term in _declared(onto):
        node = rdflib.URIRef(KG_NS + term)
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in onto.objects(node, prop)}
            assert {"zh", "en"} <= langs, (term, prop)
    assert (None, RDF.type, OWL.Ontology) in onto


def test_ontology_reuses_standard_vocabularies(onto: rdflib.Graph) -> None:
    org = rdflib.Namespace(PREFIXES["org"])
    assert (KG.Alliance, RDFS.subClassOf, org.OrganizationalCollaboration) in onto
    assert (KG.Organization, RDFS.subClassOf, org.Organization) in onto
    assert (KG.memberOf, RDFS.subPropertyOf, org.memberOf) in onto


def test_dates_get_xsd_types() -> None:
    assert date_literal("2025-09-26").datatype.value.endswith("#date")
    assert date_literal("2025-09").datatype.value.endswith("#gYearMonth")


def test_sample_graph_conforms_to_shapes(sample_store: Path) -> None:
    store = GraphStore(sample_store, read_only=True)
    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(union, ox.QueryTriples)
    assert validate_ntriples(union.serialize(format=ox.RdfFormat.N_TRIPLES)) == []


def test_shapes_catch_a_malformed_graph() -> None:
    text = "白沙湾论坛在白沙湾举行。"
    store = GraphStore.in_memory()
    write(store, [article("bad", text, [("白沙湾论坛", "Event")], relations=[("白沙湾论坛", "heldOn", "下周")])])
    store.store.update(f"DELETE {{ GRAPH ?g {{ ?a <{KG.sentence}> ?s }} }} "
                       f"WHERE {{ GRAPH ?g {{ ?a a <{KG.Assertion}> ; <{KG.sentence}> ?s }} }} ; "
                       # and the merged copy
                       f"DELETE {{ ?a <{KG.sentence}> ?s }} WHERE {{ ?a a <{KG.Assertion}> ; <{KG.sentence}> ?s }}")
    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(union, ox.QueryTriples)
    found = validate_ntriples(union.serialize(format=ox.RdfFormat.N_TRIPLES))
    messages = " ".join(v.message for v in found)
    assert "heldOn" in messages and "evidence sentence" in messages


@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_dataset_export_parses_back_in_rdflib(sample_store: Path, tmp_path: Path, fmt: str) -> None:
    store = GraphStore(sample_store, read_only=True)
    out = tmp_path / f"g.{fmt}"
    store.export(fmt, out)
    ds = rdflib.Dataset()
    ds.parse(out, format={"trig": "trig", "nq": "nquads"}[fmt])
    for g_iri in store.article_graphs():
        ours = rdflib.Graph()
        for line in sorted(store.graph_quads(g_iri)):
            ours.parse(data=line, format="nt")
        theirs = ds.graph(rdflib.URIRef(g_iri))
        assert len(theirs) == len(ours) > 0
        assert isomorphic(ours, theirs)
    default = {(q.subject.value, q.predicate.value, str(q.object)) for q in
               store.store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert len(ds.default_graph) == len(default)


def test_turtle_export_is_isomorphic_across_parsers(sample_store: Path, tmp_path: Path) -> None:
    store = GraphStore(sample_store, read_only=True)
    out = tmp_path / "g.ttl"
    store.export("ttl", out)
    by_rdflib = rdflib.Graph().parse(out, format="turtle")
    by_oxigraph = rdflib.Graph()
    nt = ox.serialize(list(ox.parse(path=str(out), format=ox.RdfFormat.TURTLE)), None, ox.RdfFormat.N_TRIPLES)
    by_oxigraph.parse(data=nt.decode("utf-8"), format="nt")
    assert len(by_rdflib) > 500
    assert isomorphic(by_rdflib, by_oxigraph)
    # and rdflib's own Turtle, read by pyoxigraph, gives the same triples again
    again = ox.serialize(list(ox.parse(by_rdflib.serialize(format="turtle").encode("utf-8"),
                                       format=ox.RdfFormat.TURTLE)), None, ox.RdfFormat.N_TRIPLES)
    assert isomorphic(by_rdflib, rdflib.Graph().parse(data=again.decode("utf-8"), format="nt"))


def test_jsonld_export_keeps_the_named_graphs(sample_store: Path) -> None:
    store = GraphStore(sample_store, read_only=True)
    data = store.export("jsonld", None)
    assert data is not None
    quads = list(ox.parse(data, format=ox.RdfFormat.JSON_LD))
    assert len(quads) == len(store)


def test_impossible_evidence_spans_warn_the_same_way_for_entities_and_relations() -> None:
    from conftest import article as make

    from kg.link import Linker
    from kg.model import Evidence
    from kg.rdf import to_rdf

    g = make("sp", "柯望川出席星河论坛。", [("柯望川", "Person"), ("星河论坛", "Event")],
             relations=[("柯望川", "attended", "星河论坛")])
    g.entities[0].evidence = [Evidence(g.article.text, 3, 99)]  # ends past the text
    g.relations[0].evidence = Evidence(g.article.text, 5, 5)  # empty
    rdf = to_rdf(Linker().link(g))
    assert len(rdf.warnings) == 2 and all("impossible evidence span" in w for w in rdf.warnings)
    assert any("entity 柯望川" in w and "3-99" in w for w in rdf.warnings)
    starts = {str(t.subject) for t in rdf.triples if t.predicate.value == str(KG.start)}
    sentences = {str(t.subject) for t in rdf.triples if t.predicate.value == str(KG.sentence)}
    # the sentence is kept and the offsets dropped, for both; the valid span (星河论坛) keeps its offsets
    assert len(sentences) == 3 and len(starts) == 1


def test_only_vocabulary_iris_are_shared() -> None:
    from kg.rdf import N

    assert N(KG.Person) is N(str(KG.Person)) and N(RDF.type).value == str(RDF.type)
    with pytest.raises(KeyError):
        N("https://w3id.org/kg-news/id/person/0123")
