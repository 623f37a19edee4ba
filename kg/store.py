"""The embedded graph store: a pyoxigraph (RocksDB) directory behind a small interface.

pyoxigraph rather than rdflib's memory store because it persists, loads about
6x faster and answers our queries up to thousands of times faster (see
benchmarks/store_speed.py). Each article is written by one SPARQL Update,
which Oxigraph applies as a single transaction: an interrupted build leaves
every article graph either whole or absent, never half-written.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDFS

from kg.ingest.decode import DEFAULT_MAX_BYTES
from kg.io import write_atomic
from kg.link import FAMILY, LinkIndex, _Seen, normalise
from kg.model import Article
from kg.query import bind_params, projected_variables
from kg.rdf import ArticleRdf
from kg.resources import resource
from kg.vocab import KG, KGR_NS, ORG, PREFIXES

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS,
           "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
_QUAD_FORMATS = {"trig", "nq", "jsonld"}


class StoreError(Exception):
    """A store that cannot be used: missing, locked or corrupt. The message is shown to the user as is."""


class GraphStore:
    """One store directory. Open for writing with ``GraphStore(path)``, for reading with ``open_existing``."""

    def __init__(self, path: str | os.PathLike[str], read_only: bool = False) -> None:
        self.path = Path(path)
        try:
            if not read_only:  # a fresh clone has no outputs/: a store's folder is made, parents and all
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.store = ox.Store.read_only(str(self.path)) if read_only else ox.Store(str(self.path))
        except OSError as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "lock" in reason.lower():
                reason = "it is locked by another kg process (a build still running?)"
            raise StoreError(f"cannot open graph store {self.path}: {reason}") from exc

    @classmethod
    def open_existing(cls, path: str | os.PathLike[str], read_only: bool = True) -> GraphStore:
        """Open a store that must already exist, so a typo in --store is an error, not an empty answer."""
        p = Path(path)
        if not p.is_dir() or not any(p.iterdir()):
            raise StoreError(f"no graph store at {p} (create one with: kg build PATH... --store {p})")
        return cls(p, read_only=read_only)

    # ---------------------------------------------------------------- writing

    def replace_article(self, rdf: ArticleRdf) -> None:
        """Replace one article's graph and metadata in one transaction (whole or not at all)."""
        # str() of a pyoxigraph term is its N-Triples form, which is also valid SPARQL
        a, g, act = str(rdf.article), str(rdf.graph), str(rdf.activity)
        meta = " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in rdf.meta)
        body = " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in rdf.triples)
        update = (
            f"DROP SILENT GRAPH {g} ;\n"
            f"DELETE WHERE {{ {a} ?p ?o }} ;\nDELETE WHERE {{ {g} ?p ?o }} ;\nDELETE WHERE {{ {act} ?p ?o }} ;\n"
            f"INSERT DATA {{ {meta} .\n GRAPH {g} {{ {body} {'.' if body else ''} }} }}"
        )
        self.store.update(update)

    def flush(self) -> None:
        self.store.flush()

    # ---------------------------------------------------------------- reading

    def query(self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
              ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """SPARQL over the union of all graphs, the project's prefixes predeclared, ``bindings`` pre-bound.

        Union by default because analysts ask about people and events, not
        about graphs; ``GRAPH ?g { }`` still reaches one article's graph.

        A binding of a variable the query returns (and any binding in ASK,
        CONSTRUCT, DESCRIBE or ``SELECT *``) goes through pyoxigraph's
        ``substitutions``: the optimiser sees a constant, even inside
        subqueries, which kept the ``about`` query at 1 s on 100k synthetic
        quads (benchmarks/store_speed.py's generator) where a VALUES join took
        277 s. pyoxigraph refuses substitutions for
        variables a SELECT does not project, so those are bound by
        ``bind_params`` (a VALUES block in the outer group) instead; which way
        is decided from the parsed query before running it.
        """
        if not bindings:
            return self.store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
        projected = projected_variables(sparql)
        subs = {k: v for k, v in bindings.items() if projected is None or k in projected}
        values = {k: v for k, v in bindings.items() if k not in subs}
        return self.store.query(bind_params(sparql, values), prefixes=PREFIXES, use_default_graph_as_union=True,
                                substitutions={ox.Variable(k): v for k, v in subs.items()} or None)

    def article_graphs(self) -> dict[str, str]:
        """Named graph IRI → article identifier, from the metadata in the default graph."""
        q = "SELECT ?g ?id WHERE { ?a kg:namedGraph ?g ; dcterms:identifier ?id }"
        res = self.store.query(q, prefixes=PREFIXES)
        return {r["g"].value: r["id"].value for r in res}

    def graph_quads(self, graph: str) -> set[str]:
        """A named graph as a set of N-Triples lines: what tests compare across builds."""
        return {f"{q.subject} {q.predicate} {q.object} ."
                for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}

    def __len__(self) -> int:
        return len(self.store)

    def link_index(self, exclude_graphs: Iterable[str] = ()) -> LinkIndex:
        """What entity resolution needs to know of the stored graphs, leaving out graphs about to be rebuilt.

        Leaving them out is what makes a rebuild of the same input reproduce the
        same graph: an article never links to what its own previous version said.
        """
        skip = set(exclude_graphs)
        ids = self.article_graphs()
        idx = LinkIndex()
        q = f"""SELECT ?g ?e ?label ?n WHERE {{ GRAPH ?g {{
                  ?e <{KG.normalizedName}> ?n ; <{RDFS.label}> ?label .
                  FILTER NOT EXISTS {{ ?e a <{KG.Person}> }} }} }}"""
        rows = sorted((r["g"].value, r["e"].value, r["label"].value, r["n"].value) for r in self.store.query(q)
                      if r["g"].value not in skip)
        families = set(FAMILY.values())
        for g, e, label, n in rows:
            fam = e[len(KGR_NS):].split("/", 1)[0]
            if fam not in families:
                continue
            seen = _Seen(e, label, ids.get(g, g))
            # a normalised name equal to the label's normalised form is the primary name, others are aliases
            idx.add_name(fam, n, seen, alias=(n != normalise(label)))
        # persons and their posts in separate queries joined here: a multi-pattern OPTIONAL would make
        # pyoxigraph evaluate the whole right side, and role labels live in the default graph anyway
        q = f"""SELECT ?g ?p ?label ?n WHERE {{ GRAPH ?g {{
                  ?p a <{KG.Person}> ; <{KG.normalizedName}> ?n ; <{RDFS.label}> ?label }} }}"""
        people = sorted((r["g"].value, r["p"].value, r["label"].value, r["n"].value) for r in self.store.query(q)
                        if r["g"].value not in skip)
        roles = {r["r"].value: r["t"].value for r in self.store.query(
            f"SELECT ?r ?t WHERE {{ ?r a <{ORG.Role}> ; <{RDFS.label}> ?t }}")}
        q = f"""SELECT ?g ?p ?org ?role WHERE {{ GRAPH ?g {{
                  ?m <{ORG.member}> ?p ; <{ORG.organization}> ?org ; <{ORG.role}> ?role }} }}"""
        posts: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for r in self.store.query(q):
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
        for r in self.store.query(q):
            idx.labels.setdefault(r["o"].value, r["l"].value)
        return idx

    # ---------------------------------------------------------------- export

    def iter_sorted_quads(self) -> Iterator[ox.Quad]:
        """All quads in a fixed order, so two exports of the same graph are byte-identical."""
        yield from sorted(self.store, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate),
                                                     str(q.object)))

    def export(self, fmt: str, output: str | os.PathLike[str] | None) -> bytes | None:
        """Serialise the store; to ``output`` atomically (temp file + rename), or return the bytes.

        Turtle has no graphs, so ``ttl`` (and ``nt``) write the union of all graphs.
        """
        if fmt not in FORMATS:
            raise StoreError(f"unknown export format {fmt!r} (choose from {', '.join(sorted(FORMATS))})")
        quads = list(self.iter_sorted_quads())
        items: list[ox.Quad] | list[ox.Triple]
        if fmt in _QUAD_FORMATS:
            items = quads
        else:
            items = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        prefixes = PREFIXES if fmt in ("ttl", "trig") else None
        if output is None:
            return ox.serialize(items, None, FORMATS[fmt], prefixes=prefixes)
        write_atomic(output, lambda fh: ox.serialize(items, fh, FORMATS[fmt], prefixes=prefixes))
        return None


__all__ = ["FORMATS", "GraphStore", "StoreError"]


# -------------------------------------------------------------------- building


@dataclass
class BuildSummary:
    articles: int = 0
    failed: int = 0
    warnings: int = 0
    triples: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


ProgressFn = Callable[[int, int, int, float], None]  # done, total, failed, seconds so far


def build_store(paths: Sequence[str], store: GraphStore, max_bytes: int = DEFAULT_MAX_BYTES,
                progress: ProgressFn | None = None, on_error: Callable[[str], None] | None = None,
                on_warning: Callable[[str], None] | None = None, reraise: bool = False) -> BuildSummary:
    """Extract every article under ``paths``, link it and write it as its own named graph.

    Articles are read first (cheap) so that the graphs about to be replaced are
    known before linking starts: linking then ignores their old versions, which
    makes a rebuild of the same input reproduce the same graph. Each article is
    committed on its own, so an interrupted build keeps the articles done so far.
    An article whose key (URL, else id) was already written by this build is
    an error, not a replacement: two inputs would otherwise become one graph.
    """
    from kg.extract import extract_article
    from kg.ingest import IngestError, iter_articles
    from kg.link import Linker, article_key
    from kg.rdf import article_iris, to_rdf

    t0 = time.monotonic()
    summary = BuildSummary()

    def fail(msg: str) -> None:
        summary.failed += 1
        summary.errors.append(msg)
        if on_error:
            on_error(msg)

    articles: list[Article] = []
    for item in iter_articles(list(paths), max_bytes=max_bytes):
        if isinstance(item, IngestError):
            fail(str(item))
        else:
            articles.append(item)
    rebuilt = {article_iris(article_key(a.id, a.url))[1].value for a in articles}
    linker = Linker(store.link_index(exclude_graphs=rebuilt))
    total = len(articles)
    written: dict[str, str] = {}  # article key → source of the article written under it in this build
    for i, art in enumerate(articles, 1):
        key = article_key(art.id, art.url)
        if key in written:
            # replacing would silently lose the first article: a rebuild replaces, a collision within one build
            # (a/1.txt and b/1.txt, neither with a URL) is a mistake the user must hear about
            fail(f"{art.source or art.id}: same article {'URL' if art.url else 'id'} {key!r} as {written[key]}, "
                 "already built in this run; not written (give one of them another id or a URL)")
            if progress:
                progress(i, total, summary.failed, time.monotonic() - t0)
            continue
        try:
            rdf = to_rdf(linker.link(extract_article(art)))
            store.replace_article(rdf)
            written[key] = art.source or art.id
            summary.warnings += len(rdf.warnings)
            for w in rdf.warnings:
                if on_warning:
                    on_warning(w)
            summary.articles += 1
        except Exception as exc:  # one bad article must not stop the others
            if reraise:
                raise
            fail(f"{art.source or art.id}: {type(exc).__name__}: {exc}")
        if progress:
            progress(i, total, summary.failed, time.monotonic() - t0)
    store.flush()
    summary.triples = len(store)
    summary.seconds = time.monotonic() - t0
    return summary


# -------------------------------------------------------------------- explaining


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
