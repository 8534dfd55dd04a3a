"""Law 91/2025/QH15 on personal data: deleting what the SMS channel keeps about a number, on the
number's request (XOA, or a committee typing the number) and at the end of a campaign's
retention period (a command and a daily job). Responses are never deleted: they carry no number.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import delete, exists, or_, select

from ...adapters.queue import job_app_context
from ...clock import VIETNAM, local_today, utcnow
from ...extensions import db
from ...models import (
    Campaign,
    SmsConversation,
    SmsInbound,
    SmsNumber,
    SmsNumberSend,
    SmsOpenAnswer,
)
from . import sending

log = logging.getLogger(__name__)
PURGE_HOUR = 3  # the daily job runs at 03:00 Vietnam time


@dataclass
class Deleted:
    """How many rows of each table were deleted."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + count

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        return ", ".join(f"{n} {table}" for table, n in sorted(self.counts.items())) or "nothing"


def _run(deleted: Deleted, table: str, statement: object) -> None:
    result = db.session.execute(statement)  # type: ignore[call-overload]
    deleted.add(table, int(getattr(result, "rowcount", 0) or 0))


def erase_number(hashed: str) -> Deleted:
    """Delete everything tied to a number's hash: its running conversation, its "already
    answered" marks of open-link campaigns, its invitation counts and its settings. What stays is
    the refusal itself (the hash, opted out, nothing else), so that the number gets no invitation
    again until it sends START; its responses stay, as they never named the number."""
    deleted = Deleted()
    _run(deleted, "sms_conversations",
         delete(SmsConversation).where(SmsConversation.number_hash == hashed))
    _run(deleted, "sms_open_answers",
         delete(SmsOpenAnswer).where(SmsOpenAnswer.number_hash == hashed))
    _run(deleted, "sms_number_sends",
         delete(SmsNumberSend).where(SmsNumberSend.number_hash == hashed))
    _run(deleted, "sms_numbers", delete(SmsNumber).where(SmsNumber.number_hash == hashed))
    db.session.add(SmsNumber(number_hash=hashed, opted_out=True))
    db.session.flush()
    return deleted


def default_retention_days() -> int:
    return int(current_app.config["SMS_RETENTION_DAYS"])


def retention_days(campaign: Campaign) -> int:
    days = campaign.sms_retention_days
    return default_retention_days() if days is None else days


def expired_campaigns(today: date) -> list[Campaign]:
    """Campaigns whose SMS rows are past their retention period: closed more than that many days
    before `today`."""
    closed = db.session.scalars(select(Campaign).where(Campaign.closes_on < today))
    return [c for c in closed if c.closes_on + timedelta(days=retention_days(c)) < today]


def purge(today: date | None = None) -> Deleted:
    """Delete the SMS rows past retention: those of expired campaigns (conversations, open-link
    marks, inbound message records); inbound records of no campaign (help, STOP...) and the
    settings of numbers not seen for SMS_RETENTION_DAYS (an opt-out is kept: it is the number's
    own refusal); invitation counts older than 24 hours."""
    today = today or local_today()
    deleted = Deleted()
    ids = [c.id for c in expired_campaigns(today)]
    if ids:
        _run(deleted, "sms_conversations",
             delete(SmsConversation).where(SmsConversation.campaign_id.in_(ids)))
        _run(deleted, "sms_open_answers",
             delete(SmsOpenAnswer).where(SmsOpenAnswer.campaign_id.in_(ids)))
        _run(deleted, "sms_inbound", delete(SmsInbound).where(SmsInbound.campaign_id.in_(ids)))
    cutoff = today - timedelta(days=default_retention_days())
    _run(deleted, "sms_inbound", delete(SmsInbound).where(
        SmsInbound.campaign_id.is_(None), SmsInbound.received_on < cutoff))
    running = exists().where(SmsConversation.number_hash == SmsNumber.number_hash)
    _run(deleted, "sms_numbers", delete(SmsNumber).where(
        SmsNumber.opted_out.is_(False), ~running,
        or_(SmsNumber.last_seen_on.is_(None), SmsNumber.last_seen_on < cutoff)))
    deleted.add("sms_number_sends", sending.forget_old_sends())
    db.session.flush()
    return deleted


def set_retention(campaign: Campaign, days: int | None) -> None:
    campaign.sms_retention_days = days
    db.session.flush()


def next_purge_time(now: datetime | None = None) -> datetime:
    local = (now or utcnow()).astimezone(VIETNAM)
    at = datetime.combine(local.date(), time(PURGE_HOUR), tzinfo=VIETNAM)
    return at if at > local else at + timedelta(days=1)


def purge_job() -> Deleted:
    """The daily job (RQ, scheduled by `flask --app wsgi worker`): purge, commit, schedule the
    next run."""
    with job_app_context():
        try:
            deleted = purge()
            db.session.commit()
            log.info("sms retention: deleted %s", deleted.describe())
            return deleted
        finally:
            db.session.rollback()
            schedule_purge()


def schedule_purge() -> None:
    """Schedule purge_job at the next 03:00 (once: a fixed job id), when the queue is RQ."""
    from ...adapters.queue import RQQueue, task_queue

    queue = task_queue()
    if isinstance(queue, RQQueue):
        queue.queue.enqueue_at(next_purge_time(), purge_job, job_id=f"{queue.name}-sms-purge",
                               result_ttl=0, description="sms retention: daily purge")



