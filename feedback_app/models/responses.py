from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import Model
from .campaigns import Campaign, HouseholdCode
from .units import Unit

REASON_CEILING = 500  # the longest reason a survey may allow (domain.survey_schema)


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
    # Facts for the verifier's plausibility flags (domain.plausibility; None: not known): the
    # account that collected an assisted answer, an opaque key of the sending browser, an HMAC of
    # the client's address (never the address), the seconds from opening the form to sending it.
    collector: Mapped[str | None] = mapped_column(String(64))
    device_key: Mapped[str | None] = mapped_column(String(32))
    address_key: Mapped[str | None] = mapped_column(String(32))
    seconds: Mapped[int | None]

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
    # The household's short reason when the answer is "not satisfied" and the item asks for one.
    reason: Mapped[str | None] = mapped_column(String(REASON_CEILING))

    response: Mapped[Response] = relationship(back_populates="answers")


class Remark(Model):
    """What a household wrote, for the committees' pages: its closing comment ("Ý kiến khác",
    item_id NULL) or its reason under an item answered "not satisfied". A copy of
    responses.comment and answers.reason written with them, carrying what the pages filter and
    sort on (campaign, commune, channel, time) and the text folded for search (lower case, no
    diacritics), so a page of 100,000 comments is an index range, not a scan of the answers.
    Counted nowhere in the index; never on a public page."""

    __tablename__ = "remarks"
    __table_args__ = (
        Index("ix_remarks_campaign_created", "campaign_id", "created_at", "id"),
        Index("ix_remarks_campaign_item_created", "campaign_id", "item_id", "created_at"),
        Index("ix_remarks_campaign_commune_created", "campaign_id", "commune_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    item_id: Mapped[str | None] = mapped_column(String(32))  # None: the closing comment
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    text: Mapped[str] = mapped_column(Text)
    folded: Mapped[str] = mapped_column(Text)
