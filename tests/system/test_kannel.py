"""SMS_BACKEND=kannel end to end: a phone texts the short code through a real Kannel (bearerbox,
smsbox, and the fake SMSC as the carrier), smsbox calls the app's /sms/kannel over HTTP, the app
answers through Kannel's sendsms interface after its commit, and Kannel's delivery reports come
back to /sms/kannel/status.

The app is served by werkzeug in a thread of the test process, on the test database (so the test
reads what was recorded); Kannel runs as its own processes (tests/system/kannel_support.py).
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from feedback_app import create_app
from feedback_app.adapters.kannel import KannelSender
from feedback_app.adapters.sms import SmsError
from feedback_app.config import PROJECT_ROOT
from feedback_app.extensions import db
from feedback_app.models import Answer, Response, SmsConversation, SmsInbound, SmsNumber

from ..sms_support import enable_app_logs
from ..support import codes_of
from .kannel_support import SHORT_CODE, Kannel, Mt, free_port, kannel_binaries

pytestmark = pytest.mark.kannel
PHONE = "84912345678"  # as Vietnamese carriers' SMPP links give a sender
OTHER_PHONE = "84987654321"
WAIT = 20.0  # seconds for one reply to come back through Kannel


class GatedSender:
    """The app's Kannel sender, which can hold the replies back (to stop Kannel meanwhile) and
    remembers what it sent and what failed."""

    def __init__(self, inner: KannelSender) -> None:
        self.inner = inner
        self.name = inner.name
        self.open = threading.Event()
        self.open.set()
        self.references: list[str] = []
        self.failures: list[SmsError] = []

    def send(self, to: str, body: str) -> str:
        self.open.wait(60)
        try:
            reference = self.inner.send(to, body)
        except SmsError as exc:
            self.failures.append(exc)
            raise
        self.references.append(reference)
        return reference


class Answering:
    """The app's WSGI callable; `fail_after_handling` makes the next inbound request answer 503
    after the app handled (and committed) it, as when Kannel's request times out: smsbox then
    delivers the same message (same %I) again."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.fail_after_handling = False
        self.failed: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.fail_after_handling and environ.get("PATH_INFO") == "/sms/kannel":
            self.fail_after_handling = False
            body = self.app.wsgi_app(environ, lambda status, headers, exc_info=None: None)
            try:
                b"".join(body)
            finally:
                getattr(body, "close", lambda: None)()
            self.failed.append(environ.get("QUERY_STRING", ""))
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"try again"]
        return self.app.wsgi_app(environ, start_response)


class Rig:
    def __init__(self, kannel: Kannel, sender: GatedSender, answering: Answering) -> None:
        self.kannel, self.sender, self.answering = kannel, sender, answering

    @property
    def delivered(self) -> queue.Queue[Mt]:
        return self.kannel.delivered

    def next_mt(self, to: str, seconds: float = WAIT) -> Mt:
        try:
            mt = self.delivered.get(timeout=seconds)
        except queue.Empty:
            raise AssertionError(f"no SMS reached {to} within {seconds} s\n{self.kannel.logs()}") from None
        assert mt.receiver == to and mt.sender == SHORT_CODE, mt
        return mt

    def text(self, body: str, phone: str = PHONE) -> str:
        """Text the short code; the one reply that comes back."""
        assert self.kannel.carrier is not None
        self.kannel.carrier.send(phone, body)
        return self.next_mt(phone).text

    def silent(self, body: str, phone: str = PHONE) -> None:
        """Text the short code; the app handles it and answers nothing."""
        handled = _count(SmsInbound)
        assert self.kannel.carrier is not None
        self.kannel.carrier.send(phone, body)
        _until(lambda: _count(SmsInbound) == handled + 1, "the message to be handled")
        with pytest.raises(queue.Empty):
            self.delivered.get(timeout=1.5)


def _count(model: Any) -> int:
    db.session.rollback()  # see what the server's requests committed
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _until(condition: Callable[[], bool], what: str, seconds: float = WAIT) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def rig(app: Flask, tmp_path: Path, campaign: Any) -> Iterator[Rig]:
    kannel_binaries()  # skip (fail in CI) before anything starts when Kannel is not installed
    port, secret = free_port(), secrets.token_urlsafe(24)
    directory = tmp_path / "kannel"
    directory.mkdir()
    kannel = Kannel(directory, port, secret)
    served = create_app({
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],  # the same number hashes as the test's app
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "SURVEYS_DIR": str(PROJECT_ROOT / "surveys"),
        "REDIS_URL": None,
        "SMS_BACKEND": "kannel",
        "KANNEL_SENDSMS_URL": kannel.sendsms_url,
        "KANNEL_USERNAME": kannel.username,
        "KANNEL_PASSWORD": kannel.password,
        "KANNEL_FROM": SHORT_CODE,
        "KANNEL_MO_SECRET": secret,
        "KANNEL_ALLOWED_ADDRESSES": "127.0.0.1",
        "SMS_RETRY_BASE_SECONDS": 0.25,
        "SMS_REPLY_ATTEMPTS": 9,  # about two minutes in all
    })
    inner = served.extensions["sms_sender"]
    sender = served.extensions["sms_sender"] = GatedSender(inner)
    answering = Answering(served)
    server = make_server("127.0.0.1", port, answering, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    enable_app_logs()
    try:
        kannel.start()
        yield Rig(kannel, sender, answering)
    finally:
        kannel.stop()
        server.shutdown()
        server.server_close()
        serving.join(10)
        served.extensions["task_queue"].join()
        inner.close()
        with served.app_context():
            db.engine.dispose()


def _answers() -> dict[str, int]:
    db.session.rollback()
    return {a.item_id: a.value for a in db.session.scalars(select(Answer))}


def test_a_whole_survey_and_a_compact_reply_through_kannel(rig: Rig, campaign: Any,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="feedback_app")
    first_code, second_code = codes_of(campaign, "03390")[:2]
    first = rig.text(f"HL {first_code}")
    assert "1/20" in first and "Binh Lu" in first
    values = ["1", "2", "1", "2", "0"] + ["1"] * 15
    for number, value in enumerate(values[:-1], start=2):
        assert f"{number}/20" in rig.text(value)
    asked = rig.text(values[-1])  # after the last question, the closing "Y kien khac"
    assert "y kien khac" in asked.lower() and _count(Response) == 0
    confirmation = rig.text("K")  # no comment: the answers are recorded, and summed up
    assert "20 cau da ghi nhan: 17 hai long, 2 khong hai long, 1 khong y kien" in confirmation
    answers = _answers()
    assert answers["overall"] == 1 and answers["c01"] == 2 and answers["c04"] == 0
    assert _count(Response) == 1 and _count(SmsConversation) == 0

    compact = rig.text(f"hl {second_code} " + " ".join(["2"] * 20), phone=OTHER_PHONE)
    assert "20 cau da ghi nhan: 20 khong hai long" in compact
    assert _count(Response) == 2

    # Every reply asked for delivery reports; the fake SMSC reports each one delivered.
    def all_reported() -> bool:
        said = [r.getMessage() for r in caplog.records]
        return all(any(m.startswith(f"sms kannel-{ref} to ") and m.endswith(": delivered") for m in said)
                   for ref in rig.sender.references)

    _until(lambda: len(rig.sender.references) == 23, "sendsms to answer for every reply")
    _until(all_reported, "a delivery report for every reply")


def test_stop_start_and_a_message_delivered_again(rig: Rig, campaign: Any) -> None:
    code = codes_of(campaign)[0]
    assert "1/20" in rig.text(code)
    stopped = rig.text("STOP")
    assert "START" in stopped
    db.session.rollback()
    assert db.session.scalar(select(SmsNumber.opted_out)) is True
    rig.silent("1")  # blocked until START
    assert "1/20" not in rig.text("START")
    assert "1/20" in rig.text(code)

    # Kannel's request for the next message "times out" after the app recorded it: smsbox sends
    # the same message (the same %I) again; nothing is recorded twice, and the same reply comes.
    rig.answering.fail_after_handling = True
    handled = _count(SmsInbound)
    assert rig.kannel.carrier is not None
    rig.kannel.carrier.send(PHONE, "2")
    reply = rig.next_mt(PHONE).text
    again = rig.next_mt(PHONE).text
    assert reply == again and "2/20" in reply
    assert len(rig.answering.failed) == 1
    assert _count(SmsInbound) == handled + 1
    db.session.rollback()
    assert db.session.scalar(select(SmsConversation.answers)) == [2]
    assert "3/20" in rig.text("1")


def test_kannel_down_for_a_moment_loses_no_reply(rig: Rig, campaign: Any) -> None:
    code = codes_of(campaign)[0]
    assert "1/20" in rig.text(code)
    rig.sender.open.clear()  # hold the next replies while Kannel goes down
    handled = _count(SmsInbound)
    assert rig.kannel.carrier is not None
    rig.kannel.carrier.send(PHONE, "1")
    _until(lambda: _count(SmsInbound) == handled + 1, "the answer to be recorded")
    rig.kannel.stop()
    rig.sender.open.set()
    _until(lambda: len(rig.sender.failures) >= 2, "the reply to fail while Kannel is down")
    assert all(failure.transient for failure in rig.sender.failures)
    rig.kannel.start()
    assert "2/20" in rig.next_mt(PHONE).text  # sent once Kannel is back
    assert "3/20" in rig.text("2")
    db.session.rollback()
    assert db.session.scalar(select(SmsConversation.answers)) == [1, 2]
