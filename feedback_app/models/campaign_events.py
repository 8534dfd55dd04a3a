from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from ..clock import utcnow
from ..domain.access import person_label
from ..extensions import Model
from .campaigns import Campaign


class CampaignEvent(Model):
    """One step of a campaign's life (created, edited, opened, extended, closed, reopened),
    appended and never changed or deleted: the campaign's audit log.

    Who acted is stored as text (username, full name, role, unit as scheme:code) so that the entry
    keeps who it was even if the account later changes. `before` and `after` are canonical JSON of
    the settings that changed (dates as ISO days, fractions as decimal strings, communes by code).
    """

    __tablename__ = "campaign_events"
    __table_args__ = (Index("ix_campaign_events_campaign_at", "campaign_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    action: Mapped[str] = mapped_column(String(16))
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_full_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_unit: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    before: Mapped[str] = mapped_column(Text, default="", server_default="")
    after: Mapped[str] = mapped_column(Text, default="", server_default="")
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    campaign: Mapped[Campaign] = relationship()

    @property
    def actor(self) -> str:
        """Who acted: "Nguyễn Văn An (mttq-03390)", or the username when no name is recorded."""
        return person_label(self.actor_full_name, self.actor_username)


class ImmutableCampaignEvent(RuntimeError):
    """A change to an entry of a campaign's audit log reached the database session."""


@event.listens_for(CampaignEvent, "before_update")
@event.listens_for(CampaignEvent, "before_delete")
def _append_only(mapper: Mapper[CampaignEvent], connection: Connection, target: CampaignEvent) -> None:
    raise ImmutableCampaignEvent("a campaign's audit log is append-only: entries are never changed "
                                 "or deleted")
