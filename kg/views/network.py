"""The store as a networkx MultiDiGraph of entities, and the filters a view applies to it.

Views work on networkx rather than on SPARQL results because degree, ego
graphs, shortest paths and GraphML/GEXF export are one call there. The graph
is read with a handful of whole-store SPARQL queries (not one per entity), so
loading costs the same few round trips at 10 articles or 10,000.

Shape of the graph:

- nodes are entity IRIs with ``label`` (the name most articles print),
  ``type`` (Person, Organization, Alliance, Event, Place, Work), ``names`` (every
  printed name), ``aliases``, ``posts`` (title, organisation label, article),
  ``dates`` (``kg:heldOn`` of events) and ``articles`` (ids of the articles
  that mention it);
- edges are keyed by predicate (``post:<title>`` for posts), one per distinct
  (subject, predicate, object) however many articles say it, with every
  ``evidence`` kept: article id, sentence, start, end;
- ``G.graph["articles"]`` maps article id to title, publication date, URL and
  ``keywords`` (``schema:keywords``, kg.topics; sorted, their rank is not stored).
"""

from __future__ import annotations

import os
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import networkx as nx

from kg.text import name_key, normalise
from kg.views.style import PREDICATES, TYPES, resolve_predicate, resolve_type
from kg.vocab import KG_NS

_TYPE_VALUES = " ".join(f"kg:{t}" for t in TYPES)


class ViewError(Exception):
    """A view that cannot be drawn as asked (unknown name, bad date, unknown type); shown to the user as is."""


class Queryable(Protocol):
    """What the loader needs of a store: GraphStore satisfies it; so does any object with a SPARQL ``query``."""

    def query(self, sparql: str) -> Any: ...


def _v(row: Any, key: str) -> str | None:
    term = row[key]
    return None if term is None else str(term.value)


def open_store(store: Queryable | str | os.PathLike[str]) -> Queryable:
    """Accept an open GraphStore (what ``kg build`` holds, locked for writing) or a directory to open read-only."""
    if hasattr(store, "query"):
        return store  # type: ignore[return-value]
    from kg.store import GraphStore
    return GraphStore.open_existing(store)  # type: ignore[arg-type]


def load_network(store: Queryable | str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read every entity, post and relation of the store (union of all article graphs) into one MultiDiGraph."""
    st = open_store(store)
    G = nx.MultiDiGraph()
    articles: dict[str, dict[str, str]] = {}
    art_id: dict[str, str] = {}
    q = """SELECT ?a ?id ?title ?issued ?url WHERE { ?a a kg:Article ; dcterms:identifier ?id .
             OPTIONAL { ?a dcterms:title ?title } OPTIONAL { ?a dcterms:issued ?issued }
             OPTIONAL { ?a schema:url ?url } }"""
    for r in st.query(q):
        aid = _v(r, "id") or ""
        art_id[_v(r, "a") or ""] = aid
        articles[aid] = {"title": _v(r, "title") or "", "published": _v(r, "issued") or "", "url": _v(r, "url") or ""}
    G.graph["articles"] = articles
    keywords: dict[str, set[str]] = defaultdict(set)
    for r in st.query("SELECT ?a ?kw WHERE { ?a a kg:Article ; schema:keywords ?kw }"):
        keywords[art_id.get(_v(r, "a") or "", "")].add(_v(r, "kw") or "")
    for aid, a in articles.items():
        a["keywords"] = sorted(keywords.get(aid, ()))  # type: ignore[assignment]

    # labels counted per article graph, so the name most articles print wins
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    types: dict[str, set[str]] = defaultdict(set)
    q = f"SELECT ?g ?e ?t ?label WHERE {{ VALUES ?t {{ {_TYPE_VALUES} }} GRAPH ?g {{ ?e a ?t ; rdfs:label ?label }} }}"
    for r in st.query(q):
        e = _v(r, "e") or ""
        labels[e][_v(r, "label") or ""] += 1
        types[e].add((_v(r, "t") or "").removeprefix(KG_NS))
    order = list(TYPES)
    for e, counts in labels.items():
        label = sorted(counts.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
        typ = min(types[e], key=lambda t: order.index(t) if t in order else len(order))
        G.add_node(e, label=label, type=typ, names=sorted(counts), aliases=[], posts=[], dates=[], articles=[])

    aliases: dict[str, set[str]] = defaultdict(set)
    for r in st.query("SELECT DISTINCT ?e ?alias WHERE { ?e skos:altLabel ?alias }"):
        aliases[_v(r, "e") or ""].add(_v(r, "alias") or "")
    mentioned: dict[str, set[str]] = defaultdict(set)
    q = "SELECT DISTINCT ?e ?a WHERE { ?m a kg:Mention ; kg:mentionOf ?e ; prov:wasDerivedFrom ?a }"
    for r in st.query(q):
        mentioned[_v(r, "e") or ""].add(art_id.get(_v(r, "a") or "", ""))

    edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def evidence(r: Any) -> dict[str, Any]:
        start, end = _v(r, "start"), _v(r, "end")
        return {"article": art_id.get(_v(r, "a") or "", ""), "sentence": _v(r, "sent") or "",
                "start": int(start) if start else None, "end": int(end) if end else None}

    def add_edge(s: str, o: str, key: str, attrs: dict[str, Any], ev: dict[str, Any]) -> None:
        if s not in G or o not in G:
            return
        slot = edges.setdefault((s, o, key), {**attrs, "evidence": []})
        if ev not in slot["evidence"]:
            slot["evidence"].append(ev)
        mentioned[s].add(ev["article"])
        mentioned[o].add(ev["article"])

    q = """SELECT ?s ?p ?o ?a ?sent ?start ?end WHERE {
             ?st a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?a .
             OPTIONAL { ?st kg:sentence ?sent } OPTIONAL { ?st kg:start ?start ; kg:end ?end } }"""
    for r in st.query(q):
        s, o = _v(r, "s") or "", _v(r, "o") or ""
        pred = (_v(r, "p") or "").removeprefix(KG_NS)
        if pred == "heldOn":
            if s in G and o not in G.nodes[s]["dates"]:
                G.nodes[s]["dates"].append(o)
            continue
        if pred in PREDICATES:
            add_edge(s, o, pred, {"predicate": pred}, evidence(r))

    q = """SELECT ?p ?title ?o ?a ?sent ?start ?end WHERE {
             ?m a org:Membership ; org:member ?p ; org:role/rdfs:label ?title .
             ?st kg:statementOf ?m ; prov:wasDerivedFrom ?a .
             OPTIONAL { ?m org:organization ?o } OPTIONAL { ?st kg:sentence ?sent }
             OPTIONAL { ?st kg:start ?start ; kg:end ?end } }"""
    for r in st.query(q):
        p, o, title = _v(r, "p") or "", _v(r, "o"), _v(r, "title") or ""
        if p not in G:
            continue
        ev = evidence(r)
        post = [title, G.nodes[o]["label"] if o in G else "", ev["article"]]
        if post not in G.nodes[p]["posts"]:
            G.nodes[p]["posts"].append(post)
        if o is not None:
            add_edge(p, o, f"post:{title}", {"predicate": "post", "title": title}, ev)

    for n, data in G.nodes(data=True):
        data["aliases"] = sorted(aliases.get(n, set()) - {data["label"]})
        data["articles"] = sorted(mentioned.get(n, set()) - {""})
        data["posts"].sort()
        data["dates"].sort()
    for (s, o, key), attrs in sorted(edges.items()):
        attrs["evidence"].sort(key=lambda e: (e["article"], e["start"] or 0))
        G.add_edge(s, o, key=key, **attrs)
    return G


# ---------------------------------------------------------------------- names


def node_names(G: nx.MultiDiGraph, n: Any) -> list[str]:
    d = G.nodes[n]
    return [d.get("label", str(n)), *d.get("names", []), *d.get("aliases", [])]


def find_nodes(G: nx.MultiDiGraph, name: str) -> list[Any]:
    """Entities whose label, printed name or alias equals ``name`` once both are simplified and normalised.

    Several IRIs may answer one name (namesakes kept apart by linking); all are
    returned, most connected first, so a focus shows every candidate.
    """
    key = name_key(name)
    if not key:
        return []
    hits = [n for n in G if any(name_key(x) == key for x in node_names(G, n)) or n == name]
    return sorted(hits, key=lambda n: (-G.degree(n), G.nodes[n].get("label", "")))


def resolve_one(G: nx.MultiDiGraph, name: str) -> list[Any]:
    """``find_nodes`` or a ViewError that suggests close names, because a typo should not yield an empty page."""
    hits = find_nodes(G, name)
    if hits:
        return hits
    key = name_key(name)
    close = sorted({G.nodes[n]["label"] for n in G if key and any(key in name_key(x) for x in node_names(G, n))})
    hint = f" (did you mean: {'、'.join(close[:5])}?)" if close else ""
    raise ViewError(f"no entity named {name!r} in the graph{hint}")


# ---------------------------------------------------------------------- filters


@dataclass
class ViewFilter:
    """What to draw. Empty fields mean no restriction; ``focus`` names are resolved like ``find_nodes``."""

    focus: Sequence[str] = ()
    hops: int = 1
    types: Sequence[str] = ()
    predicates: Sequence[str] = ()
    since: str | None = None
    until: str | None = None
    articles: Sequence[str] = ()
    keywords: Sequence[str] = ()
    focus_nodes: list[Any] = field(default_factory=list)

    @classmethod
    def from_kwargs(cls, focus: str | Sequence[str] | None = None, hops: int = 1,
                    types: str | Sequence[str] | None = None, predicates: str | Sequence[str] | None = None,
                    since: str | None = None, until: str | None = None,
                    article: str | Sequence[str] | None = None,
                    articles: str | Sequence[str] | None = None,
                    keyword: str | Sequence[str] | None = None) -> ViewFilter:
        """Accept single strings, comma-separated lists or sequences, as the CLI and notebooks pass them."""
        if hops < 0:
            raise ViewError(f"--hops must be 0 or more, not {hops}")
        try:
            typ = [resolve_type(t) for t in _strings(types)]
            preds = [resolve_predicate(p) for p in _strings(predicates)]
        except ValueError as exc:
            raise ViewError(str(exc)) from exc
        return cls(focus=_strings(focus, split=False), hops=hops, types=typ, predicates=preds,
                   since=_date(since, "since"), until=_date(until, "until"),
                   articles=[*_strings(article, split=False), *_strings(articles, split=False)],
                   keywords=[normalise(k) for k in _strings(keyword)])

    def describe(self) -> str:
        parts = []
        if self.focus:
            parts.append(f"focus {'、'.join(self.focus)}, {self.hops} hop{'s' if self.hops != 1 else ''}")
        if self.types:
            parts.append("types " + ", ".join(self.types))
        if self.predicates:
            parts.append("predicates " + ", ".join(self.predicates))
        if self.since or self.until:
            parts.append(f"published {self.since or '…'} to {self.until or '…'}")
        if self.articles:
            parts.append("articles " + ", ".join(self.articles))
        if self.keywords:
            parts.append("keywords " + "、".join(self.keywords))
        return "; ".join(parts)


def _strings(value: str | Sequence[str] | None, split: bool = True) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        out.extend(x.strip() for x in (item.split(",") if split else [item]) if x.strip())
    return out


def _date(value: str | None, what: str) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD; compared as a prefix so --until 2025-09 includes all of September."""
    import re
    if value is None or value == "":
        return None
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise ViewError(f"--{what} {value!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)")
    return value


def _article_ids(G: nx.MultiDiGraph, refs: Iterable[str]) -> set[str]:
    arts: dict[str, dict[str, str]] = G.graph.get("articles", {})
    out = set()
    for ref in refs:
        hits = {aid for aid, a in arts.items() if ref in (aid, a.get("url"))}
        if not hits:
            raise ViewError(f"no article {ref!r} in the graph (give its id or URL; `kg query --name about` lists them)")
        out |= hits
    return out


def _keyword_articles(G: nx.MultiDiGraph, keywords: Iterable[str]) -> set[str]:
    """Articles with any of ``keywords`` (normalised); a keyword no article has is an error, not a blank page."""
    arts: dict[str, dict[str, Any]] = G.graph.get("articles", {})
    out: set[str] = set()
    for kw in keywords:
        hits = {aid for aid, a in arts.items() if kw in a.get("keywords", ())}
        if not hits:
            close = sorted({k for a in arts.values() for k in a.get("keywords", ()) if kw in k or k in kw})
            hint = f" (did you mean: {'、'.join(close[:5])}?)" if close else ""
            raise ViewError(f"no article has the keyword {kw!r}{hint}; `kg query --name articles_about` lists them")
        out |= hits
    return out


def filter_network(G: nx.MultiDiGraph, f: ViewFilter) -> nx.MultiDiGraph:
    """The subgraph ``f`` asks for, as a new graph; ``focus_nodes`` on ``f`` is filled with the resolved centres.

    Order matters and is fixed: articles (by id or date) first, because they
    decide which evidence exists at all; then types and predicates; the focus
    neighbourhood last, so hops are counted over what will be drawn.
    """
    H = G.copy()
    arts: dict[str, dict[str, str]] = G.graph.get("articles", {})
    if f.articles or f.since or f.until or f.keywords:
        keep = _article_ids(G, f.articles) if f.articles else set(arts)
        if f.keywords:
            keep &= _keyword_articles(G, f.keywords)
        if f.since:
            keep = {a for a in keep if arts[a].get("published") and arts[a]["published"][:len(f.since)] >= f.since}
        if f.until:
            keep = {a for a in keep if arts[a].get("published") and arts[a]["published"][:len(f.until)] <= f.until}
        H.remove_nodes_from([n for n, d in G.nodes(data=True) if not keep.intersection(d.get("articles", ()))])
        drop = []
        for s, o, k, d in H.edges(keys=True, data=True):
            ev = [e for e in d.get("evidence", []) if e.get("article") in keep]
            if ev:
                d["evidence"] = ev
            else:
                drop.append((s, o, k))
        H.remove_edges_from(drop)
        H.graph["articles"] = {a: arts[a] for a in sorted(keep)}
    if f.types:
        H.remove_nodes_from([n for n, d in G.nodes(data=True) if d.get("type") not in f.types])
    if f.predicates:
        H.remove_edges_from([(s, o, k) for s, o, k, d in H.edges(keys=True, data=True)
                             if d.get("predicate") not in f.predicates])
        H.remove_nodes_from([n for n in list(H) if H.degree(n) == 0])
    if f.focus:
        centres: list[Any] = []
        for name in f.focus:
            hits = resolve_one(G, name)
            inside = [n for n in hits if n in H]
            if not inside:
                raise ViewError(f"{name!r} is in the graph but the other filters leave it out")
            centres.extend(inside)
        reach: set[Any] = set()
        U = H.to_undirected(as_view=True)
        for c in centres:
            reach |= set(nx.single_source_shortest_path_length(U, c, cutoff=max(f.hops, 0)))
        H = H.subgraph(reach).copy()
        f.focus_nodes = list(dict.fromkeys(centres))
    return H


# ---------------------------------------------------------------------- synthetic graphs


def synthetic_network(n_nodes: int, seed: int = 0) -> nx.MultiDiGraph:
    """A graph of invented entities shaped like news (many people, fewer organisations and events, hubs).

    For benchmarks and scale tests: the same attributes as ``load_network``
    produces, about 1.6 edges per node, preferential attachment so a few
    events and organisations collect most people, as in real coverage.
    """
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    n_art = max(1, n_nodes // 20)
    G.graph["articles"] = {f"syn-{i}": {"title": f"合成报道{i}", "published": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
                                        "url": f"https://news.example.org/syn/{i}.html"} for i in range(n_art)}
    mix = [("Person", 0.5), ("Organization", 0.22), ("Alliance", 0.03), ("Event", 0.15), ("Place", 0.05),
           ("Work", 0.05)]
    by_type: dict[str, list[str]] = defaultdict(list)
    for i in range(n_nodes):
        r, acc, typ = rng.random(), 0.0, "Person"
        for t, share in mix:
            acc += share
            if r < acc:
                typ = t
                break
        iri = f"https://w3id.org/kg-news/id/syn/{i}"
        art = f"syn-{rng.randrange(n_art)}"
        G.add_node(iri, label=f"{TYPES[typ].zh}{i:05d}", type=typ, names=[f"{TYPES[typ].zh}{i:05d}"], aliases=[],
                   posts=[], dates=[], articles=[art])
        by_type[typ].append(iri)
    weight: Counter[str] = Counter()

    def pick(typ: str) -> str | None:
        pool = by_type.get(typ) or []
        if not pool:
            return None
        if rng.random() < 0.6 and weight:  # preferential attachment: hubs collect more
            cands = [rng.choice(pool) for _ in range(3)]
            return max(cands, key=lambda n: weight[n])
        return rng.choice(pool)

    def link(s: str | None, o: str | None, pred: str, title: str = "") -> None:
        if s is None or o is None or s == o:
            return
        art = G.nodes[s]["articles"][0]
        ev = {"article": art, "sentence": f"合成句子：{G.nodes[s]['label']}与{G.nodes[o]['label']}。", "start": 0,
              "end": 10}
        key = f"post:{title}" if pred == "post" else pred
        attrs = {"predicate": pred, "evidence": [ev], **({"title": title} if title else {})}
        G.add_edge(s, o, key=key, **attrs)
        for n in (s, o):
            weight[n] += 1
            if art not in G.nodes[n]["articles"]:
                G.nodes[n]["articles"].append(art)

    for p in by_type["Person"]:
        org = pick("Organization")
        if org is not None:
            link(p, org, "post", "主任")
            G.nodes[p]["posts"].append(["主任", G.nodes[org]["label"], G.nodes[p]["articles"][0]])
        link(p, pick("Event"), rng.choice(["attended", "attended", "spokeAt", "hosted"]))
    for ev in by_type["Event"]:
        link(pick("Organization"), ev, "organized")
        link(ev, pick("Place"), "heldAt")
    for w in by_type["Work"]:
        link(pick("Person"), w, "presented")
    for a in by_type["Alliance"]:
        for _ in range(3):
            link(pick("Organization"), a, "memberOf")
    return G


__all__ = ["Queryable", "ViewError", "ViewFilter", "filter_network", "find_nodes", "load_network", "node_names",
           "open_store", "resolve_one", "synthetic_network"]
