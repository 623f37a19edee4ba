"""Node positions computed in Python, for graphs too big for the browser's physics to settle.

Chosen by measurement on this project's 2-core machine (synthetic graphs,
benchmarks/viz_scale.py; README, "Viewing the graph" → Design notes): igraph's Fruchterman-Reingold with its grid
approximation lays out 5,000 nodes in about 0.1-0.5 s and 20,000 in 0.4-2.7 s;
igraph's DrL took 8 s and 38 s; networkx ``spring_layout`` took 49 s at 5,000
and needs scipy above 500 nodes. In the browser the same graphs
with vis-network physics were still moving after a minute, so above the
physics limit the page gets fixed positions and physics off.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

#: pixels between neighbouring nodes on the page, roughly; vis-network's default spring length is 95
SPACING = 90.0


def compute_positions(G: nx.Graph, seed: int = 0, niter: int = 300) -> dict[Any, tuple[float, float]]:
    """Fruchterman-Reingold positions (igraph, grid approximation), scaled to page pixels around the origin.

    Falls back to networkx's circular layout when igraph is missing, which is
    ugly but instant: a layout must never be the reason a page is not written.
    """
    nodes = list(G)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = {(index[u], index[v]) if index[u] < index[v] else (index[v], index[u])
             for u, v in G.edges() if u != v}
    try:
        import igraph as ig
    except ImportError:  # pragma: no cover - igraph is a declared dependency
        raw = nx.circular_layout(G)
        coords = [tuple(raw[v]) for v in nodes]
    else:
        import random
        state = random.getstate()
        random.seed(seed)  # igraph draws its start positions from Python's random: seeded, the page is reproducible
        try:
            h = ig.Graph(n=n, edges=sorted(pairs))
            coords = [tuple(c) for c in h.layout_fruchterman_reingold(niter=niter, grid=True).coords]
        finally:
            random.setstate(state)
    xs = sorted(c[0] for c in coords)
    ys = sorted(c[1] for c in coords)
    cx, cy = xs[n // 2], ys[n // 2]
    # scale the middle 90% to a square of side SPACING * sqrt(n) (about SPACING^2 of room per node); the
    # bounding box would let a few far-flung isolated entities squeeze the connected core into a blot
    lo, hi = n // 20, n - 1 - n // 20
    span = max(xs[hi] - xs[lo], ys[hi] - ys[lo]) or 1.0
    scale = SPACING * math.sqrt(n) * 0.9 / span
    return {v: (round((x - cx) * scale, 1), round((y - cy) * scale, 1))
            for v, (x, y) in zip(nodes, coords, strict=True)}


__all__ = ["SPACING", "compute_positions"]
