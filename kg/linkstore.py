"""Linking's memory: what the entities already in a store tell the linker, read back from the store.

The linker (kg.link) knows nothing of storage; the store (kg.store) knows
nothing of linking. This module is the one place that knows both: which
triples of an article graph say that a name, an alias or a post belongs to an
entity, so that the next build links to what earlier builds wrote.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib.namespace import DCTERMS, RDFS

from kg.link import KINDS, EventSeen, LinkIndex, Seen, generic_event
from kg.store import GraphStore
from kg.text import normalise
from kg.vocab import KG, KGR_NS, ORG


def link_index(store: GraphStore, exclude_graphs: Iterable[str] = (), only_graphs: Iterable[str] | None = None,
               ) -> LinkIndex:
    """What entity resolution needs to know of the stored graphs, leaving out graphs about to be rebuilt.

    Leaving them out is what makes a rebuild of the same input reproduce the
    same graph: an article never links to what its own previous version said.
    ``only_graphs``, when given, reads those graphs alone (kg.pipeline: the
    articles it cannot link again from its cache).
    """
    ids = store.article_graphs()
    skip = set(exclude_graphs)
    if only_graphs is not None:  # every other named graph, those with no metadata (an interrupted batch) too
        skip |= {g.value for g in store.store.named_graphs()} - set(only_graphs)
    idx = LinkIndex()
    q = f"""SELECT ?g ?e ?label ?n WHERE {{ GRAPH ?g {{
              ?e <{KG.normalizedName}> ?n ; <{RDFS.label}> ?label .
              FILTER NOT EXISTS {{ ?e a <{KG.Person}> }} }} }}"""
    rows = sorted((r["g"].value, r["e"].value, r["label"].value, r["n"].value) for r in store.query_dataset(q)
                  if r["g"].value not in skip)
    for g, e, label, n in rows:
        fam = e[len(KGR_NS):].split("/", 1)[0]
        if fam not in KINDS:
            continue
        seen = Seen(e, label, ids.get(g, g))
        # a normalised name equal to the label's normalised form is the primary name, others are aliases
        idx.add_name(fam, n, seen, alias=(n != normalise(label)))
    # persons and their posts in separate queries joined here: a multi-pattern OPTIONAL would make
    # pyoxigraph evaluate the whole right side, and role labels live in the default graph anyway
    q = f"""SELECT ?g ?p ?label ?n WHERE {{ GRAPH ?g {{
              ?p a <{KG.Person}> ; <{KG.normalizedName}> ?n ; <{RDFS.label}> ?label }} }}"""
    people = sorted((r["g"].value, r["p"].value, r["label"].value, r["n"].value) for r in store.query_dataset(q)
                    if r["g"].value not in skip)
    roles = {r["r"].value: r["t"].value for r in store.query_dataset(
        f"SELECT ?r ?t WHERE {{ ?r a <{ORG.Role}> ; <{RDFS.label}> ?t }}")}
    q = f"""SELECT ?g ?p ?org ?role WHERE {{ GRAPH ?g {{
              ?m <{ORG.member}> ?p ; <{ORG.organization}> ?org ; <{ORG.role}> ?role }} }}"""
    posts: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for r in store.query_dataset(q):
        if r["g"].value not in skip:
            posts.setdefault((r["g"].value, r["p"].value), []).append(
                (r["org"].value, roles.get(r["role"].value, "")))
    for g, p, label, n in people:
        where = ids.get(g, g)
        held = sorted(posts.get((g, p), []))
        if not held:
            idx.add_person(n, p, label, None, None, where)
        for org, title in held:
            idx.add_person(n, p, label, org, title or None, where)
    q = f"SELECT ?o ?l WHERE {{ GRAPH ?g {{ ?o a <{ORG.Organization}> ; <{RDFS.label}> ?l }} }}"
    for r in store.query_dataset(q):
        idx.labels.setdefault(r["o"].value, r["l"].value)
    _events_and_hierarchy(store, idx, skip, ids)
    return idx


def _events_and_hierarchy(store: GraphStore, idx: LinkIndex, skip: set[str], ids: dict[str, str]) -> None:
    """Generic-named events with the date, places, people and organisers that identify them (kg.link), the events
    each person was at, and the organisation hierarchy that links a person's posts across a job change."""
    def rows(q: str, *names: str) -> list[tuple[str, ...]]:
        return sorted(tuple(r[n].value for n in names) for r in store.query_dataset(q) if r["g"].value not in skip)

    issued = {r["g"].value: r["d"].value for r in store.query_dataset(
        f"SELECT ?g ?d WHERE {{ ?a <{KG.namedGraph}> ?g ; <{DCTERMS.issued}> ?d }}")}
    events: dict[tuple[str, str], EventSeen] = {}
    for g, e, label, n in rows(f"""SELECT ?g ?e ?label ?n WHERE {{ GRAPH ?g {{
              ?e a <{KG.Event}> ; <{KG.normalizedName}> ?n ; <{RDFS.label}> ?label }} }}""", "g", "e", "label", "n"):
        if generic_event(n) and (g, e) not in events:
            events[(g, e)] = EventSeen(e, label, ids.get(g, g), None, issued.get(g))
    context = {"date": f"?e <{KG.heldOn}> ?v", "places": f"?e <{KG.heldAt}>/<{KG.normalizedName}> ?v",
               "people": f"?v0 <{KG.attended}>|<{KG.spokeAt}>|<{KG.hosted}> ?e . ?v0 <{KG.normalizedName}> ?v",
               "organisers": f"?v0 <{KG.organized}> ?e . ?v0 <{KG.normalizedName}> ?v"}
    for what, pattern in context.items():
        for g, e, v in rows(f"SELECT ?g ?e ?v WHERE {{ GRAPH ?g {{ ?e a <{KG.Event}> . {pattern} }} }}",
                            "g", "e", "v"):
            ev = events.get((g, e))
            if ev is None:
                continue
            if what == "date":
                ev.date = ev.date or v
            else:
                getattr(ev, what).add(v)
    for ev in events.values():
        idx.add_event(normalise(ev.label), ev)
    for g, p, e in rows(f"""SELECT ?g ?p ?e WHERE {{ GRAPH ?g {{ ?p a <{KG.Person}> ;
              <{KG.attended}>|<{KG.spokeAt}>|<{KG.hosted}> ?e }} }}""", "g", "p", "e"):
        idx.add_person_event(p, e, ids.get(g, g))
    for _g, child, parent in rows(f"SELECT ?g ?c ?p WHERE {{ GRAPH ?g {{ ?c <{ORG.subOrganizationOf}> ?p }} }}",
                                  "g", "c", "p"):
        idx.add_parent(child, parent)


__all__ = ["link_index"]
