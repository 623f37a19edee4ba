"""The project's RDF terms in one place, so an IRI is never spelt out twice in the code.

``KG`` is a ``DefinedNamespace`` with ``_fail = True``: a misspelt term raises at
import or call time instead of silently minting a new IRI that no query finds.
tests/test_rdf.py checks that every term declared here is declared in
ontology/kg.ttl and the other way round.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

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
    # link rules (individuals of kg:LinkRule)
    NewEntity: URIRef
    SameNormalisedName: URIRef
    KnownAlias: URIRef
    SharedContext: URIRef
    ArticleScoped: URIRef
    InferredFromRelation: URIRef


ORG = Namespace("http://www.w3.org/ns/org#")
SDO = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
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
