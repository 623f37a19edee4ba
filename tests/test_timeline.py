"""Career timelines (issue 11, item 5): post status and dates in the graph, the `career` query, `kg timeline`."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import article, write

from kg.cli import main
from kg.query import run_query
from kg.store import GraphStore
from kg.timeline import TimelineError, format_timelines, timeline, timelines_html
from kg.validate import validate_ntriples, validate_store
from kg.vocab import KG


def career_store(path: Path | None = None) -> GraphStore:
    """One person's career over three invented articles, stated out of order."""
    store = GraphStore(path)
    a1 = article("a1", "林安任北岭市人民政府副市长。", [("林安", "Person"), ("北岭市人民政府", "Organization")],
                 [("林安", "副市长", "北岭市人民政府")], published="2021-01-05")
    a1.posts[0].status = "appointed"
    a2 = article("a2", "北岭市市长林安出席会议。2019年起林安曾任北岭大学校长。",
                 [("林安", "Person"), ("北岭市", "Organization"), ("北岭大学", "Organization")],
                 [("林安", "市长", "北岭市"), ("林安", "校长", "北岭大学")], published="2024-06-01")
    a2.posts[1].status, a2.posts[1].start, a2.posts[1].end = "former", "2019", "2020-12"
    a3 = article("a3", "免去林安的北岭市市长职务。", [("林安", "Person"), ("北岭市", "Organization")],
                 [("林安", "市长", "北岭市")], published="2025-02-01")
    a3.posts[0].status = "removed"
    write(store, [a1, a2, a3])
    return store


def test_post_status_and_dates_in_the_graph() -> None:
    store = career_store()
    rows = {r["status"].value: r for r in store.query(  # type: ignore[union-attr]
        "SELECT ?status ?start ?end WHERE { ?st kg:postStatus ?status . OPTIONAL { ?st schema:startDate ?start } "
        "OPTIONAL { ?st schema:endDate ?end } }")}
    assert set(rows) == {"appointed", "current", "former", "removed"}
    assert rows["former"]["start"].datatype.value.endswith("#gYear")
    assert rows["former"]["end"].datatype.value.endswith("#gYearMonth")
    # the dates are on the membership too, the standard place for them
    n = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?m a org:Membership ; schema:startDate ?d }")
    assert next(iter(n))["n"].value == "1"  # type: ignore[call-overload]
    assert not validate_store(store)


def test_shacl_checks_status_and_dates() -> None:
    store = career_store()
    store.store.update(f"""DELETE {{ ?st <{KG.postStatus}> "removed" }} INSERT {{ ?st <{KG.postStatus}> "fired" }}
                           WHERE {{ ?st <{KG.postStatus}> "removed" }} ;
                           INSERT {{ ?m <https://schema.org/endDate> "last spring" }}
                           WHERE {{ ?m a <http://www.w3.org/ns/org#Membership> }}""")
    union = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(union, ox.QueryTriples)
    messages = " ".join(v.message for v in validate_ntriples(union.serialize(format=ox.RdfFormat.N_TRIPLES)))
    assert "a post's status is one of" in messages and "end date" in messages


def test_timeline_orders_by_stated_date_else_article_date() -> None:
    (tl,) = timeline(career_store(), "林安")
    got = [(s.when, s.dated_by, s.title, s.status) for s in tl.steps]
    assert got == [("2019", "stated", "校长", "former"), ("2021-01-05", "article", "副市长", "appointed"),
                   ("2024-06-01", "article", "市长", "current"), ("2025-02-01", "article", "市长", "removed")]
    assert all(s.sentence and s.offsets for s in tl.steps)
    text = format_timelines([tl], "林安")
    assert "校长 @ 北岭大学  [former; 2019–2020-12]" in text and "evidence" in text
    # the same person by IRI, and a traditional spelling of the name
    assert [t.iri for t in timeline(career_store(), tl.iri)] == [tl.iri]
    with pytest.raises(TimelineError):
        timeline(career_store(), "无此人")


def test_career_named_query() -> None:
    out = json.loads(run_query(career_store(), name="career", params=["person=林安"], fmt="json"))
    rows = out["results"]["bindings"]
    assert rows[0]["status"]["value"] == "former" and len(rows) == 4


def test_kg_timeline_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = career_store(tmp_path / "s")
    del store  # release the directory's lock for the command
    assert main(["timeline", "林安", "--store", str(tmp_path / "s")]) == 0
    assert "2021-01-05 (article date)" in capsys.readouterr().out
    assert main(["timeline", "林安", "--json", "--store", str(tmp_path / "s")]) == 0
    (tl,) = json.loads(capsys.readouterr().out)
    assert [s["status"] for s in tl["steps"]] == ["former", "appointed", "current", "removed"]
    assert main(["timeline", "无此人", "--store", str(tmp_path / "s")]) == 1


def test_kg_timeline_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = career_store(tmp_path / "s")
    del store
    out = tmp_path / "tl.html"
    assert main(["timeline", "林安", "--html", str(out), "--store", str(tmp_path / "s")]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert page.index("北岭大学") < page.index("北岭市人民政府")  # in time order
    assert ">removed</span>" in page and "(article date)" in page
    tl = timeline(GraphStore(tmp_path / "s", read_only=True), "林安")
    tl[0].steps[0].title = "<b>校长</b>"
    assert "&lt;b&gt;校长&lt;/b&gt;" in timelines_html(tl, "林安")
