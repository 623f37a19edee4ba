"""Counts, centrality, components and paths over the entity graph, and GraphML/GEXF export for Gephi/Cytoscape.

Centrality and paths are computed on the undirected simple projection: who is
connected to whom does not depend on whether the extractor wrote "A attended
B" or "B was organised by A", and parallel predicates between the same two
entities should count once. Betweenness is sampled above 2,000 nodes, since
the exact value is cubic-ish and the ranking of the top few is stable.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.views.network import Queryable, ViewError, load_network, resolve_one
from kg.views.netxml import write_network
from kg.views.style import NETWORK_FORMATS, PREDICATES, TYPES


@dataclass
class Central:
    iri: str
    label: str
    type: str
    degree: int
    betweenness: float


@dataclass
class GraphStats:
    nodes: int
    edges: int
    articles: int
    by_type: dict[str, int]
    by_predicate: dict[str, int]
    components: int
    component_sizes: list[int]
    isolated: int
    central_people: list[Central] = field(default_factory=list)
    central_orgs: list[Central] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict
        return asdict(self)


def simple_undirected(G: nx.MultiDiGraph) -> nx.Graph:
    U = nx.Graph()
    U.add_nodes_from(G.nodes(data=True))
    U.add_edges_from((s, o) for s, o in G.edges() if s != o)
    return U


def graph_stats(G: nx.MultiDiGraph, top: int = 10, seed: int = 0) -> GraphStats:
    """Everything `kg stats` prints, as data."""
    U = simple_undirected(G)
    by_type = Counter(d.get("type", "") for _, d in G.nodes(data=True))
    by_pred = Counter(d.get("predicate", "") for _, _, d in G.edges(data=True))
    comps = sorted((len(c) for c in nx.connected_components(U)), reverse=True)
    n = U.number_of_nodes()
    if n > 2000:
        btw = nx.betweenness_centrality(U, k=min(200, n), seed=seed)
    else:
        btw = nx.betweenness_centrality(U) if n else {}

    def ranked(types: tuple[str, ...]) -> list[Central]:
        cands = [v for v, d in G.nodes(data=True) if d.get("type") in types]
        cands.sort(key=lambda v: (-U.degree(v), -btw.get(v, 0.0), G.nodes[v].get("label", "")))
        return [Central(str(v), G.nodes[v].get("label", str(v)), G.nodes[v].get("type", ""), U.degree(v),
                        round(btw.get(v, 0.0), 4)) for v in cands[:top]]

    return GraphStats(
        nodes=G.number_of_nodes(), edges=G.number_of_edges(), articles=len(G.graph.get("articles", {})),
        by_type={t: by_type[t] for t in TYPES if by_type[t]},
        by_predicate={p: by_pred[p] for p in PREDICATES if by_pred[p]},
        components=len(comps), component_sizes=comps[:10], isolated=sum(1 for c in comps if c == 1),
        central_people=ranked(("Person",)), central_orgs=ranked(("Organization", "Alliance")))


def format_stats(s: GraphStats) -> str:
    """A plain-text report: English keys line up in columns, the Chinese label follows for readers."""
    lines = [f"{s.nodes} entities, {s.edges} relations (posts included), {s.articles} articles", "",
             "entities by type:"]
    lines += [f"  {t:<13} {c:>6}  {TYPES[t].zh}" for t, c in s.by_type.items()]
    lines += ["", "relations by predicate:"]
    lines += [f"  {p:<13} {c:>6}  {PREDICATES[p][0]}" for p, c in s.by_predicate.items()]
    largest = ", ".join(map(str, s.component_sizes[:5])) or "-"
    lines += ["", f"connected components: {s.components} (largest: {largest}; isolated entities: {s.isolated})"]
    for head, rows in (("most central people", s.central_people), ("most central organisations", s.central_orgs)):
        lines += ["", f"{head} (degree, betweenness):"]
        lines += [f"  {i:>2}. {c.label}  {c.degree}  {c.betweenness:.3f}" for i, c in enumerate(rows, 1)] or ["  -"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- paths


@dataclass
class Hop:
    """One step of a path, in the direction the path walks; ``forward`` is False when the fact reads the other way."""

    source: str
    target: str
    predicate: str
    zh: str
    en: str
    title: str
    forward: bool
    article: str
    article_title: str
    url: str
    sentence: str


def find_path(G: nx.MultiDiGraph, a: str, b: str) -> list[Hop]:
    """The shortest chain of facts from entity ``a`` to ``b``, each hop with one evidence sentence.

    Names resolve as in ``kg viz --focus``; with namesakes, the shortest path
    over any pair is taken. Raises ViewError when either name is unknown or
    nothing connects them.
    """
    starts, ends = resolve_one(G, a), resolve_one(G, b)
    U = simple_undirected(G)
    best: list[Any] | None = None
    for s in starts:
        for t in ends:
            try:
                p = nx.shortest_path(U, s, t)
            except nx.NetworkXNoPath:
                continue
            if best is None or len(p) < len(best):
                best = p
    if best is None:
        raise ViewError(f"{a} and {b} are not connected in the graph")
    arts = G.graph.get("articles", {})
    hops = []
    for u, v in itertools.pairwise(best):
        cands = [(u, v, d, True) for d in G.get_edge_data(u, v, default={}).values()]
        cands += [(v, u, d, False) for d in G.get_edge_data(v, u, default={}).values()]
        # prefer a fact with a sentence, then the forward reading
        _s, _o, d, fwd = sorted(cands, key=lambda c: (not c[2].get("evidence"), not c[3]))[0]
        ev = (d.get("evidence") or [{}])[0]
        pred = d.get("predicate", "")
        zh, en = PREDICATES.get(pred, (pred, pred))
        art = arts.get(ev.get("article", ""), {})
        hops.append(Hop(G.nodes[u].get("label", str(u)), G.nodes[v].get("label", str(v)), pred, zh, en,
                        d.get("title", ""), fwd, ev.get("article", ""), art.get("title", ""), art.get("url", ""),
                        ev.get("sentence", "")))
    return hops


def format_path(hops: list[Hop]) -> str:
    if not hops:
        return "the two names are the same entity\n"
    lines = []
    for i, h in enumerate(hops, 1):
        rel = f"{h.zh}{' ' + h.title if h.title else ''} ({h.en})"
        arrow = f"—{rel}→" if h.forward else f"←{rel}—"
        lines.append(f"{i}. {h.source} {arrow} {h.target}")
        src = " ".join(x for x in (h.article, f"«{h.article_title}»" if h.article_title else "", h.url) if x)
        if src:
            lines.append(f"   article: {src}")
        if h.sentence:
            lines.append(f"   evidence: {h.sentence}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- export


def flat_network(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same graph with only scalar attributes, which is all GraphML and GEXF can hold.

    Lists are joined with 、 (names) or ; (ids); each edge keeps its first
    evidence sentence and the ids of all its articles.
    """
    F = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        typ = d.get("type", "")
        F.add_node(str(n), label=d.get("label", str(n)), type=typ, type_zh=TYPES[typ].zh if typ in TYPES else "",
                   aliases="、".join(d.get("aliases", [])), names="、".join(d.get("names", [])),
                   posts="；".join(f"{p[0]} {p[1]}".strip() for p in d.get("posts", [])),
                   dates=";".join(d.get("dates", [])), articles=";".join(d.get("articles", [])),
                   degree=G.degree(n))
    for s, o, k, d in G.edges(keys=True, data=True):
        pred = d.get("predicate", "")
        zh, en = PREDICATES.get(pred, (pred, pred))
        ev = d.get("evidence", [])
        F.add_edge(str(s), str(o), key=str(k), predicate=pred, label=d.get("title") or zh, label_en=en,
                   articles=";".join(dict.fromkeys(e.get("article", "") for e in ev)),
                   sentence=(ev[0].get("sentence") or "") if ev else "", support=len(ev))
    return F


def export_network(store: Queryable | str | os.PathLike[str] | nx.MultiDiGraph, fmt: str,
                   output: str | os.PathLike[str]) -> Path:
    """Write the entity graph as GraphML or GEXF (atomically) for Gephi, Cytoscape or yEd; returns the path.

    ``store`` may be a GraphStore, a store directory, or an already loaded graph.
    """
    if fmt not in NETWORK_FORMATS:
        raise ViewError(f"unknown network format {fmt!r} (choose from {', '.join(NETWORK_FORMATS)})")
    G = store if isinstance(store, nx.Graph) else load_network(store)
    # XML-safe values, unique edge ids, checked before it replaces a file
    return write_network(flat_network(G), fmt, output)


__all__ = ["GraphStats", "Hop", "export_network", "find_path", "flat_network", "format_path",
           "format_stats", "graph_stats", "simple_undirected"]
