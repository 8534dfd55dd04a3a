"""Open commune links: honest texts, a per-phone guard against the same browser answering twice
(refused kindly, with the way to answer for another household), and the dashboard's answers by
kind. The guard is web/device.py's signed cookie (static/js/app.js adds a localStorage marker)."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Response
from feedback_app.services.indices.answer_kinds import answer_kinds
from feedback_app.services.responses.record import Channel
from feedback_app.web import device

from ..committee_support import logged_in, make_account
from ..indices_support import submit
from ..support import all_answers, codes_of, form_fields

LINK = "/c/test-campaign/03390"


def _answer_form(html: str, value: str = "1") -> dict[str, str]:
    data = form_fields(html)
    for name in sorted(set(re.findall(r'name="(q_\w+)"', html))):
        data[name] = value
    return data


def _responses() -> int:
    return db.session.scalar(select(func.count(Response.id)))


def _refusal_shown(html: str) -> bool:
    shown = r'<section id="answered-before" class="card saved"[^>]*aria-labelledby="answered-before-title">'
    return bool(re.search(shown, html))


def test_a_second_answer_from_one_phone_is_refused_kindly_and_another_household_may_answer(client, campaign):
    first = client.get(f"{LINK}?lang=en")
    assert "It cannot check who answers, so its answers are counted apart" in first.text
    assert not _refusal_shown(first.text) and 'id="answered-before"' in first.text  # there, hidden
    sent = client.post(LINK, data=_answer_form(first.text))
    assert sent.status_code == 303
    assert device.COOKIE in sent.headers["Set-Cookie"] and "HttpOnly" in sent.headers["Set-Cookie"]

    again = client.get(f"{LINK}?lang=en")  # the QR code scanned again, on the same phone
    assert again.status_code == 200
    assert _refusal_shown(again.text)
    assert "This phone has already answered this survey" in again.text
    assert re.search(r'<form method="post" class="survey" novalidate hidden', again.text)  # no JS needed
    assert 'name="another" value="1" required' in again.text  # the explicit confirmation

    # A form kept open from before is refused too, and nothing is stored.
    refused = client.post(LINK + "?lang=en", data=_answer_form(first.text, "2") | {"rid": str(uuid.uuid4())})
    assert refused.status_code == 409
    assert _refusal_shown(refused.text)
    assert _responses() == 1

    # The same answer re-sent (a lost reply, a double tap) is still thanked, not refused.
    replay = client.post(LINK, data=_answer_form(first.text))
    assert replay.status_code == 303 and _responses() == 1

    other = client.get(f"{LINK}?lang=en&another=1")  # "I answer for another household", ticked
    assert not _refusal_shown(other.text)
    assert "You are answering for another household" in other.text
    data = _answer_form(other.text)
    assert data["another_household"] == "1"
    assert client.post(LINK, data=data).status_code == 303
    assert _responses() == 2


def test_in_vietnamese_the_refusal_says_what_to_do(client, campaign):
    client.post(LINK, data=_answer_form(client.get(LINK).text))
    page = client.get(LINK).text
    assert "Điện thoại này đã trả lời khảo sát" in page
    assert "Trả lời cho hộ khác" in page


def test_a_forged_marker_is_ignored_and_household_codes_are_not_guarded(client, campaign):
    client.set_cookie(device.COOKIE, "WyJ0ZXN0LWNhbXBhaWduIl0.forged")
    assert not _refusal_shown(client.get(LINK).text)
    client.post(LINK, data=_answer_form(client.get(LINK).text))
    code = codes_of(campaign, "03390")[0]
    html = client.get(f"/h/{code}").text
    assert 'id="answered-before"' not in html
    assert client.post(f"/h/{code}", data=_answer_form(html)).status_code == 303


def test_the_api_marks_the_browser_and_asks_for_another_household(client, campaign):
    def post(**extra):  # type: ignore[no-untyped-def]
        body = {"uuid": str(uuid.uuid4()), "campaign": "test-campaign", "commune": "03390",
                "answers": all_answers(campaign)} | extra
        return body, client.post("/api/v1/responses?lang=en", json=body)

    body, first = post()
    assert first.status_code == 201
    assert any(c.startswith(f"{device.COOKIE}=") for c in first.headers.getlist("Set-Cookie"))
    _, second = post()
    assert second.status_code == 409
    assert second.json["reason"] == "device_answered"
    assert "If another household uses this phone" in second.json["message"]
    assert client.post("/api/v1/responses", json=body).status_code == 200  # the queue re-sending
    _, third = post(another_household=True)
    assert third.status_code == 201
    assert _responses() == 2


def test_answers_by_kind_count_and_rate_each_kind(campaign):
    codes = codes_of(campaign, "03390")
    submit(campaign, code=codes[0], value=1)
    submit(campaign, code=codes[1], value=2, channel=Channel.ASSISTED)
    for value in (1, 1, 2):
        submit(campaign, "03390", value=value)
    submit(campaign, "03430", value=1)
    db.session.commit()
    binh_lu = [c.unit_id for c in campaign.communes if c.unit.code == "03390"]
    kinds = answer_kinds(campaign, binh_lu)
    code, link = kinds.household_code, kinds.open_link
    assert (code.answers, code.satisfied, code.valid) == (2, 1, 2)
    assert (link.answers, link.satisfied, link.valid) == (3, 2, 3)
    assert kinds.total == 5
    everywhere = answer_kinds(campaign, [c.unit_id for c in campaign.communes])
    assert everywhere.open_link.answers == 4
    assert answer_kinds(campaign, []).total == 0


def test_the_dashboard_shows_the_two_kinds_apart(client, campaign):
    submit(campaign, code=codes_of(campaign, "03390")[0], value=1)
    for value in (1, 2):
        submit(campaign, "03390", value=value)
    db.session.commit()
    make_account("tinh", "12", "viewer")
    page = logged_in(client, "tinh").get("/committee/campaigns/test-campaign/units/12?lang=en").text
    section = re.search(r'id="answer-kinds">(.*?)</section>', page, re.S).group(1)

    def cells(kind: str) -> list[str]:
        row = re.search(rf'<tr data-kind="{kind}">(.*?)</tr>', section, re.S).group(1)
        return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]

    assert cells("household_code") == ["1", "33.3%", "100.0% (1 of 1 valid answers)"]
    assert cells("open_link") == ["2", "66.7%", "50.0% (1 of 2 valid answers)"]


def test_poster_and_campaign_form_say_what_an_open_link_is_for(app, client, campaign):
    make_account("xa-binh-lu", "03390", "officer")
    logged_in(client, "xa-binh-lu")
    poster = client.get("/committee/campaigns/test-campaign/communes/03390/poster?lang=en").text
    assert "One answer per household." not in poster  # a promise an open link cannot keep
    assert "It cannot check who answers" in poster
    make_account("tinh-officer", "12", "officer")
    form = logged_in(app.test_client(), "tinh-officer").get("/committee/campaigns/new?lang=en").text
    assert "cannot prove one answer per household" in form
    assert 'aria-describedby="open-link-hint"' in form
