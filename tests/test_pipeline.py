"""kg build at scale: incremental rebuilds equal full ones, parallel extraction equals serial, progress shows."""

from __future__ import annotations

import importlib
import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import article, write

from kg.pipeline import BuildSummary, build_store
from kg.store import GraphStore

pipeline = importlib.import_module("kg.pipeline")

TEXTS = {
    "a": "5月19日，北岭大学校庆大会在北岭市举行。北岭大学校长柯远航出席会议并讲话。",
    "b": "6月1日，南湾建材有限公司签约仪式在南湾市举行。南湾建材有限公司总经理岑云帆、北岭大学校长柯远航出席仪式。",
    "c": "7月2日，北岭大学理事会在北岭大学召开。北岭大学校长柯远航主持会议。",
    "d": "8月3日，南湾建材有限公司董事长殷思远在南湾市会见北岭大学校长柯远航。",
    "e": "9月9日，东屿职业技术学院党委书记鞠晓澄出席南湾建材有限公司产教融合推进会。",
    "f": "10月1日，西岑科技有限公司总经理仉云帆出席西岑市科技创新大会。",  # shares nothing with the changes
}
# a changes so that it no longer names 北岭大学 or 柯远航 (the later articles must now say "first seen" themselves);
# d changes its people and drops the only 董事长 (the role must not outlive it)
CHANGED = {
    "a": "5月19日，北岭市教育大会在北岭市举行。北岭市教育局局长滕书明出席会议并讲话。",
    "d": "8月3日，南湾建材有限公司副总经理殷思远在南湾市会见东屿职业技术学院党委书记鞠晓澄。",
}


def _corpus(path: Path, texts: dict[str, str], keys: str | None = None) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for k in keys or sorted(texts):
            fh.write(json.dumps({"id": k, "title": f"{k} 标题", "published": "2025-05-20",
                                 "url": f"https://n.example.org/{k}", "text": texts[k]}, ensure_ascii=False) + "\n")
    return path


def _build(tmp: Path, name: str, *corpora: Path, **kw: object) -> tuple[GraphStore, list[BuildSummary]]:
    store = GraphStore(tmp / name)
    runs = [build_store([str(c)], store, **kw) for c in corpora]  # type: ignore[arg-type]
    assert all(s.failed == 0 for s in runs), [s.errors for s in runs]
    return store, runs


def test_rebuilding_changed_articles_gives_the_store_a_full_rebuild_gives(tmp_path: Path) -> None:
    old = _corpus(tmp_path / "old.jsonl", TEXTS)
    new = _corpus(tmp_path / "new.jsonl", {**TEXTS, **CHANGED})
    store, (first, again, changed) = _build(tmp_path, "inc", old, old, new)
    assert (first.extracted, first.rewritten) == (6, 6)
    # unchanged: nothing extracted, nothing written
    assert (again.articles, again.extracted, again.unchanged, again.rewritten) == (6, 0, 6, 0)
    # two changed: two extracted; the others linked again, and rewritten only where their links changed
    assert (changed.articles, changed.extracted, changed.unchanged) == (6, 2, 4)
    assert 2 < changed.rewritten < 6
    full, _ = _build(tmp_path, "full", new)
    assert store.export("nq", None) == full.export("nq", None)
    notes = {r["n"].value for r in store.query("SELECT ?n WHERE { ?m kg:linkNote ?n }")}
    assert not any("article a" in n for n in notes if "北岭大学" in n)


def test_building_part_of_a_corpus_at_a_time_equals_building_it_at_once(tmp_path: Path) -> None:
    texts = {**TEXTS, **CHANGED}
    parts = [_corpus(tmp_path / "ab.jsonl", TEXTS, "ab"), _corpus(tmp_path / "cdef.jsonl", TEXTS, "cdef"),
             _corpus(tmp_path / "a2.jsonl", texts, "a"), _corpus(tmp_path / "d2.jsonl", texts, "d")]
    store, runs = _build(tmp_path, "parts", *parts)
    assert [r.extracted for r in runs] == [2, 4, 1, 1]
    full, _ = _build(tmp_path, "full", _corpus(tmp_path / "all.jsonl", texts))
    assert store.export("nq", None) == full.export("nq", None)


def test_parallel_extraction_writes_what_serial_extraction_writes(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "c.jsonl", TEXTS)
    serial, _ = _build(tmp_path, "serial", corpus, jobs=1)
    monkeypatch.setattr(pipeline, "MIN_PARALLEL", 1)
    parallel, (run,) = _build(tmp_path, "parallel", corpus, jobs=2, batch=2)
    assert run.jobs == 2 and run.extracted == 6
    assert serial.export("nq", None) == parallel.export("nq", None)


def test_content_hash_and_extractor_digest_are_in_the_provenance(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(tmp_path / "c.jsonl", TEXTS, "ab")
    store, _ = _build(tmp_path, "s", corpus)
    rows = list(store.query_dataset("SELECT ?id ?h ?d WHERE { ?a dcterms:identifier ?id ; kg:namedGraph ?g . "
                                    "?g prov:wasGeneratedBy ?x . ?x kg:contentHash ?h ; kg:extractorDigest ?d }"))
    assert sorted(r["id"].value for r in rows) == ["a", "b"]
    assert all(len(r["h"].value) == 40 for r in rows)
    # another extractor (code or lexicons changed): every article is extracted again
    monkeypatch.setattr(pipeline, "extractor_digest", lambda: "another")
    again = build_store([str(corpus)], store)
    assert (again.extracted, again.unchanged) == (2, 0)


def test_a_store_built_again_from_scratch_reuses_the_cache(tmp_path: Path) -> None:
    old = _corpus(tmp_path / "old.jsonl", TEXTS)
    store, _ = _build(tmp_path, "s", old)
    new = _corpus(tmp_path / "new.jsonl", {**TEXTS, **CHANGED})
    assert build_store([str(new)], store).extracted == 2
    # an article changed back to what it was: its old extraction is still in the cache
    back = build_store([str(old)], store)
    assert (back.extracted, back.reused, back.unchanged) == (0, 2, 4)
    full, _ = _build(tmp_path, "full", old)
    assert store.export("nq", None) == full.export("nq", None)
    del store, full
    # the store deleted, its cache kept: nothing is extracted, and the store is the same
    export = GraphStore(tmp_path / "s").export("nq", None)
    shutil.rmtree(tmp_path / "s")
    again = build_store([str(old)], GraphStore(tmp_path / "s"))
    assert (again.extracted, again.reused, again.rewritten) == (0, 6, 6)
    assert GraphStore(tmp_path / "s").export("nq", None) == export


def test_articles_written_without_the_build_cache_are_kept_and_linked_against(tmp_path: Path) -> None:
    store = GraphStore(tmp_path / "s")
    text = "北岭大学校长柯远航出席会议。"
    write(store, [article("hand", text, [("北岭大学", "Organization"), ("柯远航", "Person")],
                          [("柯远航", "校长", "北岭大学")])])
    s = build_store([str(_corpus(tmp_path / "c.jsonl", TEXTS, "c"))], store)
    assert s.extracted == 1 and sorted(store.article_graphs().values()) == ["c", "hand"]
    notes = " ".join(r["n"].value for r in store.query("SELECT ?n WHERE { ?m kg:linkNote ?n }"))
    assert "as in article hand" in notes


def test_a_failed_article_is_extracted_again_next_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = pipeline.extract_article

    def flaky(art):  # type: ignore[no-untyped-def]
        if art.id == "b":
            raise ValueError("boom")
        return real(art)

    corpus = _corpus(tmp_path / "c.jsonl", TEXTS, "abc")
    monkeypatch.setattr(pipeline, "extract_article", flaky)
    store = GraphStore(tmp_path / "s")
    s = build_store([str(corpus)], store)
    assert (s.articles, s.failed, s.extracted) == (2, 1, 2) and "boom" in s.errors[0]
    monkeypatch.setattr(pipeline, "extract_article", real)
    s = build_store([str(corpus)], store)
    assert (s.failed, s.extracted, s.unchanged) == (0, 1, 2)
    assert sorted(store.article_graphs().values()) == ["a", "b", "c"]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_with_rate_and_eta_on_a_terminal_and_lines_in_a_log() -> None:
    from kg.cli.graph import _BuildProgress

    tty = _Tty()
    bar = _BuildProgress(tty)
    for i in range(1, 11):
        bar(i, 10, 0, i * 0.5)
    out = tty.getvalue()
    assert "10/10" in out and "article/s" in out and "<" in out  # tqdm's rate and remaining time
    log = io.StringIO()
    lines = _BuildProgress(log)
    for i in range(1, 11):
        lines(i, 10, 1, i * 0.5)
    assert log.getvalue().splitlines()[-1] == "kg: 10/10 articles, 2.0/s, 1 errors"
