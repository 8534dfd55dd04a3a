"""SMS channel tables. Phone numbers appear only as keyed hashes (see domain.phones).

Nothing here links a number to a response (docs/sms.md, "Privacy"): a row that carries a number
hash carries no time finer than the Vietnam day, a conversation's row is deleted when it ends, and
an inbound message keeps only its reply, sealed with a key that only the same message re-sent can
rebuild (services.sms.replays).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import local_today, utcnow
from ..extensions import Model
from .campaigns import Campaign, HouseholdCode
from .units import Unit


class SmsNumber(Model):
    """What the product remembers about a number: whether it opted out, its language, and whether
    its last conversation ended with a recorded response (to answer a later message with "your
    answers were recorded"). No time: nothing says when the number wrote."""

    __tablename__ = "sms_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    opted_out: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(8))
    last_finished: Mapped[bool] = mapped_column(default=False)
    # The last Vietnam day a conversation started from it (retention: services.sms.privacy).
    last_seen_on: Mapped[date | None] = mapped_column(default=local_today)


class SmsConversation(Model):
    """One household answering by SMS, question by question.

    While it runs it holds the answers so far; the row is deleted when the conversation ends
    (finished, stopped, abandoned or ended), so that no number hash stays linked to a household
    code, a response key or the day and commune of a response.
    """

    __tablename__ = "sms_conversations"
    __table_args__ = (Index("ix_sms_conversations_number_hash_id", "number_hash", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number_hash: Mapped[str] = mapped_column(String(64))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    household_code_id: Mapped[int | None] = mapped_column(ForeignKey("household_codes.id"))
    uuid: Mapped[str | None] = mapped_column(String(36))  # the response's idempotency key
    # active | paused (too many invalid replies); an ended conversation has no row
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)
    answers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    invalid_streak: Mapped[int] = mapped_column(default=0)
    started_on: Mapped[date] = mapped_column(default=local_today)  # the Vietnam day, no time

    campaign: Mapped[Campaign] = relationship()
    commune: Mapped[Unit] = relationship()
    household_code: Mapped[HouseholdCode | None] = relationship()


class SmsInbound(Model):
    """A processed inbound message: a repeated MessageSid gets the same reply, and changes nothing.

    The reply (which may name the household code and every answer) is kept only sealed with a key
    derived from the message itself (MessageSid, sender, body) and the server's secret, padded to
    a fixed size; empty for messages handled before sealing existed (a replay of those gets no
    reply, and still changes nothing)."""

    __tablename__ = "sms_inbound"

    message_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    received_on: Mapped[date] = mapped_column(default=local_today)
    # The campaign the message was part of (none for help, STOP...): deleted with its SMS rows
    # once the campaign's retention period is over.
    campaign_id: Mapped[int | None] = mapped_column(index=True)


class SmsOpenAnswer(Model):
    """A number that answered a campaign through its commune keyword: one response per number."""

    __tablename__ = "sms_open_answers"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    number_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_on: Mapped[date] = mapped_column(default=local_today)  # the Vietnam day, no time


class SmsInvitationRun(Model):
    """One invitation run (`sms invite` or the invitations page): how many, never to whom."""

    __tablename__ = "sms_invitation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    numbers: Mapped[int]
    skipped_opted_out: Mapped[int]
    rate: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Law 91/2025/QH15: the lawful basis the committee confirmed for sending (consent, ...) and
    # the statement it confirmed, shown when the run was started.
    lawful_basis: Mapped[str] = mapped_column(String(32), default="", server_default="")
    consent_statement: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Started on the committee's invitations page (services.sms.web_invites): the commune or
    # village it was for, who started it, the key of its progress in the job queue, and how its
    # invitations went (counted by the job; counts only, never a number).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    run_key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    sent: Mapped[int] = mapped_column(default=0, server_default="0")
    failed: Mapped[int] = mapped_column(default=0, server_default="0")
    skipped: Mapped[int] = mapped_column(default=0, server_default="0")
    delivered: Mapped[int] = mapped_column(default=0, server_default="0")

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit | None] = relationship()


class SmsNumberSend(Model):
    """One invitation sent to a number, for Decree 91's "at most N a number in 24 hours". The only
    exact time kept next to a number hash: the time the product sent an invitation (never one a
    household wrote), deleted once it is 24 hours old (services.sms.sending)."""

    __tablename__ = "sms_number_sends"
    __table_args__ = (Index("ix_sms_number_sends_number_hash_sent_at", "number_hash", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
