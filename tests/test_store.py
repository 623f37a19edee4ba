"""The on-disk store: idempotent and incremental builds, atomic export, one-line errors."""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES

from kg.cli import main
from kg.pipeline import build_store
from kg.store import GraphStore, StoreError


def _build(paths: list[Path], store_dir: Path) -> GraphStore:
    store = GraphStore(store_dir)
    assert build_store([str(p) for p in paths], store).failed == 0
    return store


def _jsonl(path: Path, *records: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


A = {"id": "a", "title": "北岭大学举行校庆", "published": "2025-05-20", "url": "https://n.example.org/a",
     "text": "5月19日，北岭大学校庆大会在北岭市举行。北岭大学校长柯远航出席会议并讲话。"}
B = {"id": "b", "title": "南湾建材签约", "published": "2025-06-02", "url": "https://n.example.org/b",
     "text": "6月1日，南湾建材有限公司签约仪式在南湾市举行。南湾建材有限公司总经理岑云帆出席仪式。"}
C = {"id": "c", "title": "北岭大学召开理事会", "published": "2025-07-03", "url": "https://n.example.org/c",
     "text": "7月2日，北岭大学理事会在北岭大学召开。北岭大学校长柯远航主持会议。"}


def test_same_input_twice_gives_identical_export(tmp_path: Path) -> None:
    one = _build([SAMPLES], tmp_path / "one").export("nq", None)
    two_store = _build([SAMPLES], tmp_path / "two")
    assert one == two_store.export("nq", None)
    # and rebuilding into the same store changes nothing either
    assert build_store([str(SAMPLES)], two_store).failed == 0
    assert one == two_store.export("nq", None)
    assert b"_:" not in one  # no blank nodes


def test_adding_an_article_leaves_other_graphs_alone(tmp_path: Path) -> None:
    store = _build([_jsonl(tmp_path / "ab.jsonl", A, B)], tmp_path / "s")
    before = {g: store.graph_quads(g) for g in store.article_graphs()}
    assert len(before) == 2
    assert build_store([str(_jsonl(tmp_path / "c.jsonl", C))], store).failed == 0
    after = store.article_graphs()
    assert len(after) == 3
    for g, quads in before.items():
        assert store.graph_quads(g) == quads


def test_rebuilding_an_article_replaces_its_graph(tmp_path: Path) -> None:
    store = _build([_jsonl(tmp_path / "a.jsonl", A)], tmp_path / "s")
    changed = dict(A, title="北岭大学举行校庆（更正）",
                   text="5月19日，北岭大学校庆大会在北岭市举行。北岭大学副校长殷思远出席会议。")
    assert build_store([str(_jsonl(tmp_path / "a2.jsonl", changed))], store).failed == 0
    (g,) = store.article_graphs()
    text = " ".join(store.graph_quads(g))
    assert "殷思远" in text and "柯远航" not in text
    titles = {r["t"].value for r in store.query("SELECT ?t WHERE { ?a dcterms:title ?t }")}
    assert titles == {"北岭大学举行校庆（更正）"}


def test_a_failing_article_does_not_stop_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline = importlib.import_module("kg.pipeline")
    real = pipeline.extract_article

    def flaky(article):  # type: ignore[no-untyped-def]
        if article.id == "b":
            raise ValueError("boom")
        return real(article)

    monkeypatch.setattr(pipeline, "extract_article", flaky)
    store = GraphStore(tmp_path / "s")
    s = build_store([str(_jsonl(tmp_path / "ab.jsonl", A, B))], store)
    assert (s.articles, s.failed) == (1, 1) and "boom" in s.errors[0]
    assert list(store.article_graphs().values()) == ["a"]


def test_missing_store_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(StoreError, match="no graph store"):
        GraphStore.open_existing(tmp_path / "nowhere")
    for cmd in (["query", "ASK {}"], ["export"], ["validate"], ["explain", "x"]):
        assert main([*cmd, "--store", str(tmp_path / "nowhere")]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "no graph store" in err and "Traceback" not in err


def test_cli_build_export_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    shutil.copytree(SAMPLES, src)
    store = str(tmp_path / "s")
    assert main(["build", str(src), "--store", store]) == 0
    err = capsys.readouterr().err
    assert "4/4 articles" in err and "built 4 articles" in err
    out = tmp_path / "out" / "g.trig"
    assert main(["export", "--store", store, "--format", "trig", "-o", str(out)]) == 0
    assert out.stat().st_size > 0 and not list(out.parent.glob(".*.tmp"))
    capsys.readouterr()
    assert main(["export", "--store", store, "--format", "ttl"]) == 0
    assert "@prefix kg:" in capsys.readouterr().out
    assert main(["validate", "--store", store]) == 0
    assert "conforms" in capsys.readouterr().err


def test_two_articles_with_one_id_in_one_build_is_an_error_not_a_loss(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    for d, text in (("a", A["text"]), ("b", B["text"])):
        (tmp_path / "in" / d).mkdir(parents=True)
        (tmp_path / "in" / d / "1.txt").write_text(text, encoding="utf-8")
    store = GraphStore(tmp_path / "s")
    s = build_store([str(tmp_path / "in")], store)
    assert (s.articles, s.failed) == (1, 1)
    first, second = sorted(str(p) for p in (tmp_path / "in").rglob("1.txt"))
    assert second in s.errors[0] and first in s.errors[0] and "'1'" in s.errors[0]
    assert list(store.article_graphs().values()) == ["1"]
    # the first article is the one kept: the second was never written
    assert "柯远航" in " ".join(store.graph_quads(next(iter(store.article_graphs()))))
    del store
    # the CLI reports it as an error, and counts only what it wrote
    assert main(["build", str(tmp_path / "in"), "--store", str(tmp_path / "s2"), "--html", ""]) == 1
    err = capsys.readouterr().err
    assert "built 1 articles" in err and "1 failed" in err and "kg: error:" in err and second in err


def test_a_failed_export_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    from kg.io import write_atomic

    out = tmp_path / "d" / "f.txt"
    assert write_atomic(out, lambda fh: fh.write(b"old")) == out

    def broken(fh: object) -> None:
        fh.write(b"half")  # type: ignore[attr-defined]
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(out, broken)
    assert out.read_bytes() == b"old" and [p.name for p in out.parent.iterdir()] == ["f.txt"]
