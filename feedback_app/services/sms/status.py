"""Delivery reports (Twilio's status callbacks, Kannel's DLRs): an opt-out error, or a permanent
failure to deliver, marks the number as opted out (nothing more is sent to it until it texts
START)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ...adapters.sms import OPTED_OUT
from ...domain.phones import canonical_sender, mask_number
from .numbers import hash_of, set_opted_out

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusReport:
    message_sid: str
    status: str
    recipient: str | None
    error_code: int | None
    permanent_failure: bool = False  # the carrier will never deliver to this number (Kannel)


def handle_status(report: StatusReport) -> None:
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
