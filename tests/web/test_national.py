"""The central committee: an account of the country reads every province's campaigns of a survey
on the national view and accepts or returns the province's report; no one else reads that view."""

from __future__ import annotations

import re
from io import StringIO

from feedback_app.extensions import db
from feedback_app.services.reports import workflow as reports
from feedback_app.services.units.importing import import_units

from ..committee_support import csrf_token, logged_in, make_account
from ..reports_support import answered, officer

SECOND_PROVINCE = """\
scheme,code,parent_code,level,unit_type,name,full_name,name_en,full_name_en,households
vn-2025,14,,province,province,Sơn La,Tỉnh Sơn La,Son La,Son La Province,
vn-2025,04000,14,commune,commune,Mường Bú,Xã Mường Bú,Muong Bu,Muong Bu Commune,10
"""


def test_the_national_view_lists_each_province_s_campaign(client, make_campaign):  # type: ignore[no-untyped-def]
    campaign = make_campaign(codes=0)
    import_units(StringIO(SECOND_PROVINCE))
    db.session.commit()
    answered(campaign, "03390", 30)  # 30 of Bình Lư's 40 households, all satisfied: it meets
    make_account("trung-uong", "VN")
    page = logged_in(client, "trung-uong").get("/committee/national")
    assert page.status_code == 200, page.text
    row = page.text.split('data-campaign="test-campaign"', 1)[1].split("</tr>", 1)[0]
    assert "Tỉnh Lai Châu" in row
    assert "1 / 2" in row  # Bình Lư meets; Tả Lèng has no answer (the ward is not surveyed)
    assert "46,2\xa0%" in row and "100,0\xa0%" in row  # 30 of 65 households; every answer satisfied
    without = page.text.split('id="provinces-without"', 1)[1]
    assert "Tỉnh Sơn La" in without and "Tỉnh Lai Châu" not in without
    assert client.get("/committee/national?survey=no-such").status_code == 404
    english = client.get("/committee/national?lang=en").text
    assert "<h1>Provinces" in english and "46.2%" in english


def test_only_the_country_reads_it(client, make_campaign):  # type: ignore[no-untyped-def]
    make_campaign(codes=0)
    make_account("tinh-12", "12")
    refused = logged_in(client, "tinh-12").get("/committee/national?lang=en")
    assert refused.status_code == 403
    assert "open to accounts of the central committee" in refused.text


def test_the_country_accepts_the_province_s_report_and_has_none_of_its_own(client, make_campaign):  # type: ignore[no-untyped-def]
    campaign = make_campaign(codes=0)
    answered(campaign, "03390", 30)
    reports.submit_report(officer("12"), campaign.key, allow_incomplete=True)
    db.session.commit()
    make_account("trung-uong", "VN")
    logged_in(client, "trung-uong")
    page = client.get("/committee/national")
    report_url = f"/committee/campaigns/{campaign.key}/units/12/report"
    assert f'action="{report_url}/accept"' in page.text  # the province's report awaits the centre
    assert 'name="confirm_insufficient"' in page.text  # 46 % coverage: accepted only if confirmed
    own = client.post(f"/committee/campaigns/{campaign.key}/report?lang=en",
                      data={"csrf_token": csrf_token(page.text), "remarks": "", "action": "submit"})
    assert own.status_code == 409 and "has no report of its own here" in own.text
    # 30 open-link answers, all alike: plausibility flags, each acknowledged to accept
    acknowledged = re.findall(r'name="acknowledge" value="([^"]+)"', page.text)
    assert "12:open_link_share" in acknowledged and "03390:straight_lining" in acknowledged
    accepted = client.post(f"{report_url}/accept", data={
        "csrf_token": csrf_token(page.text), "confirm_insufficient": "y", "acknowledge": acknowledged})
    assert accepted.status_code == 303 and accepted.headers["Location"].endswith("/committee/national")
    assert reports.get_report(None, campaign.key, "12").status == "accepted"
    assert "trung-uong" in (reports.get_report(None, campaign.key, "12").decided_by or "")
    national = client.get("/committee/national").text
    assert "status-accepted" in national.split('data-campaign="test-campaign"', 1)[1]
