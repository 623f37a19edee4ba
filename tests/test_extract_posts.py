"""Posts: title grammar, appointment and election forms, career statements, status (names invented)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kg import ArticleGraph, extract


def _posts(g: ArticleGraph) -> set[tuple[str, str, str | None]]:
    return {(p.person, p.title, p.org) for p in g.posts}


def _full(g: ArticleGraph) -> set[tuple[str, str, str | None, str, str | None, str | None]]:
    return {(p.person, p.title, p.org, p.status, p.start, p.end) for p in g.posts}


# --- titles as a grammar ---------------------------------------------------------------

def test_grade_prefix_keeps_the_organisation() -> None:
    g = extract("青岚市云溪区管委会三级调研员符泽岚出席会议。", id="t")
    assert _posts(g) == {("符泽岚", "三级调研员", "青岚市云溪区管委会")}


def test_assistant_title_does_not_drop_the_chain() -> None:
    g = extract("星河协会副会长、海川集团总裁助理禤明远出席。", id="t")
    assert _posts(g) == {("禤明远", "副会长", "星河协会"), ("禤明远", "总裁助理", "海川集团")}


def test_posting_stays_in_the_title_and_the_country_is_the_org() -> None:
    g = extract("乌兹别克斯坦驻沪总领事阮青山出席座谈。", id="t")
    assert _posts(g) == {("阮青山", "驻沪总领事", "乌兹别克斯坦")}


def test_department_compound_is_one_title() -> None:
    g = extract("青岚大学党委委员、组织部长詹若溪出席。", id="t")
    assert ("詹若溪", "组织部长", "青岚大学") in _posts(g)
    assert not any(p.org == "组织" for p in g.posts)


def test_region_department_title_does_not_take_the_region() -> None:
    g = extract("青岚市委常委、宣传部部长詹明川出席。", id="t")
    assert _posts(g) == {("詹明川", "市委常委", "青岚市"), ("詹明川", "宣传部部长", None)}


def test_region_titles_do_not_inherit_the_previous_body() -> None:
    g = extract("青岚市人大常委会主任禤山海，市委常委、常务副市长詹云川出席。", id="t")
    assert ("詹云川", "市委常委", None) in _posts(g)
    assert ("詹云川", "常务副市长", None) in _posts(g)


def test_bare_government_body_stays_the_org() -> None:
    g = extract("县政府党组书记、县长符青禾主持会议。", id="t")
    assert _posts(g) == {("符青禾", "党组书记", "县政府"), ("符青禾", "县长", "县政府")}


def test_list_of_names_before_a_verb_shares_the_title() -> None:
    g = extract("县委常委禤青山、詹海云、符立峰出席会议。", id="t")
    assert {p.person for p in g.posts if p.title == "县委常委"} == {"禤青山", "詹海云", "符立峰"}


# --- appointment and election forms -------------------------------------------------------

def test_election_of_each_person_to_a_post() -> None:
    g = extract("大会选举翟寅海为市中级人民法院院长、周晓岭为市人民检察院检察长。", id="t")
    assert _posts(g) == {("翟寅海", "院长", "市中级人民法院"), ("周晓岭", "检察长", "市人民检察院")}
    assert {p.status for p in g.posts} == {"elected"}


def test_words_between_name_and_verb() -> None:
    g = extract("禤明远同志成功当选星河商会会长。", id="t")
    assert _full(g) == {("禤明远", "会长", "星河商会", "elected", None, None)}


def test_passive_appointment() -> None:
    g = extract("符泽岚被任命为海川集团总经理。", id="t")
    assert _full(g) == {("符泽岚", "总经理", "海川集团", "appointed", None, None)}


def test_names_listed_before_the_election_verb() -> None:
    g = extract("经过投票，禤立新、詹青禾和符云舒当选为云溪区人大常委会副主任。", id="t")
    assert {p.person for p in g.posts if p.title == "副主任" and p.org == "云溪区人大常委会"} == {
        "禤立新", "詹青禾", "符云舒"}


def test_votes_between_name_and_verb_and_chain_after_it() -> None:
    g = extract("符泽岚以190票当选为县人民政府县长；任命史明达同志为海川集团董事长、总经理。", id="t")
    assert ("符泽岚", "县长", "县人民政府") in _posts(g)
    assert {("史明达", "董事长", "海川集团"), ("史明达", "总经理", "海川集团")} <= _posts(g)


def test_removal_gives_no_post() -> None:
    g = extract("会议宣布免去詹云山的海川集团董事长职务。", id="t")
    assert g.posts == []


def test_interim_title_is_kept_with_its_marker() -> None:
    g = extract("云溪区代区长禤青峰出席。", id="t")
    assert _full(g) == {("禤青峰", "代区长", "云溪区", "interim", None, None)}


# --- career statements -------------------------------------------------------------------

def test_biography_gives_posts_to_its_subject_with_dates() -> None:
    text = "禤子墨，男，汉族，1970年5月生。2006年4月起任北岭省交通厅副厅长；现任云溪区委书记、青岚市委常委。"
    got = _full(extract(text, id="t"))
    assert ("禤子墨", "副厅长", "北岭省交通厅", "current", "2006-04", None) in got
    assert ("禤子墨", "区委书记", "云溪区", "current", None, None) in got
    assert ("禤子墨", "市委常委", "青岚市", "current", None, None) in got
    assert not any(start == "1970-05" for *_, start, _end in got)  # a birth date dates no post


def test_resume_paragraph_former_and_current_posts() -> None:
    text = "詹若愚先生：1966年出生，历任海川集团财务总监、副总经理；2013年4月至今任星河科技股份有限公司董事。"
    got = _full(extract(text, id="t"))
    assert ("詹若愚", "财务总监", "海川集团", "former", None, None) in got
    assert ("詹若愚", "副总经理", "海川集团", "former", None, None) in got
    assert ("詹若愚", "董事", "星河科技股份有限公司", "current", "2013-04", None) in got


def test_dated_range_ends_a_post() -> None:
    text = "符青岚，女，1965年出生，大学本科。1998年至2004年任云溪区教育局局长。"
    got = _full(extract(text, id="t"))
    assert ("符青岚", "局长", "云溪区教育局", "former", "1998", "2004") in got


def test_a_new_paragraph_ends_the_biography() -> None:
    text = "禤子墨，男，汉族，1970年5月生，现任云溪区区长。\n出席仪式的还有星河商会秘书长、海川集团董事长。"
    assert _posts(extract(text, id="t")) == {("禤子墨", "区长", "云溪区")}


def test_jsonl_output_carries_status_and_dates(tmp_path: Path) -> None:
    src = tmp_path / "bio.txt"
    src.write_text("詹若愚先生：1966年出生，2013年4月至今任星河科技股份有限公司董事。\n", encoding="utf-8")
    kg = Path(sys.executable).parent / "kg"
    out = subprocess.run([str(kg), "extract", str(src), "--format", "jsonl"], capture_output=True, text=True,
                         check=True)
    posts = json.loads(out.stdout.splitlines()[0])["posts"]
    assert {"person": "詹若愚", "title": "董事", "org": "星河科技股份有限公司", "status": "current",
            "start": "2013-04"}.items() <= posts[0].items()


# --- organisations resolved across the article ----------------------------------------------

def test_school_reference_resolves_to_the_school_named_most() -> None:
    text = ("青岚职业学院举行签约仪式。青岚职业学院与海川集团签约，北岭大学代表出席。"
            "学校党委书记禤明川致辞。青岚职业学院将深化合作。")
    assert _posts(extract(text, id="t")) == {("禤明川", "党委书记", "青岚职业学院")}


def test_school_reference_stays_unresolved_when_two_schools_are_named_alike() -> None:
    text = "青岚职业学院与北岭大学签约。学校党委书记禤明川致辞。"
    assert _posts(extract(text, id="t")) == {("禤明川", "党委书记", None)}


def test_second_mention_without_org_is_the_same_post() -> None:
    g = extract("会议选举符泽岚为县人民政府副县长。副县长符泽岚作表态发言。", id="t")
    assert _posts(g) == {("符泽岚", "副县长", "县人民政府")}


def test_name_before_title_opening_a_clause() -> None:
    assert _posts(extract("签约仪式上，禤明远董事长表示，将深化合作。", id="t")) == {("禤明远", "董事长", None)}
    assert _posts(extract("会上，詹若溪副院长代表研究生院致辞。", id="t")) == {("詹若溪", "副院长", None)}


def test_shorter_restatement_of_a_held_title_adds_no_post() -> None:
    g = extract("海川集团党委书记、董事长禤明远出席。禤明远书记表示，将深化合作。", id="t")
    assert _posts(g) == {("禤明远", "党委书记", "海川集团"), ("禤明远", "董事长", "海川集团")}


# --- organisation spans of posts ---------------------------------------------------------------

def test_communist_party_committee_title_belongs_to_the_region() -> None:
    g = extract("中共青岚市委书记禤明远、中共青岚市委副书记詹若溪出席。", id="t")
    assert _posts(g) == {("禤明远", "市委书记", "青岚市"), ("詹若溪", "市委副书记", "青岚市")}


def test_list_joint_before_an_organisation_is_cut() -> None:
    g = extract("禤立峰院士和北岭地质研究所党委书记詹云海等嘉宾出席。", id="t")
    assert ("詹云海", "党委书记", "北岭地质研究所") in _posts(g)


def test_clause_verb_before_an_organisation_is_cut() -> None:
    g = extract("代表团拜访星河水务专责小组主席符泽岚。", id="t")
    assert _posts(g) == {("符泽岚", "主席", "星河水务专责小组")}


def test_traditional_region_title_takes_its_region() -> None:
    g = extract("雲溪區委常委、常務副區長禤子墨出席。", id="t")
    assert _posts(g) == {("禤子墨", "區委常委", "雲溪區"), ("禤子墨", "常務副區長", "雲溪區")}


def test_organisation_word_read_as_a_verb_still_ends_the_org() -> None:
    g = extract("澄海鄉親會聯合總會理事長詹明川出席。", id="t")
    assert _posts(g) == {("詹明川", "理事長", "澄海鄉親會聯合總會")}


def test_character_glued_to_a_name_is_not_part_of_it() -> None:
    assert _posts(extract("市工商联副主席詹秀云莅会指导。", id="t")) == {("詹秀云", "副主席", "市工商联")}


def test_organisation_carried_over_and_to_the_next_person() -> None:
    g = extract("青岚助学基金会会长禤明远和副会长詹若溪、符泽岚出席。", id="t")
    assert {p.person for p in g.posts if p.title == "副会长" and p.org == "青岚助学基金会"} == {"詹若溪", "符泽岚"}


def test_lab_reference_resolves_and_carries_past_a_title_after_the_name() -> None:
    text = ("青岚大学火山地质重点实验室年会召开。实验室主任禤明远研究员和副主任詹若溪研究员出席。"
            "青岚大学火山地质重点实验室将继续发展。")
    posts = _posts(extract(text, id="t"))
    assert ("禤明远", "主任", "青岚大学火山地质重点实验室") in posts
    assert ("詹若溪", "副主任", "青岚大学火山地质重点实验室") in posts


def test_two_organisations_share_the_titles_after_them() -> None:
    g = extract("海川公司、星河公司董事符泽岚出席。", id="t")
    assert _posts(g) == {("符泽岚", "董事", "星河公司"), ("符泽岚", "董事", "海川公司")}
    g = extract("云溪区委书记禤明远、星河公司董事长詹若溪出席。", id="t")
    assert ("詹若溪", "董事长", "云溪区") not in _posts(g)


def test_biography_whose_name_the_tagger_missed() -> None:
    text = "石林，男，1970年出生，中国国籍。2001年至今，历任海川公司销售部经理、副总经理。"
    assert {p.title for p in extract(text, id="t").posts if p.person == "石林"} == {"销售部经理", "副总经理"}


def test_news_sentence_opening_with_a_comma_is_no_biography() -> None:
    assert extract("会议指出，要做好妇女工作，女性干部要担当，局长要带头。", id="t").posts == []


def test_biography_keeps_the_innermost_unit_in_the_title() -> None:
    text = "詹若愚，男，1955年出生。历任青岚纺织厂车间主任、北岭省纺织工业厅生产处处长。"
    titles = {p.title for p in extract(text, id="t").posts}
    assert {"车间主任", "生产处处长"} <= titles


def test_title_after_the_name_keeps_the_org_except_academician() -> None:
    assert _posts(extract("北岭地质研究所所长禤明远院士出席。", id="t")) == {
        ("禤明远", "所长", "北岭地质研究所"), ("禤明远", "院士", None)}
    assert ("禤明远", "教授", "北岭大学") in _posts(extract("北岭大学副院长禤明远教授出席。", id="t"))


def test_former_post_is_marked_by_its_status() -> None:
    assert _full(extract("北岭省工商联原副主席禤明远出席。", id="t")) == {
        ("禤明远", "副主席", "北岭省工商联", "former", None, None)}
    assert ("符泽岚", "市长") in {(p.person, p.title) for p in extract("太原市长符泽岚出席。", id="t").posts}


def test_notice_style_colon_list() -> None:
    g = extract("理事长：禤明远；副理事长：詹若溪、符泽岚；秘书长：柏思仁。", id="t")
    assert _posts(g) == {("禤明远", "理事长", None), ("詹若溪", "副理事长", None), ("符泽岚", "副理事长", None),
                         ("柏思仁", "秘书长", None)}


def test_contracted_region_head_belongs_to_the_region() -> None:
    assert _posts(extract("禤明远当选北岭省长。", id="t")) == {("禤明远", "省长", "北岭省")}
    assert _posts(extract("市政府市长禤明远出席。", id="t")) == {("禤明远", "市长", "市政府")}


def test_same_title_later_in_the_sentence_shares_the_body() -> None:
    g = extract("青岚市人大常委会副主任禤明远主持会议，副主任詹若溪、符泽岚出席。", id="t")
    assert {p.person for p in g.posts if p.org == "青岚市人大常委会"} == {"禤明远", "詹若溪", "符泽岚"}
    g = extract("青岚学会理事禤明远教授和詹若溪副教授出席。", id="t")
    assert ("詹若溪", "副教授", "青岚学会") not in _posts(g)


def test_post_after_an_appointment_verb_is_not_the_next_person_s() -> None:
    g = extract("星河联盟秘书长禤明远担任技术部部长、海川联盟秘书长詹若溪担任市场部部长。", id="t")
    assert ("詹若溪", "部长", "技术部") not in _posts(g)
    assert ("詹若溪", "秘书长", "海川联盟") in _posts(g)


def test_meeting_verb_before_the_org_is_cut() -> None:
    g = extract("新任驻北岭总领事禤明远分别拜会北岭市市长詹若溪。", id="t")
    assert ("詹若溪", "市长", "北岭市") in _posts(g)
    assert ("禤明远", "驻北岭总领事", None) in _posts(g)


def test_seats_on_a_region_committee_printed_once() -> None:
    g = extract("省委决定，禤明远同志任中共青岚市委委员、常委、副书记，提名为青岚市人民政府市长候选人。", id="t")
    assert {("禤明远", "市委常委", "青岚市"), ("禤明远", "市委副书记", "青岚市")} <= _posts(g)
    assert not any(p.title == "常委" for p in g.posts)
    assert {p.status for p in g.posts if p.org == "青岚市"} == {"appointed"}


def test_unknown_title_does_not_drop_the_rest_of_the_chain() -> None:
    g = extract("星河协会副会长、海川集团首席品牌官禤明远出席。", id="t")
    assert _posts(g) == {("禤明远", "副会长", "星河协会")}
    assert "海川集团" in {e.name for e in g.entities}


def test_rank_between_department_and_head_stays_in_the_title() -> None:
    g = extract("符泽岚，男，1968年出生，历任海川集团财务处副处长、工会副主席。", id="t")
    assert {"财务处副处长", "工会副主席"} <= {p.title for p in g.posts}


def test_role_words_of_unseen_text_are_titles() -> None:
    g = extract("星河足球俱乐部主教练禤山海和海川集团首席财务官詹若溪出席。", id="t")
    assert ("禤山海", "主教练", "星河足球俱乐部") in _posts(g)
    assert ("詹若溪", "首席财务官", "海川集团") in _posts(g)


def test_chain_link_whose_organisation_the_tagger_broke() -> None:
    g = extract("青岚市侨办党组成员、市科协专职副主席詹志远，党组成员、二级调研员禤进山出席。", id="t")
    assert ("詹志远", "专职副主席", "市科协") in _posts(g)
    assert ("詹志远", "党组成员", "青岚市侨办") in _posts(g)
    # the next person's 党组成员 is the one of the same title before, not the chain's last org
    assert {("禤进山", "党组成员", "青岚市侨办"), ("禤进山", "二级调研员", "青岚市侨办")} <= _posts(g)


def test_one_character_unit_closes_a_department() -> None:
    g = extract("青岚市第三人民医院质量管理办主任詹定远出席。", id="t")
    assert _posts(g) == {("詹定远", "主任", "青岚市第三人民医院质量管理办")}


def test_department_after_jian_is_the_org() -> None:
    g = extract("中共北岭省委常委兼统战部禤春山部长致辞。", id="t")
    assert _posts(g) == {("禤春山", "省委常委", "北岭省"), ("禤春山", "部长", "统战部")}


def test_appointment_lists_posts_past_a_comma() -> None:
    g = extract("经研究决定，任命史明达同志为海川集团董事长、总经理，星河控股集团党委书记、董事长。", id="t")
    assert _full(g) == {(p, t, o, "appointed", None, None) for p, t, o in [
        ("史明达", "董事长", "海川集团"), ("史明达", "总经理", "海川集团"),
        ("史明达", "党委书记", "星河控股集团"), ("史明达", "董事长", "星河控股集团")]}
    g = extract("大会选举符泽岚为星河商会会长，会议还通过了决议。", id="t")
    assert _posts(g) == {("符泽岚", "会长", "星河商会")}


def test_unit_contracted_with_its_head() -> None:
    assert _posts(extract("北岭市社会处长詹明川出席。", id="t")) == {("詹明川", "处长", "北岭市社会处")}
    assert _posts(extract("海川集团部长詹明川出席。", id="t")) == {("詹明川", "部长", "海川集团")}


def test_founding_prefix_and_bracketed_organisation() -> None:
    assert _posts(extract("由星河分会创会会长禤佳音主持。", id="t")) == {("禤佳音", "创会会长", "星河分会")}
    g = extract("北岭省工商联(总商会)专职副主席詹胜川出席。", id="t")
    assert _posts(g) == {("詹胜川", "专职副主席", "北岭省工商联(总商会)")}


def test_choice_carries_to_each_appointee_and_name_keeps_its_other_titles() -> None:
    g = extract("大会选举符泽岚为召集人,詹青禾为干事,禤立新、詹海云为监事。", id="t")
    assert {p.status for p in g.posts} == {"elected"} and len(g.posts) == 4
    g = extract("任命星河联盟秘书长禤明远担任宣传部部长、海川联盟秘书长詹若溪担任联络部部长。", id="t")
    assert {("禤明远", "秘书长", "星河联盟"), ("禤明远", "宣传部部长", None),
            ("詹若溪", "秘书长", "海川联盟")} <= _posts(g)
    assert not any(p.person == "禤明远" and p.org == "海川联盟" for p in g.posts)


def test_appointment_verb_glued_to_the_name() -> None:
    assert _posts(extract("由禤明远任第二届会长。", id="t")) == {("禤明远", "会长", None)}


def test_appointee_of_a_region_committee_and_its_department() -> None:
    g = extract("詹若溪调任青岚市委常委、宣传部部长。", id="t")
    assert _posts(g) == {("詹若溪", "市委常委", "青岚市"), ("詹若溪", "宣传部部长", None)}
    assert _posts(extract("省委副秘书长禤明远出席。", id="t")) == {("禤明远", "省委副秘书长", None)}


def test_term_of_a_board_is_no_part_of_the_org() -> None:
    g = extract("海川集团董事长詹南山当选为星河总会第二届理事会会长。", id="t")
    assert ("詹南山", "会长", "星河总会") in _posts(g)


def test_career_list_joined_by_he_and_organisations_sharing_a_title() -> None:
    text = ("詹若愚先生，1966年出生；先后担任星河咨询有限责任公司总经理和海川房地产开发集团有限公司、"
            "青岚置业有限公司副总经理以及云溪物业有限公司董事长。")
    got = _full(extract(text, id="t"))
    assert {("詹若愚", "总经理", "星河咨询有限责任公司", "former", None, None),
            ("詹若愚", "副总经理", "青岚置业有限公司", "former", None, None),
            ("詹若愚", "副总经理", "海川房地产开发集团有限公司", "former", None, None),
            ("詹若愚", "董事长", "云溪物业有限公司", "former", None, None)} <= got


def test_career_titles_as_resumes_print_them() -> None:
    text = ("禤子墨，男，1970年出生，现任青岚烟草（集团）公司投资管理处处长、海川集团公司试制中心主任、"
            "星河公司第五届董事会独立董事、北岭科技公司财务科长、云溪集团亚太区副总裁、兼职教授。")
    titles = {p.title for p in extract(text, id="t").posts}
    assert {"投资管理处处长", "试制中心主任", "第五届董事会独立董事", "财务科长", "亚太区副总裁", "兼职教授"} <= titles


def test_career_verb_is_no_part_of_the_org() -> None:
    text = "禤子墨，男，1970年出生，现任星河电器股份有限公司董事、副总经理。"
    g = extract(text, id="t")
    assert ("禤子墨", "董事", "星河电器股份有限公司") in _posts(g)
    assert not any(e.name.startswith("现任") for e in g.entities)
    assert ("詹明川", "市委书记", "任丘市") in _posts(extract("任丘市委书记詹明川出席。", id="t"))


def test_academic_rank_after_an_office_holder_is_the_university_s() -> None:
    g = extract("青岚大学发展规划处处长詹双印教授、北岭大学化学学院副院长禤海林教授出席。", id="t")
    assert {("詹双印", "处长", "青岚大学发展规划处"), ("詹双印", "教授", "青岚大学"),
            ("禤海林", "教授", "北岭大学化学学院")} <= _posts(g)


def test_former_region_head_and_function_titles() -> None:
    assert _full(extract("北岭市原市长詹沛川接受审查。", id="t")) == {
        ("詹沛川", "市长", "北岭市", "former", None, None)}
    assert _posts(extract("太原市长詹明川出席。", id="t")) == {("詹明川", "市长", "太原市")}
    g = extract("星河视觉科技有限公司制作总监禤兴旺出席。", id="t")
    assert _posts(g) == {("禤兴旺", "制作总监", "星河视觉科技有限公司")}


def test_dated_sentence_names_its_appointee() -> None:
    text = "2003年12月，詹若彦任北岭大学党委副书记，2011年5月至今，任北岭大学党委常务副书记、副校长。"
    got = _full(extract(text, id="t"))
    assert ("詹若彦", "党委常务副书记", "北岭大学", "current", "2011-05", None) in got
    assert ("詹若彦", "副校长", "北岭大学", "current", "2011-05", None) in got


def test_career_organisation_as_printed_in_traditional_script() -> None:
    text = "詹曉強，男，1975年11月出生，曾任紹興市委常委、諸暨市委書記。"
    assert {("詹曉強", "市委常委", "紹興市"), ("詹曉強", "市委書記", "諸暨市")} <= _posts(extract(text, id="t"))


def test_implied_org_is_the_association_the_article_is_about() -> None:
    text = ("星河蔬菜果品行业协会召开第三届会员大会。星河蔬菜果品行业协会会长詹立山作报告。"
            "大会选举禤明远为副会长。")
    assert ("禤明远", "副会长", "星河蔬菜果品行业协会") in _posts(extract(text, id="t"))
    # two cities named: a bare 市长 stays null
    text = "青岚市代表团访问北岭市。市长詹明川会见了代表团。"
    assert ("詹明川", "市长", None) in _posts(extract(text, id="t"))


def test_chain_link_the_rules_cannot_read_does_not_cut_the_chain() -> None:
    text = "省政府驻青岚办事处党委副书记、副主任、一级巡视员、驻北岭市第一书记和工作队牵头负责人詹金秀出席。"
    g = extract(text, id="t")
    got = _posts(g)
    assert {("詹金秀", "党委副书记", "省政府驻青岚办事处"), ("詹金秀", "一级巡视员", "省政府驻青岚办事处")} <= got
    assert ("詹金秀", "负责人", "省政府驻青岚办事处") not in got


def test_titles_that_name_their_body_and_anaphoric_orgs() -> None:
    g = extract("星河善堂值理会副主席禤莱德及全国政协委员北岭立法会议员该会会长詹志强等嘉宾出席。", id="t")
    got = _posts(g)
    assert ("詹志强", "全国政协委员", None) in got and ("詹志强", "议员", "北岭立法会") in got
    g = extract("北岭省高级人民法院第二巡回法庭副庭长禤成玉，全国人大代表詹青松出席。", id="t")
    assert ("詹青松", "全国人大代表", None) in _posts(g)


def test_society_confers_no_rank_and_an_office_is_no_name() -> None:
    g = extract("星河昆虫学会理事詹利珍教授发言。", id="t")
    assert ("詹利珍", "教授", None) in _posts(g)
    g = extract("外交部驻岚特派员公署特派员禤新华出席。", id="t")
    assert not any(p.person == "公署" for p in g.posts)
    assert "公署" not in {e.name for e in g.entities}


def test_shorter_name_of_the_same_org_repeats_the_post() -> None:
    text = "北岭正和集团董事长詹敬国出席签约仪式。正和集团董事长詹敬国致辞。"
    assert _posts(extract(text, id="t")) == {("詹敬国", "董事长", "北岭正和集团")}


def test_second_body_in_a_chain_is_printed_as_itself() -> None:
    g = extract("云溪开发区党工委委员、管委会副主任詹保庆出席会议。", id="t")
    assert ("詹保庆", "副主任", "管委会") in _posts(g)
    # a two-character name ending like an office is still a name
    assert ("禤司", "检察长", "省检察院") in _posts(extract("副省长詹杰，省检察院检察长禤司列席会议。", id="t"))


def test_zuowei_gives_the_post_and_a_verb_ends_the_clause() -> None:
    assert _posts(extract("詹云峰作为星河集团总经理发言。", id="t")) == {("詹云峰", "总经理", "星河集团")}
    assert _posts(extract("詹云峰作为嘉宾代表发言。", id="t")) == set()
    assert _posts(extract("禤明远当选为星河商会会长兼秘书长。", id="t")) == {
        ("禤明远", "会长", "星河商会"), ("禤明远", "秘书长", "星河商会")}


def test_proposed_post_in_a_biography() -> None:
    text = "禤明远，男，汉族，1970年5月生，研究生学历。现任青岚市发改委主任；拟任青岚市副市长。"
    got = _full(extract(text, id="t"))
    assert ("禤明远", "副市长", "青岚市", "proposed", None, None) in got
    assert ("禤明远", "主任", "青岚市发改委", "current", None, None) in got


def test_name_after_a_unit_the_suffix_list_lacks() -> None:
    g = extract("北岭省产教试点工作联络组詹新男秘书长，青岚职教协作网禤学忠秘书长出席。", id="t")
    assert ("詹新男", "秘书长", "北岭省产教试点工作联络组") in _posts(g)


def test_organisation_ending_cut_by_the_tagger_is_no_name() -> None:
    text = "詹若愚先生：1966年出生，曾任青岚保税区星河发展有限公司办公室主任兼党办主任。"
    g = extract(text, id="t")
    assert "公室" not in {e.name for e in g.entities if e.type == "Person"}


def test_latin_script_name_after_a_title() -> None:
    g = extract("星河大学校长Jonah B. Merrow教授代表外方发言。", id="t")
    assert ("Jonah B. Merrow", "校长", "星河大学") in _posts(g)
    assert _posts(extract("海川公司的创意总监Tavin表示满意。", id="t")) == {("Tavin", "创意总监", None)}


def test_zone_printed_bare_before_its_party_body() -> None:
    g = extract("新区党工委副书记、管委会副主任詹国良出席会议并讲话。", id="t")
    assert _posts(g) == {("詹国良", "党工委副书记", "新区"), ("詹国良", "副主任", "管委会")}


def test_yiji_ends_a_name() -> None:
    g = extract("青岚职业学院党委副书记、校长詹新革，副校长禤三岭以及相关部门负责人参加座谈。", id="t")
    assert ("禤三岭", "副校长", "青岚职业学院") in _posts(g)


def test_general_secretary_is_one_title() -> None:
    assert _posts(extract("詹明远总书记在讲话中强调。", id="t")) == {("詹明远", "总书记", None)}
