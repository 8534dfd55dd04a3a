"""A campaign's life on its officers' pages: edit before it opens, open, extend, close after the
confirmation page, reopen with a reason; each step in the campaign's History; scope and role; bad
input answered 4xx and nothing changed."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import Campaign, CampaignCommune, CampaignEvent, CommuneCounter, ItemCounter, Unit
from feedback_app.models.campaign_events import ImmutableCampaignEvent
from feedback_app.services.errors import Refused

from ..committee_support import csrf_token, logged_in, make_account
from ..indices_support import LEGACY_CSV, import_csv, submit

DAY = timedelta(days=1)
MANAGE = "/committee/campaigns/test-campaign/manage"
BASE = "/committee/campaigns/test-campaign"


@pytest.fixture
def later(make_campaign):  # type: ignore[no-untyped-def]
    """A province campaign over Lai Châu's two rural communes that opens in five days, no code yet."""
    today = local_today()
    return make_campaign(codes=0, opens_on=today + 5 * DAY, closes_on=today + 30 * DAY)


@pytest.fixture
def officer(client, units):  # type: ignore[no-untyped-def]
    make_account("tinh", "12", "officer", full_name="Lò Thị Mai")
    return logged_in(client, "tinh")


def _token(client, url: str = MANAGE) -> str:  # type: ignore[no-untyped-def]
    return csrf_token(client.get(url).text)


def _stored(campaign: Campaign) -> Campaign:
    db.session.expire_all()
    found = db.session.get(Campaign, campaign.id)
    assert found is not None
    return found


def _events(campaign: Campaign) -> list[CampaignEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(CampaignEvent).where(CampaignEvent.campaign_id == campaign.id)
                                   .order_by(CampaignEvent.id)))


def _edit_form(client, **overrides: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    today = local_today()
    form = {"csrf_token": _token(client, f"{BASE}/edit"), "title": "Lấy ý kiến tỉnh Lai Châu 2026",
            "opens_on": (today + 2 * DAY).isoformat(), "closes_on": (today + 22 * DAY).isoformat(),
            "min_coverage": "75", "threshold": "95", "item_rule": "each", "item_threshold": "90",
            "commune_floor": "", "posting_days": "12", "communes": ["03390", "03430"]}
    form.update(overrides)
    return form


def test_the_edit_page_shows_the_settings_and_saves_them_with_a_history_entry(officer, later):  # type: ignore[no-untyped-def]
    page = officer.get(f"{BASE}/edit?lang=en")
    assert page.status_code == 200
    assert 'name="threshold"' in page.text and 'value="90"' in page.text  # today's threshold, in %
    assert re.findall(r'<input checked id="communes-\d" name="communes" type="checkbox" value="(\d+)"',
                      page.text) == ["03390", "03430"]
    assert 'value="03388"' not in page.text  # a ward: not surveyed

    response = officer.post(f"{BASE}/edit", data=_edit_form(officer))
    assert response.status_code == 303, response.text
    stored = _stored(later)
    today = local_today()
    assert (stored.title, stored.opens_on, stored.closes_on) == (
        "Lấy ý kiến tỉnh Lai Châu 2026", today + 2 * DAY, today + 22 * DAY)
    assert (stored.min_coverage, stored.threshold, stored.item_rule, stored.item_threshold,
            stored.posting_days) == (Decimal("0.75"), Decimal("0.95"), "each", Decimal("0.9"), 12)
    (edited,) = _events(later)  # made by the fixture's service, not a page: no "created" entry
    assert edited.action == "edited" and edited.actor_username == "tinh"
    assert edited.actor_full_name == "Lò Thị Mai" and edited.actor_role == "officer"
    assert edited.actor_unit == "vn-2025:12"
    before, after = json.loads(edited.before), json.loads(edited.after)
    assert before["threshold"] == "0.9" and after["threshold"] == "0.95"
    assert before["opens_on"] == (today + 5 * DAY).isoformat()
    assert "communes" not in after  # unchanged

    history = re.sub(r"<[^>]+>", "", officer.get(MANAGE + "?lang=vi").text)
    assert "Lịch sử" in history and "Lò Thị Mai (tinh)" in history
    assert "90\u00a0% → 95\u00a0%" in history
    assert f"ngày {(today + 5 * DAY).day} tháng" in history


def test_an_edit_changes_the_communes_surveyed_and_their_counters(officer, later):  # type: ignore[no-untyped-def]
    tả_lèng = db.session.scalar(select(Unit.id).filter_by(code="03430"))
    response = officer.post(f"{BASE}/edit", data=_edit_form(officer, communes=["03390"]))
    assert response.status_code == 303, response.text
    db.session.expire_all()
    assert [c.unit.code for c in _stored(later).communes] == ["03390"]
    for table in (CommuneCounter, ItemCounter):
        assert db.session.scalar(select(table).filter_by(campaign_id=later.id, commune_id=tả_lèng)) is None
    assert json.loads(_events(later)[-1].after)["communes"] == ["03390"]

    # and back: the commune enters again with zero counters and its households
    assert officer.post(f"{BASE}/edit", data=_edit_form(officer)).status_code == 303
    db.session.expire_all()
    row = db.session.scalar(select(CampaignCommune).filter_by(campaign_id=later.id, unit_id=tả_lèng))
    assert row is not None and row.households == 25
    counter = db.session.scalar(select(CommuneCounter).filter_by(campaign_id=later.id, commune_id=tả_lèng))
    assert counter is not None and counter.respondents == 0


def test_a_commune_with_codes_stays_and_no_commune_is_refused(officer, make_campaign):  # type: ignore[no-untyped-def]
    today = local_today()
    campaign = make_campaign(codes=2, opens_on=today + 5 * DAY, closes_on=today + 30 * DAY)
    response = officer.post(f"{BASE}/edit?lang=en", data=_edit_form(officer, communes=["03390"]))
    assert response.status_code == 422
    assert "Household codes were issued for 03430" in response.text
    response = officer.post(f"{BASE}/edit?lang=en", data=_edit_form(officer, communes=[]))
    assert response.status_code == 422 and "Choose at least one commune." in response.text
    response = officer.post(f"{BASE}/edit?lang=en", data=_edit_form(officer, communes=["03390", "99999"]))
    assert response.status_code == 422
    assert len(_stored(campaign).communes) == 2 and [e.action for e in _events(campaign)] == []


@pytest.mark.parametrize(("overrides", "message"), [
    ({"opens_on": (local_today() - DAY).isoformat()}, "The opening date cannot be in the past"),
    ({"closes_on": local_today().isoformat(), "opens_on": (local_today() + 3 * DAY).isoformat()},
     "The closing date must not be before the opening date."),
    ({"closes_on": (local_today() + 400 * DAY).isoformat()}, "A campaign lasts at most one year."),
    ({"threshold": "150"}, "Number must be between 0 and 100."),
    ({"opens_on": "not a day"}, "This field is required."),
    ({"item_threshold": ""}, "Give the item threshold"),
    ({"commune_floor": "95", "communes": ["03390"]}, None),  # a floor over one commune: accepted here
    ({"title": "x" * 301}, "At most 300 characters."),
])
def test_bad_settings_are_shown_on_the_form_and_nothing_changes(officer, later, overrides, message):  # type: ignore[no-untyped-def]
    before = (later.opens_on, later.closes_on, later.threshold)
    response = officer.post(f"{BASE}/edit?lang=en", data=_edit_form(officer, **overrides))
    if message is None:  # the campaign's unit is a province: it has a per-commune floor
        assert response.status_code == 303
        return
    assert response.status_code == 422
    assert message in response.text
    stored = _stored(later)
    assert (stored.opens_on, stored.closes_on, stored.threshold) == before
    assert _events(later) == []


def test_an_open_campaign_is_not_edited(officer, campaign):  # type: ignore[no-untyped-def]
    page = officer.get(f"{BASE}/edit?lang=en")
    assert page.status_code == 409 and "only before it opens" in page.text
    token = _token(officer)
    response = officer.post(f"{BASE}/edit", data={"csrf_token": token, "title": "x"})
    assert response.status_code == 409
    assert _events(campaign) == []


def test_open_extend_close_reopen(officer, later):  # type: ignore[no-untyped-def]
    today = local_today()
    assert officer.post(f"{BASE}/open", data={"csrf_token": _token(officer)}).status_code == 303
    assert (_stored(later).opens_on, _stored(later).closes_on) == (today, today + 30 * DAY)
    submit(later, "03390")  # accepted: it is open

    # extend: only a later date
    extend = f"{BASE}/extend?lang=en"
    token = _token(officer, extend)
    earlier = officer.post(extend, data={"csrf_token": token, "closes_on": (today + 10 * DAY).isoformat()})
    assert earlier.status_code == 422 and "Choose a day after the current closing date" in earlier.text
    missing = officer.post(extend, data={"csrf_token": token, "closes_on": ""})
    assert missing.status_code == 422 and "This field is required." in missing.text
    assert officer.post(extend, data={"csrf_token": token, "closes_on": (today + 40 * DAY).isoformat(),
                                      "reason": "Thôn Nà Sài xin thêm"}).status_code == 303
    assert _stored(later).closes_on == today + 40 * DAY

    # close: the page first, then the confirmed post; the opening date stays
    confirm = officer.get(f"{BASE}/close?lang=en")
    assert confirm.status_code == 200
    assert "No more answers are accepted" in confirm.text and "final for reporting" in confirm.text
    token = csrf_token(confirm.text)
    unconfirmed = officer.post(f"{BASE}/close", data={"csrf_token": token})
    assert unconfirmed.status_code == 303 and unconfirmed.headers["Location"].endswith(f"{BASE}/close")
    assert _stored(later).closes_on == today + 40 * DAY  # not closed without the confirmation
    assert officer.post(f"{BASE}/close", data={"csrf_token": token, "confirm": "yes"}).status_code == 303
    assert (_stored(later).opens_on, _stored(later).closes_on) == (today, today - DAY)
    with pytest.raises(Refused) as refused:
        submit(later, "03390")
    assert refused.value.reason == "campaign_closed"
    db.session.rollback()
    again = officer.post(f"{BASE}/close", data={"csrf_token": token, "confirm": "yes"})
    assert again.status_code == 409

    # reopen: the reason is required, the date from today on
    reopen = f"{BASE}/reopen?lang=en"
    token = _token(officer, reopen)
    no_reason = officer.post(reopen, data={"csrf_token": token, "closes_on": (today + 5 * DAY).isoformat()})
    assert no_reason.status_code == 422 and "Say why the campaign is reopened" in no_reason.text
    past = officer.post(reopen, data={"csrf_token": token, "closes_on": (today - 2 * DAY).isoformat(),
                                      "reason": "Tỉnh đề nghị"})
    assert past.status_code == 422 and "Choose today or a later day" in past.text
    assert _stored(later).closes_on == today - DAY
    assert officer.post(reopen, data={"csrf_token": token, "closes_on": (today + 5 * DAY).isoformat(),
                                      "reason": "  Tỉnh đề nghị\nlấy thêm  "}).status_code == 303
    assert (_stored(later).opens_on, _stored(later).closes_on) == (today, today + 5 * DAY)
    submit(later, "03390")  # accepted again

    events = _events(later)
    assert [e.action for e in events] == ["opened", "extended", "closed", "reopened"]
    assert json.loads(events[0].before) == {"opens_on": (today + 5 * DAY).isoformat()}
    assert json.loads(events[2].after) == {"closes_on": (today - DAY).isoformat()}
    assert events[1].reason == "Thôn Nà Sài xin thêm" and events[3].reason == "Tỉnh đề nghị lấy thêm"
    assert {e.actor for e in events} == {"Lò Thị Mai (tinh)"}
    page = officer.get(MANAGE + "?lang=en").text
    assert page.index("Reopened") < page.index("Closing date extended") < page.index("Opened")


def test_a_campaign_that_never_opened_is_not_closed(officer, later):  # type: ignore[no-untyped-def]
    page = officer.get(f"{BASE}/close?lang=en")
    assert page.status_code == 409 and "A campaign that never opened cannot be closed." in page.text
    token = _token(officer)
    response = officer.post(f"{BASE}/close?lang=en", data={"csrf_token": token, "confirm": "yes"})
    assert response.status_code == 409 and "This campaign has not opened" in response.text
    assert (_stored(later).opens_on, _stored(later).closes_on) == (later.opens_on, later.closes_on)
    assert _events(later) == []


def test_the_manage_page_shows_what_can_be_done_in_each_state(officer, later):  # type: ignore[no-untyped-def]
    page = officer.get(MANAGE).text
    assert 'id="edit-campaign"' in page and 'id="open-campaign"' in page and 'id="close-campaign"' not in page
    officer.post(f"{BASE}/open", data={"csrf_token": _token(officer)})
    page = officer.get(MANAGE).text
    assert 'id="edit-campaign"' not in page
    assert 'id="extend-campaign"' in page and 'id="close-campaign"' in page
    assert officer.get(f"{BASE}/reopen").status_code == 409  # not closed


def test_creating_a_campaign_starts_its_history(client, units):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer", full_name="Nguyễn Văn An")
    logged_in(client, "xa-binh-lu")
    today = local_today()
    token = csrf_token(client.get("/committee/campaigns/new").text)
    response = client.post("/committee/campaigns/new", data={
        "csrf_token": token, "key": "xa-2026", "survey": "ntm-commune", "opens_on": today.isoformat(),
        "closes_on": (today + 20 * DAY).isoformat(), "min_coverage": "70", "threshold": "90",
        "household_codes": "y"})
    assert response.status_code == 303
    campaign = db.session.query(Campaign).filter_by(key="xa-2026").one()
    (created,) = _events(campaign)
    assert created.action == "created" and created.before == ""
    assert created.actor == "Nguyễn Văn An (xa-binh-lu)"
    assert json.loads(created.after)["communes"] == ["03390"]
    assert "Tạo đợt khảo sát" in client.get("/committee/campaigns/xa-2026/manage").text


def test_without_csrf_token_nothing_changes(officer, later):  # type: ignore[no-untyped-def]
    assert officer.post(f"{BASE}/open").status_code == 400
    assert officer.post(f"{BASE}/close", data={"confirm": "yes"}).status_code == 400
    assert officer.post(f"{BASE}/edit", data={"title": "x"}).status_code in (400, 422)
    assert _stored(later).opens_on == later.opens_on and _events(later) == []


# Scope: Tam Đường district (105) of the legacy tree; its sibling Phong Thổ (106); the province 12.

@pytest.fixture
def legacy(make_campaign):  # type: ignore[no-untyped-def]
    import_csv(LEGACY_CSV)
    today = local_today()
    made = {}
    for key, unit in (("own", "105"), ("prov", "12"), ("sib", "106")):
        made[key] = make_campaign(key=key, scheme="vn-legacy", unit_code=unit, codes=0,
                                  opens_on=today + 3 * DAY, closes_on=today + 20 * DAY)
    return made


@pytest.mark.parametrize("role", ["viewer", "officer", "admin"])
@pytest.mark.parametrize("key", ["own", "prov", "sib"])
def test_only_officers_of_the_campaigns_unit_or_above_see_the_pages(client, legacy, role, key):  # type: ignore[no-untyped-def]
    make_account(f"huyen-{role}", "105", role, scheme="vn-legacy")
    logged_in(client, f"huyen-{role}")
    for page in ("edit", "close", "extend", "reopen"):
        status = client.get(f"/committee/campaigns/{key}/{page}").status_code
        if key != "own" or role == "viewer":
            assert status == 403, page
        else:  # its own: the page, or 409 when the campaign is not in the state for it
            assert status == {"edit": 200, "close": 409, "extend": 409, "reopen": 409}[page], page
    manage = client.get(f"/committee/campaigns/{key}/manage").text
    assert ('id="open-campaign"' in manage) == (key == "own" and role != "viewer")


@pytest.mark.parametrize("role", ["viewer", "officer"])
@pytest.mark.parametrize("key", ["own", "prov", "sib"])
def test_only_officers_of_the_campaigns_unit_or_above_change_it(client, legacy, role, key):  # type: ignore[no-untyped-def]
    make_account(f"huyen-{role}", "105", role, scheme="vn-legacy")
    logged_in(client, f"huyen-{role}")
    token = csrf_token(client.get("/committee/").text)
    campaign = legacy[key]
    today = local_today()
    allowed = key == "own" and role == "officer"
    edit = client.post(f"/committee/campaigns/{key}/edit", data={
        "csrf_token": token, "opens_on": (today + DAY).isoformat(),
        "closes_on": (today + 9 * DAY).isoformat(),
        "min_coverage": "70", "threshold": "90", "posting_days": "10", "communes": ["03391"]})
    assert edit.status_code == (303 if allowed else 403), edit.text
    opened = client.post(f"/committee/campaigns/{key}/open", data={"csrf_token": token})
    assert opened.status_code == (303 if allowed else 403)
    for action, data in (("extend", {"closes_on": (today + 30 * DAY).isoformat()}),
                         ("close", {"confirm": "yes"})):
        response = client.post(f"/committee/campaigns/{key}/{action}", data={"csrf_token": token, **data})
        assert response.status_code == (303 if allowed else 403), action
    stored = _stored(campaign)
    if allowed:
        assert (stored.opens_on, stored.closes_on) == (today, today - DAY)
        assert [e.action for e in _events(campaign)] == ["edited", "opened", "extended", "closed"]
    else:
        assert (stored.opens_on, stored.closes_on) == (today + 3 * DAY, today + 20 * DAY)
        assert _events(campaign) == []


def test_the_campaigns_log_is_append_only(officer, later):  # type: ignore[no-untyped-def]
    officer.post(f"{BASE}/open", data={"csrf_token": _token(officer)})
    (entry,) = _events(later)
    entry.reason = "changed"
    with pytest.raises(ImmutableCampaignEvent):
        db.session.flush()
    db.session.rollback()
    db.session.delete(_events(later)[0])
    with pytest.raises(ImmutableCampaignEvent):
        db.session.flush()
    db.session.rollback()


def test_postgresql_refuses_changes_to_the_campaigns_log(officer, later):  # type: ignore[no-untyped-def]
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from ..skips import postgresql_only

    postgresql_only("database triggers exist on PostgreSQL only")
    officer.post(f"{BASE}/open", data={"csrf_token": _token(officer)})
    for statement in ("UPDATE campaign_events SET reason = 'x'", "DELETE FROM campaign_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert [e.action for e in _events(later)] == ["opened"]
