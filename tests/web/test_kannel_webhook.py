"""The Kannel webhooks through the test client: who may call them, what they accept, idempotency,
and delivery reports. (tests/system/test_kannel.py runs the same paths through a real Kannel.)"""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from feedback_app.adapters.kannel import KannelSender, dlr_signature
from feedback_app.adapters.sms import SmsError
from feedback_app.config import load_config
from feedback_app.deployment import ConfigError
from feedback_app.extensions import db
from feedback_app.models import Response, SmsConversation, SmsInbound, SmsNumber
from feedback_app.services.sms.numbers import hash_of

from ..committee_support import logged_in, make_account
from ..support import codes_of

SECRET = "kannel-test-secret-0123456789"
PHONE = "84912345678"


@pytest.fixture
def kannel(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setitem(app.config, "KANNEL_MO_SECRET", SECRET)
    sender = app.extensions["sms_sender"]
    sender.reset()
    return sender


def _auth(secret: str = SECRET) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"kannel:{secret}".encode()).decode()}


def _mo(client: Any, text: str, message_id: str | None = None, secret: str = SECRET,
        address: str = "127.0.0.1", **extra: str) -> Any:
    params = {"id": message_id or str(uuid.uuid4()), "from": PHONE, "to": "8079", "text": text,
              "coding": "0", "charset": "UTF-8", **extra}
    return client.get("/sms/kannel", query_string=params, headers=_auth(secret),
                      environ_base={"REMOTE_ADDR": address})


def _sent(app: Flask, sender: Any) -> list[str]:
    app.extensions["task_queue"].join()  # the replies go out after the commit, from the queue
    return [message.body for message in sender.sent]


def _count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_an_inbound_message_is_answered_through_the_sender_after_the_commit(client, app, campaign, kannel):
    code = codes_of(campaign)[0]
    answer = _mo(client, f"HL {code}")
    assert answer.status_code == 200 and answer.get_data() == b""
    [reply] = _sent(app, kannel)
    assert "1/20" in reply
    assert kannel.sent[0].to == PHONE
    assert _count(SmsConversation) == 1


def test_a_message_delivered_again_records_nothing_twice_and_gets_the_same_reply(client, app, campaign,
                                                                                 kannel):
    code = codes_of(campaign)[0]
    message_id = str(uuid.uuid4())
    compact = f"HL {code} " + "1 " * 20
    _mo(client, compact, message_id)
    _mo(client, compact, message_id)
    first, again = _sent(app, kannel)
    assert first == again and first.startswith("Cam on")
    assert _count(Response) == 1 and _count(SmsInbound) == 1
    assert db.session.scalar(select(SmsInbound.message_sid)) == "kannel-" + message_id


@pytest.mark.parametrize(("secret", "address"), [
    ("wrong-secret-0123456789", "127.0.0.1"),
    ("", "127.0.0.1"),
    (SECRET, "10.20.30.40"),  # the right secret from an address outside KANNEL_ALLOWED_ADDRESSES
])
def test_refused_without_the_secret_or_from_elsewhere_and_nothing_is_stored(client, app, campaign, kannel,
                                                                            secret, address):
    answer = _mo(client, codes_of(campaign)[0], secret=secret, address=address)
    assert answer.status_code == 403
    assert _sent(app, kannel) == [] and _count(SmsInbound) == 0 and _count(SmsConversation) == 0


def test_without_a_configured_secret_everything_is_refused(client, app, campaign, monkeypatch):
    monkeypatch.setitem(app.config, "KANNEL_MO_SECRET", None)
    assert _mo(client, codes_of(campaign)[0], secret="").status_code == 403


def test_missing_fields_get_a_400_naming_them(client, app, kannel):
    answer = client.get("/sms/kannel", query_string={"text": "1"}, headers=_auth())
    assert answer.status_code == 400
    assert _count(SmsInbound) == 0


def test_a_ucs2_message_without_mo_recode_is_read_from_its_bytes(client, app, campaign, kannel):
    code = codes_of(campaign)[0]
    _mo(client, code)
    raw = "Không hài lòng".encode("utf-16-be")
    query = ("id=" + str(uuid.uuid4()) + f"&from={PHONE}&to=8079&coding=2&charset=UTF-16BE&text="
             + "".join(f"%{b:02X}" for b in raw))
    answer = client.get("/sms/kannel?" + query, headers=_auth())
    assert answer.status_code == 200
    _sent(app, kannel)
    assert db.session.scalar(select(SmsConversation.answers)) == [2]


def _report(client: Any, kind: int, to: str = PHONE, sig: str | None = None,
            address: str = "127.0.0.1") -> Any:
    ref = uuid.uuid4().hex
    params = {"ref": ref, "to": to, "sig": sig or dlr_signature(SECRET, ref, to), "type": str(kind),
              "answer": "NACK/0x0000000b/Invalid Destination Address"}
    return client.get("/sms/kannel/status", query_string=params, environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize("kind", [2, 16])
def test_a_permanent_failure_marks_the_number(client, app, kannel, kind):
    assert _report(client, kind).status_code == 200
    assert db.session.scalar(select(SmsNumber.opted_out).filter_by(number_hash=hash_of(PHONE))) is True


@pytest.mark.parametrize("kind", [1, 4, 8])
def test_a_delivered_or_queued_report_changes_nothing(client, app, kannel, kind):
    assert _report(client, kind).status_code == 200
    assert _count(SmsNumber) == 0


def test_a_report_with_a_wrong_signature_or_from_elsewhere_is_refused(client, app, kannel):
    assert _report(client, 16, sig="0" * 64).status_code == 403
    assert _report(client, 16, address="192.0.2.1").status_code == 403
    another_number = dlr_signature(SECRET, "0" * 32, PHONE)  # a signature made for another report
    assert _report(client, 16, to="84900000000", sig=another_number).status_code == 403
    assert _count(SmsNumber) == 0


def test_the_sender_asks_for_reports_at_a_signed_url_and_words_refusals(monkeypatch):
    calls: list[dict[str, str]] = []

    class Answer:
        def __init__(self, status: int, text: str) -> None:
            self.status_code, self.text = status, text

    sender = KannelSender("http://127.0.0.1:1/cgi-bin/sendsms", "u", "p", "8079", SECRET,
                          "https://khaosat.example.vn/sms/kannel/status", 19)
    answers = [Answer(202, "0: Accepted for delivery"), Answer(403, "Authorization failed for sendsms"),
               Answer(503, "Temporary failure")]
    monkeypatch.setattr(sender._http, "get", lambda url, params, timeout: (calls.append(params),
                                                                           answers.pop(0))[1])
    reference = sender.send(PHONE, "Cau 1/20")
    params = calls[0]
    assert params["from"] == "8079" and params["dlr-mask"] == "19"
    assert params["dlr-url"].startswith(f"https://khaosat.example.vn/sms/kannel/status?ref={reference}&")
    assert dlr_signature(SECRET, reference, PHONE) in params["dlr-url"]
    assert params["dlr-url"].endswith("&type=%d&answer=%A")
    with pytest.raises(SmsError) as refused:
        sender.send(PHONE, "x")
    assert not refused.value.transient and "Authorization failed" in str(refused.value)
    with pytest.raises(SmsError) as busy:
        sender.send(PHONE, "x")
    assert busy.value.transient
    sender.close()


KANNEL_SETTINGS = {"SMS_BACKEND": "kannel", "KANNEL_SENDSMS_URL": "http://127.0.0.1:13013/cgi-bin/sendsms",
                   "KANNEL_USERNAME": "u", "KANNEL_PASSWORD": "p", "KANNEL_FROM": "8079",
                   "KANNEL_MO_SECRET": SECRET, "DATABASE_URL": "sqlite://"}


def test_kannel_settings_that_work_are_accepted(tmp_path):
    config = load_config(tmp_path, dict(KANNEL_SETTINGS, KANNEL_ALLOWED_ADDRESSES="10.0.0.5, 10.1.0.0/24"))
    assert [str(n) for n in config["KANNEL_ALLOWED_NETWORKS"]] == ["10.0.0.5/32", "10.1.0.0/24"]


@pytest.mark.parametrize(("change", "message"), [
    ({"KANNEL_MO_SECRET": ""}, "needs KANNEL_MO_SECRET"),
    ({"KANNEL_SENDSMS_URL": "", "KANNEL_FROM": ""}, "needs KANNEL_SENDSMS_URL, KANNEL_FROM"),
    ({"KANNEL_MO_SECRET": "short"}, "at least 16 characters"),
    ({"KANNEL_ALLOWED_ADDRESSES": "10.0.0.0/33"}, "'10.0.0.0/33' is not an address"),
    ({"KANNEL_ALLOWED_ADDRESSES": " "}, "needs KANNEL_ALLOWED_ADDRESSES"),
    ({"KANNEL_SENDSMS_URL": "127.0.0.1:13013"}, "http:// or https://"),
])
def test_kannel_backend_refuses_to_start_with_settings_that_cannot_work(tmp_path, change, message):
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path, dict(KANNEL_SETTINGS, **change))


def test_a_sender_over_the_limit_is_dropped_with_an_empty_200(client, app, campaign, kannel, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_SMS", "2 per minute")
    for _ in range(2):
        assert _mo(client, "HL").status_code == 200
    flooded = _mo(client, "HL")
    assert flooded.status_code == 200 and flooded.get_data() == b""
    assert len(_sent(app, kannel)) == 2 and _count(SmsInbound) == 2


def test_slips_and_posters_name_the_short_code(app, client, campaign, monkeypatch):
    make_account("xa-binh-lu", "03390", "officer")
    logged_in(client, "xa-binh-lu")
    monkeypatch.setitem(app.config, "SMS_BACKEND", "kannel")
    monkeypatch.setitem(app.config, "KANNEL_FROM", "8079")
    slips = client.get("/committee/campaigns/test-campaign/communes/03390/slips?lang=en").text
    assert slips.count("send HL and the code above to 8079.") == 3
    poster = client.get("/committee/campaigns/test-campaign/communes/03390/poster?lang=en").text
    assert "Send HL 03390 to 8079" in poster
