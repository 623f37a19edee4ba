"""Views without a browser: loading the store into networkx, filters, focus, styling, escaping, scale, analytics, CLI.

Hand-made articles with invented names (written for these tests) pin down
filters and paths exactly; the sample store checks the whole path from files.
The page's data is read back from its JSON block, the same data the browser
tests check in Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from conftest import article, write

from kg.cli import main
from kg.store import GraphStore
from kg.views import ViewError, ViewFilter, export_network, filter_network, find_nodes, load_network, write_view
from kg.views.analytics import find_path, format_path, graph_stats
from kg.views.html import render_html, safe_json
from kg.views.network import synthetic_network
from kg.views.style import PREDICATES, TYPES, node_size

ROOT = Path(__file__).resolve().parent.parent

T1 = "云岫大学校长柯望川出席星河论坛并讲话。云岫大学副校长雷听松主持星河论坛。"
T2 = "灏海科技有限公司董事长蒲映雪出席星河论坛。"
T3 = "瀾灣協會會長龔聽濤出席秋實大會。"


def invented_graphs() -> list[Any]:
    return [
        article("v1", T1, [("云岫大学", "Organization", ["云大"]), ("柯望川", "Person"), ("雷听松", "Person"),
                           ("星河论坛", "Event")],
                [("柯望川", "校长", "云岫大学"), ("雷听松", "副校长", "云岫大学")],
                [("柯望川", "spokeAt", "星河论坛"), ("雷听松", "hosted", "星河论坛")], published="2025-03-01"),
        article("v2", T2, [("灏海科技有限公司", "Organization"), ("蒲映雪", "Person"), ("星河论坛", "Event")],
                [("蒲映雪", "董事长", "灏海科技有限公司")], [("蒲映雪", "attended", "星河论坛")],
                published="2025-05-10"),
        article("v3", T3, [("瀾灣協會", "Organization"), ("龔聽濤", "Person"), ("秋實大會", "Event")],
                [("龔聽濤", "會長", "瀾灣協會")], [("龔聽濤", "attended", "秋實大會")], published="2025-08-20"),
    ]


@pytest.fixture(scope="module")
def invented_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("views") / "store"
    store = GraphStore(path)
    write(store, invented_graphs())
    del store
    return path


@pytest.fixture(scope="module")
def G(invented_store: Path) -> nx.MultiDiGraph:
    return load_network(invented_store)


def label_set(H: nx.MultiDiGraph) -> set[str]:
    return {d["label"] for _, d in H.nodes(data=True)}


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Start tags as a browser's tokenizer sees them (script bodies are raw text, so code inside is no tag)."""
    from html.parser import HTMLParser

    found: list[tuple[str, dict[str, str | None]]] = []

    class P(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    P().feed(html)
    return found


def page_data(html: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


# ---------------------------------------------------------------------- loading


def test_load_network_reads_entities_posts_relations_and_evidence(G: nx.MultiDiGraph) -> None:
    assert label_set(G) == {"云岫大学", "柯望川", "雷听松", "星河论坛", "灏海科技有限公司", "蒲映雪", "瀾灣協會",
                            "龔聽濤", "秋實大會"}
    ke = find_nodes(G, "柯望川")[0]
    assert G.nodes[ke]["type"] == "Person"
    assert G.nodes[ke]["posts"] == [["校长", "云岫大学", "v1"]]
    assert G.nodes[find_nodes(G, "云岫大学")[0]]["aliases"] == ["云大"]
    forum = find_nodes(G, "星河论坛")[0]
    assert G.nodes[forum]["articles"] == ["v1", "v2"], "the event links across both articles"
    edges = {(G.nodes[s]["label"], k, G.nodes[o]["label"]) for s, o, k in G.edges(keys=True)}
    assert ("柯望川", "spokeAt", "星河论坛") in edges
    assert ("柯望川", "post:校长", "云岫大学") in edges
    d = G.get_edge_data(ke, forum)["spokeAt"]
    assert d["evidence"][0]["sentence"] == T1 and d["evidence"][0]["article"] == "v1"
    assert G.graph["articles"]["v2"]["published"] == "2025-05-10"
    assert G.graph["articles"]["v2"]["url"] == "https://news.example.org/v2.html"


def test_sample_store_loads_every_typed_entity(sample_store: Path) -> None:
    G = load_network(sample_store)
    store = GraphStore.open_existing(sample_store)
    q = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?t . VALUES ?t { kg:Person kg:Organization kg:Alliance " \
        "kg:Event kg:Place kg:Work } }"
    assert G.number_of_nodes() == int(next(iter(store.query(q)))["n"].value)
    del store
    assert G.number_of_edges() > 0
    assert all(d["evidence"] for _, _, d in G.edges(data=True))
    assert any(d["predicate"] == "post" and d["title"] for _, _, d in G.edges(data=True))


def test_style_labels_match_the_ontology() -> None:
    import rdflib
    from rdflib.namespace import RDFS

    from kg.vocab import KG
    onto = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl", format="turtle")

    def label(term: rdflib.URIRef, lang: str) -> str:
        return next(str(o) for o in onto.objects(term, RDFS.label) if o.language == lang)

    for t, st in TYPES.items():
        assert (st.zh, st.en) == (label(KG[t], "zh"), label(KG[t], "en"))
    for p, (zh, en) in PREDICATES.items():
        if p != "post":
            assert (zh, en) == (label(KG[p], "zh"), label(KG[p], "en"))
    # which predicates the page knows is the vocabulary's to say, not a second list here
    from kg.vocab import PREDICATES as VOCAB
    assert list(PREDICATES) == [*VOCAB, "post"]


def test_search_keys_fold_width_case_space_and_script() -> None:
    from kg.views.html import search_keys
    # as printed (traditional kept) and simplified, both width-, case- and space-folded
    assert search_keys(["鍾離 述安", "ＡＢＣ科技"]) == ["鍾離述安", "钟离述安", "abc科技"]


def test_kg_help_imports_neither_networkx_nor_igraph() -> None:
    import subprocess
    import sys
    code = ("import sys\nfrom kg.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "import kg.views.style\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('networkx', 'igraph', 'trafilatura')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    # the lazy re-exports still work
    import kg.views
    assert kg.views.write_view is write_view and "load_network" in dir(kg.views)


# ---------------------------------------------------------------------- filters and focus


def test_focus_hops_grow_the_neighbourhood(G: nx.MultiDiGraph) -> None:
    one = filter_network(G, ViewFilter.from_kwargs(focus="柯望川", hops=1))
    assert label_set(one) == {"柯望川", "云岫大学", "星河论坛"}
    two = filter_network(G, ViewFilter.from_kwargs(focus="柯望川", hops=2))
    assert label_set(two) == {"柯望川", "云岫大学", "星河论坛", "雷听松", "蒲映雪"}
    zero = filter_network(G, ViewFilter.from_kwargs(focus="柯望川", hops=0))
    assert label_set(zero) == {"柯望川"}


def test_focus_matches_aliases_and_either_script(G: nx.MultiDiGraph) -> None:
    f = ViewFilter.from_kwargs(focus="龚听涛")  # simplified spelling of a traditional-script name
    H = filter_network(G, f)
    assert label_set(H) == {"龔聽濤", "瀾灣協會", "秋實大會"}
    assert [G.nodes[n]["label"] for n in f.focus_nodes] == ["龔聽濤"]
    assert find_nodes(G, "云大") == find_nodes(G, "云岫大学")
    assert find_nodes(G, " 雲岫大學 ") == find_nodes(G, "云岫大学")


def test_unknown_focus_is_an_error_with_suggestions(G: nx.MultiDiGraph) -> None:
    with pytest.raises(ViewError, match=r"no entity named '云岫'.*云岫大学"):
        filter_network(G, ViewFilter.from_kwargs(focus="云岫"))


def test_date_filters_use_publication_dates(G: nx.MultiDiGraph) -> None:
    H = filter_network(G, ViewFilter.from_kwargs(since="2025-05"))
    assert label_set(H) == {"灏海科技有限公司", "蒲映雪", "星河论坛", "瀾灣協會", "龔聽濤", "秋實大會"}
    # the shared event stays, but only with the evidence of the kept article
    forum = find_nodes(H, "星河论坛")[0]
    assert {e["article"] for _, _, d in H.in_edges(forum, data=True) for e in d["evidence"]} == {"v2"}
    H = filter_network(G, ViewFilter.from_kwargs(until="2025-05"))  # a month includes all its days
    assert "蒲映雪" in label_set(H) and "龔聽濤" not in label_set(H)
    H = filter_network(G, ViewFilter.from_kwargs(since="2025-04-01", until="2025-06-30"))
    assert label_set(H) == {"灏海科技有限公司", "蒲映雪", "星河论坛"}


def test_article_filter_by_id_or_url(G: nx.MultiDiGraph) -> None:
    assert label_set(filter_network(G, ViewFilter.from_kwargs(article="v3"))) == {"瀾灣協會", "龔聽濤", "秋實大會"}
    by_url = filter_network(G, ViewFilter.from_kwargs(article="https://news.example.org/v2.html"))
    assert label_set(by_url) == {"灏海科技有限公司", "蒲映雪", "星河论坛"}
    with pytest.raises(ViewError, match="no article"):
        filter_network(G, ViewFilter.from_kwargs(article="nope"))


def test_type_and_predicate_filters(G: nx.MultiDiGraph) -> None:
    H = filter_network(G, ViewFilter.from_kwargs(types="Person,活动"))
    assert {d["type"] for _, d in H.nodes(data=True)} == {"Person", "Event"}
    assert all(d["predicate"] != "post" for _, _, d in H.edges(data=True))
    H = filter_network(G, ViewFilter.from_kwargs(predicates=["hosted", "post"]))
    assert {d["predicate"] for _, _, d in H.edges(data=True)} == {"hosted", "post"}
    assert "秋實大會" not in label_set(H), "entities left without a drawn relation are hidden"


def test_bad_filter_values_are_view_errors() -> None:
    with pytest.raises(ViewError, match="unknown entity type"):
        ViewFilter.from_kwargs(types="Robot")
    with pytest.raises(ViewError, match="unknown predicate"):
        ViewFilter.from_kwargs(predicates="likes")
    with pytest.raises(ViewError, match="not a date"):
        ViewFilter.from_kwargs(since="last week")
    with pytest.raises(ViewError, match="hops"):
        ViewFilter.from_kwargs(focus="x", hops=-1)


# ---------------------------------------------------------------------- the page


def test_page_styles_nodes_and_edges(invented_store: Path, tmp_path: Path) -> None:
    s = write_view(invented_store, tmp_path / "g.html")
    data = page_data((tmp_path / "g.html").read_text(encoding="utf-8"))
    assert (s.nodes, s.edges) == (len(data["nodes"]), len(data["edges"])) == (9, 8)
    by_label = {n["label"]: n for n in data["nodes"]}
    for n in data["nodes"]:
        st = TYPES[n["kg"]["type"]]
        assert (n["shape"], n["color"]) == (st.shape, st.color)
        assert n["size"] == node_size(n["kg"]["degree"])
    assert by_label["星河论坛"]["size"] > by_label["蒲映雪"]["size"], "hubs are drawn bigger"
    assert by_label["柯望川"]["kg"]["posts"] == [["校长", "云岫大学"]]
    assert by_label["云岫大学"]["kg"]["aliases"] == ["云大"]
    nodes = data["nodes"]
    labels = {(nodes[e["from"]]["label"], e["label"], nodes[e["to"]]["label"]): e for e in data["edges"]}
    spoke = labels[("柯望川", "讲话", "星河论坛")]
    assert (spoke["kg"]["en"], spoke["kg"]["ev"]) == ("spoke at", [["v1", T1]])
    assert ("柯望川", "校长", "云岫大学") in labels, "a post is an edge labelled with the title"
    assert data["articles"]["v1"]["url"] == "https://news.example.org/v1.html"
    assert data["meta"]["physics"] is True
    assert "龚听涛" in {k for n in data["nodes"] for k in n["kg"]["keys"]}, "search keys hold the simplified form"
    assert data["fold"]["龔"] == "龚"


def test_page_is_self_contained(invented_store: Path, tmp_path: Path) -> None:
    write_view(invented_store, tmp_path / "g.html")
    html = (tmp_path / "g.html").read_text(encoding="utf-8")
    found = tags(html)
    assert not [a for t, a in found if t in ("script", "img", "iframe") and "src" in a]
    assert not [t for t, _ in found if t == "link"]
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", html, re.I)
    assert "sourceMappingURL" not in html
    nonce = re.search(r"script-src 'nonce-([^']+)'", html)
    assert nonce, "a CSP with a nonce"
    scripts = [a for t, a in found if t == "script"]
    assert len(scripts) == 3 and all(a.get("nonce") == nonce.group(1) or a.get("type") == "application/json"
                                     for a in scripts)
    assert "vis-network" in html and len(html) > 400_000, "vis-network is inlined"


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    bad = '<img src=x onerror="window.__pwned=1"></script><script>alert(1)</script>'
    G = nx.MultiDiGraph(articles={"a": {"title": bad, "published": "2025-01-01", "url": "javascript:alert(1)"}})
    G.add_node("e1", label=bad, type="Person", names=[bad], aliases=["'\"&<>"], posts=[[bad, bad, "a"]], dates=[],
               articles=["a"])
    G.add_node("e2", label="x", type="Event", names=["x"], aliases=[], posts=[], dates=[], articles=["a"])
    G.add_edge("e1", "e2", key="attended", predicate="attended", evidence=[{"article": "a", "sentence": bad}])
    render_html(G, tmp_path / "h.html", title=bad)
    html = (tmp_path / "h.html").read_text(encoding="utf-8")
    assert "<img" not in html
    found = tags(html)
    assert [t for t, _ in found if t == "script"] == ["script"] * 3, "nothing closes a script early"
    assert not [t for t, _ in found if t in ("img", "svg", "iframe")]
    assert not [a for _, a in found if any(k.startswith("on") for k in a)], "no inline event handlers"
    assert "&lt;img src=x" in html, "the title is shown escaped"
    data = page_data(html)
    assert data["nodes"][0]["label"] == bad, "and round-trips exactly as text"
    assert safe_json("</script>") == '"\\u003c/script\\u003e"'


def test_scale_fallback_keeps_top_entities_and_says_so(tmp_path: Path) -> None:
    G = synthetic_network(1200, seed=3)
    s = render_html(G, tmp_path / "big.html", max_nodes=500, physics_limit=300)
    html = (tmp_path / "big.html").read_text(encoding="utf-8")
    data = page_data(html)
    assert s.nodes == len(data["nodes"]) == 500 and s.total_nodes == 1200
    assert s.omitted_nodes == 700 and sum(s.omitted_by_type.values()) == 700
    assert data["meta"]["physics"] is False and all("x" in n and "y" in n for n in data["nodes"])
    top = sorted(dict(G.degree()).values(), reverse=True)
    assert max(n["kg"]["degree"] for n in data["nodes"]) <= top[0]
    kept = {n["kg"]["iri"] for n in data["nodes"]}
    assert min(G.degree(n) for n in kept) >= max(G.degree(n) for n in G if n not in kept)
    note = re.search(r'<p id="kg-note"[^>]*>(.*?)</p>', html, re.S)
    assert note and "700" in note.group(1) and "--focus" in note.group(1)
    small = render_html(synthetic_network(150, seed=1), tmp_path / "small.html")
    assert small.physics and small.omitted_nodes == 0


def test_write_view_accepts_an_open_store(invented_store: Path, tmp_path: Path) -> None:
    store = GraphStore.open_existing(invented_store)
    s = write_view(store, tmp_path / "open.html", focus="蒲映雪")
    del store
    assert s.nodes == 3


# ---------------------------------------------------------------------- analytics


def test_stats_on_the_sample_store(sample_store: Path) -> None:
    G = load_network(sample_store)
    s = graph_stats(G, top=5)
    assert sum(s.by_type.values()) == s.nodes == G.number_of_nodes()
    assert sum(s.by_predicate.values()) == s.edges
    assert sum(s.component_sizes) <= s.nodes and s.components >= 1
    assert s.central_people and all(c.type == "Person" for c in s.central_people)
    assert all(c.type in ("Organization", "Alliance") for c in s.central_orgs)
    degs = [c.degree for c in s.central_people]
    assert degs == sorted(degs, reverse=True)


def test_path_walks_facts_with_evidence(G: nx.MultiDiGraph) -> None:
    hops = find_path(G, "柯望川", "灏海科技有限公司")
    assert [(h.source, h.target) for h in hops] == [("柯望川", "星河论坛"), ("星河论坛", "蒲映雪"),
                                                    ("蒲映雪", "灏海科技有限公司")]
    assert hops[0].predicate == "spokeAt" and hops[0].forward and hops[0].sentence == T1
    assert not hops[1].forward and hops[1].article == "v2" and hops[1].sentence == T2
    assert hops[2].predicate == "post" and hops[2].title == "董事长"
    assert "柯望川 —讲话 (spoke at)→ 星河论坛" in format_path(hops)
    with pytest.raises(ViewError, match="not connected"):
        find_path(G, "柯望川", "龔聽濤")


def test_path_on_the_sample_store(sample_store: Path) -> None:
    G = load_network(sample_store)
    U = nx.Graph(G.to_undirected())
    a, b = next((a, b) for a in U for b, d in nx.single_source_shortest_path_length(U, a, cutoff=2).items()
                if d == 2)
    hops = find_path(G, G.nodes[a]["label"], G.nodes[b]["label"])
    assert len(hops) == 2 and all(h.sentence for h in hops)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_network_reads_back(invented_store: Path, tmp_path: Path, fmt: str) -> None:
    out = export_network(invented_store, fmt, tmp_path / f"g.{fmt}")
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    G = load_network(invented_store)
    assert back.number_of_nodes() == G.number_of_nodes() and back.number_of_edges() == G.number_of_edges()
    labels = {d["label"] for _, d in back.nodes(data=True)}
    assert {"龔聽濤", "星河论坛"} <= labels
    with pytest.raises(ViewError):
        export_network(invented_store, "dot", tmp_path / "g.dot")


# ---------------------------------------------------------------------- CLI


def test_cli_viz_stats_path(invented_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.html"
    assert main(["viz", "--store", str(invented_store), "-o", str(out), "--focus", "雷听松", "--hops", "1"]) == 0
    assert len(page_data(out.read_text(encoding="utf-8"))["nodes"]) == 3
    assert "kg: wrote" in capsys.readouterr().err
    assert main(["stats", "--store", str(invented_store)]) == 0
    text = capsys.readouterr().out
    assert "9 entities" in text and "柯望川" in text
    assert main(["path", "雷听松", "蒲映雪", "--store", str(invented_store), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2


@pytest.mark.parametrize("argv,msg", [
    (["viz", "--focus", "无此人"], "no entity named"),
    (["viz", "--since", "yesterday"], "not a date"),
    (["path", "柯望川", "龔聽濤"], "not connected"),
    (["stats", "--store", "/nonexistent/store"], "no graph store"),
])
def test_cli_errors_are_one_line(invented_store: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                 msg: str) -> None:
    if "--store" not in argv:
        argv = [*argv, "--store", str(invented_store)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert msg in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
