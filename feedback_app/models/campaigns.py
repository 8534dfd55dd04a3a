from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import Model
from .surveys import SurveyVersion
from .units import Unit


class Campaign(Model):
    """One survey round over the communes below a unit."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    # What pages, prints and exports show; None for a campaign made before titles existed (they
    # show a title built from the survey and the unit: services.campaigns.setup.campaign_title).
    title: Mapped[str | None] = mapped_column(String(300))
    survey_version_id: Mapped[int] = mapped_column(ForeignKey("survey_versions.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    min_coverage: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    threshold: Mapped[Decimal] = mapped_column(Numeric(5, 4))  # the overall question's threshold
    # The content items' threshold, applied to each item or to their mean (item_rule each|average);
    # both None: items are not judged (every campaign made before these rules).
    item_threshold: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    item_rule: Mapped[str | None] = mapped_column(String(8))
    # For a campaign over several communes: every commune must reach it on every content item.
    commune_floor: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    posting_days: Mapped[int] = mapped_column(default=10, server_default="10")
    household_codes: Mapped[bool] = mapped_column(default=True)
    open_link: Mapped[bool] = mapped_column(default=False)
    # Days after closing at which its SMS rows are deleted (None: SMS_RETENTION_DAYS).
    sms_retention_days: Mapped[int | None]
    # The campaign's own limits of the plausibility flags, as JSON (None: FLAG_SETTINGS).
    flag_settings: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    survey_version: Mapped[SurveyVersion] = relationship()
    unit: Mapped[Unit] = relationship()
    communes: Mapped[list[CampaignCommune]] = relationship(
        back_populates="campaign", order_by="CampaignCommune.id"
    )


class CampaignCommune(Model):
    """A commune surveyed by a campaign, with its registered households when the campaign was set up."""

    __tablename__ = "campaign_communes"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    households: Mapped[int | None]
    # When the register was taken (the first codes issued for the commune): from then on
    # `households` and the campaign's villages (CampaignVillage) no longer follow the register.
    registered_at: Mapped[datetime | None]

    campaign: Mapped[Campaign] = relationship(back_populates="communes")
    unit: Mapped[Unit] = relationship()


class CampaignVillage(Model):
    """A village of a campaign's commune with its registered households, as the register stood
    when the commune's codes were first issued: the village's coverage denominator."""

    __tablename__ = "campaign_villages"
    __table_args__ = (UniqueConstraint("campaign_id", "village_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    households: Mapped[int]

    village: Mapped[Unit] = relationship(foreign_keys=[village_id])


class HouseholdCode(Model):
    """A single-use code for one household of a commune. Not linked to the household's identity.
    It is used once a Response points at it (a unique key on responses.household_code_id)."""

    __tablename__ = "household_codes"
    __table_args__ = (Index("ix_household_codes_campaign_village", "campaign_id", "village_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(15), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The village whose committee hands the slip out; None for codes issued for a whole commune
    # (a commune without villages, or "N more" codes not given to a village).
    village_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    commune: Mapped[Unit] = relationship(foreign_keys=[commune_id])
    village: Mapped[Unit | None] = relationship(foreign_keys=[village_id])
