"""Assisted collection: a signed-in cadre records households' answers for one commune."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import CommuneCounter, Response, Unit

from ..committee_support import csrf_token, logged_in, make_account
from ..support import all_answers, codes_of, mistyped_code

PAGE = "/committee/collect/test-campaign/03390"
ANSWERS = PAGE + "/answers"


def _body(cp, code, **fields):  # type: ignore[no-untyped-def]
    body = {"uuid": str(uuid.uuid4()), "household_code": code, "answers": all_answers(cp)}
    body.update(fields)
    return body


def _count() -> int:
    return db.session.scalar(select(func.count(Response.id)))


@pytest.fixture
def cadre(client, campaign):  # type: ignore[no-untyped-def]
    make_account("mttq-03390", "03390")
    return logged_in(client, "mttq-03390")


@pytest.mark.parametrize(("unit", "role", "status"), [
    ("03390", "officer", 200), ("12", "officer", 200), ("12", "admin", 200),
    ("03430", "officer", 403), ("03390", "viewer", 403),
])
def test_who_may_open_the_collect_page_and_post_answers(client, campaign, unit, role, status):
    make_account("someone", unit, role)
    logged_in(client, "someone")
    assert client.get(PAGE).status_code == status
    sent = client.post(ANSWERS, json=_body(campaign, codes_of(campaign, "03390")[0]))
    assert sent.status_code == (201 if status == 200 else 403)
    if status == 403:
        assert sent.get_json()["reason"] in ("out_of_scope", "role_too_low")
        assert _count() == 0


def test_signed_out_gets_401_json_and_the_page_asks_to_sign_in(client, campaign):
    sent = client.post(ANSWERS, json=_body(campaign, codes_of(campaign, "03390")[0]))
    assert sent.status_code == 401
    assert sent.get_json()["reason"] == "signed_out"
    assert client.get(PAGE).status_code == 302
    assert _count() == 0


def test_answers_are_recorded_as_assisted_and_counted_per_channel(cadre, campaign):
    code = codes_of(campaign, "03390")[0]
    sent = cadre.post(ANSWERS, json=_body(campaign, code, comment="Đường tốt"))
    assert sent.status_code == 201
    assert sent.get_json()["commune"] == "03390"
    response = db.session.scalar(select(Response))
    assert (response.channel, response.comment, response.household_code.code) == (
        "assisted", "Đường tốt", code)
    counter = db.session.scalar(select(CommuneCounter).join(Unit, Unit.id == CommuneCounter.commune_id)
                                .where(Unit.code == "03390"))
    assert (counter.respondents, counter.via_assisted, counter.via_web) == (1, 1, 0)


def test_replay_is_200_and_a_used_code_is_409(cadre, campaign):
    code = codes_of(campaign, "03390")[0]
    body = _body(campaign, code)
    assert cadre.post(ANSWERS, json=body).status_code == 201
    assert cadre.post(ANSWERS, json=body).status_code == 200
    used = cadre.post(ANSWERS, json=_body(campaign, code))
    assert (used.status_code, used.get_json()["reason"]) == (409, "code_used")
    conflict = cadre.post(ANSWERS, json=dict(body, answers=all_answers(campaign, 2)))
    assert (conflict.status_code, conflict.get_json()["reason"]) == (409, "uuid_conflict")
    assert _count() == 1


def test_wrong_content_type_is_415_and_nothing_is_stored(cadre, campaign):
    sent = cadre.post(ANSWERS, data={"household_code": codes_of(campaign, "03390")[0]})
    assert (sent.status_code, sent.get_json()["reason"]) == (415, "unsupported_media_type")
    assert _count() == 0


def test_bad_bodies_get_the_api_error_shapes(cadre, campaign):
    code = codes_of(campaign, "03390")[0]
    other = cadre.post(ANSWERS, json=_body(campaign, codes_of(campaign, "03430")[0]))
    assert (other.status_code, other.get_json()["reason"]) == (422, "code_other_commune")
    missing = cadre.post(ANSWERS, json=_body(campaign, code, answers={"overall": 1}))
    assert missing.status_code == 422 and "answers.c01" in missing.get_json()["errors"]
    typo = cadre.post(ANSWERS, json=_body(campaign, mistyped_code(1)))
    assert typo.status_code == 422 and "household_code" in typo.get_json()["errors"]
    no_code = cadre.post(ANSWERS, json=_body(campaign, ""))
    assert no_code.status_code == 422 and "household_code" in no_code.get_json()["errors"]
    malformed = cadre.post(ANSWERS, data="{", content_type="application/json")
    assert (malformed.status_code, malformed.get_json()["reason"]) == (400, "malformed_json")
    unknown = cadre.post("/committee/collect/nope/03390/answers", json=_body(campaign, code))
    assert (unknown.status_code, unknown.get_json()["reason"]) == (404, "unknown_campaign")
    assert _count() == 0


def test_closed_campaign_is_403(client, make_campaign):
    today = local_today()
    cp = make_campaign(closes_on=today - timedelta(days=1), opens_on=today - timedelta(days=5))
    make_account("mttq-03390", "03390")
    logged_in(client, "mttq-03390")
    sent = client.post(ANSWERS, json=_body(cp, codes_of(cp, "03390")[0]))
    assert (sent.status_code, sent.get_json()["reason"]) == (403, "campaign_closed")


def test_the_plain_form_records_assisted_answers_with_csrf(cadre, campaign):
    code = codes_of(campaign, "03390")[0]
    page = cadre.get(PAGE)
    fields = {f"q_{k}": str(v) for k, v in all_answers(campaign).items()}
    fields.update(household_code=code, rid=str(uuid.uuid4()))
    assert cadre.post(PAGE, data=fields).status_code == 400  # no CSRF token
    assert _count() == 0
    sent = cadre.post(PAGE, data=dict(fields, csrf_token=csrf_token(page.text)))
    assert sent.status_code == 303
    assert db.session.scalar(select(Response.channel)) == "assisted"
    again = cadre.get(sent.headers["Location"])
    assert "Answers recorded" in again.text or "Đã ghi" in again.text
    used = cadre.post(PAGE, data=dict(fields, rid=str(uuid.uuid4()), csrf_token=csrf_token(page.text)))
    assert used.status_code == 409 and 'name="household_code"' in used.text
    assert _count() == 1


def test_the_manage_page_links_each_commune_to_its_collect_page(cadre, campaign):
    page = cadre.get("/committee/campaigns/test-campaign/manage")
    assert page.status_code == 200
    assert f'href="{PAGE}"' in page.text
    assert "/committee/collect/test-campaign/03430" not in page.text  # not this account's commune


def test_deep_nesting_and_huge_numbers_are_422_and_nothing_is_stored(cadre, campaign):
    import json

    code = codes_of(campaign, "03390")[0]
    deep = '{"answers": ' + "[" * 50_000 + "]" * 50_000 + "}"
    huge = json.dumps(_body(campaign, code)).replace('"overall": 1', '"overall": 1' + "0" * 4999)
    assert '"overall": 1' + "0" * 10 in huge
    for raw in (deep, huge):
        sent = cadre.post(ANSWERS, data=raw, content_type="application/json")
        assert sent.status_code == 422, sent.get_data(as_text=True)[:300]
        assert sent.get_json()["reason"] == "invalid"
        assert sent.get_json()["errors"]["_schema"]
    assert _count() == 0
