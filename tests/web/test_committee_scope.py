"""The role and scope matrix: a committee account sees and acts only on its unit and the units
below it. Every committee page is tried as viewer, officer and admin of a district, on its own
unit, a child commune, the sibling district (and its commune) and the parent province."""

from __future__ import annotations

import pytest

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import Campaign

from ..committee_support import csrf_token, logged_in, make_account
from ..indices_support import LEGACY_CSV, import_csv

ROLES = ("viewer", "officer", "admin")
# Tam Đường district (105): its commune 03391; sibling district Phong Thổ (106) with 03393; parent 12.
OWN, CHILD, SIBLING, SIBLING_CHILD, PARENT = "105", "03391", "106", "03393", "12"


@pytest.fixture
def legacy(make_campaign):  # type: ignore[no-untyped-def]
    import_csv(LEGACY_CSV)
    return {
        "province": make_campaign(key="prov", scheme="vn-legacy", unit_code=PARENT),
        "own": make_campaign(key="own", scheme="vn-legacy", unit_code=OWN),
        "sibling": make_campaign(key="sib", scheme="vn-legacy", unit_code=SIBLING),
    }


@pytest.fixture(params=ROLES)
def member(request, client, legacy):  # type: ignore[no-untyped-def]
    make_account(f"huyen-{request.param}", OWN, request.param, scheme="vn-legacy")
    logged_in(client, f"huyen-{request.param}")
    return request.param


DASHBOARD_CASES = [(OWN, 200), (CHILD, 200), (SIBLING, 403), (SIBLING_CHILD, 403), (PARENT, 403)]


@pytest.mark.parametrize(("unit", "status"), DASHBOARD_CASES)
def test_dashboards_and_comments_in_and_out_of_scope(client, member, unit, status):  # type: ignore[no-untyped-def]
    base = f"/committee/campaigns/prov/units/{unit}"
    for page in (base, f"{base}/comments"):
        response = client.get(page)
        assert response.status_code == status, page
        if status == 403:
            assert "Không phải đơn vị của bạn" in response.text


def test_campaign_of_a_sibling_is_neither_listed_nor_readable(client, member):  # type: ignore[no-untyped-def]
    listing = client.get("/committee/").text
    assert "/committee/campaigns/prov/units/105" in listing  # a province campaign: its own part
    assert "/committee/campaigns/own/units/105" in listing
    assert "sib" not in listing
    assert client.get("/committee/campaigns/sib/").status_code == 403
    assert client.get("/committee/campaigns/sib/units/106").status_code == 403


def test_province_campaign_opens_on_the_members_own_unit(client, member):  # type: ignore[no-untyped-def]
    response = client.get("/committee/campaigns/prov/")
    assert response.status_code == 200
    assert 'data-code="03391"' in response.text and 'data-code="03393"' not in response.text


@pytest.mark.parametrize(("commune", "in_scope"), [(CHILD, True), (SIBLING_CHILD, False)])
def test_slips_and_posters(client, member, commune, in_scope):  # type: ignore[no-untyped-def]
    expected = 200 if in_scope and member != "viewer" else 403
    for kind in ("slips", "poster"):
        response = client.get(f"/committee/campaigns/prov/communes/{commune}/{kind}")
        assert response.status_code == expected, kind


def test_management_pages(client, member):  # type: ignore[no-untyped-def]
    officer = member != "viewer"
    assert client.get("/committee/campaigns/own/manage").status_code == (200 if officer else 403)
    assert client.get("/committee/campaigns/prov/manage").status_code == (200 if officer else 403)
    assert client.get("/committee/campaigns/sib/manage").status_code == 403
    assert client.get("/committee/campaigns/new").status_code == (200 if officer else 403)


@pytest.mark.parametrize("action", ["open", "close"])
@pytest.mark.parametrize(("key", "own_campaign"), [("own", True), ("prov", False), ("sib", False)])
def test_open_and_close_only_own_campaigns(client, member, legacy, action, key, own_campaign):  # type: ignore[no-untyped-def]
    campaign = legacy[{"own": "own", "prov": "province", "sib": "sibling"}[key]]
    if action == "open":  # make it a campaign that has not opened yet
        campaign.opens_on = local_today().replace(year=local_today().year + 1)
        campaign.closes_on = campaign.opens_on
        db.session.commit()
    before = (campaign.opens_on, campaign.closes_on)
    token = csrf_token(client.get("/committee/").text)
    response = client.post(f"/committee/campaigns/{key}/{action}",
                           data={"csrf_token": token, "confirm": "yes"})
    allowed = own_campaign and member != "viewer"
    assert response.status_code == (303 if allowed else 403)
    db.session.expire_all()
    after = db.session.get(Campaign, campaign.id)
    assert ((after.opens_on, after.closes_on) != before) == allowed


def test_actions_without_csrf_token_change_nothing(client, legacy):  # type: ignore[no-untyped-def]
    make_account("huyen-officer", OWN, "officer", scheme="vn-legacy")
    logged_in(client, "huyen-officer")
    closes_on = legacy["own"].closes_on
    assert client.post("/committee/campaigns/own/close").status_code == 400
    db.session.expire_all()
    assert db.session.get(Campaign, legacy["own"].id).closes_on == closes_on
