"""What removing an article costs, next to what writing one costs, on a synthetic store of our shape.

Why: `kg remove` and `kg build --prune` take articles out one transaction
each (unmerge, drop, metadata, orphaned roles), and a prune after a crawl lost
many pages removes many at once; the figure that matters is a removal's time
as a multiple of a write's (`replace_article`), both measured here in the
same run on the same store. Articles from benchmarks/store_speed.py's
generator go through the linker and RDF mapping as `kg build` does. Usage:

    .venv/bin/python benchmarks/remove_speed.py [--articles 3000] [--remove 300]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from store_speed import synthetic_articles

from kg.link import Linker
from kg.rdf import to_rdf
from kg.store import GraphStore


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000, help="articles in the store before removing")
    ap.add_argument("--remove", type=int, default=300, help="how many to remove (spread over the store)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = GraphStore(Path(tmp) / "store")
        linker = Linker()
        rdfs = [to_rdf(linker.link(g)) for g in synthetic_articles(args.articles)]
        for rdf in rdfs:
            store.replace_article(rdf)
        quads = len(store)
        # removals and rewrites interleaved, so both are timed on the same store as it shrinks
        step = max(2, len(rdfs) // max(1, args.remove))
        remove = write = 0.0
        pairs = list(zip(rdfs[::step], rdfs[1::step], strict=False))[: args.remove]
        for gone, kept in pairs:
            t0 = time.perf_counter()
            store.remove_graphs([gone.graph.value])
            t1 = time.perf_counter()
            store.replace_article(kept)
            t2 = time.perf_counter()
            remove += t1 - t0
            write += t2 - t1
        remove, write = remove / len(pairs), write / len(pairs)
        gone_n = len(pairs)
    print(f"store: {args.articles} articles, {quads} quads; removed {gone_n}, each followed by a rewrite")
    print(f"rewrite of an article still there (replace_article), anchor: {write * 1000:.2f} ms/article")
    print(f"remove (remove_graphs, one at a time): {remove * 1000:.2f} ms/article = {remove / write:.2f}x a write")
    return 0


if __name__ == "__main__":
    sys.exit(main())
