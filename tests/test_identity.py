"""Event and person identity across articles (issue 11, items 1 and 2), on invented articles.

Both directions are tested: what the evidence says is one thing is merged, and what it does not is kept apart,
with the reason in the mention's note, which `kg explain` prints.
"""

from __future__ import annotations

import json

from conftest import article, write

from kg.explain import explain, format_reports
from kg.link import Linker, body_key, generic_event
from kg.linkstore import link_index
from kg.query import run_query
from kg.store import GraphStore
from kg.validate import validate_store
from kg.vocab import KG


def _one(las: list, name: str) -> list:  # type: ignore[type-arg]
    """The entity named ``name`` in each linked article, in article order."""
    return [next(e for e in la.entities if e.name == name) for la in las]


def meeting(aid: str, host: str, guest: str, date: str | None = None, place: str | None = None,
            published: str = "2025-03-01"):
    text = f"{host}会见{guest}。" + (f"会见在{place}举行。" if place else "")
    ents = [(host, "Person"), (guest, "Person"), ("会见", "Event")] + ([(place, "Place")] if place else [])
    rels = [(host, "hosted", "会见"), (guest, "attended", "会见")]
    if date:
        rels.append(("会见", "heldOn", date))
    if place:
        rels.append(("会见", "heldAt", place))
    return article(aid, text, ents, relations=rels, published=published)


# ------------------------------------------------------------------ events


def test_generic_names() -> None:
    for name in ("会见", "签约仪式", "座谈会", "开幕式", "校企合作签约仪式", "第二次全体会议", "首次理事会"):
        assert generic_event(name), name
    for name in ("白沙湾论坛", "岚峰新能源产业学院揭牌仪式", "宁川智能制造职业教育联盟首次理事会",
                 "2025宁川产教融合研讨会"):
        assert not generic_event(name), name


def test_generic_events_in_unrelated_articles_stay_apart() -> None:
    store = GraphStore.in_memory()
    las = write(store, [meeting("a1", "林安", "柯远航", published="2025-03-01"),
                        meeting("a2", "苏明哲", "贺青禾", published="2025-04-02")])
    a, b = _one(las, "会见")
    assert a.iri != b.iri
    assert b.rule == str(KG.ArticleScoped) and "namesake event" in b.note and "2025-04-02" in b.note
    # coattendees no longer lists strangers who were never in the same room
    out = json.loads(run_query(store, name="coattendees", params=["person=林安"], fmt="json"))
    assert {r["name"]["value"] for r in out["results"]["bindings"]} == {"柯远航"}


def test_generic_event_with_same_date_and_shared_participant_merges() -> None:
    las = write(GraphStore.in_memory(), [meeting("a1", "林安", "柯远航", date="2025-03-01"),
                                         meeting("a2", "林安", "柯远航", date="2025-03-01", published="2025-03-02")])
    a, b = _one(las, "会见")
    assert a.iri == b.iri
    assert b.rule == str(KG.SameHappening) and "held 2025-03-01" in b.note and "林安" in b.note


def test_generic_event_same_date_same_place_merges_but_nothing_shared_does_not() -> None:
    las = write(GraphStore.in_memory(), [
        meeting("a1", "林安", "柯远航", date="2025-03-01", place="北岭宾馆"),
        meeting("a2", "苏明哲", "贺青禾", date="2025-03-01", place="北岭宾馆"),
        meeting("a3", "严可为", "方知远", date="2025-03-01", place="南湾会堂"),
    ])
    a, b, c = _one(las, "会见")
    assert a.iri == b.iri and "北岭宾馆" in b.note
    assert c.iri != a.iri and "no shared place, organiser or participant" in c.note


def test_stated_dates_that_differ_keep_even_the_same_people_apart() -> None:
    las = write(GraphStore.in_memory(), [meeting("a1", "林安", "柯远航", date="2025-03-01"),
                                         meeting("a2", "林安", "柯远航", date="2025-05-09")])
    a, b = _one(las, "会见")
    assert a.iri != b.iri and "held 2025-05-09, not 2025-03-01" in b.note


def test_article_date_stands_in_for_an_unstated_one() -> None:
    las = write(GraphStore.in_memory(), [meeting("a1", "林安", "柯远航", published="2025-03-01"),
                                         meeting("a2", "柯远航", "林安", published="2025-03-01")])
    a, b = _one(las, "会见")
    assert a.iri == b.iri and "dated 2025-03-01" in b.note


def test_specific_event_names_still_merge_by_name() -> None:
    text = "林安出席白沙湾论坛。"
    las = write(GraphStore.in_memory(), [
        article(f"a{i}", text, [("林安", "Person"), ("白沙湾论坛", "Event")],
                relations=[("林安", "attended", "白沙湾论坛")], published=f"2025-0{i}-01") for i in (1, 2)])
    a, b = _one(las, "白沙湾论坛")
    assert a.iri == b.iri and b.rule == str(KG.SameNormalisedName)


def test_event_identity_across_builds_and_explain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The second build reads the first one's events back from the store (kg.linkstore)."""
    store = GraphStore(tmp_path / "s")
    first = write(store, [meeting("a1", "林安", "柯远航", date="2025-03-01")])
    later = write(store, [meeting("a2", "柯远航", "林安", date="2025-03-01"),
                          meeting("a3", "苏明哲", "贺青禾", date="2025-06-01")],
                  linker=Linker(link_index(store)))
    (a,), (b, c) = _one(first, "会见"), _one(later, "会见")
    assert a.iri == b.iri != c.iri
    reports = explain(store, "会见")
    assert len(reports) == 2
    text = format_reports(reports, "会见")
    assert "2 entities are named 会见" in text and "same happening" in text and "kept to this article" in text
    assert "the same happening as in article a1" in text and "other happenings" in text
    assert not validate_store(store)
    # rebuilding an article reproduces its links (its own old version is left out of the index)
    again = write(store, [meeting("a2", "柯远航", "林安", date="2025-03-01")], linker=Linker(
        link_index(store, exclude_graphs=[g for g, i in store.article_graphs().items() if i == "a2"])))
    assert _one(again, "会见")[0].iri == a.iri


# ------------------------------------------------------------------ persons


def test_body_key() -> None:
    assert body_key("北岭市") == body_key("北岭市人民政府") == body_key("中共北岭市委") == body_key("北岭市政府") \
        == body_key("中共北岭市委员会") == "北岭市"
    assert body_key("北岭市发展和改革委员会") == "北岭市发展和改革委员会"
    assert body_key("北岭市委组织部") != "北岭市"


def post_article(aid: str, person: str, title: str, org: str, extra: tuple = (),  # type: ignore[type-arg]
                 published: str = "2025-03-01"):
    text = f"{org}{title}{person}出席会议。" + "".join(f"{a}是{b}的下属单位。" for a, b in extra)
    ents = [(person, "Person"), (org, "Organization")] + [(x, "Organization") for pair in extra for x in pair]
    rels = [(a, "partOf", b) for a, b in extra]
    return article(aid, text, ents, posts=[(person, title, org)], relations=rels, published=published)


def test_job_change_between_a_city_government_and_its_party_committee_is_one_person() -> None:
    las = write(GraphStore.in_memory(), [post_article("a1", "林安", "副市长", "北岭市人民政府"),
                                         post_article("a2", "林安", "书记", "中共北岭市委"),
                                         post_article("a3", "林安", "市长", "北岭市")])
    a, b, c = _one(las, "林安")
    assert a.iri == b.iri == c.iri
    assert b.rule == str(KG.SameBody) and "same body (北岭市)" in b.note and "副市长" in b.note


def test_namesakes_at_different_cities_stay_apart() -> None:
    las = write(GraphStore.in_memory(), [post_article("a1", "林安", "副市长", "北岭市人民政府"),
                                         post_article("a2", "林安", "副市长", "南湾市人民政府")])
    a, b = _one(las, "林安")
    assert a.iri != b.iri and b.rule == str(KG.NewEntity) and "kept apart" in b.note


def test_a_region_bureau_is_not_the_region() -> None:
    """北岭市交通运输局 begins with 北岭市 but is one of many bureaus: no merge on the name alone."""
    las = write(GraphStore.in_memory(), [post_article("a1", "林安", "局长", "北岭市交通运输局"),
                                         post_article("a2", "林安", "副市长", "北岭市人民政府")])
    a, b = _one(las, "林安")
    assert a.iri != b.iri


def test_parent_and_child_bodies_by_stated_hierarchy_and_by_name() -> None:
    las = write(GraphStore.in_memory(), [
        post_article("a1", "林安", "院长", "信息学院", extra=(("信息学院", "北岭大学"),)),
        post_article("a2", "林安", "副校长", "北岭大学"),
        post_article("a3", "柯远航", "主任", "岚峰大学计算机学院"),
        post_article("a4", "柯远航", "副校长", "岚峰大学"),
    ])
    a, b = _one(las[:2], "林安")
    assert a.iri == b.iri and b.rule == str(KG.SameBody) and "信息学院 is part of 北岭大学" in b.note
    c, d = _one(las[2:], "柯远航")
    assert c.iri == d.iri and "by its name" in d.note


def test_person_identity_across_builds(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = GraphStore(tmp_path / "s")
    first = write(store, [post_article("a1", "林安", "院长", "信息学院", extra=(("信息学院", "北岭大学"),))])
    (a,) = _one(first, "林安")
    (b,) = _one(write(store, [post_article("a2", "林安", "副校长", "北岭大学")], linker=Linker(link_index(store))),
                "林安")
    assert a.iri == b.iri and b.rule == str(KG.SameBody)
    text = format_reports(explain(store, "林安"), "林安")
    assert "same name, same body under another name" in text and "信息学院 is part of 北岭大学" in text
    assert not validate_store(store)


def forum_article(aid: str, person: str, post: tuple[str, str] | None, event: str = "白沙湾论坛"):  # type: ignore[no-untyped-def]
    org = post[1] if post else None
    text = (f"{org}{post[0]}" if post else "") + f"{person}出席{event}。"
    ents = [(person, "Person"), (event, "Event")] + ([(org, "Organization")] if org else [])
    return article(aid, text, ents, posts=[(person, post[0], org)] if post else [],
                   relations=[(person, "attended", event)])


def test_a_person_without_a_post_at_the_same_specific_event_is_the_namesake_there() -> None:
    las = write(GraphStore.in_memory(), [forum_article("a1", "林安", ("副市长", "北岭市人民政府")),
                                         forum_article("a2", "林安", None)])
    a, b = _one(las, "林安")
    assert a.iri == b.iri and b.rule == str(KG.SharedContext) and "both at 白沙湾论坛" in b.note


def test_posts_at_unrelated_bodies_outweigh_a_shared_event() -> None:
    las = write(GraphStore.in_memory(), [forum_article("a1", "林安", ("副市长", "北岭市人民政府")),
                                         forum_article("a2", "林安", ("总经理", "南湾建材有限公司"))])
    a, b = _one(las, "林安")
    assert a.iri != b.iri


def test_no_shared_event_keeps_a_post_less_namesake_apart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = GraphStore(tmp_path / "s")
    first = write(store, [forum_article("a1", "林安", ("副市长", "北岭市人民政府"))])
    later = write(store, [forum_article("a2", "林安", None), forum_article("a3", "林安", None, "岚峰峰会")],
                  linker=Linker(link_index(store)))
    (a,), (b, c) = _one(first, "林安"), _one(later, "林安")
    assert a.iri == b.iri != c.iri  # a2 through the store's memory of a1's forum
    assert c.rule == str(KG.ArticleScoped) and "nor an event shared with one" in c.note
