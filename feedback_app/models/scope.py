"""A province campaign's scope: the communes it leaves out (with a reason), the villages it samples,
and the log of every change made to them (who, when, what)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from ..clock import utcnow
from ..extensions import Model
from .units import Unit


class CampaignExclusion(Model):
    """A commune a campaign leaves out, and why. The commune has no campaign_communes row (nor
    counters, codes or register) while it is left out: nothing counts it anywhere."""

    __tablename__ = "campaign_exclusions"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    reason: Mapped[str] = mapped_column(Text)
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class CampaignSampleVillage(Model):
    """A village a campaign surveys in a commune it samples: a commune with such rows is surveyed
    in these villages only (codes, register and coverage); a commune without is surveyed whole."""

    __tablename__ = "campaign_sample_villages"
    __table_args__ = (UniqueConstraint("campaign_id", "village_id"),
                      Index("ix_campaign_sample_villages_commune", "campaign_id", "commune_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    actor_username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignScopeEvent(Model):
    """One change to a campaign's scope (a commune left out or taken back, a commune's sample set
    or cleared), appended and never changed or deleted. Who acted is stored as text, as in the
    accounts' log (services.accounts.events)."""

    __tablename__ = "campaign_scope_events"
    __table_args__ = (Index("ix_campaign_scope_events_campaign_at", "campaign_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    action: Mapped[str] = mapped_column(String(32))
    unit_code: Mapped[str] = mapped_column(String(64))  # the commune, as scheme:code
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_unit: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")


class ImmutableScopeEvent(RuntimeError):
    """A change to an entry of a campaign's scope log reached the database session."""


@event.listens_for(CampaignScopeEvent, "before_update")
@event.listens_for(CampaignScopeEvent, "before_delete")
def _append_only(mapper: Mapper[CampaignScopeEvent], connection: Connection,
                 target: CampaignScopeEvent) -> None:
    raise ImmutableScopeEvent("a campaign's scope log is append-only: entries are never changed or deleted")
