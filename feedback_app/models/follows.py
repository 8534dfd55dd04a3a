"""Which earlier campaign a campaign follows, for the comparison with an earlier round."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from ..clock import utcnow
from ..domain.access import person_label
from ..extensions import Model
from .campaigns import Campaign


class CampaignFollows(Model):
    """One setting of the campaign a campaign follows, appended and never changed or deleted: the
    newest row of a campaign is in force (`earlier_campaign_id` None: it follows none any more),
    and the rows are the audit trail of who set it and when.

    Who acted is stored as text, as the report audit log does, so that the entry keeps who it was
    even if the account is later renamed, moved or deleted.
    """

    __tablename__ = "campaign_follows"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    earlier_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_unit: Mapped[str] = mapped_column(String(64))  # scheme:code
    actor_full_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship(foreign_keys=[campaign_id])
    earlier: Mapped[Campaign | None] = relationship(foreign_keys=[earlier_campaign_id])

    @property
    def actor(self) -> str:
        return person_label(self.actor_full_name, self.actor_username)


class ImmutableFollows(RuntimeError):
    """A change to a recorded setting of the campaign followed reached the database session."""


@event.listens_for(CampaignFollows, "before_update")
@event.listens_for(CampaignFollows, "before_delete")
def _append_only(mapper: Mapper[CampaignFollows], connection: Connection, target: CampaignFollows) -> None:
    raise ImmutableFollows("the campaign-follows log is append-only: set a new row instead")
