#!/usr/bin/env python3
"""Extraction speed against jieba.posseg on the same text, in the same run.

Why: extraction runs a neural tagger (LAC over ONNX) plus rules, and we promise it stays
within 3x the cost of plain ``jieba.posseg`` part-of-speech tagging, the cheapest
Chinese analysis anyone would otherwise reach for. Timing both on the same articles in
one process keeps the ratio honest whatever the machine. Model and dictionary loading
are warmed up first and reported on their own, since they are paid once per process.

usage:
  python benchmarks/extract_speed.py                 # data/samples/ + ../shared/eval/dev/*.txt
  python benchmarks/extract_speed.py --repeat 5
  python benchmarks/extract_speed.py some/folder a.txt
  python benchmarks/extract_speed.py --long 200000   # also one article of 200,000 characters (0: skip)

The long article is one text made of many of benchmarks/build_scale.py's generated
articles (simplified script, names and places varied, so it names thousands of
organisations and people): no stage may grow faster than the text, so its ratio to
jieba.posseg must stay near the ratio on ordinary articles (target <= 3x).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.model import Article

REPO = Path(__file__).resolve().parents[1]
SHARED_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"


def default_paths() -> list[Path]:
    """The bundled samples, plus the shared dev articles when the checkout has them."""
    paths = [REPO / "data" / "samples"]
    if SHARED_DEV.is_dir():
        paths.extend(sorted(SHARED_DEV.glob("*.txt")))
    return paths


def load_articles(paths: Sequence[Path | str]) -> list[Article]:
    from kg.ingest import IngestError, iter_articles

    articles: list[Article] = []
    for item in iter_articles(paths):
        if isinstance(item, IngestError):
            print(f"skipped: {item}", file=sys.stderr)
        else:
            articles.append(item)
    return articles


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path,
                    help="files or folders to read (default: data/samples/ and ../shared/eval/dev/*.txt)")
    ap.add_argument("--repeat", type=int, default=3, metavar="N",
                    help="pass over the corpus N times for stable timings (default: 3)")
    ap.add_argument("--long", type=int, default=200_000, metavar="CHARS",
                    help="also time one article of this many characters (default: 200000; 0: skip)")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    paths = args.paths or default_paths()
    articles = load_articles(paths)
    if not articles:
        print("no articles to time", file=sys.stderr)
        return 1
    texts = [a.text for a in articles]
    n_chars = sum(len(t) for t in texts)
    print(f"corpus: {len(articles)} articles, {n_chars:,} characters, repeated {args.repeat}x "
          f"({', '.join(str(p) for p in paths[:2])}{', ...' if len(paths) > 2 else ''})")

    # Warm-up: imports, model and dictionary loads, paid once per process.
    t_import_kg = timed(lambda: __import__("kg.extract"))
    import jieba
    import jieba.posseg

    from kg.extract import extract, extract_article
    from kg.text import to_simplified

    t_load_kg = t_import_kg + timed(lambda: extract("新华社北京电 国务院总理李强主持召开国务院常务会议。", id="warmup"))
    jieba.setLogLevel(60)  # silence "Building prefix dict" on stderr
    t_load_jieba = timed(lambda: jieba.posseg.lcut("新华社北京电 国务院总理李强主持召开国务院常务会议。"))
    print(f"load:   kg {t_load_kg:.2f} s (import + LAC model + OpenCC), "
          f"jieba {t_load_jieba:.2f} s (dictionary)")

    # Time every call, so the totals can also be split by script (see the note below).
    simplified = [to_simplified(t) == t for t in texts]
    t_kg = [0.0] * len(articles)
    t_pos = [0.0] * len(articles)
    for _ in range(args.repeat):
        for i, a in enumerate(articles):
            t_kg[i] += timed(lambda a=a: extract_article(a))
        for i, t in enumerate(texts):
            t_pos[i] += timed(lambda t=t: jieba.posseg.lcut(t))

    print(f"{'':34} {'seconds':>8} {'articles/s':>11} {'chars/s':>10}")
    # jieba's dictionary is simplified-only: on traditional-script text nearly every character
    # goes through posseg's pure-Python HMM, 50-100x slower, which flatters the overall ratio.
    # kg converts to simplified before tagging, so the simplified-only line is the fair one.
    subsets = [("all articles", [True] * len(articles))]
    if any(simplified) and not all(simplified):
        subsets.append((f"simplified-script only ({sum(simplified)})", simplified))
    for label, keep in subsets:
        idx = [i for i, k in enumerate(keep) if k]
        n_art = len(idx) * args.repeat
        n = sum(len(texts[i]) for i in idx) * args.repeat
        tk = sum(t_kg[i] for i in idx)
        tp = sum(t_pos[i] for i in idx)
        print(label)
        for name, t in (("  kg extraction", tk), ("  jieba.posseg", tp)):
            print(f"{name:34} {t:8.2f} {n_art / t:11.1f} {n / t:10,.0f}")
        ratio = tk / tp
        print(f"  ratio extraction / posseg        {ratio:8.2f}x  (target <= 3x: {'ok' if ratio <= 3 else 'MISSED'})")
    if args.long:
        long_article(args.long, extract, jieba.posseg.lcut, to_simplified)
    print(f"peak RSS: {peak_rss_mb():.0f} MB")
    return 0


def long_text(chars: int) -> str:
    """A long simplified-script article with many distinct names: generated articles joined (build_scale.py)."""
    import json
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from build_scale import _lines, generate

    from kg.text import to_simplified

    with tempfile.TemporaryDirectory() as tmp:
        texts = [json.loads(ln)["text"] for ln in _lines(generate(max(200, chars // 200), Path(tmp) / "c"))]
    out, n = [], 0
    for t in texts:
        if to_simplified(t) == t:
            out.append(t)
            n += len(t) + 1
            if n >= chars:
                break
    return "\n".join(out)[:chars]


def long_article(chars: int, extract: Callable[..., object], posseg: Callable[[str], object],
                 to_simplified: Callable[[str], str]) -> None:
    """kg and jieba.posseg on one article of 10,000 characters and one of ``chars``: is either superlinear?"""
    text = long_text(chars)
    print("one long article (simplified script, varied names; CPU seconds)")
    for n in sorted({min(10_000, len(text)), len(text)}):
        t0 = time.process_time()
        extract(text[:n], id="long")
        tk = time.process_time() - t0
        t0 = time.process_time()
        posseg(text[:n])
        tp = time.process_time() - t0
        print(f"  {n:>9,} characters: kg {tk:7.2f} s, jieba.posseg {tp:7.2f} s, ratio {tk / tp:5.2f}x "
              f"(target <= 3x: {'ok' if tk / tp <= 3 else 'MISSED'})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
