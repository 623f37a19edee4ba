"""The embedded graph store: a pyoxigraph (RocksDB) directory behind a small interface.

pyoxigraph rather than rdflib's memory store because it persists, loads about
6x faster and answers our queries up to thousands of times faster (see
benchmarks/store_speed.py). Each article is written by one SPARQL Update,
which Oxigraph applies as a single transaction: an interrupted build leaves
every article graph either whole or absent, never half-written.
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
