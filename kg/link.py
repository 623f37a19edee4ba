"""Cross-article entity resolution: one IRI per real-world thing, every merge with its reason.

Rules, in the order they are tried (each mention records the one that fired):

- organisations, alliances, events, places, works: the same *normalised* name
  (NFKC, simplified characters via opencc t2s, no spaces) is the same thing
  (``kg:SameNormalisedName``); a name that is a known alias of an entity, or an
  entity whose alias is a known name, is that entity (``kg:KnownAlias``);
- persons: two namesakes are one person only when they hold a post at the same
  organisation (``kg:SharedContext``); a common Chinese name says too little on
  its own. A person with no post in the article is kept to that article
  (``kg:ArticleScoped``) rather than guessed into a namesake elsewhere;
- anything else starts a new entity (``kg:NewEntity``).

IRIs are hashes of (family, normalised name[, context]) so the same input
always yields the same IRIs, and nothing random or blank reaches the store.
Organisations and alliances share one family, because the extractor may type
the same body either way in different articles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.model import ArticleGraph, Evidence
from kg.text import FAMILY, normalise
from kg.vocab import KG, KGR_NS

#: type of an endpoint that a relation names but the extractor did not list as an entity
SUBJECT_TYPE = {"attended": "Person", "spokeAt": "Person", "hosted": "Person", "presented": "Person",
                "represents": "Person", "awarded": "Person", "organized": "Organization",
                "founded": "Organization", "memberOf": "Organization", "partOf": "Event", "heldAt": "Event",
                "heldOn": "Event"}
OBJECT_TYPE = {"attended": "Event", "spokeAt": "Event", "hosted": "Event", "organized": "Event",
               "partOf": "Event", "presented": "Work", "awarded": "Work", "founded": "Organization",
               "memberOf": "Organization", "represents": "Organization", "heldAt": "Place"}


def iri_kind(typ: str) -> str:
    """The IRI path segment of an entity type: its family (kg.text.FAMILY), so an alliance mints as an organisation."""
    return FAMILY[typ].lower()


#: every kind an entity IRI can have
KINDS = frozenset(iri_kind(t) for t in FAMILY)


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def mint(kind: str, *key: str) -> str:
    """A stable resource IRI: the same key always gives the same IRI, on any machine."""
    return f"{KGR_NS}{kind}/{_digest(kind, *key)}"


def article_key(article_id: str, url: str | None) -> str:
    """What identifies an article across builds: its URL when known (file stems collide), else its id."""
    return url or article_id


@dataclass
class Linked:
    """One entity of one article, resolved to its IRI, with the rule that decided it."""

    iri: str
    type: str
    name: str
    aliases: list[str]
    rule: str
    note: str
    evidence: Evidence | None
    normalised: list[str] = field(default_factory=list)


@dataclass
class Seen:
    """What the index remembers of an entity: enough to explain a merge into it."""

    iri: str
    label: str
    article: str  # id of an article it was seen in, for the explanation


@dataclass
class LinkIndex:
    """Names already in the graph. Built from the store, then grown article by article."""

    names: dict[tuple[str, str], Seen] = field(default_factory=dict)  # (family, normalised name)
    aliases: dict[tuple[str, str], Seen] = field(default_factory=dict)
    # normalised person name -> person IRI -> organisation IRI -> (titles, article id)
    persons: dict[str, dict[str, dict[str, tuple[set[str], str]]]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # IRI -> display name

    def add_name(self, family: str, norm: str, seen: Seen, alias: bool) -> None:
        table = self.aliases if alias else self.names
        table.setdefault((family, norm), seen)
        self.labels.setdefault(seen.iri, seen.label)

    def add_person(self, norm: str, iri: str, label: str, org: str | None, title: str | None, article: str) -> None:
        by_org = self.persons.setdefault(norm, {}).setdefault(iri, {})
        self.labels.setdefault(iri, label)
        if org:
            titles, first = by_org.get(org, (set(), article))
            if title:
                titles.add(title)
            by_org[org] = (titles, first)


@dataclass
class LinkedArticle:
    """An article graph whose every name is resolved to an IRI."""

    graph: ArticleGraph
    key: str
    entities: list[Linked]
    by_name: dict[str, Linked]

    def resolve(self, name: str) -> Linked | None:
        return self.by_name.get(name) or self.by_name.get(normalise(name))


def _first(ev: Iterable[Evidence]) -> Evidence | None:
    return next(iter(ev), None)


class Linker:
    """Links articles one after another against an index of what is already known."""

    def __init__(self, index: LinkIndex | None = None) -> None:
        self.index = index or LinkIndex()

    def link(self, graph: ArticleGraph) -> LinkedArticle:
        art = graph.article
        key = article_key(art.id, art.url)
        out = LinkedArticle(graph, key, [], {})
        people = [e for e in graph.entities if e.type == "Person"]
        for e in graph.entities:
            if e.type != "Person" and e.type in FAMILY:
                self._add(out, self._link_named(e.name, e.type, e.aliases, _first(e.evidence), art.id))
        # a post's organisation may be missing from the entity list: it is still an organisation
        for p in graph.posts:
            if p.org and out.resolve(p.org) is None:
                lk = self._link_named(p.org, "Organization", [], p.evidence, art.id, inferred="post")
                self._add(out, lk)
        for e in people:
            self._add(out, self._link_person(e.name, e.aliases, _first(e.evidence), graph, out, key))
        for r in graph.relations:
            for name, table, role in ((r.s, SUBJECT_TYPE, "subject"), (r.o, OBJECT_TYPE, "object")):
                if r.p == "heldOn" and role == "object":
                    continue  # a date literal, not an entity
                if out.resolve(name) is None and r.p in table:
                    typ = table[r.p]
                    if r.p == "partOf" and role == "object":  # an organisation is part of an organisation
                        sub = out.resolve(r.s)
                        typ = "Organization" if sub is not None and FAMILY.get(sub.type) == "Org" else typ
                    how = f"{role} of {r.p}"
                    if typ == "Person":
                        lk = self._link_person(name, [], r.evidence, graph, out, key, inferred=how)
                    else:
                        lk = self._link_named(name, typ, [], r.evidence, art.id, inferred=how)
                    self._add(out, lk)
        return out

    @staticmethod
    def _add(out: LinkedArticle, lk: Linked) -> None:
        out.entities.append(lk)
        for n in (lk.name, *lk.aliases, *lk.normalised):
            out.by_name.setdefault(n, lk)

    def _link_named(self, name: str, typ: str, aliases: list[str], ev: Evidence | None, article: str,
                    inferred: str | None = None) -> Linked:
        fam = iri_kind(typ)
        norm = normalise(name)
        norms = [norm, *(a for a in dict.fromkeys(normalise(a) for a in aliases) if a != norm)]
        idx = self.index
        hit = idx.names.get((fam, norm))
        if hit:
            rule, note = KG.SameNormalisedName, f"same normalised name {norm} as in article {hit.article}"
        else:
            hit = idx.aliases.get((fam, norm))
            if hit:
                rule, note = KG.KnownAlias, f"{name} is a known alias of {hit.label} (article {hit.article})"
            else:
                for a in norms[1:]:
                    hit = idx.names.get((fam, a)) or idx.aliases.get((fam, a))
                    if hit:
                        rule, note = KG.KnownAlias, f"alias {a} names {hit.label} (article {hit.article})"
                        break
        if hit:
            iri = hit.iri
        else:
            iri = mint(fam, norm)
            rule = KG.InferredFromRelation if inferred else KG.NewEntity
            note = f"first seen in article {article}" + (f"; type inferred as {typ} from the {inferred}"
                                                          if inferred else "")
        seen = Seen(iri, name, article)
        idx.add_name(fam, norm, seen, alias=False)
        for a in norms[1:]:
            idx.add_name(fam, a, seen, alias=True)
        return Linked(iri, typ, name, list(aliases), str(rule), note, ev, norms)

    def _link_person(self, name: str, aliases: list[str], ev: Evidence | None, graph: ArticleGraph,
                     out: LinkedArticle, key: str, inferred: str | None = None) -> Linked:
        norm = normalise(name)
        names = {name, norm, *aliases}
        posts: dict[str, set[str]] = {}
        for p in graph.posts:
            if p.person in names or normalise(p.person) == norm:
                org = out.resolve(p.org) if p.org else None
                if org:
                    posts.setdefault(org.iri, set()).add(p.title)
        idx = self.index
        art = graph.article.id
        candidates = idx.persons.get(norm, {})
        match = None
        for iri in sorted(candidates):
            shared = sorted(set(candidates[iri]) & set(posts))
            if shared:
                org = shared[0]
                titles, where = candidates[iri][org]
                match = (iri, f"same name {norm} with a post at {idx.labels.get(org, org)} "
                              f"({'、'.join(sorted(titles)) or 'no title'}) as in article {where}")
                break
        if match:
            iri, note = match
            rule = KG.SharedContext
        elif posts:
            iri = mint("person", norm, min(posts))
            rule = KG.NewEntity
            kept = len(candidates)
            note = (f"first seen in article {art} at {'、'.join(sorted(idx.labels.get(o, o) for o in posts))}"
                    + (f"; {kept} namesake(s) elsewhere share no organisation, kept apart" if kept else ""))
        else:
            iri = mint("person", norm, "article", key)
            rule = KG.InferredFromRelation if inferred else KG.ArticleScoped
            note = (f"no post in article {art}, so not merged with namesakes"
                    + (f"; type inferred as Person from the {inferred}" if inferred else ""))
        for org, titles in sorted(posts.items()):
            for t in sorted(titles):
                idx.add_person(norm, iri, name, org, t, art)
        if not posts:
            idx.add_person(norm, iri, name, None, None, art)
        return Linked(iri, "Person", name, list(aliases), str(rule), note, ev, [norm])


__all__ = ["KINDS", "LinkIndex", "Linked", "LinkedArticle", "Linker", "Seen", "article_key", "iri_kind", "mint"]
