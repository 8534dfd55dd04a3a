"""One phone cannot flood the SMS webhook: messages over RATELIMIT_SMS are dropped, per sender."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import SmsInbound

from ..sms_support import INBOUND, Phone, new_sid, signed_post
from ..support import TWILIO_AUTH_TOKEN, codes_of


@pytest.fixture
def sms_limit(app):
    saved = app.config["RATELIMIT_SMS"]
    app.config["RATELIMIT_SMS"] = "3 per hour"
    yield
    app.config["RATELIMIT_SMS"] = saved


def _messages() -> int:
    return db.session.scalar(select(func.count()).select_from(SmsInbound))


def test_a_flooding_phone_gets_an_empty_twiml_and_nothing_is_stored(client, campaign, sms_limit):
    flood, other = Phone(client, "+84912000001"), Phone(client, "+84912000002")
    code = codes_of(campaign)[0]
    assert [flood.send(body).status for body in (f"HL {code}", "1", "1")] == [200, 200, 200]
    assert all(flood.send("1").messages == [] for _ in range(2))  # dropped: no reply
    blocked = signed_post(client, INBOUND, {"MessageSid": new_sid(), "From": "+84912000001",
                                            "Body": "1"})
    assert blocked.status_code == 200
    assert blocked.mimetype == "application/xml"
    assert blocked.get_data(as_text=True).endswith("<Response />")
    stored = _messages()
    # Another phone is not affected, and the flood left nothing in the database.
    assert other.send("HL").messages
    assert _messages() == stored + 1


def test_unsigned_posts_do_not_use_up_a_households_allowance(client, campaign, sms_limit):
    for _ in range(5):
        forged = client.post(INBOUND, data={"MessageSid": new_sid(), "From": "+84912000003",
                                            "Body": "HL"},
                             headers={"X-Twilio-Signature": "forged"})
        assert forged.status_code == 403
    assert signed_post(client, INBOUND, {"MessageSid": new_sid(), "From": "+84912000003",
                                         "Body": "HL"}, TWILIO_AUTH_TOKEN).status_code == 200
    assert Phone(client, "+84912000003").send("HL").messages  # still answered


def test_the_limit_counts_the_number_not_how_it_is_written(client, campaign, sms_limit):
    for number in ("+84912000004", "0912000004", "84912000004"):
        assert Phone(client, number).send("HL").messages
    assert Phone(client, "+84 91 200 0004").send("HL").messages == []
