"""How the HTML view scales: time to write the page and time until the network is stable in headless Chromium.

Synthetic graphs (kg.views.synthetic_network: invented entities, about 1.6
edges per node, hubs) at 100, 1,000, 5,000 and 20,000 nodes, with the
default settings (physics up to 1,000 nodes, at most 5,000 drawn) and, for
the largest, with no node limit. "stable" is the page's own clock from
navigation start to vis-network's stabilizationIterationsDone (physics) or
first drawing (fixed positions), read from ``kgView.stableAt``.

    .venv/bin/python benchmarks/viz_scale.py [--sizes 100,1000,5000,20000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from kg.views import render_html, synthetic_network
from kg.views.html import keep_top
from kg.views.layout import compute_positions

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--proxy-server=127.0.0.1:9"]


def time_in_browser(browser: Any, path: Path, timeout: float = 300.0) -> float:
    """Milliseconds from navigation start until the page says the network is stable."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), timeout=timeout * 1000)
    t0 = time.monotonic()
    while not page.evaluate("() => !!(window.kgView && window.kgView.stable)"):
        if errors:
            raise RuntimeError(f"page error: {errors[0]}")
        if time.monotonic() - t0 > timeout:
            raise RuntimeError(f"not stable after {timeout} s")
        time.sleep(0.05)
    ms = float(page.evaluate("kgView.stableAt"))
    ctx.close()
    return ms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000,5000,20000")
    ap.add_argument("--repeat", type=int, default=1, help="best of N browser runs")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    sizes = [int(s) for s in args.sizes.split(",")]
    cases = [(n, 5000) for n in sizes] + [(n, 0) for n in sizes if n > 5000]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS, headless=True)
        for n, max_nodes in cases:
            G = synthetic_network(n, seed=1)
            out = Path(tmp) / f"g{n}-{max_nodes}.html"
            t = time.monotonic()
            s = render_html(G, out, max_nodes=max_nodes)
            write_s = time.monotonic() - t
            shown = keep_top(G, s.nodes, []) if s.nodes < n else G
            t = time.monotonic()
            if s.nodes > 100:
                compute_positions(shown)
            layout_s = time.monotonic() - t
            stable = min(time_in_browser(browser, out) for _ in range(args.repeat))
            rows.append((n, G.number_of_edges(), s.nodes, "physics" if s.physics else "fixed", write_s, layout_s,
                         out.stat().st_size / 1e6, stable / 1000))
            print(f"{n} nodes done", flush=True)
        browser.close()
    print("\n| nodes | edges | drawn | layout | write HTML (s) | of which layout (s) | size (MB) "
          "| stable in Chromium (s) |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|")
    for n, e, drawn, mode, w, lay, mb, st in rows:
        print(f"| {n:,} | {e:,} | {drawn:,} | {mode} | {w:.2f} | {lay:.2f} | {mb:.1f} | {st:.1f} |")


if __name__ == "__main__":
    main()
