"""The pages in a real browser: Debian's headless Chromium driven by Playwright, with the network cut off.

Each page is opened from file:// in a context that is offline and aborts
every non-file request (and records it, so a page that tries to fetch
anything fails here). Checks: no console errors, a drawn canvas (pixel
variance of a screenshot), the page's node and edge counts against
networkx, the search box, and a hostile article whose script and onerror
handlers must never run. Skipped, with the reason, where /usr/bin/chromium
or Playwright is missing; never downloads a browser.
"""

from __future__ import annotations

import json
import statistics
import struct
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from conftest import article, write

from kg.pipeline import build_store
from kg.store import GraphStore
from kg.views import load_network, render_html, synthetic_network, write_view

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--proxy-server=127.0.0.1:9"]

if not CHROMIUM.exists():
    pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium fonts-noto-cjk)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python package) is not installed")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        # Playwright adds --headless and a fresh --user-data-dir of its own
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield b
        b.close()


@dataclass
class Opened:
    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def js(self, expr: str) -> Any:
        return self.page.evaluate(expr)


def open_view(browser: Any, path: Path, bypass_csp: bool = False, timeout: float = 30.0) -> Opened:
    """Open ``path`` offline and wait until the page reports the network stable."""
    ctx = browser.new_context(viewport={"width": 1200, "height": 800}, offline=True, bypass_csp=bypass_csp)
    page = ctx.new_page()
    o = Opened(page)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith("file:"):
            r.continue_()
        else:
            o.requests.append(url)
            r.abort()

    ctx.route("**/*", route)
    page.on("console", lambda m: o.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: o.errors.append(str(e)))
    page.goto(path.as_uri())
    t0 = time.monotonic()
    # polled from Python: wait_for_function would eval a string, which the page's CSP forbids
    while not page.evaluate("() => !!(window.kgView && window.kgView.stable)"):
        assert not o.errors, o.errors
        assert time.monotonic() - t0 < timeout, "the network never became stable"
        time.sleep(0.05)
    return o


def png_pixels(png: bytes) -> list[int]:
    """Grey values of an 8-bit RGB/RGBA PNG (what Chromium writes), decoded without Pillow."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6)
            channels = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = width * channels
    prev = bytearray(stride)
    out: list[int] = []
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out.extend((line[i] + line[i + 1] + line[i + 2]) // 3 for i in range(0, stride, channels))
        prev = line
    return out


def assert_counts_match(o: Opened, G: nx.MultiDiGraph) -> None:
    assert o.js("kgView.nodes.length") == G.number_of_nodes()
    assert o.js("kgView.edges.length") == G.number_of_edges()
    assert o.js("kgView.network.body.nodeIndices.length") == G.number_of_nodes(), "vis-network holds every node"


def test_sample_page_draws_offline_and_search_focuses(browser: Any, sample_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    write_view(sample_store, out)
    o = open_view(browser, out)
    assert_counts_match(o, load_network(sample_store))
    box = o.page.locator("#kg-network canvas").bounding_box()
    clip = {"x": box["x"] + box["width"] / 2 - 200, "y": box["y"] + box["height"] / 2 - 150, "width": 400,
            "height": 300}  # the middle of the canvas, where fit() puts the graph; small enough to decode fast
    grey = png_pixels(o.page.screenshot(clip=clip))
    assert statistics.pvariance(grey) > 50, "the canvas is drawn, not blank"
    assert sum(1 for g in grey if g < 200) > 500, "with something more than a few specks"
    # the real search box: a mixed-script spelling of a name in the samples
    target = o.js("kgView.data.nodes.find(n => n.kg.type === 'Person').label")
    o.page.fill("#kg-search", target)
    o.page.press("#kg-search", "Enter")
    selected = o.js("kgView.network.getSelectedNodes()")
    assert len(selected) == 1
    assert o.js(f"kgView.nodes.get({selected[0]}).label") == target
    assert target in o.page.inner_text("#kg-details")
    assert o.js("kgView.search('没有这个名字')") is None
    assert "未找到" in o.page.inner_text("#kg-search-status")
    assert not o.errors and not o.requests, (o.errors, o.requests)
    o.page.context.close()


def test_focus_page_and_traditional_search(browser: Any, tmp_path: Path) -> None:
    text = "瀾灣協會會長龔聽濤出席秋實大會。瀾灣協會秘書長柏映秋主持秋實大會。"
    store = GraphStore(tmp_path / "s")
    write(store, [article("b1", text, [("瀾灣協會", "Organization", ["瀾協"]), ("龔聽濤", "Person"),
                                        ("柏映秋", "Person"), ("秋實大會", "Event")],
                          [("龔聽濤", "會長", "瀾灣協會"), ("柏映秋", "秘書長", "瀾灣協會")],
                          [("龔聽濤", "attended", "秋實大會"), ("柏映秋", "hosted", "秋實大會")])])
    out = tmp_path / "focus.html"
    write_view(store, out, focus="龚听涛", hops=1)
    del store
    o = open_view(browser, out)
    assert o.js("kgView.nodes.length") == 3 and o.js("kgView.edges.length") == 2
    assert o.js("kgView.nodes.get(kgView.meta.focus[0]).label") == "龔聽濤"
    found = o.js("kgView.search('澜协')")  # simplified spelling of an alias
    assert o.js(f"kgView.nodes.get({found}).label") == "瀾灣協會"
    assert not o.errors and not o.requests
    o.page.context.close()


def test_topic_filter_and_coattendance_page(browser: Any, tmp_path: Path) -> None:
    from network_corpus import corpus

    store = GraphStore(tmp_path / "s")
    write(store, corpus())
    write_view(store, tmp_path / "all.html")
    write_view(store, tmp_path / "met.html", network="coattendance")
    G = load_network(store)
    del store
    o = open_view(browser, tmp_path / "all.html")
    options = o.js("Array.from(document.querySelectorAll('#kg-keyword option')).map(x => x.value)")
    assert "茶叶" in options and "无人机" in options and options[0] == ""
    tea = {d["label"] for _, d in G.nodes(data=True) if "a3" in d["articles"]}
    o.page.select_option("#kg-keyword", "茶叶")  # the real control, as a reader uses it
    shown = o.js("kgView.nodes.get({filter: n => !n.hidden}).map(n => n.label)")
    assert set(shown) == tea and len(shown) < G.number_of_nodes()
    assert o.js("kgView.edges.get({filter: e => !e.hidden}).length") == sum(
        1 for _, _, d in G.edges(data=True) if any(e["article"] == "a3" for e in d["evidence"]))
    assert "茶叶" in o.page.inner_text("#kg-search-status")
    o.page.select_option("#kg-keyword", "")
    assert o.js("kgView.nodes.get({filter: n => !n.hidden}).length") == G.number_of_nodes()
    assert not o.errors and not o.requests, (o.errors, o.requests)
    o.page.context.close()
    m = open_view(browser, tmp_path / "met.html")
    assert m.js("kgView.nodes.length") == 4 and m.js("kgView.edges.length") == 4
    assert m.js("kgView.network.body.nodeIndices.length") == 4
    assert not m.errors and not m.requests, (m.errors, m.requests)
    m.page.context.close()


def test_large_page_uses_fixed_positions(browser: Any, tmp_path: Path) -> None:
    G = synthetic_network(1500, seed=5)
    out = tmp_path / "big.html"
    s = render_html(G, out, max_nodes=1200)
    o = open_view(browser, out)
    meta = o.js("kgView.meta")
    assert meta["physics"] is False and meta["nodes"] == s.nodes == 1200
    assert o.js("kgView.nodes.length") == 1200 and o.js("kgView.edges.length") == s.edges
    assert "1500" in o.page.inner_text("#kg-note")
    assert not o.errors and not o.requests
    o.page.context.close()


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, nx.MultiDiGraph]:
    """A store built from a hostile article file, plus invented hostile names written straight into it."""
    d = tmp_path_factory.mktemp("hostile")
    (d / "in").mkdir()
    (d / "in" / "hostile.jsonl").write_text(json.dumps({
        "id": "hostile-1", "published": "2025-04-02", "url": "javascript:window.__pwned='url'",
        "title": "<script>window.__pwned='title'</script>星澜科技学院\"举行\""
                 "<img src=x onerror=\"window.__pwned='t2'\">论坛",
        "text": "4月1日，星澜科技学院校长岑墨白出席<img src=x onerror=\"window.__pwned='s1'\">启航创新论坛并讲话"
                "<script>window.__pwned='s2'</script>。星澜科技学院副校长闻溪亭主持论坛。"}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    store = GraphStore(d / "store")
    assert build_store([str(d / "in")], store).articles == 1
    bad_name = "<img src=x onerror=\"window.__pwned='name'\">"
    text = f"{bad_name}出席'星澜'\"启航\"</script><script>window.__pwned='ev'</script>大会。"
    bad_event = "'星澜'\"启航\"</script><script>window.__pwned='ev'</script>大会"
    write(store, [article("hostile-2", text, [(bad_name, "Person", ["<svg onload=\"window.__pwned='alias'\">"]),
                                              (bad_event, "Event")],
                          [], [(bad_name, "attended", bad_event)])])
    out = d / "hostile.html"
    write_view(store, out)
    G = load_network(store)
    del store
    return out, G


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_article_runs_no_script(browser: Any, hostile_page: tuple[Path, nx.MultiDiGraph],
                                        bypass_csp: bool) -> None:
    out, G = hostile_page
    o = open_view(browser, out, bypass_csp=bypass_csp)
    assert_counts_match(o, G)
    # show every tooltip and detail panel, the places where text meets the DOM
    o.js("""() => { kgView.data.nodes.forEach(n => kgView.focusNode(n.id));
                    kgView.data.edges.forEach(e => document.body.appendChild(e.title)); }""")
    o.page.fill("#kg-search", "<img")
    o.page.press("#kg-search", "Enter")
    o.page.wait_for_timeout(300)
    assert o.js("typeof window.__pwned") == "undefined"
    assert o.js("document.querySelectorAll('img, svg, iframe').length") == 0
    assert o.js("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    details = o.page.inner_text("#kg-details")
    assert "<img src=x onerror=" in details, "the hostile name is shown as text"
    tips = o.js("kgView.data.edges.map(e => e.title.textContent).join(' ')")
    assert "<script>window.__pwned='s2'</script>" in tips, "the hostile sentence is shown as text"
    assert not o.errors and not o.requests, (o.errors, o.requests)
    o.page.context.close()
