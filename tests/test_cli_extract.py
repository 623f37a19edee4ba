"""`kg extract` as a user runs it: real files on disk, a real subprocess, exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def test_samples_extract_to_the_prediction_contract() -> None:
    res = run("extract", str(SAMPLES), "--format", "jsonl")
    assert res.returncode == 0, res.stderr
    docs = [json.loads(line) for line in res.stdout.splitlines()]
    ids = {d["id"] for d in docs}
    assert "forum" in ids and "signing" in ids
    forum = next(d for d in docs if d["id"] == "forum")
    assert forum["published"] == "2025-09-27"
    names = {e["name"] for e in forum["entities"]}
    assert "宁川工程职业学院" in names
    # page furniture (related headlines, ads) yields nothing
    assert not any("图书馆" in n or "热线" in n for n in names)
    post = {"person": "阙明远", "title": "党委书记", "org": "宁川工程职业学院"}
    assert post in [{k: p[k] for k in ("person", "title", "org")} for p in forum["posts"]]
    for r in forum["relations"]:
        ev = r["evidence"]
        assert ev["sentence"] and 0 <= ev["start"] < ev["end"]
    assert "kg: " in res.stderr and "failed" in res.stderr


def test_table_format_is_readable() -> None:
    res = run("extract", str(SAMPLES / "forum.txt"), "--format", "table")
    assert res.returncode == 0
    assert res.stdout.startswith("== forum")
    assert "post" in res.stdout and "attended" in res.stdout


def test_bad_inputs_are_named_and_the_rest_still_processed(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "lines.jsonl").write_text(
        '{"id": "a", "text": "云溪科技学院党委书记冉启明出席会议。"}\n{broken\n'
        '{"id": "b", "text": "东岚市副市长蓟文澜出席论坛。"}\n', encoding="utf-8")
    res = run("extract", str(tmp_path), "--format", "jsonl")
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "empty.txt" in res.stderr and "binary.txt" in res.stderr
    assert "lines.jsonl:2" in res.stderr
    assert {json.loads(x)["id"] for x in res.stdout.splitlines()} == {"a", "b"}
    assert "2 articles extracted, 3 failed" in res.stderr


def test_size_limit_refuses_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("云溪科技学院党委书记冉启明出席会议。" * 50, encoding="utf-8")
    res = run("extract", str(big), "--max-bytes", "100")
    assert res.returncode == 1
    assert "big.txt" in res.stderr and "size limit" in res.stderr
    assert res.stdout == ""
