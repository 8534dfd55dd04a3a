"""Decree 91's rules for invitations, against the database: when the next one to a number may go,
and the record of the ones sent (services.sms.invites' job calls both around each send)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import delete, select

from ...clock import VIETNAM, utcnow
from ...domain.sms.sending import PERIOD, SendWindow, due_time
from ...extensions import db
from ...models import SmsNumberSend


def send_window() -> SendWindow | None:
    """SMS_SEND_WINDOW (Vietnam time); ValueError with a readable message when it is malformed."""
    return SendWindow.parse(str(current_app.config.get("SMS_SEND_WINDOW") or ""))


def per_number_limit() -> int:
    return int(current_app.config.get("SMS_MAX_PER_NUMBER") or 0)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite: naive UTC


def recent_sends(hashed: str, now: datetime) -> list[datetime]:
    query = select(SmsNumberSend.sent_at).where(SmsNumberSend.number_hash == hashed,
                                                SmsNumberSend.sent_at > now - PERIOD)
    return [_aware(t) for t in db.session.scalars(query)]


def due_for(hashed: str, now: datetime | None = None) -> datetime:
    """When the next invitation to this number may be sent (`now` when it may go at once), in
    Vietnam time."""
    now = (now or utcnow()).astimezone(UTC)  # the database compares UTC times
    recent = recent_sends(hashed, now) if per_number_limit() else []
    return due_time(now.astimezone(VIETNAM), send_window(), recent, per_number_limit())


def record_send(hashed: str, now: datetime | None = None) -> None:
    """One invitation went to this number; its sends older than 24 hours are forgotten."""
    now = (now or utcnow()).astimezone(UTC)
    db.session.execute(delete(SmsNumberSend).where(SmsNumberSend.number_hash == hashed,
                                                   SmsNumberSend.sent_at <= now - PERIOD))
    if per_number_limit():
        db.session.add(SmsNumberSend(number_hash=hashed, sent_at=now))
    db.session.flush()


def forget_old_sends(now: datetime | None = None) -> int:
    """Delete every send record older than 24 hours (the retention job runs this); how many."""
    cutoff = (now or utcnow()).astimezone(UTC) - PERIOD
    result = db.session.execute(delete(SmsNumberSend).where(SmsNumberSend.sent_at <= cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
