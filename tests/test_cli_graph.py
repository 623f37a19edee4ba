"""`kg build` as the quick start runs it: the store, the HTML view beside it, network exports, pushing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def test_build_writes_the_store_and_the_view_then_exports_the_network(tmp_path: Path) -> None:
    store, page = tmp_path / "store", tmp_path / "view" / "graph.html"
    res = run("build", str(SAMPLES), "--store", str(store), "--html", str(page))
    assert res.returncode == 0, res.stderr
    assert "4 articles" in res.stderr and page.exists()
    html = page.read_text(encoding="utf-8")
    assert "阙明远" in html or "\\u9619\\u660e\\u8fdc" in html
    for fmt in ("graphml", "gexf"):
        out = tmp_path / f"g.{fmt}"
        assert run("export", "--store", str(store), "--format", fmt, "-o", str(out)).returncode == 0
        g = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
        labels = {d.get("label") for _, d in g.nodes(data=True)}
        assert "宁川工程职业学院" in labels and g.number_of_edges() > 10


def test_build_reports_a_store_it_cannot_push_to(tmp_path: Path) -> None:
    res = run("build", str(SAMPLES / "forum.txt"), "--store", str(tmp_path / "s"), "--html", "",
              "--endpoint", "http://127.0.0.1:9/sparql")
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "cannot reach http://127.0.0.1:9/sparql" in res.stderr and "0/2 graphs" in res.stderr


def test_parents_of_a_chained_name_are_organisations_in_the_graph(tmp_path: Path) -> None:
    page = tmp_path / "a.jsonl"
    page.write_text('{"id": "chain", "published": "2025-05-01", "text": '
                    '"国家文旅部非遗保护司传承发展处处长鄢明哲出席临江文化论坛并讲话。"}\n', encoding="utf-8")
    store = tmp_path / "s"
    assert run("build", str(page), "--store", str(store), "--html", "").returncode == 0
    res = run("query", "--store", str(store), "--name", "org_hierarchy", "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert "国家文旅部非遗保护司传承发展处" in res.stdout and "国家文旅部" in res.stdout
    typed = run("query", "--store", str(store), "--format", "csv",
                'SELECT ?t WHERE { ?o rdfs:label ?l ; a ?t FILTER(STR(?l) = "国家文旅部") }')
    assert "Organization" in typed.stdout
    assert run("validate", "--store", str(store)).returncode == 0
