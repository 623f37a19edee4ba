"""A store that changes while something uses it: one writer at a time, and a killed build loses nothing whole.

Real processes, really killed (SIGKILL): the lock must be released by the
kernel, not by a Python `finally`, and each article's one-transaction write
must hold when the process dies between any two instructions.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main
from kg.pipeline import build_store
from kg.store import LOCK, GraphStore, StoreError
from kg.validate import validate_store

ROOT = Path(__file__).resolve().parent.parent
CITIES = ["澄川", "枫溪", "岚桥", "墨渡", "栖霞湾", "雁丘", "柘林", "苇塘", "鹭屿", "榆关", "蒲原", "桐陌"]
PEOPLE = ["覃望舒", "闵照川", "宓听澜", "仉怀瑾", "冼若谷", "靳暮云", "阙知远", "佘南枝", "郗鸣岳", "漆晚亭",
          "尉迟砚", "酆青禾"]


def _records(n: int, start: int = 0) -> list[dict[str, str]]:
    out = []
    for i in range(start, start + n):
        city, who = CITIES[i % len(CITIES)], PEOPLE[i % len(PEOPLE)]
        out.append({"id": f"k{i}", "url": f"https://lock.example.net/{i}", "title": f"{city}职业学院举行开学典礼",
                    "published": f"2025-09-{i % 27 + 1:02d}",
                    "text": f"9月{i % 27 + 1}日，{city}职业学院开学典礼在{city}市举行。"
                            f"{city}职业学院院长{who}出席典礼并讲话，副院长{PEOPLE[(i + 5) % len(PEOPLE)]}主持典礼。"})
    return out


def _jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _quads(store: GraphStore) -> set[str]:
    return {f"{q.subject} {q.predicate} {q.object} {q.graph_name}" for q in store.store}


def _holder(store_dir: Path) -> subprocess.Popen[str]:
    """A process holding the store open for writing until killed; returns once it holds it."""
    code = ("import sys, time; from kg.store import GraphStore; s = GraphStore(sys.argv[1]); "
            "print('open', flush=True); time.sleep(600)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(store_dir)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
    return proc


def test_a_second_writer_is_refused_naming_the_first_and_a_killed_ones_lock_is_gone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = tmp_path / "store"
    proc = _holder(d)
    try:
        with pytest.raises(StoreError, match=rf"another kg process is writing it \(pid {proc.pid}, `-c "):
            GraphStore(d)
        # the commands say so in one line, and change nothing
        src = _jsonl(tmp_path / "one.jsonl", _records(1))
        assert main(["build", str(src), "--store", str(d), "--html", ""]) == 1
        assert f"another kg process is writing it (pid {proc.pid}" in capsys.readouterr().err
        assert main(["remove", "--store", str(d), "k0"]) == 1
        assert "another kg process is writing it" in capsys.readouterr().err
        # readers are not writers: they may open it meanwhile
        assert len(GraphStore.open_existing(d)) == 0
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert (d / LOCK).exists()  # the file stays, naming a dead process; the lock on it went with the process
    store = GraphStore(d)
    assert str(os.getpid()) in (d / LOCK).read_text(encoding="utf-8")
    del store


def test_a_build_killed_at_several_points_leaves_the_old_store_or_whole_articles_added(tmp_path: Path) -> None:
    """Before each kill the store holds one article; after it, a prefix of the new ones, each whole.

    The expected state for k articles written is built afresh in memory (the
    first article, then the first k new ones): the same quads, validating.
    """
    first, new = _records(1), _records(30, start=1)
    src = _jsonl(tmp_path / "new.jsonl", new)
    rng = random.Random(20261204)
    references: dict[int, set[str]] = {}
    # kill: as soon as the process runs, after the 1st and the 6th article, and at two random moments once
    # writing has begun (the tagger's loading takes most of a run; an article takes some 30 ms)
    points: list[tuple[str, float]] = [("start", 0.0), ("articles", 1), ("articles", 6),
                                       ("random", rng.uniform(0.0, 0.5)), ("random", rng.uniform(0.0, 0.5))]
    for n, (how, when) in enumerate(points):
        d = tmp_path / f"s{n}"
        seed = GraphStore(d)
        assert build_store([str(_jsonl(tmp_path / "first.jsonl", first))], seed).failed == 0
        del seed
        proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(src), "--store", str(d), "--html", ""],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        target = 1 if how == "random" else when
        while how != "start" and proc.poll() is None and time.monotonic() < deadline:
            try:
                if len(GraphStore.open_existing(d).article_graphs()) >= 1 + target:
                    break
            except (OSError, StoreError):  # a read-only view of a store being written can lose a file
                pass
            time.sleep(0.01)
        if how == "random":
            time.sleep(when)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        store = GraphStore(d)  # opens: no lock left, nothing to repair
        ids = sorted(store.article_graphs().values(), key=lambda i: int(i[1:]))
        k = len(ids) - 1
        assert ids == [r["id"] for r in first + new[:k]]  # a prefix, in input order
        if how == "articles":
            assert k >= when
        if k not in references:
            ref = GraphStore.in_memory()
            build_store([str(tmp_path / "first.jsonl")], ref)
            if k:
                build_store([str(_jsonl(tmp_path / f"prefix{k}.jsonl", new[:k]))], ref)
            references[k] = _quads(ref)
        assert _quads(store) == references[k], f"kill point {how} {when}: {k} articles"
        assert validate_store(store) == []
        merged = {(q.subject, q.predicate, q.object) for q in store.store.quads_for_pattern(
            None, None, None, ox.DefaultGraph())}
        assert all((q.subject, q.predicate, q.object) in merged for q in store.store
                   if isinstance(q.graph_name, ox.NamedNode))
        del store
