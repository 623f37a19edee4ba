"""`kg validate`: the graph held against ontology/shapes.ttl with pyshacl.

Apart from the mapping (kg.rdf) because it reads a whole store and pulls in
pyshacl, which nothing that writes the graph needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from kg.resources import resource
from kg.sparql import compact
from kg.store import GraphStore


@dataclass
class Violation:
    severity: str
    focus: str
    path: str
    message: str
    value: str

    def __str__(self) -> str:
        where = f"{self.focus}" + (f" {self.path}" if self.path else "")
        val = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{val}"


def validate_ntriples(data: bytes, shapes: Path | None = None) -> list[Violation]:
    """SHACL-check the union graph given as N-Triples; an empty list means it conforms."""
    import pyshacl

    data_graph = Graph().parse(data=data, format="nt")
    shapes_graph = Graph().parse(shapes or resource("ontology", "shapes.ttl"), format="turtle")
    _conforms, report, _text = pyshacl.validate(data_graph, shacl_graph=shapes_graph, inference="none",
                                                advanced=False, allow_warnings=True)
    out = []
    for res in report.subjects(RDF.type, SH.ValidationResult):
        def one(p: URIRef, res: URIRef = res) -> str:
            v = report.value(res, p)
            return "" if v is None else (compact(str(v)) if isinstance(v, URIRef) else str(v))
        out.append(Violation(one(SH.resultSeverity).removeprefix(str(SH)) or "Violation",
                             one(SH.focusNode), one(SH.resultPath), one(SH.resultMessage), one(SH.value)))
    out.sort(key=lambda v: (v.focus, v.path, v.message))
    return out


def validate_store(store: GraphStore) -> list[Violation]:
    """The union of all graphs checked (the shapes speak of entities, which every article graph describes)."""
    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(union, ox.QueryTriples)
    return validate_ntriples(union.serialize(format=ox.RdfFormat.N_TRIPLES))


__all__ = ["Violation", "validate_ntriples", "validate_store"]
