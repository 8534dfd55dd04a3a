"""The scope page of a province campaign (/committee/campaigns/<key>/scope): province officers leave
communes out with a reason and sample villages before the campaign opens; commune, sibling and
viewer accounts are refused; bad input is a 4xx that says what to do; the dashboard and the
report's page show the communes left out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback_app.clock import local_today
from feedback_app.domain.access import Principal, Role
from feedback_app.extensions import db
from feedback_app.models import CampaignExclusion, CampaignSampleVillage, HouseholdCode, Unit
from feedback_app.services.campaigns.setup import campaign_commune, get_campaign, issue_codes
from feedback_app.services.units import villages as register

from ..committee_support import csrf_token, logged_in, make_account

PAGE = "/committee/campaigns/province-scope/scope"


@pytest.fixture
def province(make_campaign):  # type: ignore[no-untyped-def]
    today = local_today()
    campaign = make_campaign(codes=0, key="province-scope", open_link=False,
                             opens_on=today + timedelta(days=5), closes_on=today + timedelta(days=30))
    commune = db.session.scalars(select(Unit).filter_by(code="03390")).one()
    officer = Principal("x", Role.OFFICER, commune.id)
    for name, households in (("Thôn Một", 12), ("Bản Hai", 7), ("Ấp Ba", 3)):
        register.add_village(officer, "03390", {"name": name, "households": str(households)})
    make_account("tinh-lai-chau", "12")
    db.session.commit()
    return campaign


def _post(client, path: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(PAGE).text)
    return client.post(PAGE + path, data={"csrf_token": token, **data})


def _village_code(name: str) -> str:
    return db.session.scalars(select(Unit.code).filter_by(name=name, level="village")).one()


def test_province_officer_leaves_a_commune_out_and_the_dashboard_says_why(client, province):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh-lai-chau")
    manage = client.get("/committee/campaigns/province-scope/manage?lang=en").text
    assert 'id="scope-link"' in manage and PAGE in manage
    page = client.get(PAGE + "?lang=en")
    assert page.status_code == 200 and "2 communes surveyed" in page.text
    response = _post(client, "/communes/03430/exclude", reason="Đang sáp nhập, khảo sát đợt sau")
    assert response.status_code == 303
    assert db.session.scalars(select(CampaignExclusion.reason)).one() == "Đang sáp nhập, khảo sát đợt sau"
    dashboard = client.get("/committee/campaigns/province-scope/units/12?lang=en").text
    assert 'id="communes-left-out"' in dashboard and "Đang sáp nhập, khảo sát đợt sau" in dashboard
    assert 'data-code="03430"' in dashboard.split('id="communes-left-out"')[1]
    vi = client.get(PAGE + "?lang=vi").text
    assert "Xã không khảo sát" in vi and "Khảo sát lại" in vi
    assert _post(client, "/communes/03430/include").status_code == 303
    assert not db.session.scalars(select(CampaignExclusion)).all()


def test_province_officer_samples_villages(client, province):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh-lai-chau")
    picked = [_village_code("Thôn Một"), _village_code("Ấp Ba")]
    token = csrf_token(client.get(PAGE).text)
    response = client.post(PAGE + "/communes/03390/sample", data={"csrf_token": token, "village": picked})
    assert response.status_code == 303
    assert len(db.session.scalars(select(CampaignSampleVillage)).all()) == 2
    page = client.get(PAGE + "?lang=en").text
    assert "Sample: 2 of 3 villages, 15 of 22 registered households." in page
    manage = client.get("/committee/campaigns/province-scope/manage?lang=en").text
    codes = manage.split('id="codes-03390"')[1].split("</section>")[0]
    assert "Bản Hai" not in codes and "Thôn Một" in codes  # codes are issued for the sample only
    token = csrf_token(manage)
    assert client.post("/committee/campaigns/province-scope/communes/03390/codes",
                       data={"csrf_token": token}).status_code == 303
    assert len(db.session.scalars(select(HouseholdCode)).all()) == 15
    whole = _post(client, "/communes/03390/sample", whole="1", village=picked[0])
    assert whole.status_code == 409 and "already issued" in whole.text  # fixed with the register


@pytest.mark.parametrize(("path", "data", "status", "words"), [
    ("/communes/03430/exclude", {"reason": "  "}, 422, "Please give the reason"),
    ("/communes/03430/exclude", {"reason": "x" * 501}, 422, "Please give the reason"),
    ("/communes/03390/sample", {"village": "ZZZ"}, 422, "not current villages of this commune: ZZZ"),
    ("/communes/99999/exclude", {"reason": "Lý do"}, 404, "Unit not found"),
    ("/communes/03430/include", {}, 409, "Please reload"),
])
def test_bad_input_is_a_4xx_that_says_what_to_do(client, province, path, data, status, words):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh-lai-chau")
    token = csrf_token(client.get(PAGE).text)
    response = client.post(PAGE + path + "?lang=en", data={"csrf_token": token, **data})
    assert response.status_code == status, response.text
    assert words in response.text
    assert not db.session.scalars(select(CampaignExclusion)).all()


def test_without_the_csrf_token_nothing_changes(client, province):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh-lai-chau")
    response = client.post(PAGE + "/communes/03430/exclude", data={"reason": "Lý do hợp lệ"})
    assert response.status_code == 400
    assert not db.session.scalars(select(CampaignExclusion)).all()


@pytest.mark.parametrize(("username", "unit", "role"), [
    ("xa-ta-leng", "03430", "officer"),  # a commune of the campaign: not its scope to change
    ("tinh-viewer", "12", "viewer"),  # the province, but not an officer
])
def test_other_accounts_are_refused(client, province, username, unit, role):  # type: ignore[no-untyped-def]
    make_account(username, unit, role)
    logged_in(client, username)
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client.get("/committee/").text)
    response = client.post(PAGE + "/communes/03430/exclude",
                           data={"csrf_token": token, "reason": "Tự bỏ khỏi đợt"})
    assert response.status_code == 403
    assert not db.session.scalars(select(CampaignExclusion)).all()


def test_a_sibling_province_is_refused(client, province):  # type: ignore[no-untyped-def]
    from io import StringIO

    from feedback_app.services.units.importing import import_units
    import_units(StringIO("scheme,code,parent_code,level,unit_type,name,full_name,name_en,full_name_en,"
                          "households,households_synthetic\n"
                          "vn-2025,11,,province,province,Điện Biên,Tỉnh Điện Biên,Dien Bien,"
                          "Dien Bien Province,,\n"))
    db.session.commit()
    make_account("tinh-dien-bien", "11")
    logged_in(client, "tinh-dien-bien")
    assert client.get(PAGE).status_code == 403


def test_after_opening_the_scope_is_fixed(client, province):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh-lai-chau")
    token = csrf_token(client.get(PAGE).text)
    campaign = get_campaign("province-scope")
    campaign.opens_on = local_today()
    db.session.commit()
    page = client.get(PAGE + "?lang=en").text
    assert 'id="scope-fixed"' in page and "Leave it out" not in page
    response = client.post(PAGE + "/communes/03430/exclude?lang=en",
                           data={"csrf_token": token, "reason": "Lý do hợp lệ"})
    assert response.status_code == 409 and "The campaign has opened" in response.text
    assert not db.session.scalars(select(CampaignExclusion)).all()


def test_an_open_link_campaign_cannot_sample(client, make_campaign):  # type: ignore[no-untyped-def]
    make_campaign(codes=0, key="province-scope", open_link=True,
                  opens_on=local_today() + timedelta(days=5))
    make_account("tinh-lai-chau", "12")
    logged_in(client, "tinh-lai-chau")
    page = client.get(PAGE + "?lang=en").text
    assert 'id="no-sampling"' in page
    response = _post(client, "/communes/03390/sample?lang=en", village="X")
    assert response.status_code == 409 and "Sampling needs household codes only" in response.text


def test_codes_for_a_sampled_commune_go_to_a_sampled_village(client, province):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh-lai-chau")
    _post(client, "/communes/03390/sample", village=_village_code("Bản Hai"))
    campaign = get_campaign("province-scope")
    assert issue_codes(campaign, campaign_commune(campaign, "03390")) == 7
    db.session.commit()
    manage = client.get("/committee/campaigns/province-scope/manage")
    response = client.post("/committee/campaigns/province-scope/communes/03390/codes?lang=en",
                           data={"csrf_token": csrf_token(manage.text), "how": "count", "count": "3"})
    assert response.status_code == 409 and "Codes go to sampled villages" in response.text
