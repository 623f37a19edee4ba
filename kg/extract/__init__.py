"""Extraction: one Article in, one ArticleGraph out, read top to bottom as the whole flow.

analyse (sentences, tags) → mentions per sentence → entities (aliases merged)
→ posts from title chains → relations from cue words, every fact with its evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from kg.extract.entities import FAMILY, Cluster, group, rescan
from kg.extract.events import aside_aliases, headline_alias, main_event, sentence_events
from kg.extract.hierarchy import parents
from kg.extract.mentions import BARE_ALLIANCE, CLASS_REFERENCES, Mention, orgs_in_events, sentence_mentions
from kg.extract.posts import GOVERNMENT_BODIES, career_posts, implied_org, sentence_posts
from kg.extract.relations import Ctx, held_on, meetings_after, open_list_after, resolve_class_word, sentence_relations
from kg.extract.repair import repair
from kg.extract.segment import Sentence, analyse, to_simplified
from kg.model import Article, ArticleGraph, Entity, Evidence, Post, Relation

__all__ = ["extract", "extract_article"]

T = TypeVar("T")


def extract(text: str, id: str = "article", published: str | None = None, title: str | None = None,
            url: str | None = None) -> ArticleGraph:
    """Extract from clean article text (no page cleaning: use kg.ingest for crawled pages)."""
    return extract_article(Article(id=id, text=text, title=title, published=published, url=url))


def extract_article(article: Article) -> ArticleGraph:
    sentences = [repair(s) for s in analyse(article.text)]
    per_sentence: list[list[Mention]] = []
    posts: list[Post] = []
    for si, sent in enumerate(sentences):
        ments, titles = sentence_mentions(sent, si)
        events = sentence_events(sent, si, ments)
        ments = sorted(orgs_in_events(sent, si, ments, events) + events, key=lambda m: (m.start, -m.end))
        per_sentence.append(ments)
        posts.extend(sentence_posts(sent, titles))
    posts.extend(career_posts(article.text, sentences))
    clusters = group([m for ms in per_sentence for m in ms])
    if rescan(sentences, per_sentence, clusters):
        clusters = group([m for ms in per_sentence for m in ms])
    _event_aliases(clusters)
    org_names = _org_names(clusters)
    _attach_post_orgs(posts, clusters, org_names)
    name_of = {id(m): c.name for c in clusters for m in c.mentions}
    post_orgs: dict[str, list[str]] = {}
    for p in posts:
        if p.org:
            post_orgs.setdefault(p.person, []).append(p.org)
    relations = _relations(article, sentences, per_sentence, name_of, orgs=org_names, post_orgs=post_orgs,
                           clusters=clusters)
    entities = [_entity(c, sentences) for c in sorted(clusters, key=lambda c: min(m.start for m in c.mentions))]
    _add_parents(entities, relations)
    posts = _unique(posts, lambda p: (p.person, p.title, p.org))
    return ArticleGraph(article, entities, posts, _unique(relations, lambda r: (r.s, r.p, r.o)))


def _add_parents(entities: list[Entity], relations: list[Relation]) -> None:
    """Each chained organisation name is partOf its parents (教育部某司某处 → 教育部某司 → 教育部).

    The parents are implied by the name, not named on their own, so they are
    relation objects only; they are listed as entities where the article names
    them itself (the guideline's "may be listed"), and the graph links them as
    organisations either way.
    """
    known = {to_simplified(n): e.name for e in entities for n in [e.name, *e.aliases]}
    for e in entities:
        if e.type not in ("Organization", "Alliance") or not e.evidence:
            continue
        child = e.name
        for parent in parents(to_simplified(e.name)):
            name = known.get(parent, e.name[: len(parent)])
            relations.append(Relation(child, "partOf", name, e.evidence[0]))
            child = name


def _entity(c: Cluster, sentences: list[Sentence]) -> Entity:
    ev = [Evidence(sentences[m.sent].text, m.start, m.end) for m in sorted(c.mentions, key=lambda m: m.start)]
    return Entity(c.name, c.type, c.aliases, ev, byline=all(m.rule == "byline" for m in c.mentions))


# One-word references to the article's own institution (学校党委书记, 本院院长, 我校校长), with
# the endings of the names they may stand for.
HOME_REFERENCES: dict[str, tuple[str, ...]] = {
    **{w: ("大学", "学院", "学校") for w in ("学校", "我校", "本校", "该校", "校", "全校")},
    **{w: ("学院", "医院", "研究院", "法院", "科学院", "设计院")
       for w in ("本院", "我院", "该院", "院", "学院", "全院")},
    **{w: ("公司", "集团") for w in ("公司", "本公司", "该公司", "集团", "我公司")},
    **{w: ("实验室",) for w in ("实验室", "本实验室", "该实验室", "室")},
    **{w: ("研究所", "所") for w in ("研究所", "本所", "该所", "我所", "所")},
    **{w: ("协会", "学会", "商会", "联合会", "同乡会", "联谊会", "总会", "促进会", "研究会")
       for w in ("本会", "该会", "我会")},
}


def _attach_post_orgs(posts: list[Post], clusters: list[Cluster], org_names: list[str]) -> None:
    """Point each post at an organisation entity, creating one when only the post names it.

    A one-word reference to the article's own institution (学校, 本院) resolves to it: the
    only such organisation named, else the one named clearly most often. A post with no
    organisation that repeats a title the same person holds somewhere named (副县长 at the
    county government, then 副县长 alone) is that post again and is dropped, as is a post at a
    shorter name of the same organisation (某集团 after 北岭某集团). A bare title of an
    association or company the article is about takes it (posts.implied_org).
    """
    by_norm: dict[str, Cluster] = {}
    for c in clusters:
        if FAMILY[c.type] == "Org":
            for n in c.names_norm():
                by_norm.setdefault(n, c)
    counts = {c.name: len(c.mentions) for c in clusters if FAMILY[c.type] == "Org"}
    for p in posts:
        if not p.org:
            continue
        word = to_simplified(p.org)
        if word in BARE_ALLIANCE:  # 联盟理事长: the alliance the article is about (named most often)
            alliances = [c for c in clusters if c.type == "Alliance"]
            p.org = max(alliances, key=lambda c: len(c.mentions)).name if alliances else None
            continue
        if word in CLASS_REFERENCES or word in HOME_REFERENCES:
            # 学校党委书记: the article's school, when it names only one
            found = resolve_class_word(word, [], org_names, None) if word in CLASS_REFERENCES else None
            # a government body unresolved stays as printed (县政府党组书记); a bare 学校 does not
            p.org = found or _home(word, org_names, counts) or (p.org if word in GOVERNMENT_BODIES else None)
            continue
        if len(p.org) == 1:  # 镇 of 镇党委书记: the one town the article names, if it names one
            towns = {c.name for c in clusters if FAMILY[c.type] in ("Org", "Place") and c.norm.endswith(p.org)}
            p.org = towns.pop() if len(towns) == 1 else None
            continue
        n = to_simplified(p.org)
        c = by_norm.get(n)
        if c is None:
            # 河畔区 for the 河畔区委 the text names: the region of a region-level committee
            c = next((x for x in clusters if FAMILY[x.type] == "Org" and x.norm.startswith(n)
                      and len(x.norm) - len(n) <= 2), None)
            if c is not None:
                c.extra_aliases.append(p.org)
                by_norm[n] = c
    placed = {(p.person, to_simplified(p.title)) for p in posts if p.org}
    held: dict[str, set[str]] = {}
    for p in posts:
        held.setdefault(p.person, set()).add(to_simplified(p.title))

    def restated(p: Post) -> bool:  # 叶某书记 after 党委书记叶某: the post named again, shorter
        t = to_simplified(p.title)
        return (p.person, t) in placed or any(len(h) > len(t) and h.endswith(t) for h in held[p.person])

    posts[:] = [p for p in posts if p.org or not restated(p)]
    orgs_of: dict[tuple[str, str], set[str]] = {}
    for p in posts:
        if p.org:
            orgs_of.setdefault((p.person, p.title), set()).add(to_simplified(p.org))
    # 河南某集团董事长甲 … 某集团董事长甲: the shorter name of the same organisation is that post again
    posts[:] = [p for p in posts if not p.org or not any(
        len(o) > len(to_simplified(p.org)) and o.endswith(to_simplified(p.org)) for o in orgs_of[p.person, p.title])]
    known = [(c.name, FAMILY[c.type], len(c.mentions)) for c in clusters if FAMILY[c.type] in ("Org", "Place")]
    for p in posts:  # 副会长甲 in an association's report: the association (GUIDELINE implied_org)
        p.org = p.org or implied_org(p.title, known)


def _home(word: str, org_names: list[str], counts: dict[str, int]) -> str | None:
    """The article's own institution of a kind: named at least twice, and twice as often as any other."""
    endings = HOME_REFERENCES.get(word)
    if endings is None:
        return None
    cands = [o for o in org_names if to_simplified(o).endswith(endings)]
    if not cands:
        return None
    top = counts.get(cands[0], 0)
    second = counts.get(cands[1], 0) if len(cands) > 1 else 0
    return cands[0] if top >= 2 and top >= 2 * second else None


def _event_aliases(clusters: list[Cluster]) -> None:
    """An event printed with a (简称“X”) aside is also known without it, and by X."""
    for c in clusters:
        if c.type == "Event":
            for m in c.mentions:
                c.extra_aliases.extend(a for a in aside_aliases(m.norm, m.text) if a not in c.extra_aliases)


def _relations(article: Article, sentences: list[Sentence], per_sentence: list[list[Mention]],
               name_of: dict[int, str], orgs: list[str], post_orgs: dict[str, list[str]],
               clusters: list[Cluster] | None = None) -> list[Relation]:
    """Relations sentence by sentence, every implicit event being the main one the headline and lead name."""
    events = [m for ms in per_sentence for m in ms if m.type == "Event"]
    main = main_event(article.title, sentences, events, name_of)
    main_name = name_of[id(main)] if main else None
    alias = headline_alias(article.title, main) if main else None
    if alias and clusters is not None:  # the headline names the happening as a clause: another name of it
        c = next((c for c in clusters if c.type == "Event" and c.name == main_name), None)
        if c is not None and alias not in c.extra_aliases:
            c.extra_aliases.append(alias)
    event_names = list(dict.fromkeys(name_of[id(m)] for m in events))
    rels: list[Relation] = []
    speaker = None
    last_alliance = None
    open_list = None
    meetings: tuple[tuple[str, frozenset[str]], ...] = ()
    for si, sent in enumerate(sentences):
        ments = per_sentence[si]
        ctx = Ctx(sent, ments, name_of, main_name, article.published, last_alliance, orgs, post_orgs,
                  event_names, speaker, open_list, meetings)
        found, speaker = sentence_relations(ctx)
        open_list = open_list_after(ctx)
        meetings = meetings_after(ctx)
        rels.extend(found)
        for m in ments:
            if m.type == "Alliance":
                last_alliance = name_of[id(m)]
    if main is not None and main_name:
        found_date = held_on(sentences, main.sent, article.published)
        if found_date:
            date, si = found_date
            s = sentences[si]
            rels.append(Relation(main_name, "heldOn", date, Evidence(s.text, s.start, s.end)))
    return rels


def _org_names(clusters: list[Cluster]) -> list[str]:
    """The article's organisations, most mentioned first: what a bare 学校 or 医院 may stand for."""
    orgs = sorted((c for c in clusters if FAMILY[c.type] == "Org"), key=lambda c: -len(c.mentions))
    return [c.name for c in orgs]


def _unique(items: list[T], key: Callable[[T], Hashable]) -> list[T]:
    """First of each kind, in order: rules may state the same fact twice."""
    seen: set[Hashable] = set()
    out = []
    for x in items:
        k = key(x)
        if k not in seen:
            seen.add(k)
            out.append(x)
    return out
