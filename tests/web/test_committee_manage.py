"""Officers manage their unit's campaigns: create one, open it, close it, print slips and a poster;
`flask demo` creates demo committee accounts."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import Campaign
from feedback_app.services.errors import Refused

from ..committee_support import csrf_token, logged_in, make_account, post_action
from ..indices_support import submit
from ..support import PUBLIC_BASE_URL, codes_of


def campaign_form(token: str, **overrides: str) -> dict[str, str]:
    today = local_today()
    form = {"csrf_token": token, "key": "xa-binh-lu-2026", "survey": "ntm-commune",
            "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=30)).isoformat(),
            "min_coverage": "70", "threshold": "85", "household_codes": "y"}
    form.update(overrides)
    return form


def _create_as_commune_officer(client, **overrides: str):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    logged_in(client, "xa-binh-lu")
    token = csrf_token(client.get("/committee/campaigns/new").text)
    return client.post("/committee/campaigns/new", data=campaign_form(token, **overrides))


def test_officer_creates_a_campaign_for_its_unit(client, units):  # type: ignore[no-untyped-def]
    response = _create_as_commune_officer(client, unit_code="12")
    assert response.status_code == 303
    campaign = db.session.query(Campaign).filter_by(key="xa-binh-lu-2026").one()
    assert campaign.unit.code == "03390"  # its own unit, whatever the form says
    assert float(campaign.min_coverage) == 0.7 and float(campaign.threshold) == 0.85
    assert campaign.household_codes and not campaign.open_link
    assert client.get(response.headers["Location"]).status_code == 200


def test_the_form_sets_the_rules_and_the_title_and_the_page_shows_them(client, units):  # type: ignore[no-untyped-def]
    today = local_today()
    response = _create_as_commune_officer(
        client, title="Lấy ý kiến sự hài lòng về xây dựng nông thôn mới xã Bình Lư năm 2026",
        threshold="98", item_rule="each", item_threshold="95", posting_days="12",
        closes_on=(today + timedelta(days=60)).isoformat())
    assert response.status_code == 303
    campaign = db.session.query(Campaign).filter_by(key="xa-binh-lu-2026").one()
    assert (campaign.threshold, campaign.item_rule, campaign.item_threshold, campaign.posting_days) == (
        Decimal("0.98"), "each", Decimal("0.95"), 12)
    page = client.get(response.headers["Location"] + "?lang=vi").text
    assert "<h1>Lấy ý kiến sự hài lòng về xây dựng nông thôn mới xã Bình Lư năm 2026</h1>" in page
    assert "mỗi nội dung tối thiểu 95\u00a0%" in page and "12 ngày" in page
    assert "nhiều hơn 20 ngày" in page  # the field window warning: 60 days
    dashboard = client.get(f"/committee/campaigns/{campaign.key}/units/03390?lang=vi").text
    assert "tỷ lệ hộ tham gia 0,0\u00a0% thấp hơn mức tối thiểu 70\u00a0%" in dashboard


def test_an_item_rule_without_its_threshold_is_refused_on_the_form(client, units):  # type: ignore[no-untyped-def]
    response = _create_as_commune_officer(client, item_rule="average")
    assert response.status_code == 422
    assert "Hãy nhập ngưỡng nội dung" in response.text
    assert db.session.query(Campaign).count() == 0


def test_a_zero_percent_setting_is_a_value_not_a_missing_field(client, units):  # type: ignore[no-untyped-def]
    """0 % minimum coverage is a setting the command line takes; the form takes it too."""
    assert _create_as_commune_officer(client, min_coverage="0").status_code == 303
    campaign = db.session.query(Campaign).filter_by(key="xa-binh-lu-2026").one()
    assert campaign.min_coverage == 0


@pytest.mark.parametrize(("overrides", "message"), [
    ({"closes_on": "2000-01-01"}, "The closing date must not be before the opening date."),
    ({"key": "Bad Key"}, "Use 3 to 64 lower-case letters, digits and dashes."),
    ({"key": "xa-binh-lu-2026\n"}, "Use 3 to 64 lower-case letters, digits and dashes."),
    ({"threshold": "150"}, "Number must be between 0 and 100."),
    ({"household_codes": ""}, "Choose at least one way of answering."),
])
def test_campaign_form_errors_are_shown_and_nothing_is_created(client, units, overrides, message):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    logged_in(client, "xa-binh-lu")
    token = csrf_token(client.get("/committee/campaigns/new?lang=en").text)
    response = client.post("/committee/campaigns/new?lang=en", data=campaign_form(token, **overrides))
    assert response.status_code == 422
    assert message in response.text
    assert db.session.query(Campaign).count() == 0


def test_taken_key_is_refused_on_the_form(client, campaign):  # type: ignore[no-untyped-def]
    make_account("tinh", "12", "officer")
    logged_in(client, "tinh")
    token = csrf_token(client.get("/committee/campaigns/new?lang=en").text)
    response = client.post("/committee/campaigns/new?lang=en", data=campaign_form(token, key=campaign.key))
    assert response.status_code == 422
    assert "This key is already used by another campaign." in response.text


def test_closing_stops_answers_and_opening_starts_them(client, campaign):  # type: ignore[no-untyped-def]
    make_account("tinh", "12", "officer")
    logged_in(client, "tinh")
    manage = "/committee/campaigns/test-campaign/manage"
    close = "/committee/campaigns/test-campaign/close"
    assert client.post(close, data={"csrf_token": csrf_token(client.get(close).text),
                                    "confirm": "yes"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).closes_on == local_today() - timedelta(days=1)
    assert db.session.get(Campaign, campaign.id).opens_on == local_today() - timedelta(days=1)  # stays
    with pytest.raises(Refused) as refused:
        submit(campaign, "03390")
    assert refused.value.reason == "campaign_closed"
    db.session.rollback()
    # closed already: a second close is refused, and a closed campaign is not opened (it is reopened)
    assert client.post(close, data={"csrf_token": csrf_token(client.get(manage).text),
                                    "confirm": "yes"}).status_code == 409
    assert post_action(client, manage, "/committee/campaigns/test-campaign/open").status_code == 409

    later = db.session.get(Campaign, campaign.id)
    later.opens_on = local_today() + timedelta(days=10)
    later.closes_on = local_today() + timedelta(days=40)
    db.session.commit()
    assert post_action(client, manage, "/committee/campaigns/test-campaign/open").status_code == 303
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).opens_on == local_today()
    submit(campaign, "03390")  # accepted now


def test_slips_print_the_communes_codes(client, campaign):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    logged_in(client, "xa-binh-lu")
    page = client.get("/committee/campaigns/test-campaign/communes/03390/slips")
    assert page.status_code == 200
    assert page.text.count('class="slip"') == len(codes_of(campaign, "03390")) == 3
    for code in codes_of(campaign, "03430"):
        assert code[:5] not in page.text


def test_slips_show_the_sms_way_only_when_an_sms_route_is_set(app, client, campaign):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    logged_in(client, "xa-binh-lu")
    url = "/committee/campaigns/test-campaign/communes/03390/slips?lang=en"
    assert "Send HL" not in client.get(url).text  # the fake backend reaches no phone
    app.config.update(SMS_BACKEND="twilio", TWILIO_FROM="+84900000001")
    try:
        page = client.get(url).text
    finally:
        app.config.update(SMS_BACKEND="fake", TWILIO_FROM=None)
    sms_way = "Or by SMS, from any phone: send HL and the code above to +84900000001."
    assert page.count(sms_way) == len(codes_of(campaign, "03390")) == 3  # on every slip


def test_poster_has_the_commune_link_qr_and_sms_keyword(app, client, campaign):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    logged_in(client, "xa-binh-lu")
    app.config.update(SMS_BACKEND="twilio", TWILIO_FROM="+84900000001")
    try:
        page = client.get("/committee/campaigns/test-campaign/communes/03390/poster?lang=en").text
    finally:
        app.config.update(SMS_BACKEND="fake", TWILIO_FROM=None)
    assert f"{PUBLIC_BASE_URL}/c/test-campaign/03390" in page
    assert "<svg" in page
    assert "Send HL 03390 to +84900000001" in page
    without_sms = client.get("/committee/campaigns/test-campaign/communes/03390/poster?lang=en").text
    assert "by SMS" not in without_sms  # no number configured: no instruction that cannot work


def test_demo_lists_committee_accounts_that_can_log_in(runner, client):  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["demo", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    accounts = info["accounts"]
    assert accounts[0]["unit"]["code"] == info["campaign"]["unit"]["code"]
    assert {a["unit"]["code"] for a in accounts[1:] if a["unit"]["level"] == "commune"} == {
        c["code"] for c in info["communes"]}
    # a village cadre for each village of the demo's believable communes
    assert {a["unit"]["code"] for a in accounts if a["unit"]["level"] == "village"} == {
        v["code"] for c in info["communes"] for v in c["villages"]}
    country = accounts[-1]  # the central committee, whose page is the national view
    assert (country["unit"]["code"], country["unit"]["level"]) == ("VN", "country")
    assert country["dashboard_url"] == f"{PUBLIC_BASE_URL}/committee/national"
    assert accounts[0]["role"] == "admin"  # the province's manages the accounts below it
    assert all(a["role"] == "officer" for a in accounts[1:])
    province = accounts[0]
    assert province["dashboard_url"] == (
        f"{PUBLIC_BASE_URL}/committee/campaigns/{info['campaign']['key']}/units/{province['unit']['code']}"
    )
    again = json.loads(runner.invoke(args=["demo", "--json"]).output)["accounts"]
    assert again == accounts  # running the demo again keeps the same accounts
    commune = accounts[1]
    logged = client.post("/committee/login", data={
        "username": commune["username"], "password": commune["password"],
        "csrf_token": csrf_token(client.get("/committee/login").text),
    })
    assert logged.status_code == 303
    path = commune["dashboard_url"].removeprefix(PUBLIC_BASE_URL)
    assert client.get(path).status_code == 200
    assert client.get(province["dashboard_url"].removeprefix(PUBLIC_BASE_URL)).status_code == 403


def test_the_new_campaign_form_offers_the_criteria_in_force_first(client, units):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    logged_in(client, "xa-binh-lu")
    page = client.get("/committee/campaigns/new").text
    assert '<option selected value="ntm-xa-2026">' in page or 'value="ntm-xa-2026" selected' in page
