"""Typed records shared by every stage, so each stage can be read and tested alone.

Offsets are character offsets into ``Article.text`` (the cleaned article body),
end-exclusive, which is what makes every fact traceable to its sentence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Article:
    """One article as found: its clean body text plus the metadata the page gave."""

    id: str
    text: str
    title: str | None = None
    published: str | None = None  # ISO date YYYY-MM-DD (or YYYY-MM) from the page header
    url: str | None = None
    source: str | None = None  # the file it came from, for messages


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the sentence and the span inside the article text."""

    sentence: str
    start: int
    end: int


@dataclass
class Entity:
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    byline: bool = False  # named only as the article's reporter or photographer: page furniture


# How a post stands in the text: held now, held before (原, 历任), held for the time being
# (代, 代理), put forward (拟任, 提名), just elected or appointed, or taken away (免去).
POST_STATUSES = ("current", "former", "interim", "proposed", "elected", "appointed", "removed")


@dataclass
class Post:
    person: str
    title: str
    org: str | None
    evidence: Evidence | None = None
    status: str = "current"  # one of POST_STATUSES
    start: str | None = None  # YYYY or YYYY-MM, where the text dates the post
    end: str | None = None


@dataclass
class Relation:
    s: str
    p: str
    o: str
    evidence: Evidence | None = None


@dataclass
class ArticleGraph:
    """Everything extracted from one article; the unit that later stages link and store."""

    article: Article
    entities: list[Entity] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def to_dict(self, evidence: bool = True) -> dict[str, Any]:
        """The prediction contract of ../shared/eval/README.md, plus evidence when asked."""

        def ev(e: Evidence | None) -> dict[str, Any] | None:
            return asdict(e) if e else None

        ents = []
        for e in self.entities:
            d: dict[str, Any] = {"name": e.name, "type": e.type, "aliases": list(e.aliases)}
            if e.byline:
                d["byline"] = True
            if evidence:
                d["evidence"] = [ev(x) for x in e.evidence[:3]]
            ents.append(d)
        posts = []
        for p in self.posts:
            d = {"person": p.person, "title": p.title, "org": p.org, "status": p.status}
            if p.start:
                d["start"] = p.start
            if p.end:
                d["end"] = p.end
            if evidence:
                d["evidence"] = ev(p.evidence)
            posts.append(d)
        rels = []
        for r in self.relations:
            d = {"s": r.s, "p": r.p, "o": r.o}
            if evidence:
                d["evidence"] = ev(r.evidence)
            rels.append(d)
        a = self.article
        return {
            "id": a.id, "title": a.title, "published": a.published, "url": a.url,
            "entities": ents, "posts": posts, "relations": rels,
        }
