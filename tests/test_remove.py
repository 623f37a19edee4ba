"""Deletion: `kg remove`, `kg build --prune`, and `kg push` deleting removed articles' graphs remotely.

The yardstick is a fresh build: a store with articles built and one removed
must hold exactly the quads of a store built from the others alone (the
removed article built last, so that nothing the others say depends on it), and
validate. Invented articles only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.linkstore import link_index
from kg.pipeline import build_store
from kg.push import METADATA_GRAPH, push_store
from kg.store import TOMBSTONES, GraphStore
from kg.validate import validate_store

A = {"id": "qa", "title": "青岚学院举行毕业典礼", "published": "2025-06-20", "url": "https://news.example.net/qa",
     "text": "6月19日，青岚学院毕业典礼在青岚市举行。青岚学院院长邬若衡出席典礼并讲话。"}
B = {"id": "qb", "title": "赤松重工签约", "published": "2025-07-02", "url": "https://news.example.net/qb",
     "text": "7月1日，赤松重工有限公司签约仪式在赤松市举行。赤松重工有限公司董事长简石川出席仪式。"}
C = {"id": "qc", "title": "青岚学院召开董事会", "published": "2025-08-03", "url": "https://news.example.net/qc",
     "text": "8月2日，青岚学院董事会在青岚学院召开。青岚学院副院长栾星野主持会议，邬若衡出席。"}


def _jsonl(path: Path, *records: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _build(tmp: Path, name: str, *records: dict[str, str]) -> GraphStore:
    store = GraphStore(tmp / name)
    s = build_store([str(_jsonl(tmp / f"{name}.jsonl", *records))], store)
    assert s.failed == 0 and s.articles == len(records)
    return store


def quads(store: GraphStore) -> set[str]:
    return {f"{q.subject} {q.predicate} {q.object} {q.graph_name}" for q in store.store}


def iris_of(store: GraphStore, graph: str) -> set[str]:
    return {t.value for q in store.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}


def test_build_three_remove_the_last_equals_a_build_of_the_other_two(tmp_path: Path) -> None:
    store = _build(tmp_path, "abc", A, B, C)
    found, missing = store.find_articles([C["url"]])
    assert not missing and len(found[C["url"]]) == 1
    assert store.remove_graphs([g for _, g in found[C["url"]]]) == 1
    assert quads(store) == quads(_build(tmp_path, "ab", A, B))
    assert validate_store(store) == []
    assert store.tombstones() == [found[C["url"]][0][1]]


def test_removing_a_middle_article_takes_its_own_entities_and_roles_with_it(tmp_path: Path) -> None:
    store = _build(tmp_path, "abc", A, B, C)
    graphs = {i: g for g, i in store.article_graphs().items()}
    own = iris_of(store, graphs["qb"]) - iris_of(store, graphs["qa"]) - iris_of(store, graphs["qc"])
    assert any("/person/" in i for i in own)  # 简石川 is only in B
    roles_before = {r["r"].value for r in store.query_dataset("SELECT ?r WHERE { ?r a org:Role }")}
    found, _ = store.find_articles(["qb"])  # by id this time
    store.remove_graphs([g for _, g in found["qb"]])
    assert set(store.article_graphs().values()) == {"qa", "qc"}
    left = {t.value for q in store.store for t in (q.subject, q.object, q.graph_name) if isinstance(t, ox.NamedNode)}
    assert not own & left  # not in any graph, the merged default graph included
    roles = {r["r"].value for r in store.query_dataset("SELECT ?r WHERE { ?r a org:Role }")}
    assert roles < roles_before  # B's 董事长 went, the posts A and C state stayed
    used = {r["r"].value for r in store.query_dataset("SELECT ?r WHERE { GRAPH ?g { ?m org:role ?r } }")}
    assert roles == used
    # the merged default graph still holds every remaining article graph's triples
    def triples(graph: ox.NamedNode | ox.DefaultGraph) -> set[tuple[object, ...]]:
        return {(q.subject, q.predicate, q.object) for q in store.store.quads_for_pattern(None, None, None, graph)}

    for g in store.article_graphs():
        assert triples(ox.NamedNode(g)) <= triples(ox.DefaultGraph())
    assert validate_store(store) == []


def test_removing_every_article_leaves_an_empty_store(tmp_path: Path) -> None:
    store = _build(tmp_path, "abc", A, B, C)
    assert store.prune(set()) == ["qa", "qb", "qc"]
    assert len(store) == 0


def test_linking_memory_forgets_removed_entities(tmp_path: Path) -> None:
    """A removed article's people are not linked to by later builds: removing and building anew is building anew."""
    store = _build(tmp_path, "a", A)
    assert link_index(store).persons  # 邬若衡 is known while A is in the store
    found, _ = store.find_articles(["qa"])
    store.remove_graphs([g for _, g in found["qa"]])
    idx = link_index(store)
    assert not idx.persons and not idx.names and not idx.labels
    assert build_store([str(_jsonl(tmp_path / "c.jsonl", C))], store).failed == 0
    assert quads(store) == quads(_build(tmp_path, "c_only", C))


def test_cli_remove_refuses_unknown_and_ambiguous_references_and_changes_nothing(tmp_path: Path,
                                                                                 capsys: pytest.CaptureFixture[str]
                                                                                 ) -> None:
    twin = dict(A, url="https://other.example.net/qa", title="另一篇同号稿件")  # same id, another article
    store = _build(tmp_path, "s", A, twin, B)
    before = quads(store)
    del store
    s = str(tmp_path / "s")
    assert main(["remove", "--store", s, "no-such-article"]) == 1
    assert "no-such-article: no article with this id or URL" in capsys.readouterr().err
    assert main(["remove", "--store", s, "qa", "qb"]) == 1
    err = capsys.readouterr().err
    assert "qa: 2 articles have this id" in err and "nothing removed" in err
    assert quads(GraphStore.open_existing(s)) == before
    assert main(["remove", "--store", s, "https://other.example.net/qa", "qb"]) == 0
    assert "removed 2 articles" in capsys.readouterr().err
    assert set(GraphStore.open_existing(s).article_graphs().values()) == {"qa"}
    assert main(["remove", "--store", s, "--all", "qa"]) == 0
    assert len(GraphStore.open_existing(s)) == 0


def test_build_prune_mirrors_the_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = str(tmp_path / "s")
    abc, ab = _jsonl(tmp_path / "abc.jsonl", A, B, C), _jsonl(tmp_path / "ab.jsonl", A, B)
    assert main(["build", str(abc), "--store", s, "--html", ""]) == 0
    # an input that cannot be read: its articles are unknown, so nothing is pruned
    assert main(["build", str(ab), str(tmp_path / "missing.jsonl"), "--store", s, "--html", "", "--prune"]) == 1
    assert "--prune: 1 input(s) could not be read" in capsys.readouterr().err
    assert set(GraphStore.open_existing(s).article_graphs().values()) == {"qa", "qb", "qc"}
    assert main(["build", str(ab), "--store", s, "--html", "", "--prune"]) == 0
    assert "pruned 1 articles no longer among the inputs: qc" in capsys.readouterr().err
    assert quads(GraphStore.open_existing(s)) == quads(_build(tmp_path, "ab", A, B))
    assert main(["validate", "--store", s]) == 0
    assert (tmp_path / "s" / TOMBSTONES).read_text(encoding="utf-8").count("\n") == 1


# ------------------------------------------------------------------ push deletes what was removed (real Virtuoso)

from test_push import local_quads, remote_quads, virtuoso  # noqa: E402, F401  (the Virtuoso fixture and helpers)


def _drop_ours(base: str) -> None:
    from SPARQLWrapper import DIGEST, POST, SPARQLWrapper

    sw = SPARQLWrapper(f"{base}/sparql-auth")
    sw.setHTTPAuth(DIGEST)
    sw.setCredentials("dba", "dba")
    sw.setMethod(POST)
    graphs = _ours(base)
    if graphs:
        sw.setQuery(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        sw.query()
    assert not remote_quads(base)


def _ours(base: str) -> set[str]:
    return {q[0] for q in remote_quads(base)}


@pytest.mark.parametrize("protocol", ["graph-store", "update"])
def test_push_after_a_removal_deletes_the_graphs_there(virtuoso: str, tmp_path: Path,  # noqa: F811
                                                       protocol: str) -> None:
    _drop_ours(virtuoso)
    store = _build(tmp_path, "abc", A, B, C)
    how = ({"graph_store": f"{virtuoso}/sparql-graph-crud-auth"} if protocol == "graph-store" else {})
    report = push_store(store, f"{virtuoso}/sparql-auth", user="dba", password="dba", **how)
    assert report.ok and remote_quads(virtuoso) == local_quads(store)
    found, _ = store.find_articles(["qb"])
    gone = found["qb"][0][1]
    store.remove_graphs([gone])
    assert store.tombstones() == [gone]
    report = push_store(store, f"{virtuoso}/sparql-auth", user="dba", password="dba", **how)
    assert report.ok and report.deleted == 1
    assert remote_quads(virtuoso) == local_quads(store)  # B's graph gone, the metadata graph replaced
    assert gone not in _ours(virtuoso)
    assert store.tombstones() == [] and not (tmp_path / "abc" / TOMBSTONES).exists()
    # the last article removed: the remote metadata graph goes with them
    store.prune(set())
    report = push_store(store, f"{virtuoso}/sparql-auth", user="dba", password="dba", **how)
    assert report.ok and report.deleted == 2 and not remote_quads(virtuoso)
    assert METADATA_GRAPH not in _ours(virtuoso) and store.tombstones() == []


def test_a_failed_remote_delete_keeps_its_tombstone(tmp_path: Path) -> None:
    """Nothing listens on the port: the delete fails, the tombstone stays for the next push."""
    store = _build(tmp_path, "ab", A, B)
    store.prune({g for g, i in store.article_graphs().items() if i == "qa"})
    from test_push import free_port

    report = push_store(store, f"http://127.0.0.1:{free_port()}/sparql", retries=0)
    assert not report.ok and report.deleted == 0
    assert len(store.tombstones()) == 1
    assert any("removed article's graph not deleted" in f.message for f in report.failures)


def test_cli_remove_then_push_via_subprocess_reports_the_deletion(virtuoso: str, tmp_path: Path) -> None:  # noqa: F811
    _drop_ours(virtuoso)
    store = _build(tmp_path, "ab", A, B)
    del store
    s = str(tmp_path / "ab")
    env = dict(os.environ, KG_PUSH_PASSWORD="dba")
    push = [sys.executable, "-m", "kg", "push", "--store", s, "--endpoint", f"{virtuoso}/sparql-auth", "--user", "dba"]
    assert subprocess.run(push, capture_output=True, text=True, timeout=120, env=env).returncode == 0
    assert main(["remove", "--store", s, A["url"]]) == 0
    out = subprocess.run(push, capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert "deleted 1 graphs of removed articles" in out.stderr
    assert remote_quads(virtuoso) == local_quads(GraphStore.open_existing(s))
