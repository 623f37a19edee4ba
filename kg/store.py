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

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # not POSIX: RocksDB's own lock still refuses a second writer, with a vaguer message
    fcntl = None  # type: ignore[assignment]

import pyoxigraph as ox

from kg.ingest.urls import UrlError, iri_from_url
from kg.io import write_atomic
from kg.rdf import AGENT, ArticleRdf, merge_update, unmerge_update
from kg.sparql import bind_params, dataset_options, projected_variables
from kg.vocab import KG, ORG, PREFIXES

#: the graphs taken out of the store that an external store may still hold: one IRI a line, beside RocksDB's files
#: (RocksDB leaves files it did not name alone), read and cleared by kg.push
TOMBSTONES = "kg-removed-graphs.txt"
#: held (flock) by the one process writing the store, naming it for whoever is refused; the kernel releases it when
#: that process ends, however it ends, so a lock left by a killed build is never in the way
LOCK = "kg.lock"
TOMBSTONE_LOCK = TOMBSTONES + ".lock"
_OURS = {TOMBSTONES, LOCK, TOMBSTONE_LOCK}


def _lock(path: Path) -> IO[str] | None:
    """Take the store's writer lock, or say who holds it. A file of ours rather than RocksDB's LOCK alone, so the
    message can name the process (pid and command line) that a user would otherwise have to hunt for."""
    if fcntl is None:
        return None
    path.mkdir(parents=True, exist_ok=True)
    fh = open(path / LOCK, "a+", encoding="utf-8")  # noqa: SIM115 (held for the store's lifetime)
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.seek(0)
        holder = " ".join(fh.read().split()) or "a process that has not yet said which"
        fh.close()
        raise StoreError(f"cannot open graph store {path}: another kg process is writing it ({holder}); wait for "
                         "it to finish (a second build or remove on the same store is refused)") from None
    fh.seek(0)
    fh.truncate()
    cmd = " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv))
    fh.write(f"pid {os.getpid()}, `{cmd}`, since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    fh.flush()
    return fh

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


def _open_read_only(path: Path, attempts: int = 20) -> ox.Store:
    """A read-only view of a store, which a build may be writing at that very moment.

    RocksDB opens read-only by reading the MANIFEST and then the files it lists;
    a writer's compaction can delete one of those in between, and the open
    fails as "Corruption: ... No such file or directory" though nothing is
    corrupt (seen polling a store under `kg build`, tests/test_store_lock.py).
    Opening again reads the new MANIFEST, so a few quick retries make it go
    away; a store that fails every time is reported as what it then is.
    """
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(str(path))
        except (RuntimeError, OSError) as exc:  # "Corruption: … No such file", or the same as an IO error
            if "No such file" not in str(exc) or attempt == attempts - 1:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise StoreError(f"cannot open graph store {path}: {reason}") from exc
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


class GraphStore:
    """One store directory. Open for writing with ``GraphStore(path)``, for reading with ``open_existing``.

    ``GraphStore(None)`` (or ``GraphStore.in_memory()``) is the same store with
    nothing on disk: what a test or a notebook uses to hold a few hand-made
    articles without a directory, a lock or the tagger.
    """

    def __init__(self, path: str | os.PathLike[str] | None, read_only: bool = False) -> None:
        self.path = None if path is None else Path(path)
        self._merged: bool | None = None  # does the default graph hold the merged facts? (kg.rdf)
        self._tombstones: list[str] = []  # an in-memory store's tombstones (on disk: TOMBSTONES)
        self._lock: IO[str] | None = None
        if self.path is None:
            self.store = ox.Store()
            return
        try:
            if not read_only:  # a fresh clone has no outputs/: a store's folder is made, parents and all
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._lock = _lock(self.path)
            self.store = _open_read_only(self.path) if read_only else ox.Store(str(self.path))
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
        if not p.is_dir() or not any(f.name not in _OURS for f in p.iterdir()):
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

    def find_articles(self, refs: list[str]) -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
        """Each of ``refs`` (an article id or URL, as given to `kg remove`) → the (article IRI, graph IRI) pairs
        it names, and the refs that name none. An id several articles share (ids are file stems, a URL is not)
        names them all: the caller decides whether that is what the user meant."""
        rows = self.query_dataset("SELECT ?a ?g ?id ?u WHERE { ?a kg:namedGraph ?g ; dcterms:identifier ?id . "
                                  "OPTIONAL { ?a schema:url ?u } }")
        by_id: dict[str, list[tuple[str, str]]] = {}
        by_url: dict[str, list[tuple[str, str]]] = {}
        for r in rows:
            pair = (r["a"].value, r["g"].value)
            by_id.setdefault(r["id"].value, []).append(pair)
            if r["u"] is not None:
                by_url.setdefault(r["u"].value, []).append(pair)
        found: dict[str, list[tuple[str, str]]] = {}
        missing: list[str] = []
        for ref in refs:
            try:
                url = iri_from_url(ref)
            except UrlError:  # not a URL at all: an id only
                url = None
            hits = by_url.get(url, []) if url else []
            hits = hits or by_id.get(ref, [])
            if hits:
                found[ref] = sorted(set(hits))
            else:
                missing.append(ref)
        return found, missing

    def remove_graphs(self, graphs: list[str]) -> int:
        """Take articles out by their graph IRIs, each in one transaction; how many were there.

        What goes with an article: its graph, its metadata (article, graph and
        extraction descriptions), every triple of the merged default graph that
        no other article graph states (``unmerge_update``, as a rebuild does),
        and the shared role nodes no remaining post uses; the software agent
        goes with the last article. Entities live only in article graphs, so an
        entity no other article names disappears with its last graph, and
        linking memory (kg.linkstore, read from the graphs) forgets it too.

        The graph IRIs are recorded as tombstones *before* the store changes:
        a crash in between leaves a tombstone for a graph still present, which
        `kg push` handles (it deletes before it writes), whereas the other order
        could lose a deletion the external store never hears of.
        """
        wanted = list(dict.fromkeys(graphs))
        if not wanted:
            return 0
        # only the graphs asked for: reading every article's metadata cost a removal twice its own work
        values = " ".join(str(ox.NamedNode(g)) for g in wanted)
        meta = {r["g"].value: (r["a"].value, r["x"].value if r["x"] else None) for r in self.query_dataset(
            f"SELECT ?g ?a ?x WHERE {{ VALUES ?g {{ {values} }} ?a kg:namedGraph ?g . "
            "OPTIONAL { ?g prov:wasGeneratedBy ?x } }")}
        todo = [g for g in wanted if g in meta]
        if not todo:
            return 0
        self.add_tombstones(todo)
        self._ensure_merged()
        for g in todo:
            a, act = meta[g]
            ga, aa, xa = (str(ox.NamedNode(i)) for i in (g, a, act or a))
            self.store.update(
                f"{unmerge_update(ox.NamedNode(g))} ;\n"
                f"DROP SILENT GRAPH {ga} ;\n"
                f"DELETE WHERE {{ {aa} ?p ?o }} ;\nDELETE WHERE {{ {ga} ?p ?o }} ;\nDELETE WHERE {{ {xa} ?p ?o }} ;\n"
                f"DELETE {{ ?r ?p ?o }} WHERE {{ ?r a <{ORG.Role}> ; ?p ?o "
                f"FILTER NOT EXISTS {{ GRAPH ?any {{ ?m <{ORG.role}> ?r }} }} }} ;\n"
                f"DELETE {{ <{AGENT}> ?p ?o }} WHERE {{ <{AGENT}> ?p ?o "
                f"FILTER NOT EXISTS {{ ?x a <{KG.Extraction}> }} }}")
        return len(todo)

    def prune(self, keep: set[str]) -> list[str]:
        """Remove every article whose graph IRI is not in ``keep`` (what `kg build --prune` does with the graphs of
        its inputs); the article ids removed."""
        ids = self.article_graphs()
        gone = sorted(g for g in ids if g not in keep)
        self.remove_graphs(gone)
        return sorted(ids[g] for g in gone)

    # ---------------------------------------------------------------- tombstones (kg.push)

    def tombstones(self) -> list[str]:
        """Graph IRIs removed from this store that `kg push` has not yet deleted from an external store."""
        if self.path is None:
            return list(self._tombstones)
        f = self.path / TOMBSTONES
        try:
            return [ln for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
        except FileNotFoundError:
            return []

    def add_tombstones(self, graphs: list[str]) -> None:
        with self._tombstone_lock():
            self._write_tombstones(list(dict.fromkeys([*self.tombstones(), *graphs])))

    def clear_tombstones(self, graphs: list[str]) -> None:
        """Forget the tombstones of ``graphs`` (their remote delete succeeded), keeping any added meanwhile."""
        done = set(graphs)
        with self._tombstone_lock():
            self._write_tombstones([g for g in self.tombstones() if g not in done])

    @contextlib.contextmanager
    def _tombstone_lock(self) -> Iterator[None]:
        """The list's read-modify-write under a lock of its own: `kg push` only reads the store (no writer lock),
        yet clears tombstones while a `kg remove` may be adding some."""
        if self.path is None or fcntl is None:
            yield
            return
        with open(self.path / TOMBSTONE_LOCK, "a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            yield

    def _write_tombstones(self, graphs: list[str]) -> None:
        if self.path is None:
            self._tombstones = graphs
            return
        f = self.path / TOMBSTONES
        if not graphs:
            f.unlink(missing_ok=True)
            return
        data = "".join(g + "\n" for g in graphs).encode("utf-8")
        write_atomic(f, lambda fh: fh.write(data))

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


__all__ = ["FORMATS", "LOCK", "TOMBSTONES", "GraphStore", "StoreError", "is_merged"]
