"""Extraction on sentences written for these tests (no third-party text)."""

from kg import extract


def test_title_chain_and_shared_org() -> None:
    g = extract("云溪市高新区党工委书记、云溪市河畔区委书记、云溪科技学院理事长柏晓川出席会议。"
                "云溪科技学院党委书记冉启明、校长籍文涛参加活动。", id="t", published="2025-05-01")
    posts = {(p.person, p.title, p.org) for p in g.posts}
    assert ("柏晓川", "党工委书记", "云溪市高新区") in posts
    assert ("柏晓川", "理事长", "云溪科技学院") in posts
    assert ("冉启明", "党委书记", "云溪科技学院") in posts
    assert ("籍文涛", "校长", "云溪科技学院") in posts
