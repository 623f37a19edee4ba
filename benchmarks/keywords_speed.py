#!/usr/bin/env python3
"""What article keywords (kg.topics, jieba TF-IDF) add to a build: their cost against extraction, same run.

Why: keywords are computed for every article as it is written, so their cost
is paid on every build. Timing kg.topics.article_keywords beside kg's own
extraction of the same articles, in one process, gives a ratio that holds
whatever the machine; jieba's dictionary load is paid once per process and
reported on its own. TextRank (jieba.analyse.textrank, the alternative
README's design notes weigh) is timed on the same text as the second anchor.

usage:
  python benchmarks/keywords_speed.py                # data/samples/ + ../shared/eval/dev/*.txt
  python benchmarks/keywords_speed.py --repeat 5 some/folder
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_speed import default_paths, load_articles


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", help="articles (default: data/samples and ../shared/eval/dev)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    articles = load_articles(args.paths or default_paths())
    if not articles:
        print("no articles", file=sys.stderr)
        return 1
    import jieba.analyse

    import kg
    from kg.topics import article_keywords

    t0 = time.perf_counter()
    article_keywords("预热")  # jieba's dictionary, once per process
    load = time.perf_counter() - t0
    graphs = [kg.extract_article(a) for a in articles]  # warms the tagger too
    jieba.analyse.textrank(articles[0].text)  # and jieba's part-of-speech tables, which TextRank needs

    def run(fn: object) -> float:
        t = time.perf_counter()
        for _ in range(args.repeat):
            for a, g in zip(articles, graphs, strict=True):
                fn(a, g)  # type: ignore[operator]
        return (time.perf_counter() - t) / (args.repeat * len(articles))

    names = {id(g): [e.name for e in g.entities if e.type not in ("Event", "Work")] for g in graphs}
    kw = run(lambda a, g: article_keywords(a.text, names[id(g)]))
    tr = run(lambda a, g: jieba.analyse.textrank(a.text, topK=8))
    ex = run(lambda a, g: kg.extract_article(a))
    chars = sum(len(a.text) for a in articles) // len(articles)
    print(f"{len(articles)} articles, {chars} characters each on average, x{args.repeat}; jieba load {load:.2f} s")
    print(f"  kg extraction           {ex * 1000:8.2f} ms/article")
    print(f"  keywords (TF-IDF)       {kw * 1000:8.2f} ms/article   {kw / ex:6.1%} of extraction")
    print(f"  jieba TextRank          {tr * 1000:8.2f} ms/article   {tr / kw:6.1f}x TF-IDF")
    return 0


if __name__ == "__main__":
    sys.exit(main())
