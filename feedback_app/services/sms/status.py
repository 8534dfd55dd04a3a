"""Delivery reports (Twilio's status callbacks, Kannel's DLRs): an opt-out error, or a permanent
failure to deliver, marks the number as opted out (nothing more is sent to it until it texts
START). A "delivered" report of an invitation adds one to its run's delivered count: the job that
sent it left a note, message id -> run, in the job queue for DELIVERY_NOTE_TTL seconds, taken
(deleted) by the first report (nothing in the database links a message to a run)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import update

from ...adapters.queue import task_queue
from ...adapters.sms import OPTED_OUT
from ...domain.phones import canonical_sender, mask_number
from ...extensions import db
from ...models import SmsInvitationRun
from .numbers import hash_of, set_opted_out

log = logging.getLogger(__name__)
DELIVERY_NOTE_TTL = 3 * 24 * 3600  # a phone switched off for a weekend still reports
KANNEL_PREFIX = "kannel-"  # how web/sms/kannel.py names the messages of its reports


@dataclass(frozen=True)
class StatusReport:
    message_sid: str
    status: str
    recipient: str | None
    error_code: int | None
    permanent_failure: bool = False  # the carrier will never deliver to this number (Kannel)


def _note(message_id: str) -> str:
    return f"delivery:{message_id}"


def expect_delivery(sender_name: str, provider_id: str, run_key: str) -> None:
    """An invitation went out: its delivery report, when it comes, counts for its run."""
    message_id = KANNEL_PREFIX + provider_id if sender_name == "kannel" else provider_id
    try:
        task_queue().remember(_note(message_id), run_key, DELIVERY_NOTE_TTL)
    except Exception:  # a lost count, never a lost message
        log.warning("delivery of %s will not be counted (queue unreachable)", message_id)


def count_delivery(message_id: str) -> None:
    try:
        run_key = task_queue().take(_note(message_id))
    except Exception:
        log.warning("delivery of %s not counted (queue unreachable)", message_id)
        return
    run_id = (run_key or "").split("-", 1)[0]
    if run_id.isdigit():
        db.session.execute(update(SmsInvitationRun).where(SmsInvitationRun.id == int(run_id))
                           .values(delivered=SmsInvitationRun.delivered + 1))


def handle_status(report: StatusReport) -> None:
    if report.status == "delivered":
        count_delivery(report.message_sid)
    masked = mask_number(canonical_sender(report.recipient or ""))
    if report.error_code == OPTED_OUT and report.recipient:
        set_opted_out(hash_of(report.recipient), True)
        log.info("sms %s to %s: recipient opted out (21610), marked", report.message_sid, masked)
    elif report.permanent_failure and report.recipient:
        set_opted_out(hash_of(report.recipient), True)
        log.info("sms %s to %s: %s, not deliverable, marked", report.message_sid, masked,
                 report.status)
    elif report.error_code:
        log.warning("sms %s to %s: %s, error %s", report.message_sid, masked, report.status,
                    report.error_code)
    else:
        log.info("sms %s to %s: %s", report.message_sid, masked, report.status)
