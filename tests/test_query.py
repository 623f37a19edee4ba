"""Named queries on data/samples (assertions a reader of those articles expects) and the query CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import article, write

from kg.cli import main
from kg.query import load_named, table, width
from kg.sparql import QueryError, bind_params, projected_variables
from kg.store import GraphStore


def run(store: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, str]]:
    assert main(["query", *args, "--format", "csv", "--store", str(store)]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_list_shows_every_named_query_with_its_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = {ln.split()[0] for ln in lines}
    assert names == {"people_posts", "person_events", "alliances", "org_hierarchy", "coattendees", "about", "career",
                     "articles_about"}
    assert all(len(ln.split(None, 1)) == 2 for ln in lines)
    assert all(q.description for q in load_named().values())


def test_people_and_posts(sample_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(sample_store, capsys, "--name", "people_posts")
    got = {(r["name"], r["title"], r["organization"]): int(r["articles"]) for r in rows}
    # 濮子衡 is 校长 of 宁川工程职业学院 in the forum report and in the alliance brief: one person, two articles
    assert got[("濮子衡", "校长", "宁川工程职业学院")] == 2
    assert got[("訾慕青", "总工程师", "澜岸数控科技股份有限公司")] == 2
    assert ("邴思源", "校长", "青岫职业技术学院") in got
    assert ("鄢知秋", "副校长", "青岫职业技术学院") in got
    assert ("鞠曉澄", "秘书长", "澄灣科技協會") in got  # role labels are simplified, names keep their script


def test_events_of_a_person_with_date(sample_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(sample_store, capsys, "--name", "person_events", "--param", "person=钟离述安")
    roles = {r["role"].rsplit("#", 1)[-1] for r in rows if "产教融合研讨会" in r["eventName"]}
    assert {"attended", "spokeAt"} <= roles
    assert {r["date"] for r in rows} == {"2025-09-26"}
    # traditional spelling of the parameter is normalised: 鞠曉澄 spoke at the association's congress in 澄灣市
    rows = run(sample_store, capsys, "--name", "person_events", "--param", "person=鞠曉澄")
    assert any("會員大會" in r["eventName"] and r["place"] == "澄灣市" and r["date"] == "2025-09-19" for r in rows)


def test_coattendees(sample_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(sample_store, capsys, "--name", "coattendees", "--param", "person=阙明远")
    assert {"钟离述安", "蓟文澜", "濮子衡"} <= {r["name"] for r in rows}
    rows = run(sample_store, capsys, "--name", "coattendees", "--param", "person=邴思源")
    assert {"谯远舟", "笪若岚", "佘星遥", "鄢知秋"} <= {r["name"] for r in rows}


def test_about_an_entity_with_evidence(sample_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = run(sample_store, capsys, "--name", "about", "--param", "entity=笪若岚")
    assert any(r["predicate"].endswith("#role") and r["object"] == "董事长 @ 岚峰新能源科技有限公司" for r in rows)
    for r in rows:  # every answer is traceable: the article, and offsets inside the sentence's article text
        assert r["article"] == "signing" and r["sentence"] and int(r["start"]) < int(r["end"])
        assert "笪若岚" in r["sentence"]


def test_alliances_in_samples(sample_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = {r["name"]: r for r in run(sample_store, capsys, "--name", "alliances")}
    # forum: 首批理事单位包括宁川恒拓精密机械有限公司、澜岸数控科技股份有限公司
    members = rows["宁川智能制造职业教育联盟"]["members"].split("、")
    assert {"宁川恒拓精密机械有限公司", "澜岸数控科技股份有限公司"} <= set(members)


def test_alliances_and_hierarchy_on_written_graph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = ("北岭职教联盟由北岭大学发起，南湾建材有限公司加入联盟。"
         "北岭大学信息学院隶属北岭大学。柯远航任北岭职教联盟理事长。")
    store = GraphStore(tmp_path / "s")
    write(store, [article(
        "al", t,
        [("北岭职教联盟", "Alliance"), ("北岭大学", "Organization"), ("南湾建材有限公司", "Organization"),
         ("北岭大学信息学院", "Organization"), ("柯远航", "Person")],
        [("柯远航", "理事长", "北岭职教联盟")],
        [("北岭大学", "founded", "北岭职教联盟"), ("南湾建材有限公司", "memberOf", "北岭职教联盟"),
         ("北岭大学信息学院", "partOf", "北岭大学")])])
    del store
    (row,) = run(tmp_path / "s", capsys, "--name", "alliances")
    assert (row["founders"], row["members"], row["officers"]) == ("北岭大学", "南湾建材有限公司", "柯远航（理事长）")
    (row,) = run(tmp_path / "s", capsys, "--name", "org_hierarchy")
    assert (row["name"], row["parentName"], row["topName"]) == ("北岭大学信息学院", "北岭大学", "北岭大学")


def test_formats(sample_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = "SELECT ?n WHERE { ?p a kg:Person ; rdfs:label ?n } ORDER BY ?n LIMIT 3"
    assert main(["query", q, "--format", "json", "--store", str(sample_store)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["head"]["vars"] == ["n"] and len(data["results"]["bindings"]) == 3
    assert main(["query", q, "--format", "tsv", "--store", str(sample_store)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "n"
    assert main(["query", "ASK { ?p a kg:Person }", "--store", str(sample_store)]) == 0
    assert capsys.readouterr().out == "true\n"


def test_table_aligns_wide_characters() -> None:
    out = table(["name", "x"], [["濮子衡", "1"], ["ab", "2"]]).splitlines()
    assert width(out[2].split("1")[0]) == width(out[3].split("2")[0])


def test_malformed_query_one_line_exit_2(sample_store: Path, capsys: pytest.CaptureFixture[str],
                                         tmp_path: Path) -> None:
    assert main(["query", "SELECT ?x WHERE { ?x ?y }", "--store", str(sample_store)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "malformed query" in err and "1:" in err and "Traceback" not in err
    assert main(["query", "SELECT * WHERE { ?x nope:p ?y }", "--store", str(sample_store)]) == 2
    assert "unknown prefix" in capsys.readouterr().err
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT ?n WHERE { ?p a kg:Person ; rdfs:label ?n } LIMIT 1", encoding="utf-8")
    assert main(["query", "-f", str(rq), "--store", str(sample_store)]) == 0
    capsys.readouterr()
    assert main(["query", "--name", "coattendees", "--store", str(sample_store)]) == 2
    assert "--param person=" in capsys.readouterr().err
    assert main(["query", "--name", "nosuch", "--store", str(sample_store)]) == 2


def test_bind_params_finds_the_outer_group_in_every_form() -> None:
    v = {"x": ox.Literal("v")}
    inline = 'VALUES ?x { "v" }'

    def bound(q: str) -> str:
        out = bind_params(q, v)
        assert out.count(inline) == 1
        return out

    # WHERE-less outer group around a subquery: the VALUES goes to the outer group, not the subquery's WHERE
    assert bound("SELECT * { { SELECT ?y WHERE { ?y ?p ?x } } }").startswith(f"SELECT * {{ {inline}")
    # braces and WHERE in a comment, a string, an IRI and an EXISTS in the select clause are not the group
    q = ('PREFIX ex: <http://e.org/a{b#> # where {\nSELECT (CONCAT("{", ?a) AS ?b) (EXISTS { ?a ?b ?c } AS ?e)\n'
         "WHERE { ?a ?p ?x }")
    assert bound(q).endswith(f"WHERE {{ {inline}  ?a ?p ?x }}")
    assert bound("select ?s where { ?s ?p '''}''' }").startswith(f"select ?s where {{ {inline}")
    assert bound("ASK { ?s ?p ?x }").startswith(f"ASK {{ {inline}")
    # CONSTRUCT: after the template, not inside it
    assert bound("CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x }").endswith(f"WHERE {{ {inline}  ?s ?p ?x }}")
    assert bound("CONSTRUCT { ?s ?p ?x } { ?s ?p ?x }").endswith(f"}} {{ {inline}  ?s ?p ?x }}")
    for bad in ("CONSTRUCT WHERE { ?s ?p ?x }", "DESCRIBE <http://e.org/a>", "PREFIX ex: <http://e.org/>"):
        with pytest.raises(QueryError):
            bind_params(bad, v)
    assert bind_params("SELECT * { }", {}) == "SELECT * { }"


def test_a_binding_reaches_projected_and_unprojected_variables() -> None:
    store = GraphStore.in_memory()
    write(store, [article("x", "阙明远出席北岭论坛。", [("阙明远", "Person"), ("北岭论坛", "Event")],
                          relations=[("阙明远", "attended", "北岭论坛")])])
    name = ox.Literal("阙明远")
    # ?n is projected: substitutions; ?n is not projected: VALUES; both must give the same answer
    projected = "SELECT ?n ?e WHERE { ?p kg:normalizedName ?n ; kg:attended/rdfs:label ?e }"
    hidden = "SELECT ?e WHERE { ?p kg:normalizedName ?n ; kg:attended/rdfs:label ?e }"
    sub = "SELECT * { { SELECT ?e ?n WHERE { ?p kg:normalizedName ?n ; kg:attended/rdfs:label ?e } } }"
    for q in (projected, hidden, sub):
        assert [r["e"].value for r in store.query(q, {"n": name})] == ["北岭论坛"], q
        assert list(store.query(q, {"n": ox.Literal("nobody")})) == [], q
    assert bool(store.query("ASK { ?p kg:normalizedName ?n }", {"n": name}))
    assert projected_variables(hidden) == {"e"} and projected_variables("ASK {}") is None
