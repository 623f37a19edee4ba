"""Extraction on sentences written for these tests (all names invented; no third-party text).

One test per pattern of the guideline, asserting the facts a careful reader
would take from the sentence.
"""

from __future__ import annotations

from kg import ArticleGraph, Entity, extract


def _posts(g: ArticleGraph) -> set[tuple[str, str, str | None]]:
    return {(p.person, p.title, p.org) for p in g.posts}


def _rels(g: ArticleGraph) -> set[tuple[str, str, str]]:
    return {(r.s, r.p, r.o) for r in g.relations}


def _entity(g: ArticleGraph, name: str) -> Entity:
    found = [e for e in g.entities if e.name == name]
    assert found, f"no entity {name!r} in {[e.name for e in g.entities]}"
    return found[0]


def test_title_chain_gives_one_post_per_link() -> None:
    g = extract("云溪高新区党工委书记、河畔区委书记、云溪科技学院理事长柏晓川出席会议。", id="t")
    assert {
        ("柏晓川", "党工委书记", "云溪高新区"),
        ("柏晓川", "区委书记", "河畔区"),
        ("柏晓川", "理事长", "云溪科技学院"),
    } <= _posts(g)


def test_shared_organisation_is_carried_to_the_next_name() -> None:
    g = extract("云溪科技学院党委书记冉启明、校长籍文涛参加活动。", id="t")
    assert ("冉启明", "党委书记", "云溪科技学院") in _posts(g)
    assert ("籍文涛", "校长", "云溪科技学院") in _posts(g)


def test_rank_prefixes_stay_part_of_the_title() -> None:
    g = extract("东岚市物流协会副理事长、东岚港务集团常务副总经理邝文渊致辞。", id="t")
    assert ("邝文渊", "副理事长", "东岚市物流协会") in _posts(g)
    assert ("邝文渊", "常务副总经理", "东岚港务集团") in _posts(g)


def test_nested_organisation_is_one_entity_under_its_full_name() -> None:
    g = extract("国家文旅部非遗保护司传承发展处处长鄢明哲出席会议并讲话。", id="t")
    assert ("鄢明哲", "处长", "国家文旅部非遗保护司传承发展处") in _posts(g)
    assert _entity(g, "国家文旅部非遗保护司传承发展处").type == "Organization"


def test_foreign_name_with_honorific() -> None:
    g = extract("青峰精工株式会社日方总经理山本健一先生也出席了签约仪式。", id="t")
    assert ("山本健一", "日方总经理", "青峰精工株式会社") in _posts(g)
    assert _entity(g, "山本健一").type == "Person"


def test_name_before_its_title() -> None:
    g = extract("东岚海洋研究院邬立群副院长、东岚市外办阚若溪副主任出席了开班典礼。", id="t")
    assert ("邬立群", "副院长", "东岚海洋研究院") in _posts(g)
    assert ("阚若溪", "副主任", "东岚市外办") in _posts(g)


def test_abbreviation_becomes_an_alias_of_the_full_name() -> None:
    text = ("云溪科技职业学院与工业和信息化部人才交流中心签署协议。"
            "工信部人才交流中心将支持云溪科院建设实训基地。")
    g = extract(text, id="t")
    school = _entity(g, "云溪科技职业学院")
    assert "云溪科院" in school.aliases
    centre = _entity(g, "工业和信息化部人才交流中心")
    assert "工信部人才交流中心" in centre.aliases
    names = [e.name for e in g.entities]
    assert "云溪科院" not in names and "工信部人才交流中心" not in names


def test_alliance_type_and_bare_reference() -> None:
    text = ("云溪科技职业学院牵头成立长河智能制造产教联盟。"
            "联盟秘书长濮子衡代表联盟作表态发言。")
    g = extract(text, id="t")
    assert _entity(g, "长河智能制造产教联盟").type == "Alliance"
    assert ("云溪科技职业学院", "founded", "长河智能制造产教联盟") in _rels(g)
    assert ("濮子衡", "represents", "长河智能制造产教联盟") in _rels(g)


def test_attendance_speech_and_hosting() -> None:
    text = ("9月26日，2025临江数字经济论坛在临江举行。"
            "东岚市副市长蓟文澜、东岚大学校长阙明远出席论坛并致辞。论坛由阙明远主持。")
    g = extract(text, id="t", published="2025-09-27")
    rels = _rels(g)
    event = "2025临江数字经济论坛"
    assert _entity(g, event).type == "Event"
    for person in ("蓟文澜", "阙明远"):
        assert (person, "attended", event) in rels
        assert (person, "spokeAt", event) in rels
    assert ("阙明远", "hosted", event) in rels
    assert (event, "heldAt", "临江") in rels
    assert (event, "heldOn", "2025-09-26") in rels


def test_vague_date_gives_no_held_on() -> None:
    g = extract("近日，东岚数字经济论坛在东岚举行。", id="t", published="2025-09-27")
    assert not [r for r in g.relations if r.p == "heldOn"]


def test_fenbie_distributes_reports_in_order() -> None:
    text = "东岚大学教授訾慕青、东岚工学院教授冼南乔分别作《智能产线与人才培养》《数字化转型的路径》报告。"
    g = extract(text, id="t")
    rels = _rels(g)
    assert ("訾慕青", "presented", "智能产线与人才培养") in rels
    assert ("冼南乔", "presented", "数字化转型的路径") in rels
    assert ("訾慕青", "presented", "数字化转型的路径") not in rels
    assert _entity(g, "智能产线与人才培养").type == "Work"


def test_organiser_and_ji_joined_events() -> None:
    text = "由东岚市教育局主办的东岚职业教育研讨会暨东岚产教联盟成立大会在东岚举行。"
    g = extract(text, id="t")
    rels = _rels(g)
    assert ("东岚市教育局", "organized", "东岚职业教育研讨会") in rels
    assert ("东岚产教联盟成立大会", "partOf", "东岚职业教育研讨会") in rels


def test_award_and_membership() -> None:
    text = ("东岚市副市长蓟文澜为东岚港务集团授牌。"
            "东岚工学院加入长河智能制造产教联盟。")
    g = extract(text, id="t")
    rels = _rels(g)
    assert ("蓟文澜", "awarded", "东岚港务集团") in rels
    assert ("东岚工学院", "memberOf", "长河智能制造产教联盟") in rels


def test_every_fact_points_back_to_its_sentence() -> None:
    texts = ["云溪科技学院党委书记冉启明出席云溪产教融合研讨会。研讨会由冉启明主持。",
             "临江工程学院校长濮子衡当选联盟首任理事长。"]
    for text in texts:
        g = extract(text, id="t")
        spans = [(ev, (e.name, *e.aliases)) for e in g.entities for ev in e.evidence]
        spans += [(p.evidence, (p.person,)) for p in g.posts]
        spans += [(r.evidence, (r.s,)) for r in g.relations if r.p != "partOf"]
        assert spans
        for ev, names in spans:
            assert ev is not None and 0 <= ev.start < ev.end <= len(text)
            assert text[ev.start : ev.end] in ev.sentence and ev.sentence in text
            assert any(n in ev.sentence for n in names)
        for e in g.entities:  # an entity's span is exactly one of its names
            assert all(text[ev.start : ev.end] in (e.name, *e.aliases) for ev in e.evidence)
    hosted = next(r for r in extract(texts[0], id="t").relations if r.p == "hosted")
    assert hosted.evidence is not None and "主持" in hosted.evidence.sentence


def test_traditional_chinese_names_are_kept_as_printed() -> None:
    g = extract("澄灣科技協會理事長郗望舒出席會議並講話。", id="t")
    assert ("郗望舒", "理事長", "澄灣科技協會") in _posts(g)
    assert _entity(g, "澄灣科技協會").type == "Organization"


def test_forms_of_address_are_not_people() -> None:
    g = extract("王先生说，张总和李老师都来了。", id="t")
    assert not [e for e in g.entities if e.type == "Person"]


def test_title_heading_a_list_of_names_on_a_board() -> None:
    g = extract("长河侨界联盟理事会常务委员：甘若愚、祁望川、阮清源", id="t")
    posts = _posts(g)
    for person in ("甘若愚", "祁望川", "阮清源"):
        assert (person, "常务委员", "长河侨界联盟") in posts


def test_both_sides_of_a_fixture_are_teams() -> None:
    g = extract("周末焦点战：临江雄鹰vs河港海豚推荐：主胜。", id="t")
    orgs = {e.name for e in g.entities if e.type == "Organization"}
    assert {"临江雄鹰", "河港海豚"} <= orgs


def test_jian_joins_two_titles_at_one_organisation() -> None:
    g = extract("华曜科技集团董事长兼总裁焦文博出席签约仪式。", id="t")
    assert {("焦文博", "董事长", "华曜科技集团"), ("焦文博", "总裁", "华曜科技集团")} <= _posts(g)


def test_organisers_listed_and_members_listed() -> None:
    joint = extract("第三届临江数字经济大会由临江港航学会、临江市人民政府共同主办。", id="t")
    assert {("临江港航学会", "organized", "第三届临江数字经济大会"),
            ("临江市人民政府", "organized", "第三届临江数字经济大会")} <= _rels(joint)
    text = ("由中国港航学会主办、南屿大学承办的第十二届智慧港航发展论坛在南屿市召开。"
            "南屿大学牵头成立长江智慧港航产教联盟，首批成员单位包括南屿港务集团、东溟航运股份有限公司等36家单位。")
    g = extract(text, id="t")
    rels = _rels(g)
    forum = "第十二届智慧港航发展论坛"
    assert ("中国港航学会", "organized", forum) in rels
    assert ("南屿大学", "organized", forum) in rels
    assert ("南屿港务集团", "memberOf", "长江智慧港航产教联盟") in rels
    assert ("东溟航运股份有限公司", "memberOf", "长江智慧港航产教联盟") in rels


def test_opening_ceremony_is_part_of_the_main_event() -> None:
    text = "第三届临江数字经济论坛在临江开幕。临江大学校长卓一鸣出席开幕式并致辞。"
    g = extract(text, id="t")
    assert ("卓一鸣", "attended", "第三届临江数字经济论坛") in _rels(g)
    assert "开幕式" in _entity(g, "第三届临江数字经济论坛").aliases


def test_byline_names_are_marked_as_page_furniture() -> None:
    g = extract("本报讯（记者 柴明轩）12月2日，省科技厅厅长郁达清赴临川高新区调研。", id="t")
    assert _entity(g, "柴明轩").byline
    assert not _entity(g, "郁达清").byline
    assert not [r for r in g.relations if "柴明轩" in (r.s, r.o)]


def test_body_word_in_a_chain_joins_the_chain_organisation() -> None:
    g = extract("临川高新区党工委书记、管委会主任伏凌霄陪同调研。", id="t")
    assert ("伏凌霄", "党工委书记", "临川高新区") in _posts(g)
    assert ("伏凌霄", "主任", "临川高新区管委会") in _posts(g)


def test_host_is_named_in_the_cue_clause_only() -> None:
    text = "澄海大學校長莫思遠、維遠電子董事長尹嘉樹出席簽約儀式並致詞，儀式由澄海大學研發長宣明德主持。"
    g = extract(text, id="t")
    hosts = {r.s for r in g.relations if r.p == "hosted"}
    assert hosts == {"宣明德"}
    assert ("宣明德", "研發長", "澄海大學") in _posts(g)


def test_board_sitting_is_an_event_and_bare_alliance_title_resolves() -> None:
    text = ("10月10日，长河智能制造产教联盟首次理事会在临江召开。"
            "联盟理事长、临江工程学院校长濮子衡主持会议。")
    g = extract(text, id="t", published="2025-10-11")
    assert ("濮子衡", "理事长", "长河智能制造产教联盟") in _posts(g)
    meeting = next(e for e in g.entities if e.type == "Event")
    assert meeting.name.endswith("理事会")
    assert ("濮子衡", "hosted", meeting.name) in _rels(g)
    assert (meeting.name, "heldOn", "2025-10-10") in _rels(g)


def test_venue_is_a_place_and_a_stage_is_no_event() -> None:
    text = "临江数字经济论坛在临江国际会议中心举行。在主题报告环节，临江大学教授冀明远作《数据要素》报告。"
    g = extract(text, id="t")
    # GUIDELINE: the city at the head of a venue's name is where the event is held (the venue is optional)
    assert _entity(g, "临江").type == "Place"
    assert ("临江数字经济论坛", "heldAt", "临江") in _rels(g)
    assert not [e for e in g.entities if e.name.endswith("环节")]
    assert ("冀明远", "spokeAt", "临江数字经济论坛") in _rels(g)


def test_a_meeting_between_officials_is_an_event() -> None:
    text = "11月21日上午，市长岑立峰在市政府会见了东溟航运集团董事长卞若谷一行。市政府秘书长濮云舒参加会见。"
    g = extract(text, id="t", published="2025-11-22")
    rels = _rels(g)
    assert ("岑立峰", "attended", "会见") in rels and ("卞若谷", "attended", "会见") in rels
    assert ("濮云舒", "attended", "会见") in rels


def test_former_post_keeps_its_organisation_without_yuan() -> None:
    g = extract("原临江市财政局局长葛文澜出席会议。", id="t")
    assert ("葛文澜", "局长", "临江市财政局") in _posts(g)


def test_appointments_give_posts_and_dismissals_do_not() -> None:
    text = ("会议决定任命柏青岚为临江市教育局局长，免去宿明哲的临江市教育局局长职务。"
            "汪晓川当选为临江市物流协会会长，吴若溪当选为副会长兼秘书长。")
    g = extract(text, id="t")
    posts = _posts(g)
    assert ("柏青岚", "局长", "临江市教育局") in posts
    assert not [p for p in posts if p[0] == "宿明哲"]
    assert ("汪晓川", "会长", "临江市物流协会") in posts
    assert {("吴若溪", "副会长", "临江市物流协会"), ("吴若溪", "秘书长", "临江市物流协会")} <= posts


def test_interview_speaker_label_is_a_person() -> None:
    g = extract("柏青岚：我们会继续支持临江的港口建设。", id="t")
    assert _entity(g, "柏青岚").type == "Person"


def test_chained_organisation_is_part_of_its_parents() -> None:
    g = extract("国家文旅部非遗保护司传承发展处处长鄢明哲出席会议并讲话。", id="t")
    rels = _rels(g)
    assert ("国家文旅部非遗保护司传承发展处", "partOf", "国家文旅部非遗保护司") in rels
    assert ("国家文旅部非遗保护司", "partOf", "国家文旅部") in rels
    assert ("国家文旅部非遗保护司传承发展处", "partOf", "国家文旅部") not in rels
    company = extract("东岚港务集团有限公司董事长邝文渊致辞。", id="t")
    assert not [r for r in company.relations if r.p == "partOf"]


def test_dates_complete_to_real_days_and_the_year_before() -> None:
    from kg.extract.relations import complete_date

    assert complete_date("12月30日上午", "2025-01-03") == "2024-12-30"
    assert complete_date("9月26日", "2025-09-27") == "2025-09-26"
    assert complete_date("10月10日", "2025-09-27") == "2025-10-10"
    assert complete_date("2月30日", "2025-03-01") is None
    assert complete_date("13月5日", "2025-03-01") is None
    assert complete_date("9月26日", None) is None


def test_bare_class_words_stand_for_the_article_s_own_organisation() -> None:
    text = ("澜江医科大学与澜江市人民医院临床教学基地揭牌仪式举行。学校党委副书记、校长贲立言，"
            "澜江市人民医院党委书记訾南星出席仪式。訾南星代表医院表示，将全力做好带教工作。")
    g = extract(text, id="t")
    assert ("贲立言", "校长", "澜江医科大学") in _posts(g)
    assert ("訾南星", "represents", "澜江市人民医院") in _rels(g)
    assert not [e for e in g.entities if e.name in ("学校", "医院")]
    several = extract("东岚大学教授甲乙丙、西岭大学教授丁戊己出席。学校党委书记庚辛出席。", id="t")
    assert not [p for p in several.posts if p.person == "庚辛" and p.org]


def test_a_name_without_its_parent_is_the_same_organisation() -> None:
    text = ("临江职业大学轻工学院与临江食品有限公司签约。轻工学院院长岑望舒致辞。"
            "山东省科技厅厅长翟一鸣出席。省科技厅将支持项目。")
    g = extract(text, id="t")
    assert "轻工学院" in _entity(g, "临江职业大学轻工学院").aliases
    assert "省科技厅" in _entity(g, "山东省科技厅").aliases
    two = extract("临江市教育局与河畔区教育局联合发文。教育局将组织培训。", id="t")
    assert not [e for e in two.entities if "教育局" in e.aliases]  # two candidates: left alone


def test_two_places_joined_by_a_dash_stay_in_the_event_name() -> None:
    g = extract("4月1日上午，泸水—江宁产业合作推介会在江宁国际博览中心举行。", id="t", published="2025-04-02")
    assert _entity(g, "泸水—江宁产业合作推介会").type == "Event"


def test_founders_listed_after_you_and_represented_bodies_listed_after_daibiao() -> None:
    text = ("由临江物流协会、东岚港务集团等为主要单位发起成立的长河港航产业联盟举行成立大会。"
            "临江市商务局局长蓟文澜代表临江市委、临江市人民政府致辞。")
    g = extract(text, id="t")
    rels = _rels(g)
    assert ("临江物流协会", "founded", "长河港航产业联盟") in rels
    assert ("东岚港务集团", "founded", "长河港航产业联盟") in rels
    assert ("蓟文澜", "represents", "临江市人民政府") in rels


def test_passive_founding_names_the_founder_after_you() -> None:
    text = "长河智能制造产教联盟由临江工程学院牵头发起，首批理事单位包括临江精工有限公司等22家单位。"
    g = extract(text, id="t")
    rels = _rels(g)
    assert ("临江工程学院", "founded", "长河智能制造产教联盟") in rels
    assert not [r for r in g.relations if r.p == "founded" and r.o != "长河智能制造产教联盟"]


def test_quoted_event_names_attendees_after_the_cue_and_ji_inside_names() -> None:
    text = ("「灣區青年創科論壇2025」昨日在臨江會議展覽中心舉行。"
            "臨江市創新科技及工業局局長宋承熙出席並致辭。出席活動的還有臨江大學副校長魏子謙等。")
    g = extract(text, id="t")
    event = "灣區青年創科論壇2025"
    assert _entity(g, event).type == "Event"
    assert ("宋承熙", "局長", "臨江市創新科技及工業局") in _posts(g)
    assert ("魏子謙", "attended", event) in _rels(g)


def test_the_convening_body_and_verb_are_not_part_of_the_meeting_name() -> None:
    g = extract("5月12日，省政府召开第45次常务会议，研究部署数字经济工作。省长冉承志主持会议。", id="t")
    assert _entity(g, "第45次常务会议").type == "Event"
    assert ("冉承志", "hosted", "第45次常务会议") in _rels(g)
