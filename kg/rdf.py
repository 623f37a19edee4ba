"""Linked article → RDF under ontology/kg.ttl, as pyoxigraph terms ready for the store.

Layout (README, "The linked graph" → Design notes): everything read from
one article lives in that article's named graph (its provenance), so replacing
the article is replacing one graph. The default graph is the *merged graph*:
the description of articles, their graphs and the extraction activity (Dublin
Core + PROV), plus every triple of every article graph once (a set union, kept
by ``unmerge_update``/``merge_update`` as each article is replaced), so a query
over the default graph counts each fact once however many articles state it;
the union of all graphs would repeat it once per article. A post is one
``org:Membership`` node whichever articles state it, each article's statement
of it a ``kg:PostStatement``. Relations are written twice: as the direct triple
analysts query, and as a reified ``kg:Assertion`` carrying sentence and
offsets, so any answer can be traced to its evidence without RDF-star.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kg.ingest.urls import iri_from_url
from kg.link import Linked, LinkedArticle, mint
from kg.model import Evidence
from kg.text import normalise
from kg.topics import article_keywords
from kg.vocab import ENTITY_CLASSES, KG, KGR, ORG, PREDICATES, SDO

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
AGENT = f"{KGR}agent/kg"


def _version() -> str:
    try:
        return version("kg")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0"


KG_VERSION = _version()


def _vocabulary() -> dict[str, ox.NamedNode]:
    """Every fixed IRI the mapping writes: the ontology's own terms and the standard ones we use."""
    terms: list[str | URIRef] = [KG[name] for name in inspect.get_annotations(KG)]
    terms += [RDF.type, RDF.subject, RDF.predicate, RDF.object, RDFS.label, SKOS.altLabel,
              DCTERMS.identifier, DCTERMS.title, DCTERMS.issued, PROV.wasDerivedFrom, PROV.wasGeneratedBy,
              PROV.used, PROV.wasAssociatedWith, PROV.SoftwareAgent, SDO.NewsArticle, SDO.url, SDO.superEvent,
              SDO.keywords, ORG.Membership, ORG.member, ORG.role, ORG.Role, ORG.organization,
              ORG.subOrganizationOf, XSD.integer, XSD.date, XSD.gYearMonth, XSD.gYear, SDO.startDate, SDO.endDate,
              AGENT]
    terms += [c for pair in ENTITY_CLASSES.values() for c in pair]
    return {str(t): ox.NamedNode(str(t)) for t in terms}


#: built once: the same few dozen vocabulary IRIs are needed millions of times in a big build
_VOCAB = _vocabulary()


def N(iri: str | URIRef) -> ox.NamedNode:
    """The shared NamedNode of a vocabulary IRI; KeyError for anything else.

    Only vocabulary terms are shared: minted per-article IRIs are each used a
    handful of times and are built with ``ox.NamedNode`` directly (an LRU cache
    of both let the article IRIs evict the vocabulary it was meant to keep).
    """
    return _VOCAB[str(iri)]


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


def integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=N(XSD.integer))


def date_literal(value: str) -> ox.Literal:
    """YYYY-MM-DD as xsd:date, YYYY-MM as xsd:gYearMonth, YYYY as xsd:gYear; else a string (SHACL flags it)."""
    if _DATE.match(value):
        return ox.Literal(value, datatype=N(XSD.date))
    if _MONTH.match(value):
        return ox.Literal(value, datatype=N(XSD.gYearMonth))
    if _YEAR.match(value):
        return ox.Literal(value, datatype=N(XSD.gYear))
    return ox.Literal(value)


@dataclass
class ArticleRdf:
    """The triples of one article: its metadata (default graph) and its own named graph."""

    article: ox.NamedNode
    graph: ox.NamedNode
    activity: ox.NamedNode
    meta: list[ox.Triple]
    triples: list[ox.Triple]
    warnings: list[str] = field(default_factory=list)

    def quads(self) -> list[ox.Quad]:
        dg = ox.DefaultGraph()
        return [ox.Quad(t.subject, t.predicate, t.object, dg) for t in self.meta] + [
            ox.Quad(t.subject, t.predicate, t.object, self.graph) for t in self.triples]


def membership_iri(person: str, title: str, org: str | None) -> str:
    """A post as a fact: person, normalised title and organisation, whichever article states it."""
    return mint("membership", person, normalise(title), org or "")


def article_iris(key: str) -> tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]:
    """The article, its named graph and its extraction activity, all derived from the article key.

    A key no encoder takes (a lone surrogate from a file name or a JSON escape) is hashed as its escaped
    spelling rather than failing the whole build; kg.ingest already refuses or escapes those.
    """
    if any("\ud800" <= c <= "\udfff" for c in key):
        key = key.encode("utf-8", "surrogatepass").decode("utf-8", "backslashreplace")
    return ox.NamedNode(mint("article", key)), ox.NamedNode(mint("graph", key)), ox.NamedNode(mint("extraction", key))


def to_rdf(la: LinkedArticle) -> ArticleRdf:
    a = la.graph.article
    art, g, act = article_iris(la.key)
    T = ox.Triple
    meta = [
        T(art, N(RDF.type), N(KG.Article)), T(art, N(RDF.type), N(SDO.NewsArticle)),
        T(art, N(DCTERMS.identifier), ox.Literal(a.id)), T(art, N(KG.namedGraph), g),
        T(g, N(RDF.type), N(KG.ArticleGraph)), T(g, N(PROV.wasDerivedFrom), art), T(g, N(PROV.wasGeneratedBy), act),
        T(act, N(RDF.type), N(KG.Extraction)), T(act, N(PROV.used), art),
        T(act, N(PROV.wasAssociatedWith), N(AGENT)), T(act, N(KG.extractorVersion), ox.Literal(KG_VERSION)),
        T(N(AGENT), N(RDF.type), N(PROV.SoftwareAgent)), T(N(AGENT), N(RDFS.label), ox.Literal("kg")),
    ]
    if a.title:
        meta.append(T(art, N(DCTERMS.title), zh(a.title)))
    if a.published:
        meta.append(T(art, N(DCTERMS.issued), date_literal(a.published)))
    if a.url:  # percent-encoded where an IRI cannot hold a character; UrlError (one article's) where it cannot be
        meta.append(T(art, N(SDO.url), ox.NamedNode(iri_from_url(a.url))))
    # topics (kg.topics): plain strings in simplified script, so `schema:keywords "无人机"` matches as written
    names = [n for e in la.entities if e.type not in ("Event", "Work") for n in (e.name, *e.aliases)]
    meta.extend(T(art, N(SDO.keywords), ox.Literal(kw)) for kw in article_keywords(a.text, names))

    out: list[ox.Triple] = []
    warnings: list[str] = []
    seen_ent: set[str] = set()
    for e in la.entities:
        if e.iri in seen_ent:
            continue
        seen_ent.add(e.iri)
        _entity(out, e, art, la.key, a.text, f"{a.source or a.id}: entity {e.name}", warnings)

    def evidence(node: ox.NamedNode, ev: Evidence | None, what: str) -> None:
        out.append(T(node, N(PROV.wasDerivedFrom), art))
        if ev is not None:
            out.append(T(node, N(KG.sentence), ox.Literal(ev.sentence)))
            out.extend(_offsets(node, ev, a.text, f"{a.source or a.id}: {what}", warnings))

    for p in la.graph.posts:
        person = la.resolve(p.person)
        if person is None or person.type != "Person":
            continue
        org = la.resolve(p.org) if p.org else None
        # one role node per normalised title, labelled in simplified script so 理事長 and 理事长 read alike
        role = ox.NamedNode(mint("role", normalise(p.title)))
        # the membership is the fact (who, which post, where): one node whichever articles state it, so a
        # query over the merged graph counts it once; what one article said of it is its kg:PostStatement
        m = ox.NamedNode(membership_iri(person.iri, p.title, org.iri if org else None))
        out.extend((T(m, N(RDF.type), N(ORG.Membership)), T(m, N(ORG.member), ox.NamedNode(person.iri)),
                    T(m, N(ORG.role), role), T(m, N(PROV.wasDerivedFrom), art)))
        # roles are a shared vocabulary: described once in the default graph, not once per article
        meta.extend((T(role, N(RDF.type), N(ORG.Role)), T(role, N(RDFS.label), zh(normalise(p.title)))))
        if org is not None:
            out.append(T(m, N(ORG.organization), ox.NamedNode(org.iri)))
        for prop, value in ((SDO.startDate, p.start), (SDO.endDate, p.end)):
            if value:
                out.append(T(m, N(prop), date_literal(value)))
        ev = p.evidence
        st = ox.NamedNode(mint("poststatement", la.key, m.value, p.status, p.start or "", p.end or "",
                               str(ev.start if ev else "")))
        out.extend((T(st, N(RDF.type), N(KG.PostStatement)), T(st, N(KG.statementOf), m),
                    T(st, N(KG.postStatus), ox.Literal(p.status))))
        for prop, value in ((SDO.startDate, p.start), (SDO.endDate, p.end)):
            if value:
                out.append(T(st, N(prop), date_literal(value)))
        evidence(st, ev, f"post {p.person}/{p.title}")

    for r in la.graph.relations:
        prop = PREDICATES.get(r.p)
        s = la.resolve(r.s)
        if prop is None or s is None:
            continue
        if r.p == "heldOn":
            obj: ox.NamedNode | ox.Literal = date_literal(r.o)
            o = None
        else:
            o = la.resolve(r.o)
            if o is None:
                continue
            obj = ox.NamedNode(o.iri)
        subj = ox.NamedNode(s.iri)
        out.append(T(subj, N(prop), obj))
        if r.p == "partOf" and o is not None:
            # the standard hierarchy terms, so ORG and schema.org clients need no reasoner
            if s.type in ("Organization", "Alliance") and o.type in ("Organization", "Alliance"):
                out.append(T(subj, N(ORG.subOrganizationOf), obj))
            elif s.type == "Event" and o.type == "Event":
                out.append(T(subj, N(SDO.superEvent), obj))
        ev = r.evidence
        stmt = ox.NamedNode(mint("assertion", la.key, s.iri, r.p, str(obj), str(ev.start if ev else ""),
                      str(ev.end if ev else "")))
        out.extend((T(stmt, N(RDF.type), N(KG.Assertion)), T(stmt, N(RDF.subject), subj),
                    T(stmt, N(RDF.predicate), N(prop)), T(stmt, N(RDF.object), obj)))
        evidence(stmt, ev, f"relation {r.s} {r.p} {r.o}")
    return ArticleRdf(art, g, act, list(dict.fromkeys(meta)), list(dict.fromkeys(out)), warnings)


def unmerge_update(graph: ox.NamedNode) -> str:
    """SPARQL Update taking ``graph``'s triples out of the merged default graph, unless another article graph
    still states them. Run before the graph is dropped, in the same request (one transaction)."""
    g = str(graph)
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER(?other != {g}) }} }}")


def merge_update(graph: ox.NamedNode | None = None) -> str:
    """SPARQL Update copying ``graph``'s triples (every article graph's, when None) into the merged default graph."""
    g = str(graph) if graph is not None else "?g"
    return f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"


def _valid_span(ev: Evidence, text: str) -> bool:
    """Offsets that point at a non-empty stretch of the article text: the one test every evidence span passes."""
    return 0 <= ev.start < ev.end <= len(text)


def _offsets(node: ox.NamedNode, ev: Evidence, text: str, what: str, warnings: list[str]) -> list[ox.Triple]:
    """kg:start/kg:end of ``node``, or none and a warning when the span is impossible.

    An impossible span would make a wrong answer look traceable, so the
    sentence is kept and the offsets are left out, and the user is told.
    """
    if _valid_span(ev, text):
        return [ox.Triple(node, N(KG.start), integer(ev.start)), ox.Triple(node, N(KG.end), integer(ev.end))]
    warnings.append(f"{what} has an impossible evidence span {ev.start}-{ev.end}; offsets left out")
    return []


def _entity(out: list[ox.Triple], e: Linked, art: ox.NamedNode, key: str, text: str, what: str,
            warnings: list[str]) -> None:
    T = ox.Triple
    node = ox.NamedNode(e.iri)
    ours, standard = ENTITY_CLASSES[e.type]
    out.extend((T(node, N(RDF.type), N(ours)), T(node, N(RDF.type), N(standard)),
                T(node, N(RDFS.label), zh(e.name))))
    for a in e.aliases:
        out.append(T(node, N(SKOS.altLabel), zh(a)))
    for n in e.normalised:
        out.append(T(node, N(KG.normalizedName), ox.Literal(n)))
    m = ox.NamedNode(mint("mention", key, e.iri))
    out.extend((T(m, N(RDF.type), N(KG.Mention)), T(m, N(KG.mentionOf), node),
                T(m, N(KG.surfaceForm), ox.Literal(e.name)), T(m, N(KG.linkRule), N(e.rule)),
                T(m, N(KG.linkNote), ox.Literal(e.note)), T(m, N(PROV.wasDerivedFrom), art)))
    ev = e.evidence
    if ev is not None:
        out.append(T(m, N(KG.sentence), ox.Literal(ev.sentence)))
        out.extend(_offsets(m, ev, text, what, warnings))


__all__ = ["AGENT", "ArticleRdf", "N", "article_iris", "date_literal", "membership_iri", "merge_update", "to_rdf",
           "unmerge_update"]
