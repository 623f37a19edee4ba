#!/usr/bin/env python3
"""Person and organisation recognition on CLUENER2020 dev, beside a jieba.posseg baseline.

Why: the dev articles in ../shared/eval/dev are few and close to the cases the rules were
written for. CLUENER2020 (1,343 short news and web sentences, labelled by others) is an
independent check that the extraction is not just fitted to them. The jieba.posseg
baseline (Person = ``nr`` words, Organization = ``nt`` words) shows what plain
part-of-speech tagging would give on the same sentences.

The scoring is ../shared/eval/score_ner.py's own: this script only makes its input
(``score_ner.py input``), writes the prediction JSONL for each system and runs
``score_ner.py score PRED --json``. When ../shared is absent it prints a note and exits 0.

usage:
  python benchmarks/cluener.py
  python benchmarks/cluener.py --keep /tmp/cluener   # keep the input and prediction files
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score_ner.py"
KEYS = ("Person", "Organization", "position")

Record = dict[str, str]
Predictor = Callable[[Record], dict[str, Any]]


def scorer_input() -> list[Record]:
    """The sentences as score_ner.py hands them out: {"id", "text"} per line."""
    out = subprocess.run([sys.executable, str(SCORER), "input"], check=True, capture_output=True,
                         text=True, encoding="utf-8").stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def score(pred: Path) -> dict[str, dict[str, float]]:
    out = subprocess.run([sys.executable, str(SCORER), "score", str(pred), "--json"], check=True,
                         capture_output=True, text=True, encoding="utf-8").stdout
    return json.loads(out)


def kg_predictor() -> Predictor:
    from kg.extract import extract

    def predict(r: Record) -> dict[str, Any]:
        d = extract(r["text"], id=r["id"]).to_dict(evidence=False)
        return {k: d[k] for k in ("id", "entities", "posts", "relations")}

    return predict


def posseg_predictor() -> Predictor:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    types = {"nr": "Person", "nt": "Organization"}

    def predict(r: Record) -> dict[str, Any]:
        ents: dict[tuple[str, str], dict[str, Any]] = {}
        for word, flag in jieba.posseg.lcut(r["text"]):
            if flag in types:
                ents.setdefault((word, types[flag]), {"name": word, "type": types[flag], "aliases": []})
        return {"id": r["id"], "entities": list(ents.values()), "posts": [], "relations": []}

    return predict


def run(name: str, make: Callable[[], Predictor], records: list[Record], out: Path) -> tuple[float, float]:
    """Write the predictions to ``out``; return (load seconds, prediction seconds)."""
    t0 = time.perf_counter()
    predict = make()
    predict({"id": "warmup", "text": "新华社北京电 国务院总理李强主持召开国务院常务会议。"})
    t1 = time.perf_counter()
    with out.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(predict(r), ensure_ascii=False) + "\n")
    t2 = time.perf_counter()
    print(f"{name}: {len(records)} sentences in {t2 - t1:.1f} s "
          f"({len(records) / (t2 - t1):.0f} sentences/s; load {t1 - t0:.1f} s)")
    return t1 - t0, t2 - t1


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    lines = [f"{'CLUENER dev':14} {'system':13} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for key in KEYS:
        for system, res in results.items():
            v = res[key]
            lines.append(f"{key:14} {system:13} {v['p']:6.3f} {v['r']:6.3f} {v['f1']:6.3f} "
                         f"{v['tp']:5} {v['fp']:5} {v['fn']:5}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="write cluener_dev.jsonl and the predictions here instead of a temporary folder")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not SCORER.is_file():
        print(f"skipped: {SCORER} not found (the CLUENER evaluation needs the ../shared checkout)")
        return 0
    start = time.perf_counter()
    records = scorer_input()
    systems: dict[str, Callable[[], Predictor]] = {"kg": kg_predictor, "jieba nr/nt": posseg_predictor}
    with tempfile.TemporaryDirectory(prefix="cluener-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "cluener_dev.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        results = {}
        for system, make in systems.items():
            pred = folder / f"pred_{system.split()[0]}.jsonl"
            run(system, make, records, pred)
            results[system] = score(pred)
    print()
    print(table(results))
    print("(jieba nr/nt predicts no posts, so its position row is empty by construction)")
    print(f"\nelapsed: {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
