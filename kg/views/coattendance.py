"""Who met whom: people linked by the events they were at together, from the entity network.

A link between two people stands for the events both attended, hosted or
spoke at (``kg:attended``, ``kg:hosted``, ``kg:spokeAt``); its ``weight`` is the
number of such events, and it carries each event (IRI, name, dates, what each
of the two did there) and the evidence that puts each of them there. It is
derived from ``load_network``'s graph rather than queried anew, so the article,
date and keyword filters of the entity view apply to it unchanged, and an
event that linking keeps apart (two different 座谈会 in two articles) links
no one across them.

The network is an undirected ``nx.Graph``: meeting is symmetric, and
GraphML/GEXF readers (Gephi's weighted degree, modularity) read ``weight``
from an undirected edge as it is meant.
"""

from __future__ import annotations

import os
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx

from kg.views.network import Queryable, ViewError, load_network
from kg.views.netxml import write_network
from kg.views.style import LINKS, NETWORK_FORMATS

#: the relations that put a person at an event
ATTENDING = ("attended", "spokeAt", "hosted")


def coattendance_network(G: nx.MultiDiGraph, min_weight: int = 1) -> nx.Graph:
    """People of ``G`` linked by their shared events; ``min_weight`` drops pairs who met fewer times.

    Node attributes are the person's own from ``G`` plus ``events`` (how many
    events they were at); edge attributes are ``weight``, ``events`` (a list of
    dicts: ``iri``, ``label``, ``dates``, ``roles`` — person IRI → the
    predicates — and ``evidence``) and ``evidence`` (every sentence of every
    shared event, with its article and offsets, person IRI in ``person``).
    """
    at: dict[Any, dict[Any, list[tuple[str, list[dict[str, Any]]]]]] = defaultdict(lambda: defaultdict(list))
    for s, o, d in G.edges(data=True):
        pred = d.get("predicate")
        if pred in ATTENDING and G.nodes[s].get("type") == "Person" and G.nodes[o].get("type") == "Event":
            at[o][s].append((pred, d.get("evidence", [])))
    C = nx.Graph()
    C.graph["articles"] = G.graph.get("articles", {})
    C.graph["network"] = "coattendance"
    for event in sorted(at, key=str):
        people = at[event]
        for p in people:
            if p not in C:
                C.add_node(p, **{k: v for k, v in G.nodes[p].items()}, events=0)
            C.nodes[p]["events"] += 1
        ev_data = G.nodes[event]
        for a, b in combinations(sorted(people, key=str), 2):
            evidence = [{**e, "person": str(p)} for p in (a, b) for _pred, evs in people[p] for e in evs]
            entry = {"iri": str(event), "label": ev_data.get("label", str(event)),
                     "dates": list(ev_data.get("dates", [])),
                     "roles": {str(p): sorted({pred for pred, _ in people[p]}) for p in (a, b)},
                     "evidence": evidence}
            if not C.has_edge(a, b):
                C.add_edge(a, b, weight=0, events=[], evidence=[])
            link = C.edges[a, b]
            link["events"].append(entry)
            link["weight"] = len(link["events"])
            link["evidence"].extend(e for e in evidence if e not in link["evidence"])
    if min_weight > 1:
        C.remove_edges_from([(a, b) for a, b, w in C.edges(data="weight") if w < min_weight])
        C.remove_nodes_from([n for n in list(C) if C.degree(n) == 0])
    return C


def coattendance_for_view(C: nx.Graph) -> nx.MultiDiGraph:
    """The network in the shape the HTML page and ``filter_network`` take: one edge per pair, ``coattended``.

    Each pair's edge goes from the first IRI to the second (the page draws it
    without an arrow) and keeps ``weight`` and ``events``.
    """
    M = nx.MultiDiGraph()
    M.graph.update(C.graph)
    M.add_nodes_from(C.nodes(data=True))
    for a, b, d in C.edges(data=True):
        s, o = sorted((a, b), key=str)
        M.add_edge(s, o, key="coattended", predicate="coattended", undirected=True, **d)
    return M


def flat_coattendance(C: nx.Graph) -> nx.Graph:
    """Only scalar attributes, for GraphML/GEXF: events as names (、) and IRIs (;), sentences one a line."""
    F = nx.Graph()
    for n, d in C.nodes(data=True):
        F.add_node(str(n), label=d.get("label", str(n)), type="Person", names="、".join(d.get("names", [])),
                   aliases="、".join(d.get("aliases", [])),
                   posts="；".join(f"{p[0]} {p[1]}".strip() for p in d.get("posts", [])),
                   articles=";".join(d.get("articles", [])), events=d.get("events", 0))
    zh, en = LINKS["coattended"]
    for a, b, d in C.edges(data=True):
        evs = d.get("events", [])
        ev = d.get("evidence", [])
        F.add_edge(str(a), str(b), weight=d.get("weight", len(evs)), label=zh, label_en=en,
                   events="、".join(e["label"] for e in evs), event_iris=";".join(e["iri"] for e in evs),
                   dates=";".join(x for e in evs for x in e["dates"]),
                   articles=";".join(dict.fromkeys(e.get("article", "") for e in ev)),
                   evidence="\n".join(dict.fromkeys(e.get("sentence") or "" for e in ev if e.get("sentence"))))
    return F


def export_coattendance(store: Queryable | str | os.PathLike[str] | nx.Graph, fmt: str,
                        output: str | os.PathLike[str], min_weight: int = 1) -> Path:
    """Write the co-attendance network as GraphML or GEXF (atomically, checked), for Gephi, Cytoscape or yEd.

    ``store`` may be a GraphStore, a store directory, the entity network
    (``load_network``) or a co-attendance network already made.
    """
    if fmt not in NETWORK_FORMATS:
        raise ViewError(f"unknown network format {fmt!r} (choose from {', '.join(NETWORK_FORMATS)})")
    if isinstance(store, nx.Graph) and store.graph.get("network") == "coattendance":
        C = store
    else:
        C = coattendance_network(store if isinstance(store, nx.MultiDiGraph) else load_network(store), min_weight)
    return write_network(flat_coattendance(C), fmt, output)


__all__ = ["ATTENDING", "coattendance_for_view", "coattendance_network", "export_coattendance",
           "flat_coattendance"]
