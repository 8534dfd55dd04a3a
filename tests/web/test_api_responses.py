"""POST /api/v1/responses: the contract the offline PWA relies on."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from feedback_app.domain.codes import generate_code
from feedback_app.extensions import db
from feedback_app.models import CommuneCounter, Response

from ..support import all_answers, codes_of, past

URL = "/api/v1/responses"


def _responses() -> int:
    return db.session.scalar(select(func.count(Response.id)))


def _body(cp, **fields):  # type: ignore[no-untyped-def]
    """A submission through the commune's open link; fields set to None are left out."""
    body = {"uuid": str(uuid.uuid4()), "campaign": cp.key, "commune": "03390",
            "answers": all_answers(cp)}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def test_submission_is_recorded_and_counted(client, campaign):
    body = _body(campaign, comment="Đường ra đồng còn lầy lội")
    sent = client.post(URL, json=body)
    assert sent.status_code == 201
    assert sent.get_json() == {"uuid": body["uuid"], "status": "recorded", "campaign": campaign.key,
                               "commune": "03390"}
    response = db.session.scalar(select(Response))
    assert (response.channel, response.comment) == ("web", "Đường ra đồng còn lầy lội")
    assert db.session.scalar(select(func.sum(CommuneCounter.respondents))) == 1


def test_replaying_the_same_uuid_returns_200_and_adds_no_row(client, campaign):
    body = _body(campaign, household_code=codes_of(campaign, "03430")[0], campaign=None, commune=None)
    first = client.post(URL, json=body)
    again = client.post(URL, json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert first.get_json()["commune"] == "03430"
    assert _responses() == 1
    assert db.session.scalar(select(func.sum(CommuneCounter.respondents))) == 1


def test_the_same_uuid_with_other_answers_is_a_conflict(client, campaign):
    body = _body(campaign)
    assert client.post(URL, json=body).status_code == 201
    changed = client.post(URL, json=dict(body, answers=all_answers(campaign, 2)))
    assert changed.status_code == 409
    assert changed.get_json()["reason"] == "uuid_conflict"
    assert changed.get_json()["message"]
    assert _responses() == 1


def test_a_used_household_code_is_a_conflict(client, campaign):
    code = codes_of(campaign)[0]
    assert client.post(URL, json={"uuid": str(uuid.uuid4()), "household_code": code,
                                  "answers": all_answers(campaign)}).status_code == 201
    second = client.post(URL, json={"uuid": str(uuid.uuid4()), "household_code": code,
                                    "answers": all_answers(campaign)})
    assert second.status_code == 409 and second.get_json()["reason"] == "code_used"


@pytest.mark.parametrize(("dates", "reason"), [
    ((past(10), past(2)), "campaign_closed"),
    ((past(-2), past(-10)), "campaign_not_open"),
])
def test_closed_and_not_yet_open_campaigns_are_refused(make_campaign, client, dates, reason):
    campaign = make_campaign(opens_on=dates[0], closes_on=dates[1])
    refused = client.post(URL, json=_body(campaign))
    assert refused.status_code == 403
    assert refused.get_json()["reason"] == reason
    assert _responses() == 0


def test_a_campaign_without_open_link_refuses_commune_submissions(make_campaign, client):
    campaign = make_campaign(open_link=False)
    refused = client.post(URL, json=_body(campaign))
    assert (refused.status_code, refused.get_json()["reason"]) == (403, "channel_closed")


@pytest.mark.parametrize(("fields", "reason"), [
    ({"campaign": "no-such-campaign"}, "unknown_campaign"),
    ({"commune": "99999"}, "unknown_commune"),
    ({"household_code": generate_code(), "campaign": None, "commune": None}, "code_unknown"),
])
def test_unknown_campaign_commune_or_code_is_404(client, campaign, fields, reason):
    body = _body(campaign, **fields)
    refused = client.post(URL, json=body)
    assert refused.status_code == 404
    assert refused.get_json()["reason"] == reason


def test_malformed_json_is_400(client, campaign):
    sent = client.post(URL, data='{"uuid": "x", ', content_type="application/json")
    assert sent.status_code == 400
    assert sent.get_json()["reason"] == "malformed_json"
    assert sent.is_json


def test_bad_fields_are_422_with_errors_per_field(client, campaign):
    answers = all_answers(campaign)
    del answers["c05"]
    answers["c02"] = 7
    answers["c03"] = "1"
    sent = client.post(URL, json={"uuid": "not-a-uuid", "campaign": campaign.key, "commune": "03390",
                                  "answers": answers}, headers={"Accept-Language": "en"})
    assert sent.status_code == 422
    body = sent.get_json()
    assert body["reason"] == "invalid"
    assert body["errors"] == {"uuid": ["Not a valid UUID."], "answers.c03": ["Not a valid integer."]}

    answers["c03"] = 1
    sent = client.post(URL, json=_body(campaign, answers=answers, comment="x" * 1001),
                       headers={"Accept-Language": "en"})
    assert sent.status_code == 422
    assert sent.get_json()["errors"] == {
        "answers.c02": ["This is not one of the answers this question offers."],
        "answers.c05": ["Please choose an answer."],
        "comment": ["The comment is too long: at most 1000 characters."],
    }
    assert _responses() == 0


def test_who_answers_must_be_given(client, campaign):
    sent = client.post(URL, json={"uuid": str(uuid.uuid4()), "answers": all_answers(campaign)},
                       query_string={"lang": "en"})
    assert sent.status_code == 422
    message = "Give a household code, or a campaign and a commune."
    assert sent.get_json()["errors"] == {"campaign": [message], "commune": [message]}
    missing = client.post(URL, json={"campaign": campaign.key}, query_string={"lang": "en"})
    assert missing.get_json()["errors"]["uuid"] == ["Missing data for required field."]
    assert missing.get_json()["errors"]["answers"] == ["Missing data for required field."]


def test_a_mistyped_household_code_is_a_field_error(client, campaign):
    code = codes_of(campaign)[0]
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    sent = client.post(URL, json={"uuid": str(uuid.uuid4()), "household_code": wrong,
                                  "answers": all_answers(campaign)})
    assert sent.status_code == 422
    assert list(sent.get_json()["errors"]) == ["household_code"]


def test_messages_are_vietnamese_by_default_and_english_on_request(client, campaign):
    body = _body(campaign, commune="99999")
    vietnamese = client.post(URL, json=body).get_json()["message"]
    assert vietnamese.startswith("Đường dẫn này không dẫn đến cuộc khảo sát nào.")
    english = client.post(URL, json=body, headers={"Accept-Language": "en-US,en;q=0.9"}).get_json()
    assert english["message"].startswith("This link does not lead to a survey.")
    assert client.post(URL + "?lang=en", json=body).get_json()["message"] == english["message"]
    french = client.post(URL, json=body, headers={"Accept-Language": "fr"}).get_json()
    assert french["message"] == vietnamese
    assert "Set-Cookie" not in client.post(URL + "?lang=en", json=body).headers


def test_other_content_types_and_large_bodies_get_json_errors(client, campaign):
    form = client.post(URL, data={"uuid": "x"})
    assert (form.status_code, form.get_json()["reason"]) == (415, "unsupported_media_type")
    huge = client.post(URL, json=_body(campaign, comment="x" * 300_000))
    assert huge.status_code == 413 and huge.get_json()["reason"] == "too_large"


def test_api_errors_are_json_and_html_pages_stay_html(client, campaign):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.is_json
    assert missing.get_json()["reason"] == "not_found"
    wrong_method = client.get(URL)
    assert wrong_method.status_code == 405 and wrong_method.get_json()["reason"] == "method_not_allowed"
    assert "POST" in wrong_method.headers["Allow"]
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_submissions_need_no_csrf_token(app, campaign):
    before = app.config.get("WTF_CSRF_ENABLED", True)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        sent = app.test_client().post(URL, json=_body(campaign))
    finally:
        app.config["WTF_CSRF_ENABLED"] = before
    assert sent.status_code == 201


def test_closing_date_is_inclusive(make_campaign, client):
    campaign = make_campaign(opens_on=past(3), closes_on=past(0))
    assert client.post(URL, json=_body(campaign)).status_code == 201


def test_unexpected_failures_are_json_too(app, client, campaign, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from feedback_app.web.api import catalogue

    def broken(*_):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug")

    def database_down(*_):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(catalogue.catalogue, "list_campaigns", broken)
    failed = client.get("/api/v1/campaigns")
    assert failed.status_code == 500 and failed.get_json()["reason"] == "internal_error"
    monkeypatch.setattr(catalogue.catalogue, "list_campaigns", database_down)
    busy = client.get("/api/v1/campaigns")
    assert busy.status_code == 503 and busy.get_json()["reason"] == "unavailable"
    assert busy.headers["Retry-After"] == "30"


def _with_raw_overall(cp, literal: str) -> str:  # type: ignore[no-untyped-def]
    """A JSON submission whose overall answer is written as `literal` (json.dumps cannot)."""
    import json

    return json.dumps(_body(cp)).replace('"overall": 1', f'"overall": {literal}')


@pytest.mark.parametrize(("name", "raw"), [
    ("nested 100,000 levels", '{"answers": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ("nested 17 levels", '{"answers": ' + "[" * 17 + "]" * 17 + "}"),
    ("a 5,000-digit number", "5000 digits"),
    ("a number too large for a float", "1e999999"),
    ("NaN", "NaN"),
])
def test_deep_nesting_and_huge_numbers_are_422_and_nothing_is_stored(client, campaign, name, raw):
    if not raw.startswith("{"):
        raw = _with_raw_overall(campaign, "1" + "0" * 4999 if raw == "5000 digits" else raw)
    sent = client.post(URL, data=raw, content_type="application/json",
                       headers={"Accept-Language": "en"})
    assert sent.status_code == 422, sent.get_data(as_text=True)[:300]
    body = sent.get_json()
    assert body["reason"] == "invalid"
    assert body["errors"]["_schema"][0].startswith(("The JSON body is nested too deeply: at most 16",
                                                    "A number in the JSON body is too long"))
    assert _responses() == 0


def test_brackets_inside_strings_and_usual_numbers_are_not_refused(client, campaign):
    """The bounds count structure, not text: a comment full of brackets is an ordinary answer."""
    body = _body(campaign, comment='[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{ \\" ]]]] "')
    assert client.post(URL, json=body).status_code == 201
    assert _responses() == 1


@pytest.mark.parametrize("junk", ["{code}x", "HL {code}", "{code}\x00", "l{code}"])
def test_a_household_code_with_other_characters_is_mistyped(client, campaign, junk):
    """Digits and separators only: a letter or a control character around the digits of an issued
    code used to be dropped, and the answer recorded."""
    code = codes_of(campaign, "03430")[0]
    sent = client.post(URL, json=_body(campaign, household_code=junk.format(code=code),
                                       campaign=None, commune=None))
    assert sent.status_code == 422
    assert "household_code" in sent.get_json()["errors"]
    assert _responses() == 0
