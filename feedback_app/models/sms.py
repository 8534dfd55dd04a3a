"""SMS channel tables. Phone numbers appear only as keyed hashes (see domain.phones)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .campaigns import Campaign, HouseholdCode
from .units import Unit


class SmsNumber(db.Model):
    """What the product remembers about a number: whether it opted out, and its language."""

    __tablename__ = "sms_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    opted_out: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SmsConversation(db.Model):
    """One household answering by SMS, question by question.

    While it runs it holds the answers so far; once it ends, the answers, the household code and the
    response key are cleared, so that no number hash stays linked to a response.
    """

    __tablename__ = "sms_conversations"
    __table_args__ = (Index("ix_sms_conversations_number_hash_id", "number_hash", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number_hash: Mapped[str] = mapped_column(String(64))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    household_code_id: Mapped[int | None] = mapped_column(ForeignKey("household_codes.id"))
    uuid: Mapped[str | None] = mapped_column(String(36))  # the response's idempotency key
    # active | paused (too many invalid replies) | finished | stopped (opt-out) | abandoned
    # (another code was started) | ended (campaign closed, code used elsewhere...)
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)
    answers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    invalid_streak: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship()
    commune: Mapped[Unit] = relationship()
    household_code: Mapped[HouseholdCode | None] = relationship()


class SmsInbound(db.Model):
    """A processed inbound message and its reply: a repeated MessageSid gets the same reply."""

    __tablename__ = "sms_inbound"

    message_sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    replies: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmsOpenAnswer(db.Model):
    """A number that answered a campaign through its commune keyword: one response per number."""

    __tablename__ = "sms_open_answers"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    number_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SmsInvitationRun(db.Model):
    """One `sms invite` run: how many invitations, never to whom."""

    __tablename__ = "sms_invitation_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    numbers: Mapped[int]
    skipped_opted_out: Mapped[int]
    rate: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship()
