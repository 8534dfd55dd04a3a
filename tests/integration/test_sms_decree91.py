"""Decree 91 on invitations: only inside the sending window (Vietnam time), queued outside it and
sent when it opens; at most SMS_MAX_PER_NUMBER to a number in 24 hours; the brand name first."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from feedback_app.adapters.queue import InProcessQueue, RQQueue
from feedback_app.clock import VIETNAM
from feedback_app.extensions import db
from feedback_app.models import SmsNumberSend
from feedback_app.services.sms import sending
from feedback_app.services.sms.invites import send_invitation

from ..skips import require_redis

NUMBER = "+84912345678"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now.astimezone(UTC)


class RecordingQueue(InProcessQueue):
    """The in-process queue, with deferred jobs kept for the test to run when it chooses."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.deferred: list[tuple[datetime, Any, tuple[Any, ...]]] = []

    def enqueue_at(self, when: datetime, func: Any, *args: Any, description: str) -> None:
        self.deferred.append((when, func, args))


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    clock = Clock(datetime(2026, 12, 2, 23, 30, tzinfo=VIETNAM))
    monkeypatch.setattr("feedback_app.services.sms.invites.utcnow", clock)
    monkeypatch.setattr("feedback_app.services.sms.sending.utcnow", clock)
    return clock


@pytest.fixture
def decree91(app, monkeypatch, clock):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "SMS_SEND_WINDOW", "07:00-22:00")
    monkeypatch.setitem(app.config, "SMS_MAX_PER_NUMBER", 3)
    queue = RecordingQueue(app)
    monkeypatch.setitem(app.extensions, "task_queue", queue)
    outbox = app.extensions["sms_sender"]
    outbox.reset()
    yield queue, outbox
    outbox.reset()


def test_outside_the_window_an_invitation_waits_and_goes_when_it_opens(decree91, clock):
    queue, outbox = decree91
    assert send_invitation(NUMBER, "Moi tra loi", 100, "run-1") == "deferred"
    assert outbox.sent == []
    (when, job, args), = queue.deferred
    assert when == datetime(2026, 12, 3, 7, 0, tzinfo=VIETNAM)
    clock.now = when
    assert job(*args) == "sent"
    assert [m.body for m in outbox.sent] == ["Moi tra loi"]
    assert queue.progress("run-1").snapshot() == {"deferred": 1, "sent": 1}


def test_a_fourth_invitation_in_24_hours_waits_for_the_first_to_age(decree91, clock):
    queue, outbox = decree91
    sent_at = [datetime(2026, 12, 3, hour, tzinfo=VIETNAM) for hour in (8, 9, 10)]
    for moment in sent_at:
        clock.now = moment
        assert send_invitation(NUMBER, "x", 100, "run") == "sent"
    clock.now = datetime(2026, 12, 3, 11, tzinfo=VIETNAM)
    assert send_invitation("+84987654321", "x", 100, "run") == "sent"  # another number: free
    assert send_invitation(NUMBER, "x", 100, "run") == "deferred"
    assert queue.deferred[-1][0] == datetime(2026, 12, 4, 8, tzinfo=VIETNAM)
    clock.now = datetime(2026, 12, 4, 8, 0, 1, tzinfo=VIETNAM)
    assert send_invitation(NUMBER, "x", 100, "run") == "sent"
    # only the sends of the last 24 hours are kept: the first one is gone
    assert db.session.scalar(select(func.count()).select_from(SmsNumberSend)) == 4
    clock.now += timedelta(days=2)
    assert sending.forget_old_sends() == 4
    assert len(outbox.sent) == 5


def test_without_rules_invitations_go_at_any_hour(app, monkeypatch, clock):
    monkeypatch.setitem(app.config, "SMS_SEND_WINDOW", "")
    monkeypatch.setitem(app.config, "SMS_MAX_PER_NUMBER", 0)
    for _ in range(5):
        assert send_invitation(NUMBER, "x", 100, "run") == "sent"
    assert db.session.scalar(select(func.count()).select_from(SmsNumberSend)) == 0


def test_rq_keeps_a_deferred_invitation_scheduled_for_the_opening(app, monkeypatch, clock):
    from rq.registry import ScheduledJobRegistry

    redis_url = require_redis()
    queue = RQQueue(redis_url, f"test-feedback-sms-{uuid.uuid4().hex}")
    monkeypatch.setitem(app.extensions, "task_queue", queue)
    monkeypatch.setitem(app.config, "SMS_SEND_WINDOW", "07:00-22:00")
    try:
        assert send_invitation(NUMBER, "x", 100, "run") == "deferred"
        registry = ScheduledJobRegistry(queue=queue.queue)
        (job_id,) = registry.get_job_ids()
        scheduled = registry.get_scheduled_time(job_id)
        assert scheduled.astimezone(VIETNAM) == datetime(2026, 12, 3, 7, tzinfo=VIETNAM)
    finally:
        queue.queue.delete(delete_jobs=True)
        for key in queue.redis.scan_iter(f"{queue.name}*"):
            queue.redis.delete(key)
        for key in queue.redis.scan_iter(f"rq:scheduled:{queue.name}*"):
            queue.redis.delete(key)


def test_a_malformed_window_stops_the_start(monkeypatch, tmp_path):
    from feedback_app.config import load_config

    monkeypatch.setenv("SMS_SEND_WINDOW", "22:00-07:00")
    with pytest.raises(RuntimeError, match="SMS_SEND_WINDOW"):
        load_config(tmp_path)
