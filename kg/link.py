"""Cross-article entity resolution: one IRI per real-world thing, every merge with its reason.

Rules, in the order they are tried (each mention records the one that fired):

- organisations, alliances, events, places, works: the same *normalised* name
  (NFKC, simplified characters via opencc t2s, no spaces) is the same thing
  (``kg:SameNormalisedName``); a name that is a known alias of an entity, or an
  entity whose alias is a known name, is that entity (``kg:KnownAlias``);
- events with a *generic* name (会见, 签约仪式, 座谈会, 开幕式 …, see
  ``generic_event``) name a kind of happening, not one: two are one event only
  when the evidence says so, the same date (stated, else the article's) and the
  same place, organiser or a shared participant (``kg:SameHappening``); a stated
  date that differs keeps them apart. Otherwise the event is kept to its article
  (``kg:ArticleScoped``), and the note says which namesakes it was kept from and why;
- persons: two namesakes are one person only when they hold a post at the same
  organisation (``kg:SharedContext``) or at the same body under another name
  (``kg:SameBody``: 某市 / 某市人民政府 / 中共某市委 share ``body_key``; a parent
  or child in the organisation hierarchy, stated by partOf or by the name, as
  北岭大学 / 北岭大学计算机学院); a common Chinese name says too little on
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
import re
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


#: heads that name a kind of happening rather than one happening
GENERIC_EVENT_HEADS = frozenset("""
会见 会谈 会晤 拜会 拜访 座谈 座谈会 恳谈会 交流会 见面会 洽谈会 对接会 推介会 说明会 通报会 协调会 汇报会 总结会
签约 签约仪式 签字仪式 开幕式 闭幕式 开幕 闭幕 启动仪式 启动会 揭牌仪式 揭牌 授牌仪式 颁奖仪式 颁奖典礼 典礼 仪式
开工仪式 奠基仪式 发布会 新闻发布会 会议 大会 全体会议 常务会议 工作会议 专题会议 联席会议 党组会议 办公会议
推进会 部署会 动员会 现场会 报告会 学习会 研讨会 论坛 峰会 年会 茶话会 培训班 培训会 讲座 活动 调研 考察 视察
成立大会 表彰大会 表彰会 晚会 比赛 竞赛 展览 展会 招聘会 理事会 常务理事会 会员大会 代表大会
""".split())
#: words before a generic head that still say nothing of which happening it was
_GENERIC_MODIFIER = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇两\d]+[届次期轮]|首次|首届|本次|此次|本届|年度|专题|工作|全体|扩大|"
    r"校企合作|战略合作|合作|项目|集中|双方|视频|线上|线下|现场|简短|隆重|正式|签约|[“”\"《》]|\s)")


def generic_event(name: str) -> bool:
    """Whether an event name names only a kind of happening (会见, 签约仪式, 第二次全体会议, 校企合作签约仪式)."""
    n = normalise(name)
    while True:
        if n in GENERIC_EVENT_HEADS:
            return True
        m = _GENERIC_MODIFIER.match(n)
        if not m or m.end() == 0:
            return False
        n = n[m.end():]


_REGION = "省市县区州旗盟"


def body_key(name: str) -> str:
    """What a government or party body is called once its form is set aside: 北岭市, 北岭市人民政府, 北岭市政府,
    中共北岭市委 and 中共北岭市委员会 are all 北岭市. Any other name is its own key."""
    n = normalise(name)
    n = re.sub(r"^(?:中共|中国共产党)", "", n)
    for suffix in ("人民政府", "政府", "委员会", "委"):
        if n.endswith(suffix) and len(n) - len(suffix) >= 2 and n[-len(suffix) - 1] in _REGION:
            return n[: -len(suffix)]
    return n if n != normalise(name) and n and n[-1] in _REGION else normalise(name)


#: the predicates that put a person at an event
_PRESENT = ("attended", "spokeAt", "hosted")


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
class EventSeen:
    """What a generic-named event is known by: its date, places, participants and organisers (normalised names)."""

    iri: str
    label: str
    article: str
    date: str | None  # the stated date (kg:heldOn), else None
    article_date: str | None  # the article's publication date
    places: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)
    organisers: set[str] = field(default_factory=set)

    def when(self) -> str | None:
        return self.date or self.article_date


def same_happening(a: EventSeen, b: EventSeen) -> str | None:
    """Why two generic-named events are one happening, or None: the same date and a shared place, organiser or
    participant. Stated dates that differ keep them apart whatever else they share."""
    if a.date and b.date and a.date != b.date:
        return None
    if not a.when() or a.when() != b.when():
        return None
    day = f"{'held' if a.date and b.date else 'dated'} {a.when()}"
    for what, x, y in (("at", a.places, b.places), ("organised by", a.organisers, b.organisers),
                       ("with", a.people, b.people)):
        if x & y:
            return f"{day}, {what} {'、'.join(sorted(x & y))}"
    return None


def kept_apart(a: EventSeen, b: EventSeen) -> str:
    """Why ``same_happening`` found ``a`` and ``b`` to be two happenings, for the note."""
    if a.date and b.date and a.date != b.date:
        return f"held {b.date}, not {a.date}"
    if a.when() != b.when():
        return f"dated {b.when() or 'unknown'}, not {a.when() or 'unknown'}"
    return f"same date {a.when()} but no shared place, organiser or participant"


@dataclass
class LinkIndex:
    """Names already in the graph. Built from the store, then grown article by article."""

    names: dict[tuple[str, str], Seen] = field(default_factory=dict)  # (family, normalised name)
    aliases: dict[tuple[str, str], Seen] = field(default_factory=dict)
    # normalised person name -> person IRI -> organisation IRI -> (titles, article id)
    persons: dict[str, dict[str, dict[str, tuple[set[str], str]]]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # IRI -> display name
    # normalised generic event name -> what each event of that name is known by (see generic_event)
    events: dict[str, list[EventSeen]] = field(default_factory=dict)
    parents: dict[str, set[str]] = field(default_factory=dict)  # organisation IRI -> IRIs it is part of
    person_events: dict[str, dict[str, str]] = field(default_factory=dict)  # person -> event -> an article id

    def add_name(self, family: str, norm: str, seen: Seen, alias: bool) -> None:
        self.labels.setdefault(seen.iri, seen.label)
        if family == "event" and generic_event(norm):
            return  # a generic name is no evidence of identity: such events are matched by add_event's context
        table = self.aliases if alias else self.names
        table.setdefault((family, norm), seen)

    def add_event(self, norm: str, seen: EventSeen) -> None:
        known = self.events.setdefault(norm, [])
        for old in known:
            if old.iri == seen.iri:
                old.places |= seen.places
                old.people |= seen.people
                old.organisers |= seen.organisers
                old.date = old.date or seen.date
                return
        known.append(seen)
        self.labels.setdefault(seen.iri, seen.label)

    def add_person_event(self, person: str, event: str, article: str) -> None:
        self.person_events.setdefault(person, {}).setdefault(event, article)

    def add_parent(self, child: str, parent: str) -> None:
        if child != parent:
            self.parents.setdefault(child, set()).add(parent)

    def ancestors(self, iri: str, depth: int = 4) -> set[str]:
        out: set[str] = set()
        frontier = {iri}
        for _ in range(depth):
            frontier = {p for f in frontier for p in self.parents.get(f, ())} - out - {iri}
            if not frontier:
                break
            out |= frontier
        return out

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


def event_context(graph: ArticleGraph) -> dict[str, EventSeen]:
    """What the article says of each event by normalised name: stated date, places, participants, organisers."""
    out: dict[str, EventSeen] = {}
    art = graph.article

    def seen(name: str) -> EventSeen:
        n = normalise(name)
        if n not in out:
            out[n] = EventSeen("", name, art.id, None, art.published)
        return out[n]

    for r in graph.relations:
        if r.p == "heldOn":
            ctx = seen(r.s)
            ctx.date = ctx.date or r.o
        elif r.p == "heldAt":
            seen(r.s).places.add(normalise(r.o))
        elif r.p in ("attended", "spokeAt", "hosted"):
            seen(r.o).people.add(normalise(r.s))
        elif r.p == "organized":
            seen(r.o).organisers.add(normalise(r.s))
    return out


def _first(ev: Iterable[Evidence]) -> Evidence | None:
    return next(iter(ev), None)


class Linker:
    """Links articles one after another against an index of what is already known."""

    def __init__(self, index: LinkIndex | None = None) -> None:
        self.index = index or LinkIndex()
        self._events: dict[str, EventSeen] = {}
        self._key = ""

    def link(self, graph: ArticleGraph) -> LinkedArticle:
        art = graph.article
        key = article_key(art.id, art.url)
        out = LinkedArticle(graph, key, [], {})
        self._events = event_context(graph)
        self._key = key
        people = [e for e in graph.entities if e.type == "Person"]
        for e in graph.entities:
            if e.type != "Person" and e.type in FAMILY:
                self._add(out, self._link_named(e.name, e.type, e.aliases, _first(e.evidence), art.id))
        # a post's organisation may be missing from the entity list: it is still an organisation
        for p in graph.posts:
            if p.org and out.resolve(p.org) is None:
                lk = self._link_named(p.org, "Organization", [], p.evidence, art.id, inferred="post")
                self._add(out, lk)
        # the organisation hierarchy this article states, before persons are matched through it
        for r in graph.relations:
            if r.p == "partOf":
                sub, sup = out.resolve(r.s), out.resolve(r.o)
                if sub is not None and sup is not None and FAMILY.get(sub.type) == FAMILY.get(sup.type) == "Org":
                    self.index.add_parent(sub.iri, sup.iri)
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
        if fam == "event" and generic_event(norm):
            return self._link_generic_event(name, typ, aliases, ev, article, inferred)
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

    def _link_generic_event(self, name: str, typ: str, aliases: list[str], ev: Evidence | None, article: str,
                            inferred: str | None) -> Linked:
        """A generic-named event: one of the namesakes it is the same happening as, else this article's own."""
        norm = normalise(name)
        here = self._events.get(norm) or EventSeen("", name, article, None, None)
        here = EventSeen("", name, article, here.date, here.article_date, set(here.places), set(here.people),
                         set(here.organisers))
        known = self.index.events.get(norm, [])
        match = None
        for other in sorted(known, key=lambda o: o.iri):
            why = same_happening(other, here)
            if why:
                match = (other, why)
                break
        if match:
            other, why = match
            iri, rule = other.iri, KG.SameHappening
            note = f"generic event name {norm}: the same happening as in article {other.article} ({why})"
        else:
            iri = mint("event", norm, "article", self._key)
            rule = KG.InferredFromRelation if inferred else KG.ArticleScoped
            note = f"generic event name {norm}, kept to article {article}"
            if known:
                reasons = "; ".join(f"article {o.article}: {kept_apart(o, here)}" for o in known[:3])
                note += f"; {len(known)} namesake event(s) elsewhere are other happenings ({reasons})"
            else:
                note += "; no namesake event elsewhere yet"
            if inferred:
                note += f"; type inferred as {typ} from the {inferred}"
        here.iri = iri
        self.index.add_event(norm, here)
        return Linked(iri, typ, name, list(aliases), str(rule), note, ev, [norm])

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
        events = {lk.iri for r in graph.relations if r.p in _PRESENT and (r.s in names or normalise(r.s) == norm)
                  and (lk := out.resolve(r.o)) is not None and lk.type == "Event"}
        candidates = idx.persons.get(norm, {})
        match = None
        for iri in sorted(candidates):
            shared = sorted(set(candidates[iri]) & set(posts))
            if shared:
                org = shared[0]
                titles, where = candidates[iri][org]
                match = (iri, KG.SharedContext, f"same name {norm} with a post at {idx.labels.get(org, org)} "
                                                f"({'、'.join(sorted(titles)) or 'no title'}) as in article {where}")
                break
        if match is None:  # a job change: the same body under another name, or a body above or below it
            for iri in sorted(candidates):
                why = next((w for theirs in sorted(candidates[iri]) for ours in sorted(posts)
                            if (w := self._same_body(ours, theirs))), None)
                if why:
                    theirs, reason = why
                    titles, where = candidates[iri][theirs]
                    match = (iri, KG.SameBody, f"same name {norm}; {reason}, where article {where} has a post "
                                               f"({'、'.join(sorted(titles)) or 'no title'})")
                    break
        if match is None and events:  # one side with no post to tell them apart: the same event is context
            for iri in sorted(candidates):
                if posts and candidates[iri]:
                    continue  # posts at unrelated bodies say two people, whatever they attended
                seen = idx.person_events.get(iri, {})
                shared = sorted(e for e in events if e in seen)
                if shared:
                    match = (iri, KG.SharedContext, f"same name {norm}, both at "
                                                    f"{'、'.join(idx.labels.get(e, e) for e in shared)} "
                                                    f"(as in article {seen[shared[0]]})")
                    break
        if match:
            iri, rule, note = match
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
                    + (" (nor an event shared with one)" if candidates else "")
                    + (f"; type inferred as Person from the {inferred}" if inferred else ""))
        for org, titles in sorted(posts.items()):
            for t in sorted(titles):
                idx.add_person(norm, iri, name, org, t, art)
        if not posts:
            idx.add_person(norm, iri, name, None, None, art)
        for e in sorted(events):
            idx.add_person_event(iri, e, art)
        return Linked(iri, "Person", name, list(aliases), str(rule), note, ev, [norm])

    def _same_body(self, ours: str, theirs: str) -> tuple[str, str] | None:
        """(their organisation, why it is ours under another name) or None; organisations as IRIs."""
        idx = self.index
        a, b = idx.labels.get(ours, ours), idx.labels.get(theirs, theirs)
        if ours == theirs:
            return None
        ka, kb = body_key(a), body_key(b)
        if ka == kb:
            return theirs, f"{a} and {b} are the same body ({ka})"
        if theirs in idx.ancestors(ours):
            return theirs, f"{a} is part of {b}"
        if ours in idx.ancestors(theirs):
            return theirs, f"{b} is part of {a}"
        na, nb = normalise(a), normalise(b)
        # a body named inside another's name (北岭大学计算机学院 in 北岭大学), not a region's bureaus (北岭市 …局)
        for short, long_ in ((na, nb), (nb, na)):
            if len(short) >= 4 and long_.startswith(short) and body_key(short) == short and short[-1] not in _REGION:
                return theirs, f"{long_} is part of {short} by its name"
        return None


__all__ = ["GENERIC_EVENT_HEADS", "KINDS", "EventSeen", "LinkIndex", "Linked", "LinkedArticle", "Linker", "Seen",
           "article_key", "body_key", "event_context", "generic_event", "iri_kind", "mint", "same_happening"]
