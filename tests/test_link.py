"""Entity resolution across articles, on invented articles written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import article, write

from kg.cli import main
from kg.explain import explain_entity, find_entities
from kg.link import Linker
from kg.pipeline import build_store
from kg.store import GraphStore
from kg.text import fold_width, normalise
from kg.vocab import KG


def _iri(las: list, name: str) -> str:  # type: ignore[type-arg]
    return next(e.iri for la in las for e in la.entities if e.name == name)


def test_normalise_folds_script_width_and_space() -> None:
    assert normalise("東嶺科技協會") == normalise("东岭科技协会")
    assert normalise("北岭 大学") == "北岭大学"
    assert normalise("ＡＢ学院") == "AB学院"
    # the same folds without the script conversion, for matching names as printed
    assert fold_width("東嶺 ＡＢ協會") == "東嶺AB協會" and normalise(fold_width("東嶺 協會")) == normalise("东岭协会")


def test_namesakes_in_unrelated_contexts_stay_apart() -> None:
    t1 = "北岭大学校长柯远航出席典礼。"
    t2 = "南湾建材有限公司总经理柯远航出席签约仪式。"
    las = write(GraphStore.in_memory(), [
        article("a1", t1, [("北岭大学", "Organization"), ("柯远航", "Person")], [("柯远航", "校长", "北岭大学")]),
        article("a2", t2, [("南湾建材有限公司", "Organization"), ("柯远航", "Person")],
                [("柯远航", "总经理", "南湾建材有限公司")]),
    ])
    a, b = (next(e for e in la.entities if e.name == "柯远航") for la in las)
    assert a.iri != b.iri
    assert b.rule == str(KG.NewEntity) and "kept apart" in b.note


def test_namesakes_with_same_org_and_post_merge() -> None:
    t1 = "北岭大学校长柯远航出席典礼。"
    t2 = "北岭大学校长柯远航在会上讲话。"
    las = write(GraphStore.in_memory(), [
        article("a1", t1, [("北岭大学", "Organization"), ("柯远航", "Person")], [("柯远航", "校长", "北岭大学")]),
        article("a2", t2, [("北岭大学", "Organization"), ("柯远航", "Person")], [("柯远航", "校长", "北岭大学")]),
    ])
    a, b = (next(e for e in la.entities if e.name == "柯远航") for la in las)
    assert a.iri == b.iri
    assert b.rule == str(KG.SharedContext) and "北岭大学" in b.note and "校长" in b.note
    assert _iri(las[:1], "北岭大学") == _iri(las[1:], "北岭大学")


def test_person_without_post_is_not_guessed_into_a_namesake() -> None:
    t1 = "北岭大学校长柯远航出席典礼。"
    t2 = "柯远航参加了活动。"
    las = write(GraphStore.in_memory(), [
        article("a1", t1, [("北岭大学", "Organization"), ("柯远航", "Person")], [("柯远航", "校长", "北岭大学")]),
        article("a2", t2, [("柯远航", "Person")]),
    ])
    b = next(e for e in las[1].entities if e.name == "柯远航")
    assert b.iri != _iri(las[:1], "柯远航") and b.rule == str(KG.ArticleScoped)


def test_traditional_and_simplified_spellings_are_one_entity() -> None:
    t1 = "東嶺科技協會秘書長陸書航出席會議。"
    t2 = "东岭科技协会秘书长陆书航主持会议。"
    las = write(GraphStore.in_memory(), [
        article("tw", t1, [("東嶺科技協會", "Organization"), ("陸書航", "Person")],
                [("陸書航", "秘書長", "東嶺科技協會")]),
        article("cn", t2, [("东岭科技协会", "Organization"), ("陆书航", "Person")],
                [("陆书航", "秘书长", "东岭科技协会")]),
    ])
    assert _iri(las[:1], "東嶺科技協會") == _iri(las[1:], "东岭科技协会")
    assert _iri(las[:1], "陸書航") == _iri(las[1:], "陆书航")


def test_abbreviation_links_to_full_name() -> None:
    t1 = "北岭职业技术学院（简称北岭职院）举行典礼。"
    t2 = "北岭职院与企业签约。"
    las = write(GraphStore.in_memory(), [
        article("a1", t1, [("北岭职业技术学院", "Organization", ["北岭职院"])]),
        article("a2", t2, [("北岭职院", "Organization")]),
    ])
    second = las[1].entities[0]
    assert second.iri == _iri(las[:1], "北岭职业技术学院") and second.rule == str(KG.KnownAlias)


def test_linking_is_deterministic() -> None:
    g = article("a1", "北岭大学校长柯远航出席典礼。", [("北岭大学", "Organization"), ("柯远航", "Person")],
                [("柯远航", "校长", "北岭大学")])
    assert [e.iri for e in Linker().link(g).entities] == [e.iri for e in Linker().link(g).entities]


def test_end_to_end_traditional_simplified_merge_and_explain(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.jsonl"
    recs = [
        {"id": "tw1", "title": "東嶺科技協會舉行年會", "published": "2025-04-02",
         "text": "4月1日，東嶺科技協會年會在東嶺市舉行。東嶺科技協會理事長陸書航出席會議並致詞。"},
        {"id": "cn1", "title": "东岭科技协会召开理事会", "published": "2025-05-06",
         "text": "5月5日，东岭科技协会理事会在东岭市召开。东岭科技协会理事长陆书航主持会议。"},
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    store = GraphStore(tmp_path / "s")
    assert build_store([str(src)], store).failed == 0
    iris = find_entities(store, "陸書航")
    assert len(iris) == 1
    rep = explain_entity(store, iris[0])
    assert rep is not None and {m.article for m in rep.mentions} == {"tw1", "cn1"}
    assert set(rep.names) == {"陸書航", "陆书航"}
    del store
    assert main(["explain", "陆书航", "--store", str(tmp_path / "s")]) == 0
    out = capsys.readouterr().out
    assert "same name, shared organisation" in out and "tw1" in out and "cn1" in out and "[" in out


def test_incremental_build_links_against_the_store(tmp_path: Path) -> None:
    """A later build (new process, new Linker) still merges by shared organisation and alias."""
    t1 = "北岭职业技术学院（简称北岭职院）校长柯远航出席典礼。"
    t2 = "北岭职院校长柯远航主持会议。"
    store = GraphStore(tmp_path / "s")
    (first,) = write(store, [article("a1", t1, [("北岭职业技术学院", "Organization", ["北岭职院"]),
                                                ("柯远航", "Person")], [("柯远航", "校长", "北岭职业技术学院")])])
    del store
    store = GraphStore(tmp_path / "s")
    (second,) = write(store, [article("a2", t2, [("北岭职院", "Organization"), ("柯远航", "Person")],
                                      [("柯远航", "校长", "北岭职院")])])
    person = next(e for e in second.entities if e.name == "柯远航")
    assert person.iri == _iri([first], "柯远航") and person.rule == str(KG.SharedContext)
    assert next(e for e in second.entities if e.name == "北岭职院").rule == str(KG.KnownAlias)
