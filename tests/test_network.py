"""Who met whom: the co-attendance network, its HTML view and its GraphML/GEXF export, on invented articles.

The articles (tests/network_corpus.py) put 柏砚秋 and 闻可期 together at two
events, 谷雨澄 with each of them at one, and 谷雨澄 with 石映川 at a third.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT, write
from network_corpus import EXPO, FAIR, FORUM, corpus

from kg.store import GraphStore
from kg.views import ViewError, load_network, write_view
from kg.views.coattendance import coattendance_network, export_coattendance


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("net") / "store"
    s = GraphStore(path)
    write(s, corpus())
    del s  # the CLI tests open it themselves
    return path


@pytest.fixture(scope="module")
def C(store_dir: Path) -> nx.Graph:
    return coattendance_network(load_network(store_dir))


def pairs(G: nx.Graph) -> dict[frozenset[str], int]:
    return {frozenset((G.nodes[a]["label"], G.nodes[b]["label"])): w for a, b, w in G.edges(data="weight")}


def page_data(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8").split('id="kg-data">', 1)[1].split("</script>", 1)[0])


def test_people_are_linked_by_the_number_of_events_they_shared(C: nx.Graph) -> None:
    assert pairs(C) == {frozenset(("柏砚秋", "闻可期")): 2, frozenset(("柏砚秋", "谷雨澄")): 1,
                        frozenset(("闻可期", "谷雨澄")): 1, frozenset(("谷雨澄", "石映川")): 1}
    assert {d["type"] for _, d in C.nodes(data=True)} == {"Person"}
    events = {d["label"]: d["events"] for _, d in C.nodes(data=True)}
    assert events == {"柏砚秋": 2, "闻可期": 2, "谷雨澄": 2, "石映川": 1}


def test_each_link_carries_its_events_roles_and_evidence(C: nx.Graph) -> None:
    by_label = {d["label"]: n for n, d in C.nodes(data=True)}
    link = C.edges[by_label["柏砚秋"], by_label["闻可期"]]
    assert sorted(e["label"] for e in link["events"]) == sorted([EXPO, FORUM])
    expo = next(e for e in link["events"] if e["label"] == EXPO)
    assert expo["roles"] == {by_label["柏砚秋"]: ["attended"], by_label["闻可期"]: ["spokeAt"]}
    assert {e["article"] for e in link["evidence"]} == {"a1", "a2"}
    assert {e["person"] for e in link["evidence"]} == {by_label["柏砚秋"], by_label["闻可期"]}
    assert all(e["sentence"] for e in link["evidence"])
    host = C.edges[by_label["谷雨澄"], by_label["柏砚秋"]]["events"][0]
    assert host["roles"][by_label["谷雨澄"]] == ["hosted"]


def test_min_weight_keeps_only_people_who_met_that_often(store_dir: Path) -> None:
    strong = coattendance_network(load_network(store_dir), min_weight=2)
    assert pairs(strong) == {frozenset(("柏砚秋", "闻可期")): 2}
    assert strong.number_of_nodes() == 2


def test_the_view_draws_people_and_weighted_links(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "met.html"
    s = write_view(store_dir, out, network="coattendance")
    data = page_data(out)
    assert s.nodes == 4 and s.edges == 4
    strong = [e for e in data["edges"] if e["kg"].get("weight") == 2]
    assert len(strong) == 1 and strong[0]["width"] == 3 and strong[0]["label"] == "共同出席 2"
    assert {ev[0] for ev in strong[0]["kg"]["events"]} == {EXPO, FORUM}
    assert all(e["kg"]["undirected"] and e["arrows"] == {"to": {"enabled": False}} for e in data["edges"])
    assert "co-attendance" in out.read_text(encoding="utf-8")


def test_the_view_filters_by_article_keyword_and_focus(store_dir: Path, tmp_path: Path) -> None:
    # only the forum article: the pair met once there
    write_view(store_dir, tmp_path / "a2.html", network="coattendance", article="a2")
    data = page_data(tmp_path / "a2.html")
    assert len(data["edges"]) == 1 and data["edges"][0]["kg"]["weight"] == 1
    assert [ev[0] for ev in data["edges"][0]["kg"]["events"]] == [FORUM]
    # a keyword only the tea article has
    write_view(store_dir, tmp_path / "tea.html", network="coattendance", keyword="茶叶")
    assert {n["label"] for n in page_data(tmp_path / "tea.html")["nodes"]} == {"谷雨澄", "石映川"}
    # one hop from 石映川 is the one person met
    s = write_view(store_dir, tmp_path / "f.html", network="coattendance", focus="石映川", hops=1)
    assert {n["label"] for n in page_data(tmp_path / "f.html")["nodes"]} == {"谷雨澄", "石映川"} and s.nodes == 2
    with pytest.raises(ViewError, match="entity network"):
        write_view(store_dir, tmp_path / "x.html", network="coattendance", types="Event")
    with pytest.raises(ViewError, match="unknown network"):
        write_view(store_dir, tmp_path / "x.html", network="friends")


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_is_an_undirected_weighted_network_with_events(store_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = export_coattendance(store_dir, fmt, tmp_path / f"met.{fmt}")
    G = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert not G.is_directed()
    labels = {n: d["label"] for n, d in G.nodes(data=True)}
    got = {frozenset((labels[a], labels[b])): (int(d["weight"]), set(d["events"].split("、")))
           for a, b, d in G.edges(data=True)}
    assert got[frozenset(("柏砚秋", "闻可期"))] == (2, {EXPO, FORUM})
    assert got[frozenset(("谷雨澄", "石映川"))] == (1, {FAIR})
    edge = next(d for a, b, d in G.edges(data=True) if {labels[a], labels[b]} == {"柏砚秋", "闻可期"})
    assert set(edge["articles"].split(";")) == {"a1", "a2"} and "低空经济" in edge["evidence"]


def kg(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, cwd=cwd, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_cli_viz_and_export(store_dir: Path, tmp_path: Path) -> None:
    res = kg("viz", "--store", str(store_dir), "--network", "coattendance", "--min-weight", "2", "-o", "m.html",
             cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert b"2 people, 1 links" in res.stderr
    assert len(page_data(tmp_path / "m.html")["edges"]) == 1
    res = kg("export", "--store", str(store_dir), "--network", "coattendance", "--format", "gexf", "-o", "-",
             cwd=tmp_path)
    assert res.returncode == 0 and b"<gexf" in res.stdout and "共同出席".encode() in res.stdout, res.stderr
    res = kg("export", "--store", str(store_dir), "--network", "coattendance", "--format", "ttl", cwd=tmp_path)
    assert res.returncode == 1 and b"export it as graphml or gexf" in res.stderr
