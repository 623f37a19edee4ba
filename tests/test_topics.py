"""Article keywords (kg.topics, jieba TF-IDF) stored as schema:keywords, the articles_about query, the --keyword filter.

The articles are invented (tests/network_corpus.py): one about drones, one
about the low-altitude economy, one about tea; each test reads the keywords
back from a real store built from them.
"""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest
from conftest import article, write
from network_corpus import A1, A3, corpus

from kg.query import run_query
from kg.store import GraphStore
from kg.topics import TOP_K, article_keywords
from kg.views import ViewError, load_network, write_view


@pytest.fixture(scope="module")
def store() -> GraphStore:
    s = GraphStore.in_memory()
    write(s, corpus())
    return s


def keywords(store: GraphStore) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in store.query("SELECT ?id ?kw WHERE { ?a a kg:Article ; dcterms:identifier ?id ; schema:keywords ?kw }"):
        out.setdefault(r["id"].value, set()).add(r["kw"].value)
    return out


def test_an_article_about_drones_has_drones_as_its_first_keyword() -> None:
    kws = article_keywords(A1, ["柏砚秋", "闻可期", "谷雨澄", "青禾市人民政府"])
    assert kws[0] == "无人机"
    assert {"植保", "巡检"} <= set(kws) and len(kws) == TOP_K
    # what a story is about, not who is in it, how many, or the genre's own words
    assert not {"柏砚秋", "六十家", "局长", "表示", "出席"} & set(kws)


def test_names_given_are_not_topics_and_traditional_script_gives_the_same_keywords() -> None:
    with_names = article_keywords(A3, ["谷雨澄", "石映川", "青禾市商务局", "北岭"])
    assert "茶叶" in with_names[:3] and "北岭" not in with_names
    assert "北岭" in article_keywords(A3)  # the place is only dropped when it is named as one
    trad = opencc.OpenCC("s2t").convert(A3)
    assert trad != A3 and article_keywords(trad, ["北嶺"]) == article_keywords(A3, ["北岭"])
    assert article_keywords("  \n") == []


def test_keywords_are_plain_strings_on_the_article_in_the_default_graph(store: GraphStore) -> None:
    kws = keywords(store)
    assert "无人机" in kws["a1"] and "低空" in kws["a2"] and "茶叶" in kws["a3"]
    assert "无人机" not in kws["a2"] | kws["a3"] and "茶叶" not in kws["a1"] | kws["a2"]
    # matched as written, no language tag: the pattern a reader types
    rows = list(store.query('SELECT ?id WHERE { ?a schema:keywords "茶叶" ; dcterms:identifier ?id }'))
    assert [r["id"].value for r in rows] == ["a3"]
    in_graphs = store.query("ASK { GRAPH ?g { ?a schema:keywords ?k } }")
    assert not bool(in_graphs)  # described once, with the article's other metadata


def test_rewriting_an_article_replaces_its_keywords() -> None:
    s = GraphStore.in_memory()
    write(s, corpus())
    write(s, [article("a1", A3)])  # same id and URL, so the same article: now about tea
    kws = keywords(s)
    assert "茶叶" in kws["a1"] and "无人机" not in kws["a1"]


def test_articles_about_lists_the_articles_events_and_people_for_a_keyword(store: GraphStore) -> None:
    out = json.loads(run_query(store, name="articles_about", params=["keyword=無人機"], fmt="json"))
    rows = [{k: v["value"] for k, v in b.items()} for b in out["results"]["bindings"]]
    assert {r["article"] for r in rows} == {"a1"}
    assert {r["keyword"] for r in rows} == {"无人机"} and {r["issued"] for r in rows} == {"2025-04-10"}
    assert {(r["kind"], r["name"]) for r in rows} == {("Event", "青禾市无人机产业推进会"), ("Person", "柏砚秋"),
                                                      ("Person", "闻可期"), ("Person", "谷雨澄")}
    tea = json.loads(run_query(store, name="articles_about", params=["keyword=茶叶"], fmt="json"))
    names = {b["name"]["value"] for b in tea["results"]["bindings"]}
    assert names == {"北岭春茶交易会", "谷雨澄", "石映川"}
    none = json.loads(run_query(store, name="articles_about", params=["keyword=潮汐"], fmt="json"))
    assert none["results"]["bindings"] == []


def test_the_view_keeps_only_what_articles_with_the_keyword_state(store: GraphStore, tmp_path: Path) -> None:
    G = load_network(store)
    assert "茶叶" in G.graph["articles"]["a3"]["keywords"]
    s = write_view(store, tmp_path / "tea.html", keyword="茶叶")
    page = (tmp_path / "tea.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="kg-data">', 1)[1].split("</script>", 1)[0])
    labels = {n["label"] for n in data["nodes"]}
    assert labels == {"北岭春茶交易会", "谷雨澄", "石映川", "青禾市商务局"}
    assert s.nodes == 4 and "keywords 茶叶" in page
    assert set(data["articles"]) == {"a3"} and "茶叶" in data["articles"]["a3"]["keywords"]
    with pytest.raises(ViewError, match="no article has the keyword '潮汐'"):
        write_view(store, tmp_path / "x.html", keyword="潮汐")
