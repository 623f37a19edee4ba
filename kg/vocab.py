"""The project's RDF terms in one place, so an IRI is never spelt out twice in the code.

Every vocabulary the code writes is closed: ``KG``, ``SDO`` and ``SEM`` are
``DefinedNamespace``s with ``_fail = True`` and ``ORG`` is rdflib's own (closed
too), so a misspelt term raises at import or call time instead of silently
minting a new IRI that no query finds. ``KGR`` alone stays open: it is where
resources are minted, one IRI per thing, not a vocabulary.
tests/test_rdf.py checks that every term declared in ``KG`` is declared in
ontology/kg.ttl and the other way round.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

KG_NS = "https://w3id.org/kg-news/ontology#"
KGR_NS = "https://w3id.org/kg-news/id/"


class KG(DefinedNamespace):
    """Terms of ontology/kg.ttl (classes capitalised, properties and individuals as declared)."""

    _NS = Namespace(KG_NS)
    _fail = True

    # entity classes (the guideline's six types)
    Person: URIRef
    Organization: URIRef
    Alliance: URIRef
    Event: URIRef
    Place: URIRef
    Work: URIRef
    # provenance and linking classes
    Article: URIRef
    ArticleGraph: URIRef
    Extraction: URIRef
    Assertion: URIRef
    Mention: URIRef
    PostStatement: URIRef
    LinkRule: URIRef
    # the twelve relation predicates
    attended: URIRef
    spokeAt: URIRef
    hosted: URIRef
    organized: URIRef
    presented: URIRef
    awarded: URIRef
    founded: URIRef
    memberOf: URIRef
    represents: URIRef
    partOf: URIRef
    heldAt: URIRef
    heldOn: URIRef
    # evidence, names and linking
    sentence: URIRef
    start: URIRef
    end: URIRef
    normalizedName: URIRef
    mentionOf: URIRef
    surfaceForm: URIRef
    linkRule: URIRef
    linkNote: URIRef
    namedGraph: URIRef
    extractorVersion: URIRef
    extractorDigest: URIRef
    contentHash: URIRef
    # what one article said of a post (kg:PostStatement)
    statementOf: URIRef
    postStatus: URIRef
    # link rules (individuals of kg:LinkRule)
    NewEntity: URIRef
    SameNormalisedName: URIRef
    KnownAlias: URIRef
    SharedContext: URIRef
    ArticleScoped: URIRef
    InferredFromRelation: URIRef
    SameBody: URIRef
    SameHappening: URIRef


class SDO(DefinedNamespace):
    """The schema.org terms kg writes (rdflib's SDO accepts any name, so it would not catch a typo)."""

    _NS = Namespace("https://schema.org/")
    _fail = True

    Person: URIRef
    Event: URIRef
    Place: URIRef
    CreativeWork: URIRef
    NewsArticle: URIRef
    url: URIRef
    superEvent: URIRef
    startDate: URIRef
    endDate: URIRef
    keywords: URIRef


class SEM(DefinedNamespace):
    """The Simple Event Model: only its prefix is used (queries, exports); terms would be declared here first."""

    _NS = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
    _fail = True


KGR = Namespace(KGR_NS)

#: prefixes predeclared in every query and written into every export
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "kgr": KGR_NS,
    "org": str(ORG),
    "schema": str(SDO),
    "sem": str(SEM),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}

#: the guideline's entity types to (our class, the standard class we also assert)
ENTITY_CLASSES: dict[str, tuple[URIRef, URIRef]] = {
    "Person": (KG.Person, SDO.Person),
    "Organization": (KG.Organization, ORG.Organization),
    "Alliance": (KG.Alliance, ORG.OrganizationalCollaboration),
    "Event": (KG.Event, SDO.Event),
    "Place": (KG.Place, SDO.Place),
    "Work": (KG.Work, SDO.CreativeWork),
}

#: model predicate name to property
PREDICATES: dict[str, URIRef] = {
    name: KG[name]
    for name in ("attended", "spokeAt", "hosted", "organized", "presented", "awarded",
                 "founded", "memberOf", "represents", "partOf", "heldAt", "heldOn")
}

__all__ = ["ENTITY_CLASSES", "KG", "KGR", "KGR_NS", "KG_NS", "ORG", "PREDICATES", "PREFIXES", "SDO", "SEM"]
