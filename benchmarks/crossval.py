"""Extraction figures per fold over the annotated articles (dev + train), so that rules are judged held out.

Rules are not fitted by an optimiser, but they are fitted all the same: by a
person reading misses. The articles are split into five fixed folds (by a hash
of set and id, so the split never depends on file order); while a rule is
written only the tuning folds are read with ``--explain``, and the held-out
fold is the estimate of what the rule does on articles nobody looked at.

    python benchmarks/crossval.py                 # every fold, and dev / train as wholes
    python benchmarks/crossval.py --held 4        # tuning folds vs fold 4 alone
    python benchmarks/crossval.py --held 4 --explain   # what to read while tuning: fold 4 stays unread
    python benchmarks/crossval.py --list 4        # which article ids fold 4 holds

Needs ``../shared/eval`` beside the checkout; prints the scorer's overall
figure (mean of entity F1, strict post F1 and relation F1) per fold.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
SETS = ("dev", "train")
FOLDS = 5


def folds(items: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Articles ordered by a hash of set and id, then dealt round: folds of equal size, fixed for good."""
    ordered = sorted(items, key=lambda it: hashlib.sha1(f"{it[0]}/{it[1]}".encode()).hexdigest())
    return {it: i % FOLDS for i, it in enumerate(ordered)}


def extract(set_name: str) -> dict[str, str]:
    """Prediction lines by article id, from the installed ``kg`` beside this interpreter."""
    kg = Path(sys.executable).parent / "kg"
    files = sorted(str(p) for p in (EVAL / set_name).glob("*.txt"))
    out = subprocess.run([str(kg), "extract", *files, "--format", "jsonl"], capture_output=True, text=True,
                         check=False)
    found = {json.loads(line)["id"]: line for line in out.stdout.splitlines() if line.strip()}
    if out.returncode not in (0, 1) or not found:  # an import error must not read as a score of 0
        sys.exit(f"kg extract failed on {set_name}: {out.stderr.strip()[-500:]}")
    return found


def score(items: list[tuple[str, str]], predictions: dict[tuple[str, str], str], explain: bool = False) -> dict:
    """The shared scorer's figures on a subset: gold files copied, under set-qualified ids, into a temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold"
        gold.mkdir()
        lines = []
        for set_name, aid in items:
            doc = json.loads((EVAL / set_name / f"{aid}.json").read_text(encoding="utf-8"))
            doc["id"] = f"{set_name}-{aid}"
            (gold / f"{set_name}-{aid}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
            pred = json.loads(predictions.get((set_name, aid), json.dumps({"id": aid})))
            pred["id"] = f"{set_name}-{aid}"
            lines.append(json.dumps(pred, ensure_ascii=False))
        pred_file = Path(tmp) / "pred.jsonl"
        pred_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if explain:  # the scorer's misses and false hits, one per line, then its table
            subprocess.run([sys.executable, str(EVAL / "score.py"), str(gold), str(pred_file), "--explain"],
                           check=True)
            return {}
        out = subprocess.run([sys.executable, str(EVAL / "score.py"), str(gold), str(pred_file), "--json"],
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout)


def row(label: str, figures: dict, n: int) -> str:
    def f1(key: str) -> float:
        return figures[key]["f1"]

    overall = (f1("entity ALL") + f1("post strict") + f1("rel ALL")) / 3
    return (f"{label:<16} {n:>4} {f1('entity ALL'):>7.3f} {f1('post strict'):>7.3f} {f1('rel ALL'):>7.3f} "
            f"{overall:>8.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--held", type=int, choices=range(FOLDS), help="compare the other folds with this one")
    ap.add_argument("--explain", action="store_true",
                    help="with --held: the scorer's misses and false hits on the tuning folds only")
    ap.add_argument("--list", type=int, choices=range(FOLDS), help="print the article ids of this fold")
    args = ap.parse_args()
    if not EVAL.is_dir():
        print(f"skipped: {EVAL} is not there (the shared evaluation data)")
        return 0
    items = [(s, p.stem) for s in SETS for p in sorted((EVAL / s).glob("*.json"))]
    fold_of = folds(items)
    if args.list is not None:
        print(" ".join(f"{s}/{a}" for s, a in items if fold_of[s, a] == args.list))
        return 0
    predictions = {(s, aid): line for s in SETS for aid, line in extract(s).items()}
    print(f"{'subset':<16} {'docs':>4} {'entity':>7} {'post':>7} {'rel':>7} {'overall':>8}")
    for s in SETS:
        sub = [it for it in items if it[0] == s]
        print(row(s, score(sub, predictions), len(sub)))
    if args.held is not None and args.explain:
        score([it for it in items if fold_of[it] != args.held], predictions, explain=True)
        return 0
    if args.held is not None:
        tune = [it for it in items if fold_of[it] != args.held]
        held = [it for it in items if fold_of[it] == args.held]
        print(row("tuning folds", score(tune, predictions), len(tune)))
        print(row(f"held fold {args.held}", score(held, predictions), len(held)))
        return 0
    for k in range(FOLDS):
        sub = [it for it in items if fold_of[it] == k]
        print(row(f"fold {k}", score(sub, predictions), len(sub)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
