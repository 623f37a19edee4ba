"""How each entity type and predicate looks and reads on the page.

The Chinese and English labels mirror ``rdfs:label`` in ontology/kg.ttl
(tests/test_views.py checks they agree) and are kept here as a table because
an installed ``kg`` need not have the ontology file beside it. Shapes differ
as well as colours so the legend still works in greyscale print-outs and for
colour-blind readers. The page-size constants live here too, so that
registering `kg viz` needs no networkx.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kg.vocab import PREDICATES as VOCAB_PREDICATES

#: where `kg viz` writes by default
DEFAULT_OUTPUT = "outputs/graph.html"
#: the entity network's export formats (Gephi, Cytoscape, yEd); here so `kg --help` lists them without networkx
NETWORK_FORMATS = ("graphml", "gexf")
#: the networks `kg viz --network` and `kg export --network` draw: every entity, or who met whom (kg.views.coattendance)
NETWORKS = ("entities", "coattendance")
#: above this many nodes the browser gets fixed positions and no physics (1,000 nodes did not settle in 76 s)
PHYSICS_LIMIT = 1000
#: above this many nodes only the best-connected are drawn; the page says what was left out
MAX_NODES = 5000


@dataclass(frozen=True)
class TypeStyle:
    zh: str
    en: str
    color: str
    shape: str


#: entity type → look; order is legend order and the preference when one IRI carries two types
TYPES: dict[str, TypeStyle] = {
    "Person": TypeStyle("人物", "Person", "#4e79a7", "dot"),
    "Alliance": TypeStyle("联盟", "Alliance", "#b07aa1", "hexagon"),
    "Organization": TypeStyle("组织", "Organization", "#f28e2b", "square"),
    "Event": TypeStyle("活动", "Event", "#e15759", "diamond"),
    "Place": TypeStyle("地点", "Place", "#59a14f", "triangle"),
    "Work": TypeStyle("作品", "Work", "#9c755f", "star"),
}

#: relation → (Chinese label, English label): the page's wording; which relations exist is kg.vocab's to say
_LABELS: dict[str, tuple[str, str]] = {
    "attended": ("出席", "attended"),
    "spokeAt": ("讲话", "spoke at"),
    "hosted": ("主持", "hosted"),
    "organized": ("主办", "organized"),
    "presented": ("作报告", "presented"),
    "awarded": ("获奖", "awarded"),
    "founded": ("发起成立", "founded"),
    "memberOf": ("成员", "member of"),
    "represents": ("代表", "represents"),
    "partOf": ("隶属于", "part of"),
    "heldAt": ("举办地点", "held at"),
    "heldOn": ("举办日期", "held on"),
    "post": ("任职", "holds post at"),
}

#: predicate → (Chinese label, English label), in kg.vocab.PREDICATES order, then ``post``: the person–organisation
#: edge drawn for an org:Membership. A predicate added to the vocabulary without a label fails here, at import.
PREDICATES: dict[str, tuple[str, str]] = {p: _LABELS[p] for p in (*VOCAB_PREDICATES, "post")}

#: links of derived networks (kg.views.coattendance), kept apart from PREDICATES: no triple in the store has them,
#: so --predicates does not offer them and the labels need no counterpart in the ontology
LINKS: dict[str, tuple[str, str]] = {"coattended": ("共同出席", "attended events with")}

EDGE_COLOR = "#8c8c8c"
POST_COLOR = "#76b7b2"


def node_size(degree: int) -> float:
    """Grow with the square root of degree so hubs stand out without swallowing their neighbours."""
    return round(10 + 5 * math.sqrt(degree), 1)


def resolve_type(name: str) -> str:
    """A --types value (English, any case, or the Chinese label) → the type key; ValueError if unknown."""
    key = name.strip()
    for t, s in TYPES.items():
        if key.lower() in (t.lower(), s.en.lower()) or key == s.zh:
            return t
    raise ValueError(f"unknown entity type {name!r} (choose from {', '.join(TYPES)})")


def resolve_predicate(name: str) -> str:
    """A --predicates value (camelCase name, any case, or the Chinese label) → the predicate key."""
    key = name.strip()
    for p, (zh, en) in PREDICATES.items():
        if key.lower() in (p.lower(), en.lower()) or key == zh:
            return p
    raise ValueError(f"unknown predicate {name!r} (choose from {', '.join(PREDICATES)})")


__all__ = ["DEFAULT_OUTPUT", "EDGE_COLOR", "LINKS", "MAX_NODES", "NETWORKS", "NETWORK_FORMATS", "PHYSICS_LIMIT",
           "POST_COLOR", "PREDICATES", "TYPES", "TypeStyle", "node_size", "resolve_predicate", "resolve_type"]
