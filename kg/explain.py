"""`kg explain`: why mentions were merged into one entity, read back from the ``kg:Mention`` records.

Every mention records the link rule that fired and a note saying why (see
kg.link); this module only finds the entity a user names and gathers those
records article by article, so the explanation is what the build decided,
never recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib.namespace import RDFS

from kg.resources import resource
from kg.sparql import compact
from kg.store import GraphStore
from kg.text import normalise
from kg.vocab import KGR_NS


class ExplainError(LookupError):
    """No entity goes by the name asked about; the message says so, as the user typed it."""


@dataclass
class MentionReport:
    article: str
    title: str
    surface: str
    rule: str
    note: str
    sentence: str
    start: int | None
    end: int | None


@dataclass
class EntityReport:
    iri: str
    types: list[str]
    names: list[str]
    aliases: list[str]
    mentions: list[MentionReport]




@lru_cache(maxsize=1)
def rule_labels() -> dict[str, str]:
    """English labels of the link rules, read from the ontology so the wording lives in one place."""
    return {
        q.subject.value: q.object.value
        for q in ox.parse(path=str(resource("ontology", "kg.ttl")), format=ox.RdfFormat.TURTLE)
        if isinstance(q.subject, ox.NamedNode) and q.predicate.value == str(RDFS.label)
        and isinstance(q.object, ox.Literal) and q.object.language == "en"}


def compact_rule(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def find_entities(store: GraphStore, ref: str) -> list[str]:
    """IRIs named by ``ref``: a full IRI, a kgr: prefixed IRI, or any spelling of a name or alias."""
    if ref.startswith(("http://", "https://")):
        return [ref]
    if ref.startswith("kgr:"):
        return [KGR_NS + ref[4:]]
    name = ox.Literal(normalise(ref))
    res = store.query(f"SELECT DISTINCT ?e WHERE {{ ?e kg:normalizedName {name} }} ORDER BY ?e")
    return [r["e"].value for r in res]


def explain_entity(store: GraphStore, iri: str) -> EntityReport | None:
    """Everything recorded about how mentions were linked to ``iri``, article by article."""
    e = str(ox.NamedNode(iri))
    types = sorted({r["t"].value for r in store.query(f"SELECT ?t WHERE {{ {e} a ?t }}")})
    if not types:
        return None
    names = sorted({r["l"].value for r in store.query(f"SELECT ?l WHERE {{ {e} rdfs:label ?l }}")})
    aliases = sorted({r["l"].value for r in store.query(f"SELECT ?l WHERE {{ {e} skos:altLabel ?l }}")})
    q = """SELECT ?id ?title ?surface ?rule ?note ?sentence ?start ?end WHERE {
             ?m kg:mentionOf E ; kg:surfaceForm ?surface ; kg:linkRule ?rule ; prov:wasDerivedFrom ?a .
             OPTIONAL { ?m kg:linkNote ?note } OPTIONAL { ?m kg:sentence ?sentence }
             OPTIONAL { ?m kg:start ?start } OPTIONAL { ?m kg:end ?end }
             ?a dcterms:identifier ?id . OPTIONAL { ?a dcterms:title ?title } }"""
    labels = rule_labels()
    rows = []
    for r in store.query(q.replace("E ;", f"{e} ;", 1)):
        def v(k: str, r: ox.QuerySolution = r) -> str:
            return r[k].value if r[k] is not None else ""
        rule = labels.get(v("rule"), compact_rule(v("rule")))
        rows.append(MentionReport(v("id"), v("title"), v("surface"), rule, v("note"), v("sentence"),
                                  int(v("start")) if v("start") else None, int(v("end")) if v("end") else None))
    rows.sort(key=lambda m: (m.article, m.start or 0))
    return EntityReport(iri, types, names, aliases, rows)


def explain(store: GraphStore, ref: str) -> list[EntityReport]:
    """Every entity ``ref`` names (namesakes kept apart are several), with how each mention was linked."""
    reports = [r for r in (explain_entity(store, i) for i in find_entities(store, ref)) if r is not None]
    if not reports:
        raise ExplainError(f"no entity named {ref!r}" + (f" in {store.path}" if store.path else ""))
    return reports


def format_reports(reports: list[EntityReport], ref: str) -> str:
    """The reports as `kg explain` prints them."""
    out = []
    if len(reports) > 1:
        out.append(f"{len(reports)} entities are named {ref} (kept apart; see the rules below)\n\n")
    for r in reports:
        out.append(f"{compact(r.iri)}  <{r.iri}>\n")
        out.append(f"  types:   {', '.join(compact(t) for t in r.types)}\n")
        out.append(f"  names:   {'、'.join(r.names)}\n")
        out.append(f"  aliases: {'、'.join(r.aliases) or '-'}\n")
        out.append(f"  mentions ({len(r.mentions)}):\n")
        for m in r.mentions:
            title = f" «{m.title}»" if m.title else ""
            out.append(f"    - article {m.article}{title}: as {m.surface}, rule: {m.rule}\n")
            out.append(f"      why: {m.note}\n")
            if m.sentence:
                out.append(f"      evidence [{m.start}:{m.end}]: {m.sentence}\n")
        out.append("\n")
    return "".join(out)


__all__ = ["EntityReport", "ExplainError", "MentionReport", "explain", "explain_entity", "find_entities",
           "format_reports", "rule_labels"]
