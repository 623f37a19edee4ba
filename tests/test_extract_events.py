"""The event layer and the relation families, stage by stage, on sentences written for these tests.

All names are invented (甲乙-style people, 青岚市, 星河联合会, 海川集团 …); no third-party text.
Each stage is called alone where it can be: ``sentence_events`` on one analysed
sentence, ``main_event`` on a headline and a lead, each relation family on one
sentence's ``Ctx``; the last tests run the whole extractor.
"""

from __future__ import annotations

from kg import ArticleGraph, extract
from kg.extract.events import aside_aliases, is_event_name, main_event, refers_to_event, sentence_events
from kg.extract.mentions import sentence_mentions
from kg.extract.relations import Ctx, attended, held_at, held_on, member_of, part_of, represents, spoke_at
from kg.extract.repair import repair
from kg.extract.segment import Sentence, analyse


def _sentence(text: str) -> Sentence:
    return repair(analyse(text)[0])


def _events(text: str) -> list[str]:
    sent = _sentence(text)
    ments, _ = sentence_mentions(sent, 0)
    return [m.text for m in sentence_events(sent, 0, ments)]


def _ctx(text: str, main: str | None = None, post_orgs: dict[str, list[str]] | None = None) -> Ctx:
    """One sentence's context with every mention named as printed."""
    sent = _sentence(text)
    ments, _ = sentence_mentions(sent, 0)
    ments = sorted(ments + sentence_events(sent, 0, ments), key=lambda m: (m.start, -m.end))
    name_of = {id(m): m.text for m in ments}
    events = [m.text for m in ments if m.type == "Event"]
    return Ctx(sent, ments, name_of, main or (events[0] if events else None), None, None,
               [m.text for m in ments if m.type in ("Organization", "Alliance")], post_orgs or {}, events)


def _triples(rels: list) -> set[tuple[str, str, str]]:
    return {(r.s, r.p, r.o) for r in rels}


def _rels(g: ArticleGraph) -> set[tuple[str, str, str]]:
    return {(r.s, r.p, r.o) for r in g.relations}


# --- event names --------------------------------------------------------------------------------

def test_what_a_verb_of_holding_holds_is_named_whole() -> None:
    assert "共建签约仪式" in _events("青岚市云溪区和海川集团举行共建签约仪式。")
    assert "第三届“数字青岚”峰会筹备工作推进会" in _events("星河联合会召开第三届“数字青岚”峰会筹备工作推进会。")


def test_the_subject_held_somewhere_is_the_event_and_ji_splits_it() -> None:
    found = _events("5月9日，星河联合会二届四次理事会暨青禾基金会一届二次理事会在北岭召开。")
    assert found[:2] == ["星河联合会二届四次理事会", "青禾基金会一届二次理事会"]


def test_a_short_form_aside_stays_in_the_name_and_gives_aliases() -> None:
    found = _events("云溪商会(以下简称“云商会”)二届四次理事会在北岭召开。")
    assert found == ["云溪商会(以下简称“云商会”)二届四次理事会"]
    assert aside_aliases(found[0], found[0]) == ["云溪商会二届四次理事会", "云商会二届四次理事会"]


def test_an_anniversary_celebration_is_an_event_joined_by_ji() -> None:
    assert _events("星河同乡会昨晚在青岚酒楼举办成立三十周年会庆暨第十三届理监事就职典礼。") == [
        "成立三十周年会庆", "第十三届理监事就职典礼"]


def test_modifiers_and_leading_verbs_are_not_part_of_the_name() -> None:
    assert "开幕式" in _events("青岚学院隆重举行了简短而隆重的开幕式。")
    assert "“星河讲坛”第100期纪念活动" in _events("青岚学院举办“星河讲坛”第100期纪念活动。")


def test_groups_boards_and_references_are_not_events() -> None:
    assert not _events("星河联合会调研组一行到海川集团走访。")
    assert not _events("会议表决通过了第一届理事会工作报告。")
    assert not is_event_name("该活动", clause=True)
    assert not is_event_name("经济活动")
    assert is_event_name("庆祝活动")


def test_a_bare_reference_after_a_cue_points_at_the_main_event() -> None:
    assert refers_to_event("会议并讲话")
    assert refers_to_event("本次活动")
    assert not refers_to_event("星河论坛")


# --- the main event --------------------------------------------------------------------------------

def test_main_event_is_the_one_the_headline_names_not_the_first_mentioned() -> None:
    text = ("在青岚论坛筹备会前，星河联合会召开第三届“数字青岚”峰会筹备工作推进会。"
            "甲、乙出席会议。")
    sentences = [repair(s) for s in analyse(text)]
    events = []
    for si, s in enumerate(sentences):
        ments, _ = sentence_mentions(s, si)
        events += sentence_events(s, si, ments)
    name_of = {id(m): m.text for m in events}
    chosen = main_event("星河联合会召开“数字青岚”峰会筹备工作推进会", sentences, events, name_of)
    assert chosen is not None and chosen.text == "第三届“数字青岚”峰会筹备工作推进会"


def test_a_sitting_held_by_a_larger_meeting_is_the_main_event_and_part_of_it() -> None:
    g = extract("3月2日上午，青岚市六届人大五次会议举行第三次全体会议。市人大常委会主任柏晓川主持会议。",
                id="t", published="2025-03-02")
    rels = _rels(g)
    assert ("第三次全体会议", "partOf", "青岚市六届人大五次会议") in rels
    assert ("柏晓川", "hosted", "第三次全体会议") in rels
    assert ("第三次全体会议", "heldOn", "2025-03-02") in rels


# --- relation families, one sentence each ---------------------------------------------------------

def test_signing_parties_attend_the_signing() -> None:
    ctx = _ctx("海川集团与青岚职业学院签署战略合作框架协议。", main="战略合作签约仪式")
    found = _triples(attended(ctx))
    assert ("海川集团", "attended", "战略合作签约仪式") in found
    assert ("青岚职业学院", "attended", "战略合作签约仪式") in found


def test_the_two_that_hold_a_signing_sign() -> None:
    ctx = _ctx("9月3日下午，青岚职业学院与海川集团举行校企合作签约仪式。")
    found = _triples(attended(ctx))
    assert {("青岚职业学院", "attended", "校企合作签约仪式"), ("海川集团", "attended", "校企合作签约仪式")} <= found
    # one organisation holding a signing is its host, not the two parties that sign
    ctx = _ctx("9月3日下午，青岚职业学院举行校企合作签约仪式。")
    assert not _triples(attended(ctx))


def test_attendees_are_not_those_named_with_another_role() -> None:
    ctx = _ctx("副市长柏晓川主持会议，青岚市教育局局长冉启明参加。", main="青岚职业教育推进会")
    found = _triples(attended(ctx))
    assert ("冉启明", "attended", "青岚职业教育推进会") in found
    assert not any(s == "柏晓川" for s, _, _ in found)


def test_the_people_named_before_a_visit_verb_make_the_visit() -> None:
    ctx = _ctx("5月8日上午，青岚学院院长冉启明、副院长柏晓川带领相关部门负责人赴云溪科技园"
               "开展校企合作和人才培养专题调研。")
    visit = "校企合作和人才培养专题调研"
    assert {("冉启明", "attended", visit), ("柏晓川", "attended", visit)} <= _triples(attended(ctx))


def test_what_is_said_after_a_courtesy_call_is_said_at_it() -> None:
    g = extract("青岚市举办第三届星河文化周活动。4月1日晚，青岚市市长柏晓川会见了云溪商会代表团一行。"
                "柏晓川对冉启明一行的来访表示欢迎。冉启明表示，愿与青岚市进一步深化合作。", id="t",
                title="第三届星河文化周活动在青岚市开幕")
    rels = _rels(g)
    assert {("柏晓川", "spokeAt", "会见"), ("冉启明", "spokeAt", "会见")} <= rels
    assert not any(p == "spokeAt" and o == "第三届星河文化周活动" for _, p, o in rels)


def test_coming_to_witness_is_no_meeting() -> None:
    assert _events("来自各地的300余位代表到会见证签约。") == []
    assert _events("青岚市市长柏晓川会见了冉启明一行。") == ["会见"]


def test_a_speech_relayed_in_its_clause_is_not_given_here() -> None:
    ctx = _ctx("会议传达学习了柏晓川同志5月8日在云溪区考察时发表的重要讲话以及上级有关会议、文件精神。",
               main="青岚市委常委会会议")
    assert not _triples(spoke_at(ctx))
    # a speech given after the clause that relays: given here
    ctx = _ctx("会议传达学习了上级有关文件精神，青岚市市长冉启明在会上作了重要讲话。", main="青岚市委常委会会议")
    assert ("冉启明", "spokeAt", "青岚市委常委会会议") in _triples(spoke_at(ctx))


def test_the_host_is_not_among_those_who_report_in_turn() -> None:
    ctx = _ctx("下午，在柏晓川研究员的主持下，冉启明研究员、童思远研究员分别就最新研究进展进行了汇报。",
               main="青岚学院学术年会")
    found = {s for s, p, _ in _triples(spoke_at(ctx))}
    assert found == {"冉启明", "童思远"}


def test_who_hosts_the_opening_hosts_the_meeting_it_opens() -> None:
    g = extract("9月2日，第四届星河会长大会在青岚市开幕。大会开幕仪式由星河联合会会长童思远主持。", id="t")
    rels = _rels(g)
    assert ("童思远", "hosted", "第四届星河会长大会") in rels
    assert ("大会开幕仪式", "partOf", "第四届星河会长大会") in rels


def test_represents_distributes_over_fenbie() -> None:
    ctx = _ctx("冉启明、籍文涛分别代表海川集团和青岚职业学院签约。")
    found = _triples(represents(ctx))
    assert found == {("冉启明", "represents", "海川集团"), ("籍文涛", "represents", "青岚职业学院")}


def test_both_sides_represent_their_own_organisations() -> None:
    ctx = _ctx("冉启明副总经理和籍文涛副院长代表双方签署协议。",
               post_orgs={"冉启明": ["海川集团"], "籍文涛": ["青岚职业学院"]})
    found = _triples(represents(ctx))
    assert found == {("冉启明", "represents", "海川集团"), ("籍文涛", "represents", "青岚职业学院")}


def test_members_listed_after_the_alliance() -> None:
    ctx = _ctx("青岚智能制造职业教育联盟成员单位包括海川集团、青岚职业学院等。")
    found = _triples(member_of(ctx))
    assert ("海川集团", "memberOf", "青岚智能制造职业教育联盟") in found
    assert ("青岚职业学院", "memberOf", "青岚智能制造职业教育联盟") in found


def test_ji_joined_events_are_part_of_the_first() -> None:
    ctx = _ctx("青岚职业教育研讨会暨青岚产教联盟成立大会在青岚举行。")
    assert ("青岚产教联盟成立大会", "partOf", "青岚职业教育研讨会") in _triples(part_of(ctx))


def test_held_on_reads_a_day_alone_and_a_year_printed_before() -> None:
    sentences = [repair(s) for s in analyse("11日上午，青岚市召开全市领导干部大会。")]
    assert held_on(sentences, 0, "2025-06-11") == ("2025-06-11", 0)
    sentences = [repair(s) for s in analyse("2024年新年首周，各地人事调整不断。1月8日上午，青岚市人大常委会会议召开。")]
    assert held_on(sentences, 1, None) == ("2024-01-08", 1)


def test_what_is_held_during_the_main_event_is_part_of_it() -> None:
    g = extract("5月9日，星河商会第五届会员大会在北岭召开。会上还举行了星河商会助学基金揭牌仪式。", id="t",
                published="2025-05-10")
    assert ("星河商会助学基金揭牌仪式", "partOf", "星河商会第五届会员大会") in _rels(g)


def test_a_meeting_held_by_its_own_verb_and_an_opening_are_held_somewhere() -> None:
    ctx = _ctx("星河联合会会长冉启明与海川集团董事长柏晓川在青岚市会面。")
    assert ("会面", "heldAt", "青岚市") in _triples(held_at(ctx))
    ctx = _ctx("第三届星河数字经济论坛在青岚市启幕。")
    assert ("第三届星河数字经济论坛", "heldAt", "青岚市") in _triples(held_at(ctx))


def test_a_founding_held_somewhere_and_yesterday_from_the_publication_date() -> None:
    g = extract("昨日，星河联合会在东湖成立，冉启明出席成立大会。", id="t", published="2025-05-10",
                title="热烈祝贺星河联合会成立")
    rels = _rels(g)
    assert ("成立大会", "heldAt", "东湖") in rels
    assert ("成立大会", "heldOn", "2025-05-09") in rels
    assert ("冉启明", "attended", "成立大会") in rels


def test_a_visit_is_named_by_what_the_visitors_do() -> None:
    g = extract("7月1日，海川集团董事长冉启明一行莅临青岚职业学院参观交流。", id="t", published="2025-07-02")
    assert ("冉启明", "attended", "参观交流") in _rels(g)


def test_a_visit_told_as_a_clause_is_an_event_its_visitors_attend() -> None:
    assert _events("日前，北岭市高新区管委会常务副主任冉启明一行来云溪合作区考察，了解合作区管理体制。") == [
        "冉启明一行来云溪合作区考察"]
    assert _events("柏晓川带队赴青岚市拜访海川集团。") == ["柏晓川带队赴青岚市拜访海川集团"]
    # the visit only talked about, and a visitor with an event named in the clause, give no clause event
    assert _events("柏晓川对冉启明一行来访表示欢迎。") == []
    g = extract("日前，北岭市高新区管委会常务副主任冉启明一行来云溪合作区考察。", id="t")
    assert ("冉启明", "attended", "冉启明一行来云溪合作区考察") in _rels(g)


def test_the_place_a_visit_goes_to_holds_it_and_a_visit_wished_for_is_none() -> None:
    ctx = _ctx("5月15日，海川集团董事长柏晓川带队赴云溪镇拜访星河联合会。")
    assert _triples(held_at(ctx)) == {("柏晓川带队赴云溪镇拜访星河联合会", "heldAt", "云溪镇")}
    ctx = _ctx("5月15日，柏晓川带领海川集团有关负责人赴云溪区开展专题调研。")
    assert _triples(held_at(ctx)) == {("专题调研", "heldAt", "云溪区")}
    assert _events("5月8日，冉启明一行莅临青岚市参观考察。") == ["参观考察"]
    assert _events("青岚人民真诚地期待着各位朋友来青岚市参观考察。") == []


def test_works_interleaved_with_their_speakers_pair_up() -> None:
    g = extract("会议审议通过了会长冉启明作的《星河商会工作报告》、监事柏晓川作的《星河商会财务报告》。", id="t")
    rels = _rels(g)
    assert ("冉启明", "presented", "星河商会工作报告") in rels
    assert ("柏晓川", "presented", "星河商会财务报告") in rels
    assert ("冉启明", "presented", "星河商会财务报告") not in rels


def test_a_speech_studied_and_an_agreement_signed_are_not_given_here() -> None:
    g = extract("会议传达学习了柏晓川同志重要讲话精神。冉启明代表海川集团签署《战略合作框架协议》。", id="t",
                title="海川集团召开推进会")
    rels = _rels(g)
    assert not any(p in ("spokeAt", "presented") for _, p, _ in rels)


def test_a_pronoun_represents_a_long_list_for_the_last_speaker() -> None:
    g = extract("青岚市市长柏晓川出席青岚职业教育研讨会并致辞。他代表青岚市委、市政府、市政协以及云溪高新区党工委"
                "向大会表示祝贺。", id="t")
    rels = _rels(g)
    # a region's committee is an alias of the region (GUIDELINE): 青岚市委 is 青岚市, 某高新区党工委 the zone
    assert {("柏晓川", "represents", o) for o in ("青岚市", "市政协", "云溪高新区")} <= rels
    assert "青岚市委" in next(e.aliases for e in g.entities if e.name == "青岚市")


def test_an_alliance_convening_on_a_date_organised_the_meeting() -> None:
    g = extract("青岚智能制造职业教育联盟于5月9日在北岭召开第二届理事会第三次会议。", id="t", published="2025-05-10")
    rels = _rels(g)
    assert ("青岚智能制造职业教育联盟", "organized", "第二届理事会第三次会议") in rels
    assert ("第二届理事会第三次会议", "heldAt", "北岭") in rels


def test_a_speech_attaches_to_the_side_meeting_the_clause_names() -> None:
    g = extract("5月9日，海川集团与青岚职业学院战略合作签约仪式在北岭举行。在签约仪式前召开的座谈会上，冉启明表示欢迎。"
                "柏晓川对星河论坛的成功举办表示祝贺。", id="t", published="2025-05-10")
    rels = _rels(g)
    assert ("冉启明", "spokeAt", "座谈会") in rels
    assert ("柏晓川", "spokeAt", "海川集团与青岚职业学院战略合作签约仪式") in rels


def test_a_list_of_attendees_goes_on_over_semicolons() -> None:
    g = extract("5月9日，星河商会第五届会员大会在北岭召开。参加本次活动的企业界代表有：海川集团总经理冉启明先生；"
                "青岚职业学院院长柏晓川先生。", id="t", published="2025-05-10")
    rels = _rels(g)
    assert ("冉启明", "attended", "星河商会第五届会员大会") in rels
    assert ("柏晓川", "attended", "星河商会第五届会员大会") in rels


def test_a_headline_telling_the_happening_is_another_name_of_the_main_event() -> None:
    g = extract("7月1日，海川集团董事长冉启明一行莅临青岚职业学院参观交流。", id="t", published="2025-07-02",
                title="海川集团董事长冉启明一行莅临青岚职业学院参观交流")
    visit = next(e for e in g.entities if e.name == "参观交流")
    assert "海川集团董事长冉启明一行莅临青岚职业学院参观交流" in visit.aliases
    assert all(g.article.text[e.start : e.end] == "参观交流" for e in visit.evidence)  # evidence stays in the text


def test_an_anniversary_is_no_founding() -> None:
    g = extract("冉启明代表星河商会对论坛创办10周年表示热烈祝贺。", id="t")
    assert not any(p == "founded" for _, p, _ in _rels(g))
