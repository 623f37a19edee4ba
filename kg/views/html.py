"""One self-contained HTML page per view: pyvis's Network as the data model, our own template for the page.

Why not pyvis's template: even with ``cdn_resources="in_line"`` it links
bootstrap and tom-select from a CDN, so the page breaks offline and leaks a
request when opened from an e-mail. Here vis-network's JS and CSS (the 9.1.2
build pyvis ships, copied to kg/views/assets with its licence) are inlined,
and a Content-Security-Policy with a per-page nonce forbids every fetch and
every script but ours.

Escaping has three layers, because article text is untrusted: the data goes
into a ``type="application/json"`` block with ``<``, ``>``, ``&`` and the JS
line separators written as ``\\uXXXX`` (no ``</script>`` can close it); the
page script puts text into the DOM only through ``textContent`` and builds
tooltips as elements; Jinja autoescapes the few strings in the markup. The
CSP nonce is the backstop: an injected inline handler would not run even if
one of the layers failed.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from kg.io import write_atomic
from kg.text import fold_width, normalise
from kg.views.coattendance import coattendance_for_view, coattendance_network
from kg.views.layout import compute_positions
from kg.views.network import Queryable, ViewError, ViewFilter, filter_network, load_network
from kg.views.style import (
    DEFAULT_OUTPUT,
    EDGE_COLOR,
    LINKS,
    MAX_NODES,
    NETWORKS,
    PHYSICS_LIMIT,
    POST_COLOR,
    PREDICATES,
    TYPES,
    node_size,
)

ASSETS = Path(__file__).resolve().parent / "assets"


@dataclass
class ViewSummary:
    """What a page shows against what the graph holds, so the CLI and build can report it."""

    output: Path
    nodes: int
    edges: int
    total_nodes: int
    total_edges: int
    physics: bool
    seconds: float
    omitted_by_type: dict[str, int] = field(default_factory=dict)

    @property
    def omitted_nodes(self) -> int:
        return self.total_nodes - self.nodes


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str, str]:
    """vis-network JS/CSS, our script and template; read once. Falls back to pyvis's copy if ours is missing."""
    js, css = ASSETS / "vis-network.min.js", ASSETS / "vis-network.css"
    if not js.exists() or not css.exists():  # pragma: no cover - a wheel built without package data
        import pyvis
        lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
        js, css = lib / "vis-network.min.js", lib / "vis-network.css"
    # split on "\n" only: str.splitlines() would also cut at U+2028 and friends inside the minified strings
    vis_js = "\n".join(ln for ln in js.read_text(encoding="utf-8").split("\n")
                       if not ln.startswith("//# sourceMappingURL"))
    return (vis_js, css.read_text(encoding="utf-8"), (ASSETS / "view.js").read_text(encoding="utf-8"),
            (ASSETS / "view.html.j2").read_text(encoding="utf-8"))


def safe_json(value: Any) -> str:
    """JSON that cannot end the <script> element it sits in, nor be read as markup."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


@lru_cache(maxsize=1)
def _s2t() -> Any:
    import opencc
    return opencc.OpenCC("s2t")


def search_keys(names: list[str]) -> list[str]:
    """The forms the search box matches: as printed and simplified (kg.text's two folds), both lower-cased.

    The page's ``norm`` folds what is typed the same way (NFKC, lower case, no
    spaces, then its traditional → simplified table), so the printed form
    catches a query the table cannot fold and the simplified one the rest.
    Lower case because the browser search ignores case; the graph does not.
    """
    out: dict[str, None] = {}
    for name in names:
        for form in (fold_width(name).lower(), normalise(name).lower()):
            if form:
                out[form] = None
    return list(out)


def script_fold(names: list[str]) -> dict[str, str]:
    """Traditional → simplified for every character of these names, both ways round.

    The browser has no OpenCC, so the page carries this small table (only the
    characters its own names use) and folds what is typed character by
    character: 鍾離述安, 钟離述安 and 钟离述安 all find the same person.
    """
    fold: dict[str, str] = {}
    for ch in {c for name in names for c in name}:
        simp = normalise(ch)
        if len(simp) == 1 and simp != ch:
            fold[ch] = simp
        trad = _s2t().convert(simp if len(simp) == 1 else ch)
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            fold[trad] = simp
    return dict(sorted(fold.items()))


def keep_top(G: nx.MultiDiGraph, max_nodes: int, pinned: list[Any]) -> nx.MultiDiGraph:
    """The ``max_nodes`` best-connected entities (focus centres always kept), ties broken by label for stability."""
    deg = dict(G.degree())
    ranked = sorted(G, key=lambda n: (n not in pinned, -deg[n], G.nodes[n].get("label", ""), str(n)))
    return G.subgraph(ranked[:max_nodes]).copy()


def _omitted_note(G: nx.MultiDiGraph, H: nx.MultiDiGraph, by_type: dict[str, int]) -> str:
    left = "、".join(f"{TYPES[t].zh} {c}" for t, c in by_type.items() if c)
    return (f"图中共有 {G.number_of_nodes()} 个实体、{G.number_of_edges()} 条关系；为保持页面流畅，只显示关联最多的 "
            f"{H.number_of_nodes()} 个实体和它们之间的 {H.number_of_edges()} 条关系，省略了 "
            f"{G.number_of_nodes() - H.number_of_nodes()} 个实体（{left}）和 "
            f"{G.number_of_edges() - H.number_of_edges()} 条关系。要看其余部分，请聚焦到一个实体："
            f"kg viz --focus 名称 --hops 2，或用 --types、--predicates、--article、--since/--until 缩小范围，"
            f"或提高 --max-nodes。 "
            f"Showing the {H.number_of_nodes()} best-connected of {G.number_of_nodes()} entities; "
            f"{G.number_of_nodes() - H.number_of_nodes()} entities and {G.number_of_edges() - H.number_of_edges()} "
            f"relations are left out. Use --focus NAME --hops N or the filters to see them.")


def _nodes_edges(H: nx.MultiDiGraph, positions: dict[Any, tuple[float, float]], focus: list[Any]
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[Any, int]]:
    ids = {n: i for i, n in enumerate(H)}
    deg = dict(H.degree())
    nodes = []
    for n, d in H.nodes(data=True):
        typ = d.get("type", "Organization")
        st = TYPES.get(typ, TYPES["Organization"])
        label = d.get("label", str(n))
        aliases = list(d.get("aliases", []))
        node: dict[str, Any] = {
            "id": ids[n], "label": label, "shape": st.shape, "color": st.color, "size": node_size(deg[n]),
            "kg": {"iri": str(n), "type": typ, "tzh": st.zh, "names": list(d.get("names", [])) or [label],
                   "aliases": aliases, "posts": [[p[0], p[1]] for p in d.get("posts", [])],
                   "dates": list(d.get("dates", [])), "articles": list(d.get("articles", [])), "degree": deg[n],
                   "keys": search_keys([label, *d.get("names", []), *aliases])},
        }
        if n in focus:
            node["borderWidth"] = 4
        if n in positions:
            node["x"], node["y"] = positions[n]
        nodes.append(node)
    edges = []
    parallel: Counter[tuple[int, int]] = Counter()
    for i, (s, o, d) in enumerate(H.edges(data=True)):
        pred = d.get("predicate", "")
        zh, en = PREDICATES.get(pred) or LINKS.get(pred) or (pred, pred)
        a, b = ids[s], ids[o]
        pair = (min(a, b), max(a, b))
        k = parallel[pair]
        parallel[pair] += 1
        title = d.get("title", "")
        edge: dict[str, Any] = {
            "id": i, "from": a, "to": b, "label": title or zh, "arrows": "to",
            "color": {"color": POST_COLOR if pred == "post" else EDGE_COLOR},
            "kg": {"p": pred, "zh": zh, "en": en, "title": title,
                   "ev": [[e.get("article", ""), e.get("sentence", "")] for e in d.get("evidence", [])]},
        }
        if d.get("weight"):  # a derived network's link (co-attendance): the count on it, thicker the more events
            edge["label"] = f"{zh} {d['weight']}"
            edge["width"] = min(1 + d["weight"], 8)
            edge["kg"]["weight"] = d["weight"]
            edge["kg"]["events"] = [[e["label"], "、".join(e["dates"])] for e in d.get("events", [])]
        if d.get("undirected"):
            edge["arrows"] = {"to": {"enabled": False}}
            edge["kg"]["undirected"] = True
        if k:  # parallel edges curve apart instead of drawing over each other (static curves: no physics cost)
            edge["smooth"] = {"enabled": True, "type": "curvedCW" if k % 2 else "curvedCCW",
                              "roundness": 0.15 * ((k + 1) // 2)}
        edges.append(edge)
    return nodes, edges, ids


_FONTS = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


def _iterations(n: int, positioned: bool) -> int:
    """Physics steps before the page freezes the layout: about 4 s of work at any size up to the physics limit."""
    if not positioned:
        return 600
    return max(60, min(600, 100_000 // max(n, 1)))


def _options(n: int, physics: bool, positioned: bool) -> dict[str, Any]:
    big = n > PHYSICS_LIMIT
    opts: dict[str, Any] = {
        "autoResize": True,
        "nodes": {"font": {"size": 14, "face": _FONTS}, "borderWidth": 1, "scaling": {"label": {"drawThreshold": 6}}},
        # smooth off: vis-network's default dynamic curves add a hidden physics node per edge
        "edges": {"smooth": False, "width": 1, "font": {"size": 10, "align": "middle", "color": "#555"},
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "selectionWidth": 2},
        "interaction": {"hover": not big, "tooltipDelay": 150, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "navigationButtons": False, "keyboard": False},
        "layout": {"improvedLayout": not positioned and n <= 100, "randomSeed": 7},
    }
    if physics:
        opts["physics"] = {"enabled": True, "solver": "barnesHut",
                           "barnesHut": {"gravitationalConstant": -4000, "springLength": 110, "springConstant": 0.04,
                                         "damping": 0.3, "avoidOverlap": 0.1},
                           "minVelocity": 1.0,
                           # seeded with Python positions only a polish is needed; an iteration costs about
                           # 40 ms at 1,000 nodes in headless Chromium, so the budget shrinks as graphs grow
                           "stabilization": {"enabled": True, "iterations": _iterations(n, positioned),
                                             "updateInterval": 25, "fit": True}}
    else:
        opts["physics"] = {"enabled": False}
    return opts


def render_html(G: nx.MultiDiGraph, output: str | os.PathLike[str] = DEFAULT_OUTPUT, *, title: str | None = None,
                max_nodes: int = MAX_NODES, physics_limit: int = PHYSICS_LIMIT, focus: list[Any] | None = None,
                description: str = "") -> ViewSummary:
    """Write ``G`` as one offline HTML page (atomically) and say what it shows.

    Up to ``physics_limit`` nodes the browser lays the graph out (seeded with
    Python positions above 100 nodes, so it settles in a few hundred
    iterations) and stops physics once stable; above it positions come from
    ``compute_positions`` and physics stays off; above ``max_nodes`` only the
    best-connected entities are drawn and the page says what was left out.
    """
    from jinja2 import Environment
    from pyvis.network import Network

    t0 = time.monotonic()
    focus = [n for n in (focus or []) if n in G]
    H = G
    by_type: dict[str, int] = {}
    note = ""
    if max_nodes > 0 and G.number_of_nodes() > max_nodes:
        H = keep_top(G, max_nodes, focus)
        left = Counter(d.get("type", "") for n, d in G.nodes(data=True) if n not in H)
        by_type = {t: left[t] for t in TYPES if left[t]}
        note = _omitted_note(G, H, by_type)
    n = H.number_of_nodes()
    physics = n <= physics_limit
    positions = compute_positions(H) if n > 100 else {}
    nodes, edges, ids = _nodes_edges(H, positions, focus)

    # pyvis holds the network and its options; filling nodes/edges directly, add_node is quadratic
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.nodes, net.edges = nodes, edges
    net.options = _options(n, physics, bool(positions))
    nodes, edges, _heading, _h, _w, options_json = net.get_network_data()

    vis_js, vis_css, app_js, template = _assets()
    counts = Counter(d.get("type") for _, d in H.nodes(data=True))
    legend = [{"zh": s.zh, "en": s.en, "color": s.color, "shape": s.shape, "count": counts.get(t, 0)}
              for t, s in TYPES.items()]
    arts = G.graph.get("articles", {})
    used = {e[0] for edge in edges for e in edge["kg"]["ev"]} | {a for nd in nodes for a in nd["kg"]["articles"]}
    data = {
        "nodes": nodes, "edges": edges, "options": json.loads(options_json),
        "articles": {a: arts[a] for a in sorted(used) if a in arts},
        "fold": script_fold([name for nd in nodes for name in (nd["label"], *nd["kg"]["names"], *nd["kg"]["aliases"])]),
        "meta": {"nodes": len(nodes), "edges": len(edges), "total_nodes": G.number_of_nodes(),
                 "total_edges": G.number_of_edges(), "physics": physics, "positioned": bool(positions),
                 "focus": [ids[f] for f in focus if f in ids], "omitted_by_type": by_type},
    }
    summary_text = (f"显示 {len(nodes)} 个实体、{len(edges)} 条关系 · "
                    f"showing {len(nodes)} entities, {len(edges)} relations")
    if description:
        summary_text += f" · {description}"
    from kg.rdf import KG_VERSION
    html = Environment(autoescape=True).from_string(template).render(
        title=title or "kg 知识图谱 knowledge graph", nonce=secrets.token_urlsafe(18), version=KG_VERSION,
        vis_css=vis_css, vis_js=vis_js, app_js=app_js, data=safe_json(data), legend=legend,
        summary=summary_text, note=note, post_color=POST_COLOR, edge_color=EDGE_COLOR)
    out = write_atomic(output, lambda fh: fh.write(html.encode("utf-8")))
    return ViewSummary(out, len(nodes), len(edges), G.number_of_nodes(), G.number_of_edges(), physics,
                       time.monotonic() - t0, by_type)


def write_view(store: Queryable | str | os.PathLike[str], output: str | os.PathLike[str] = DEFAULT_OUTPUT, *,
               title: str | None = None, max_nodes: int = MAX_NODES, physics_limit: int = PHYSICS_LIMIT,
               network: str = "entities", min_weight: int = 1, **filters: Any) -> ViewSummary:
    """Load the store, apply ``filters`` (see ``ViewFilter.from_kwargs``) and write the page: what `kg viz` does.

    ``store`` may be an open GraphStore (as ``kg build`` holds it, locked for
    writing) or a directory. Filters: focus, hops, types, predicates, since,
    until, article, keyword. ``network="coattendance"`` draws who met whom
    (kg.views.coattendance) instead of the entity graph: the article, date and
    keyword filters choose the evidence first, then the pairs are formed (with
    at least ``min_weight`` shared events), then the focus applies to people.
    Raises ViewError for a filter that cannot be met.
    """
    f = ViewFilter.from_kwargs(**filters)
    G = load_network(store)
    if network == "coattendance":
        if f.types or f.predicates:
            raise ViewError("--types and --predicates choose parts of the entity network; "
                            "the co-attendance network has only people and their shared events")
        pre = ViewFilter(since=f.since, until=f.until, articles=f.articles, keywords=f.keywords)
        if pre.since or pre.until or pre.articles or pre.keywords:
            G = filter_network(G, pre)
        H = coattendance_for_view(coattendance_network(G, min_weight))
        centres: list[Any] = []
        if f.focus:  # over people and their links, so a hop is one shared event
            around = ViewFilter(focus=f.focus, hops=f.hops)
            H = filter_network(H, around)
            centres = around.focus_nodes
        description = "; ".join(x for x in ("co-attendance 共同出席", f.describe()) if x)
        return render_html(H, output, title=title or "kg 共同出席网络 who met whom", max_nodes=max_nodes,
                           physics_limit=physics_limit, focus=centres, description=description)
    if network != "entities":
        raise ViewError(f"unknown network {network!r} (choose from {', '.join(NETWORKS)})")
    needs = f.focus or f.types or f.predicates or f.since or f.until or f.articles or f.keywords
    H = filter_network(G, f) if needs else G
    return render_html(H, output, title=title, max_nodes=max_nodes, physics_limit=physics_limit,
                       focus=f.focus_nodes, description=f.describe())


__all__ = ["DEFAULT_OUTPUT", "MAX_NODES", "PHYSICS_LIMIT", "ViewSummary", "render_html", "safe_json", "search_keys",
           "write_view"]
