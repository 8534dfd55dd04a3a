"""Decree 91's rules as settings: a daily sending window in Vietnam time, at most N a number in
24 hours; and Twilio's alphanumeric sender ID (a registered brand name)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from feedback_app.adapters.sms import ALPHANUMERIC_SENDER, build_sender
from feedback_app.clock import VIETNAM
from feedback_app.domain.sms.sending import SendWindow, due_time

WINDOW = SendWindow(time(7), time(22))


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=VIETNAM)


def test_window_is_parsed_from_its_setting():
    assert SendWindow.parse("07:00-22:00") == WINDOW
    assert SendWindow.parse(" 7:30 - 21:15 ") == SendWindow(time(7, 30), time(21, 15))
    assert SendWindow.parse("") is None and SendWindow.parse("always") is None
    for wrong in ("7-22", "22:00-07:00", "07:00-07:00", "25:00-26:00", "07:60-22:00"):
        with pytest.raises(ValueError):
            SendWindow.parse(wrong)


@pytest.mark.parametrize(
    ("now", "due"),
    [(vn(2, 6, 59), vn(2, 7)), (vn(2, 7), vn(2, 7)), (vn(2, 21, 59), vn(2, 21, 59)),
     (vn(2, 22), vn(3, 7)), (vn(2, 23, 30), vn(3, 7)), (vn(3, 0, 10), vn(3, 7))],
)
def test_outside_the_window_a_message_waits_for_the_next_opening(now, due):
    assert due_time(now, WINDOW, [], 3) == due


def test_a_fourth_message_in_24_hours_waits_for_the_oldest_to_age():
    sent = [vn(2, 8), vn(2, 9), vn(2, 10)]
    assert due_time(vn(2, 11), WINDOW, sent[:2], 3) == vn(2, 11)  # two so far: the third may go
    assert due_time(vn(2, 11), WINDOW, sent, 3) == vn(3, 8)
    assert due_time(vn(3, 8, 1), WINDOW, sent, 3) == vn(3, 8, 1)  # the first one is 24 h old
    late = [vn(2, 20), vn(2, 21), vn(2, 21, 30)]
    assert due_time(vn(2, 21, 45), WINDOW, late, 3) == vn(3, 20)
    assert due_time(vn(2, 21, 45), None, late, 0) == vn(2, 21, 45)  # no rules set
    night = [vn(2, 21, 58)] * 3
    assert due_time(vn(2, 22, 30), WINDOW, night, 3) == vn(3, 21, 58)
    assert due_time(vn(3, 21, 59), WINDOW, night, 3) == vn(3, 21, 59)
    assert due_time(vn(2, 23), WINDOW, [vn(1, 23)] * 3, 3) - vn(2, 23) == timedelta(hours=8)


@pytest.mark.parametrize("sender", ["MTTQLAICHAU", "MTTQ Lai Ch", "A", "Front 2026"])
def test_alphanumeric_sender_ids(sender):
    assert ALPHANUMERIC_SENDER.match(sender)


@pytest.mark.parametrize("sender", ["", "123456", "MTTQ-LAICHAU", "TOOLONGNAME12", "Mặt trận"])
def test_not_alphanumeric_sender_ids(sender):
    assert not ALPHANUMERIC_SENDER.match(sender)


def test_twilio_sends_from_the_brand_name_or_through_a_messaging_service(monkeypatch):
    calls: list[dict[str, object]] = []

    class Messages:
        def create(self, **options: object) -> object:
            calls.append(options)
            return type("Message", (), {"sid": "SM" + "0" * 32})()

    class Client:
        def __init__(self, sid: str, token: str) -> None:
            self.messages = Messages()

    monkeypatch.setattr("twilio.rest.Client", Client)
    config = {"SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t",
              "TWILIO_FROM": "+15005550006", "PUBLIC_BASE_URL": "https://x.test"}
    build_sender(config).send("+84912345678", "hi")
    build_sender({**config, "TWILIO_SENDER_ID": "MTTQLAICHAU"}).send("+84912345678", "hi")
    build_sender({**config, "TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32}).send("+8491", "hi")
    assert calls[0]["from_"] == "+15005550006" and calls[1]["from_"] == "MTTQLAICHAU"
    assert calls[2]["messaging_service_sid"] == "MG" + "1" * 32 and "from_" not in calls[2]
    assert all(c["status_callback"] == "https://x.test/sms/twilio/status" for c in calls)
    with pytest.raises(RuntimeError, match="TWILIO_SENDER_ID"):
        build_sender({**config, "TWILIO_SENDER_ID": "MTTQ-LAI-CHAU"})
