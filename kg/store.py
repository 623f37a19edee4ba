"""The embedded graph store: a pyoxigraph (RocksDB) directory behind a small interface.

pyoxigraph rather than rdflib's memory store because it persists, loads about
6x faster and answers our queries up to thousands of times faster (see
benchmarks/store_speed.py). ``replace_article`` writes one article by one
SPARQL Update, which Oxigraph applies as a single transaction;
``replace_articles`` (what ``kg build`` uses) writes a batch through the bulk loader, its
metadata last. Either way an interrupted build leaves every article whole or
absent as far as ``article_graphs`` can tell, never half-written.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.io import write_atomic
from kg.rdf import ArticleRdf, merge_update, unmerge_update
from kg.sparql import bind_params, dataset_options, projected_variables
from kg.vocab import PREFIXES

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nq": ox.RdfFormat.N_QUADS,
           "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
_QUAD_FORMATS = {"trig", "nq", "jsonld"}


class StoreError(Exception):
    """A store that cannot be used: missing, locked or corrupt. The message is shown to the user as is."""


def is_merged(store: ox.Store) -> bool:
    """Whether ``store``'s default graph holds the merged facts (kg.rdf): one triple of an article graph is
    looked up there, since a store is merged whole or not at all."""
    one = next(iter(store.query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1")), None)
    return one is None or bool(store.query(
        "ASK { ?s ?p ?o }", substitutions={ox.Variable(k): one[k] for k in ("s", "p", "o")}))


class GraphStore:
    """One store directory. Open for writing with ``GraphStore(path)``, for reading with ``open_existing``.

    ``GraphStore(None)`` (or ``GraphStore.in_memory()``) is the same store with
    nothing on disk: what a test or a notebook uses to hold a few hand-made
    articles without a directory, a lock or the tagger.
    """

    def __init__(self, path: str | os.PathLike[str] | None, read_only: bool = False) -> None:
        self.path = None if path is None else Path(path)
        self._merged: bool | None = None  # does the default graph hold the merged facts? (kg.rdf)
        if self.path is None:
            self.store = ox.Store()
            return
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
    def in_memory(cls) -> GraphStore:
        """A store that lives as long as the object: no directory, no lock, nothing left behind."""
        return cls(None)

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
        self._ensure_merged()
        update = (
            f"{unmerge_update(rdf.graph)} ;\n"
            f"DROP SILENT GRAPH {g} ;\n"
            f"DELETE WHERE {{ {a} ?p ?o }} ;\nDELETE WHERE {{ {g} ?p ?o }} ;\nDELETE WHERE {{ {act} ?p ?o }} ;\n"
            f"INSERT DATA {{ {meta} .\n GRAPH {g} {{ {body} {'.' if body else ''} }} }} ;\n"
            f"{merge_update(rdf.graph)}"
        )
        self.store.update(update)

    def replace_articles(self, rdfs: list[ArticleRdf]) -> None:
        """Replace many articles at once: what ``kg build`` writes, a batch at a time.

        The old versions are dropped (and taken out of the merged default
        graph) in one update; the article graphs and their merged copies go in
        through Oxigraph's bulk loader (several times faster than a
        transaction, which RocksDB holds in memory and commits); then the
        articles' metadata, their content hashes included, in one transaction.
        An article is listed (``article_graphs``) only through its metadata, so
        an interrupted batch leaves articles whole, absent, or as a graph with
        no metadata that the next build of that article drops and writes anew.
        """
        self._ensure_merged()
        dropped = [f"{unmerge_update(r.graph)} ;\nDROP SILENT GRAPH {r.graph} ;\n"
                   f"DELETE WHERE {{ {r.article} ?p ?o }} ;\n"
                   f"DELETE WHERE {{ {r.graph} ?p ?o }} ;\nDELETE WHERE {{ {r.activity} ?p ?o }}"
                   for r in rdfs if self.store.contains_named_graph(r.graph)]
        if dropped:
            self.store.update(" ;\n".join(dropped))
        dg = ox.DefaultGraph()
        # each article graph, and its triples once more in the merged default graph (what merge_update does)
        self.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, g) for r in rdfs for t in r.triples
                               for g in (r.graph, dg))
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, dg) for r in rdfs for t in r.meta)

    def drop_unused_roles(self) -> int:
        """Remove role descriptions (default graph) that no article's membership uses any more; how many.

        Roles are shared vocabulary, described once rather than once per
        article, so replacing an article cannot drop its roles with it: a build
        that replaced articles calls this, and the store holds what a fresh
        build of the same articles would.
        """
        roles = {r["r"] for r in self.store.query(
            "SELECT ?r WHERE { ?r a <http://www.w3.org/ns/org#Role> }")}
        used = {r["r"] for r in self.store.query(
            "SELECT DISTINCT ?r WHERE { GRAPH ?g { ?m <http://www.w3.org/ns/org#role> ?r } }")}
        unused = roles - used
        dg = ox.DefaultGraph()
        for r in unused:
            for q in list(self.store.quads_for_pattern(r, None, None, dg)):
                self.store.remove(q)
        return len(unused)

    def merged(self) -> bool:
        """Whether the default graph holds the merged facts (every store built since the merged graph was
        introduced); an older store is read through the union of its graphs until a build merges it."""
        if self._merged is None:
            self._merged = is_merged(self.store)
        return self._merged

    def _ensure_merged(self) -> None:
        if not self.merged():
            self.store.update(merge_update())
            self._merged = True

    def flush(self) -> None:
        self.store.flush()

    # ---------------------------------------------------------------- reading

    def query(self, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None,
              ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """SPARQL over the merged default graph, the project's prefixes predeclared, ``bindings`` pre-bound.

        The default graph holds every article graph's triples once (kg.rdf), so
        a fact stated by several articles is one row; ``GRAPH ?g { }`` still
        reaches one article's graph. A store built before the merged graph is
        read as the union of its graphs. A query with ``FROM`` / ``FROM NAMED`` gets
        the dataset it names.

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
        union = not self.merged()
        if not bindings:
            return self.store.query(sparql, prefixes=PREFIXES, **dataset_options(sparql, union))
        projected = projected_variables(sparql)
        subs = {k: v for k, v in bindings.items() if projected is None or k in projected}
        values = {k: v for k, v in bindings.items() if k not in subs}
        return self.store.query(bind_params(sparql, values), prefixes=PREFIXES, **dataset_options(sparql, union),
                                substitutions={ox.Variable(k): v for k, v in subs.items()} or None)

    def query_dataset(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """SPARQL over the dataset as stored: the default graph alone, each article's graph through ``GRAPH``.

        For code that must tell the graphs apart (which article said what);
        analysts' queries go through ``query``.
        """
        return self.store.query(sparql, prefixes=PREFIXES)

    def article_graphs(self) -> dict[str, str]:
        """Named graph IRI → article identifier, from the metadata in the default graph."""
        res = self.query_dataset("SELECT ?g ?id WHERE { ?a kg:namedGraph ?g ; dcterms:identifier ?id }")
        return {r["g"].value: r["id"].value for r in res}

    def graph_quads(self, graph: str) -> set[str]:
        """A named graph as a set of N-Triples lines: what tests compare across builds."""
        return {f"{q.subject} {q.predicate} {q.object} ."
                for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}

    def __len__(self) -> int:
        return len(self.store)

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


__all__ = ["FORMATS", "GraphStore", "StoreError", "is_merged"]
