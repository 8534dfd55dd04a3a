"""Replies sent after the commit, for gateways that do not answer in the webhook's response
(Kannel): one queued job per inbound message, sending its replies in order.

The job tries again while the gateway is unreachable or busy (SMS_REPLY_ATTEMPTS, waiting
SMS_RETRY_BASE_SECONDS, then twice as long each time), so a reply accepted while Kannel restarts
goes out once it is back. The number travels only in the job, as for invitations.
"""

from __future__ import annotations

import logging

from flask import current_app

from ...adapters.queue import job_app_context, task_queue
from ...adapters.sms import SmsError, sms_sender
from ...domain.phones import canonical_sender, mask_number
from ...extensions import db
from ..effects import after_commit
from .invites import send_with_retry

log = logging.getLogger(__name__)


def reply_after_commit(to: str, replies: list[str], message_id: str) -> None:
    """Queue `replies` to `to` once the request's transaction commits (dropped on a rollback)."""
    if not replies:
        return
    queue = task_queue()

    def dispatch() -> None:
        queue.enqueue(send_replies, to, list(replies), description=f"sms replies to {message_id}")

    after_commit(db.session, dispatch)


def send_replies(to: str, replies: list[str]) -> int:
    """The queued job: send each reply, trying again on transient errors; how many went out."""
    with job_app_context():
        config = current_app.config
        sender = sms_sender()
        sent = 0
        for body in replies:
            def attempt(body: str = body) -> str:
                return sender.send(to, body)

            try:
                send_with_retry(attempt, config["SMS_REPLY_ATTEMPTS"], config["SMS_RETRY_BASE_SECONDS"])
                sent += 1
            except SmsError as exc:
                log.error("reply to %s not sent: %s", mask_number(canonical_sender(to)), exc)
        return sent
