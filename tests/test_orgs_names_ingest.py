"""Organisation, place and person spans, and the text cleaning before them, on invented sentences.

Each test names the family of phrasing it covers (ERROR_CLASSES B1–D1, G1–G2);
甲/乙/丙 stand for people, 青岚市, 云溪区, 北岭省, 星河联合会 and the like are not real.
"""

from __future__ import annotations

from kg.extract import extract
from kg.extract.phrases import org_end
from kg.ingest import clean_page
from kg.ingest.page import join_wrapped


def names(graph, typ: str | None = None) -> set[str]:  # type: ignore[no-untyped-def]
    return {e.name for e in graph.entities if typ is None or e.type == typ}


# --- ingest: hard-wrapped lines and page noise (G1, G2) ---------------------------------

WRAPPED = (
    "5月9日，青岚市新能源汽车产业联盟成立大会在云溪宾馆举行，北岭省副省长柏\n"
    "望川出席会议并致辞，星河新能源汽车产业联盟理事长乔映雪主持会议，北岭省交\n"
    "通运输厅厅长闵觉远出席。\n"
)


def test_hard_wrapped_lines_are_joined_inside_a_paragraph() -> None:
    _, _, body = clean_page(WRAPPED)
    assert body == WRAPPED.replace("\n", "")
    assert "北岭省交通运输厅" in names(extract(body))


def test_lines_of_a_page_that_keeps_one_paragraph_a_line_are_not_joined() -> None:
    lines = ["青岚市召开产业发展大会，甲出席并讲话", "云溪区举行签约仪式。", "",
             "星河联合会成立，乙当选会长，丙当选秘书长"]
    assert join_wrapped(lines) == lines


def test_a_short_line_ends_a_wrapped_paragraph() -> None:
    lines = ["青岚市召开产业发展大会，北岭省副省长甲出席会议并讲", "话，星河联合会会长乙主持会议。",
             "云溪区举行签约仪式，丙出席仪式并致辞，丁主持仪式。"]
    joined = join_wrapped(lines)
    assert joined[0] == lines[0] + lines[1]
    assert joined[1:] == lines[2:]


def test_teasers_after_tags_and_related_news_are_page_noise() -> None:
    page = (
        "5月9日，星河联合会第二届会员大会在青岚市举行，会长乔映雪主持会议并讲话。\n"
        "标签：星河联合会 会员大会\n"
        "海川集团总经理闵觉远出席云溪区签约仪式并致辞，双方签订合作协议。\n"
    )
    for marker in ("标签：星河联合会 会员大会", "相关报道", "【往期回顾】", "关键词：会员大会"):
        _, _, body = clean_page(page.replace("标签：星河联合会 会员大会", marker))
        assert "海川集团" not in body, marker
        assert "星河联合会" in body


def test_captions_that_report_the_story_are_kept_when_prose_follows() -> None:
    page = (
        "8月21日，中国共产党云溪县第十次代表大会在县会堂胜利闭幕，会议选举产生新一届县委。\n"
        "县委书记甲作县委工作报告\n"
        "县委副书记乙主持开幕式\n"
        "县委常委、组织部长丙主持闭幕式\n"
        "县委常委、纪委书记丁作纪委工作报告\n"
        "会议期间，代表们认真审议了各项报告，圆满完成了大会各项议程。\n"
    )
    _, _, body = clean_page(page)
    assert "县委副书记乙主持开幕式" in body and "圆满完成" in body


def test_a_list_of_other_headlines_still_ends_the_story() -> None:
    page = (
        "5月9日，星河联合会第二届会员大会在青岚市举行，会长乔映雪主持会议并讲话。\n"
        "海川集团举办“青岚杯”创新大赛 甲出席并致辞\n"
        "云溪区第三届民俗文化节开幕\n"
        "北岭省召开产业发展推进会\n"
        "青岚学院举行毕业典礼\n"
        "海川集团总经理闵觉远出席云溪区签约仪式并致辞，双方签订了战略合作协议。\n"
    )
    _, _, body = clean_page(page)
    assert "海川集团" not in body


# --- organisation spans (B1) -------------------------------------------------------------

def test_career_and_appointment_verbs_are_not_part_of_the_organisation() -> None:
    g = extract("甲历任青岚市环境保护局局长、云溪区区长等职，2020年随即出任北岭省交通运输厅厅长。")
    orgs = names(g, "Organization")
    assert "青岚市环境保护局" in orgs and "北岭省交通运输厅" in orgs
    assert not any(o.startswith(("历任", "出任")) for o in orgs)


# --- person names (D1) -------------------------------------------------------------------

def test_a_name_in_a_list_of_names_is_a_name_whatever_the_tagger_read() -> None:
    g = extract("市领导柏望川、闵觉远、方向明、乔映雪出席签约仪式。")
    assert {"柏望川", "闵觉远", "方向明", "乔映雪"} <= names(g, "Person")


def test_a_name_before_a_word_that_follows_names_is_kept_whole() -> None:
    g = extract("学部主任齐远和院士、副主任柯望舒院士出席本次活动。")
    people = names(g, "Person")
    assert "齐远和" in people and "齐远" not in people


def test_a_name_is_not_extended_over_an_adverb() -> None:
    g = extract("北岭省副省长柏望川也出席了会议。")
    assert "柏望川也" not in names(g, "Person")


def test_a_surname_split_from_its_name_after_a_title() -> None:
    g = extract("青岚职业学院党委书记柏望川，副校长曾四海以及相关部门负责人参加调研座谈。")
    assert "曾四海" in names(g, "Person")


# --- places (C1, C2) ---------------------------------------------------------------------

def test_every_place_of_a_list_after_a_verb_of_place() -> None:
    g = extract("调研组先后赴东陵、西陵、南陵等市调研。")
    assert {"东陵", "西陵", "南陵"} <= names(g, "Place")


def test_a_county_after_its_province_is_where_the_meeting_is_held() -> None:
    g = extract("3月22日，星河联合会在北岭云溪县隆重召开五届会员代表大会。")
    assert "云溪县" in names(g, "Place")


def test_a_one_character_abbreviation_is_the_place_it_stands_for() -> None:
    g = extract("贵阳市委副书记柏望川出席仪式，并为海川集团在筑成立的贵阳海川电子有限公司揭牌。")
    places = [e for e in g.entities if e.type == "Place"]
    assert len(places) == 1 and "筑" in places[0].aliases and places[0].name.startswith("贵阳")
    g = extract("第三届星河论坛在沪举行。")
    assert "沪" in names(g, "Place")


def test_a_region_that_holds_posts_and_is_a_place_is_one_place() -> None:
    g = extract("临江市委书记柏望川出席会议。星河论坛在临江举行。")
    regions = [e for e in g.entities if e.name.startswith("临江")]
    assert [(e.name, e.type) for e in regions] == [("临江", "Place")]
    assert "临江市" in regions[0].aliases


def test_a_declared_short_form_is_an_alias_of_the_organisation() -> None:
    g = extract("海川生物科技股份有限公司(简称“海川生物”)与青岚大学签约。海川生物表示将加大投入。")
    orgs = {e.name: e.aliases for e in g.entities if e.type == "Organization"}
    assert orgs["海川生物科技股份有限公司"] == ["海川生物"]
    assert "海川" not in orgs
    g = extract("星河联合会（以下简称“星联”）召开理事会。")
    assert [(e.name, e.aliases) for e in g.entities if e.type == "Organization"] == [("星河联合会", ["星联"])]


def test_a_bracketed_region_and_a_middle_dot_stay_inside_the_name() -> None:
    assert "海川投资(中国)有限公司" in names(extract("海川投资(中国)有限公司董事丙出席会议。"), "Organization")
    assert "青岚·海川国际文化交流中心" in names(extract("青岚·海川国际文化交流中心主任甲出席。"), "Organization")


def test_a_party_committee_of_a_region_or_zone_is_an_alias_of_the_region() -> None:
    g = extract("中共临江市委书记柏望川出席会议。临江市委常委闵觉远主持。")
    orgs = [e for e in g.entities if e.type in ("Organization", "Place") and e.name.startswith(("临江", "中共"))]
    assert len(orgs) == 1 and orgs[0].name == "临江市"
    g = extract("云溪高新区党工委书记柏望川出席。云溪高新区管委会主任闵觉远主持。")
    assert "云溪高新区党工委" not in names(g)


def test_a_delegation_is_its_organisation_and_a_chain_of_bodies_is_one_name() -> None:
    g = extract("北岭青岚企业商会云溪市商会代表团参加活动。")
    assert names(g, "Organization") == {"北岭青岚企业商会云溪市商会"}
    g = extract("星河商会代表团一行来访。")
    assert names(g, "Organization") == {"星河商会"}


def test_missing_kinds_of_organisation_are_organisations() -> None:
    for text, org in (("青岚大学火山地质国家重点实验室柏望川教授出席。", "青岚大学火山地质国家重点实验室"),
                      ("海川集团驻北岭办事处主任柏望川出席。", "海川集团驻北岭办事处"),
                      ("北岭省驻青岚总领事馆总领事柏望川出席。", "北岭省驻青岚总领事馆"),
                      ("星河孵化器主任柏望川出席。", "星河孵化器")):
        assert org in names(extract(text), "Organization"), text


def test_latin_script_japanese_and_dotted_foreign_names_are_whole() -> None:
    assert "John A. Smith" in names(extract("青岚大学校长John A. Smith教授代表外方发言。"), "Person")
    assert "Peter Brown" in names(extract("海川集团首席执行官Peter Brown出席签约仪式。"), "Person")
    assert "松本清太郎" in names(extract("友城临江市市长松本清太郎率政府代表团访问。"), "Person")
    people = names(extract("某国驻沪总领事阿里木汗·卡斯木出席。"), "Person")
    assert people == {"阿里木汗·卡斯木"}


# --- not organisations (B2) --------------------------------------------------------------

def test_a_kind_of_alliance_or_an_era_word_is_no_organisation() -> None:
    assert names(extract("为新征程贡献力量，发挥产业联盟的作用。")) == set()
    listed = names(extract("星河联盟、海川联盟和青岚产业联盟参加。"), "Alliance")
    assert listed == {"星河联盟", "海川联盟", "青岚产业联盟"}


def test_a_headquarters_is_the_company_not_an_organisation_of_its_own() -> None:
    assert names(extract("活动在海川公司总部大楼前举行。"), "Organization") == {"海川公司"}


def test_a_bare_board_or_edition_is_no_organisation() -> None:
    g = extract("柏望川、闵觉远任七届理事会理事长，乔映雪为专家委员会主任。")
    assert not names(g, "Organization") & {"七届", "理事会", "专家委员会", "七届理事会"}


def test_an_event_glued_to_its_host_is_split() -> None:
    g = extract("报告会由校党委书记柯望舒主持。")
    assert not any("报告会由" in n for n in names(g))


def test_a_committee_named_alone_gives_its_region() -> None:
    g = extract("2020年6月任临江市委常委。")
    assert names(g, "Organization") == {"临江市"}
    g = extract("校党委常委、组织部长乔映川出席大会。")
    assert "校党委常委" not in names(g)


def test_tails_glued_to_an_organisation_are_cut() -> None:
    g = extract("柏望川，男，汉族，1996年8月参加工作，青岚农学院园艺系果树专业大学毕业。")
    assert names(g, "Organization") == {"青岚农学院园艺系"}
    assert names(extract("由星河分会创会会长乔映雪主持。"), "Organization") == {"星河分会"}


def test_the_bare_government_of_the_story_is_an_organisation_unless_a_title_prefix() -> None:
    g = extract("柏望川代表市政府、市工商联向大会表示祝贺。")
    assert {"市政府", "市工商联"} <= names(g, "Organization")
    g = extract("市政府副秘书长柏望川出席会议。")
    assert "市政府" not in names(g)
    g = extract("青岚市人民政府与海川集团签约。市政府将提供支持。")
    assert "市政府" not in names(g, "Organization")


def test_a_county_where_the_meeting_is_held_stays_a_place_when_it_also_holds_posts() -> None:
    g = extract("星河联合会在北岭云溪县隆重召开五届会员代表大会。云溪县县长柏望川致辞。")
    assert ("云溪县", "Place") in {(e.name, e.type) for e in g.entities}


# --- organisations inside event names and lists (B3) -------------------------------------

def test_the_organisation_an_event_is_of_is_an_organisation() -> None:
    g = extract("星河协会青年分会成立大会在青岚举行。")
    assert "星河协会青年分会" in names(g, "Organization") and "星河协会青年分会成立大会" in names(g, "Event")
    assert names(extract("全市领导干部大会召开。"), "Organization") == set()


def test_every_body_of_a_long_list_is_an_organisation() -> None:
    g = extract("青岚大学、北岭理工学院、云溪职业技术学院、海川集团、星河科技有限公司等单位参加。")
    assert names(g, "Organization") == {"青岚大学", "北岭理工学院", "云溪职业技术学院", "海川集团", "星河科技有限公司"}


def test_an_appointment_verb_glued_to_an_organisation_word_is_cut_off() -> None:
    assert names(extract("2010年任海川集团总经理。"), "Organization") == {"海川集团"}
    assert names(extract("任丘市人民政府副市长柏望川出席。"), "Organization") == {"任丘市人民政府"}
    assert names(extract("柏望川，男，中共党员，1970年生。"), "Organization") == set()


def test_a_federation_printed_with_its_chamber_and_a_board_of_one_edition() -> None:
    g = extract("青岚市工商联(总商会)三届二次执委会议召开。市工商联主席柏望川讲话。")
    orgs = [e for e in g.entities if e.type == "Organization"]
    assert [e.name for e in orgs] == ["青岚市工商联(总商会)"] and "市工商联" in orgs[0].aliases
    g = extract("会议选举产生云溪区工商业联合会(总商会)第六届执行委员会，柏望川当选主席。")
    assert names(g, "Organization") == {"云溪区工商业联合会(总商会)"}


def test_an_unanchored_body_beside_an_organisation_in_a_list_is_one() -> None:
    g = extract("市领导及省经委、商务厅有关领导出席签约仪式。")
    assert {"省经委", "商务厅"} <= names(g, "Organization")
    assert names(extract("各专门委员会、相关处室负责人参加会议。")) == set()


def test_the_city_at_the_head_of_a_venue_is_where_the_event_is_held() -> None:
    g = extract("论坛在临江国际会议中心举行。")
    assert names(g, "Place") == {"临江"}
    g = extract("论坛在青岚大学第一学术报告厅开幕。")
    assert "青岚" not in names(g, "Place")


# --- aliases (B4) ------------------------------------------------------------------------

def test_short_forms_of_federations_universities_and_companies_join_the_full_name() -> None:
    g = extract("云溪区工商业联合会召开会议。区工商联主席柏望川讲话。")
    assert [e.name for e in g.entities if e.type == "Organization"] == ["云溪区工商业联合会"]
    g = extract("青岚大学与海川集团签约。青大校长柏望川致辞，青岚也将支持海川。")
    assert "青大" in next(e for e in g.entities if e.name == "青岚大学").aliases
    g = extract("海川五局集团有限公司举行签约仪式。海川五局总经理柏望川致辞。")
    assert "海川五局" in next(e for e in g.entities if e.name == "海川五局集团有限公司").aliases


def test_a_district_and_a_zone_of_the_same_name_are_two() -> None:
    g = extract("云溪区委书记、云溪经开区党工委书记柏望川出席。云溪经开区管委会主任闵觉远主持。")
    assert {"云溪区", "云溪经开区"} <= names(g)


def test_a_co_organisers_verb_glued_to_its_name_is_cut() -> None:
    g = extract("本次论坛由海川集团主办、星河科技有限公司协办、青岚大学承办。")
    assert names(g, "Organization") == {"海川集团", "星河科技有限公司", "青岚大学"}


def test_a_session_inside_a_legislatures_name_and_an_edition_before_its_board() -> None:
    assert "北岭省十二届人大常委会" in names(extract("北岭省十二届人大常委会副主任柏望川出席。"), "Organization")
    g = extract("星河商会第三届理事会理事长柏望川致辞。")
    assert "星河商会" in names(g, "Organization") and "星河商会第三届" not in names(g)
    assert org_end("星河商会第三届") == len("星河商会") and org_end("青岚大学") == len("青岚大学")


def test_a_name_read_as_a_place_before_a_word_that_follows_names() -> None:
    g = extract("下午，在柯远镇研究员和乔映雪研究员的主持下，代表们分别作了汇报。")
    assert "柯远镇" in names(g, "Person") and "柯远镇" not in names(g, "Place")


def test_half_an_idiom_is_no_person() -> None:
    g = extract("敏学笃行，青岚大学校长柏望川致辞。")
    assert names(g, "Person") == {"柏望川"}
    assert "能远" in names(extract("市领导柏望川、能远、闵觉远出席签约仪式。"), "Person")


def test_an_area_named_after_a_place_and_a_venue_typed_as_a_place() -> None:
    assert names(extract("论坛在青岚湖旅游度假区举行。"), "Place") == {"青岚湖旅游度假区"}
    g = extract("星河论坛在海川集团展示厅举行。")
    assert "海川集团展示厅" not in names(g, "Organization")


# --- person names the tagger glues to their neighbours (CLUENER train families) --------------

def test_a_surname_with_a_short_title_is_a_form_of_address_not_a_name() -> None:
    assert names(extract("欢迎柯导。"), "Person") == set()
    assert "缪行长" not in names(extract("云溪银行临江支行缪行长表示，存款安全。"), "Person")


def test_a_bylines_credit_glued_to_the_reporters_name_is_cut() -> None:
    g = extract("青岚日报记者柯望舒文/摄")
    assert names(g, "Person") == {"柯望舒"}
    assert {(p.person, p.title) for p in g.posts} == {("柯望舒", "记者")}


def test_a_three_character_name_cut_before_a_verb_of_saying_is_joined() -> None:
    assert "柯望来" in names(extract("那年柯望来交代，钱已取走。"), "Person")
    # a clause word after the name is no third character
    assert names(extract("柯望也表示，钱已取走。"), "Person") <= {"柯望"}


# --- media credited by a report, datelines, classes of teams -----------------------------------

def test_a_site_or_paper_credited_in_a_dateline_or_source_line_is_an_organisation() -> None:
    assert "青岚网" in names(extract("青岚网北京3月20日电 昨日，临江大学举行论坛。"), "Organization")
    assert names(extract("来源：云溪网"), "Organization") == {"云溪网"}
    assert names(extract("来源：云溪网"), "Person") == set()  # 来源： is a page label, not a speaker
    assert "云溪日报" in names(extract("据云溪日报报道，临江大学举行论坛。"), "Organization")
    assert "云溪网" in names(extract("云溪网讯 昨日，临江大学举行论坛。"), "Organization")
    # the paper's own words and common nouns are no credited source
    assert names(extract("本报讯 昨日，临江大学举行论坛。"), "Organization") == {"临江大学"}
    assert names(extract("据互联网消息，临江大学举行论坛。"), "Organization") == {"临江大学"}


def test_a_datelines_dian_and_a_bracketed_byline_are_no_part_of_the_next_name() -> None:
    g = extract("青岚网4月13日电青岚银行集团行政总裁柯望舒去年获得奖项。")
    assert "青岚银行集团" in names(g, "Organization")
    assert ("柯望舒", "青岚银行集团") in {(p.person, p.org) for p in g.posts}


def test_a_class_of_teams_is_no_organisation() -> None:
    assert names(extract("北岭省球队5胜2平。"), "Organization") == set()
    assert names(extract("青岚市主队战平对手。"), "Organization") == set()


def test_company_forms_named_without_gongsi_and_sites_are_organisations() -> None:
    assert names(extract("北岭信托昨日发布年报。"), "Organization") == {"北岭信托"}
    assert names(extract("青岚证券与云溪控股签约。"), "Organization") == {"青岚证券", "云溪控股"}
    assert names(extract("记者登录青岚旅游网查询。"), "Organization") == {"青岚旅游网"}
    assert names(extract("物联网产业快速发展。"), "Organization") == set()  # a kind of network, no site


def test_forces_and_police_named_by_their_country_or_place_are_organisations() -> None:
    assert names(extract("美军新近展开一项演习。"), "Organization") == {"美军"}
    assert names(extract("北岭省海军一架飞机坠毁。"), "Organization") == {"北岭省海军"}
    assert names(extract("青岚警方昨日通报案情。"), "Organization") == {"青岚警方"}
    assert names(extract("警方介绍，案件已告破。"), "Organization") == set()  # the police in general


def test_a_countrys_ministry_the_tagger_read_as_a_place_is_an_organisation() -> None:
    from kg.extract.mentions import sentence_mentions
    from kg.extract.segment import Sentence, Token

    def tagged(words: list[tuple[str, str]]) -> Sentence:
        toks, pos = [], 0
        for w, tag in words:
            toks.append(Token(w, tag, pos, pos + len(w), w))
            pos += len(w)
        text = "".join(w for w, _ in words)
        return Sentence(text, 0, len(text), tuple(toks), text)

    ments, _ = sentence_mentions(tagged([("青岚国国防部", "LOC"), ("方面", "n"), ("表示", "v")]), 0)
    assert {(m.norm, m.type) for m in ments} == {("青岚国国防部", "Organization")}
    ments, _ = sentence_mentions(tagged([("青岚国西部", "LOC"), ("发展", "v")]), 0)
    assert not [m for m in ments if m.type == "Organization"]  # a region's part


def test_the_particle_suo_before_a_verb_is_no_part_of_the_name() -> None:
    assert names(extract("青岚博物馆所藏的书画很多。"), "Organization") == {"青岚博物馆"}
    assert names(extract("青岚律师事务所介绍，案件已了结。"), "Organization") == {"青岚律师事务所"}
