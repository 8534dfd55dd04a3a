from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import Model
from .campaigns import Campaign, HouseholdCode
from .units import Unit


class Response(Model):
    """One household's answers. `uuid` is the client's idempotency key."""

    __tablename__ = "responses"
    __table_args__ = (Index("ix_responses_campaign_commune", "campaign_id", "commune_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The village of the household code (None: a commune link, or a code of no village).
    village_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    household_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("household_codes.id"), unique=True
    )
    channel: Mapped[str] = mapped_column(String(16))  # web | sms | assisted
    comment: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    commune: Mapped[Unit] = relationship(foreign_keys=[commune_id])
    household_code: Mapped[HouseholdCode | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(Model):
    __tablename__ = "answers"

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger)

    response: Mapped[Response] = relationship(back_populates="answers")
