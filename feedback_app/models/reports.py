from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from ..clock import utcnow
from ..domain.access import actor_parts, person_label
from ..domain.reports import Status
from ..extensions import Model
from .campaigns import Campaign
from .units import Unit


class Report(Model):
    """A unit's report for a campaign: the frozen snapshot last drafted or submitted, and its status.

    `content` is the canonical JSON of the snapshot (index, remarks, who, when) and `content_hash`
    its sha256, so anyone can check a printed or exported report against the database. Once the
    status is `accepted` the row never changes (services.reports.workflow and a flush guard refuse it).
    """

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(default=1)  # how many snapshots were taken
    content: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    remarks: Mapped[str] = mapped_column(Text, default="")
    prepared_by: Mapped[str] = mapped_column(String(128))  # username, role and unit as text
    prepared_by_name: Mapped[str] = mapped_column(String(120), default="", server_default="")  # full name
    prepared_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_by_name: Mapped[str] = mapped_column(String(120), default="", server_default="")  # full name
    decided_at: Mapped[datetime | None]
    return_reason: Mapped[str | None] = mapped_column(Text)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()

    @property
    def preparer(self) -> str:
        """Who prepared it: "Nguyễn Văn An (mttq-03390)", or the username when no name is recorded."""
        return person_label(self.prepared_by_name, actor_parts(self.prepared_by)[0])

    @property
    def preparer_role(self) -> str:
        return actor_parts(self.prepared_by)[1]

    @property
    def decider_role(self) -> str:
        return actor_parts(self.decided_by)[1] if self.decided_by else ""

    @property
    def decider(self) -> str:
        """Who accepted or returned it, named like `preparer` ("" while undecided)."""
        return person_label(self.decided_by_name, actor_parts(self.decided_by)[0]) if self.decided_by else ""


class ReportEvent(Model):
    """One step of upward reporting, appended and never changed or deleted (the audit log).

    Who acted is stored as text (username, full name, role, unit) so that the entry keeps who it was even if
    the account is later renamed, moved or deleted.
    """

    __tablename__ = "report_events"
    __table_args__ = (Index("ix_report_events_campaign_unit", "campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    action: Mapped[str] = mapped_column(String(16))
    status_after: Mapped[str] = mapped_column(String(16))
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_unit: Mapped[str] = mapped_column(String(64))  # scheme:code
    # the person's full name as the account recorded it (empty: none recorded, or before 0011)
    actor_full_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")  # remarks on submission, reason on return
    # On acceptance: the plausibility flags the decider acknowledged, as JSON (None: there were none).
    flags: Mapped[str | None] = mapped_column(Text)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()

    @property
    def actor(self) -> str:
        """Who acted: "Nguyễn Văn An (mttq-03390)", or the username for entries without a name."""
        return person_label(self.actor_full_name, self.actor_username)


class ImmutableRecord(RuntimeError):
    """A change to an audit entry or an accepted report reached the database session."""


@event.listens_for(ReportEvent, "before_update")
@event.listens_for(ReportEvent, "before_delete")
def _append_only(mapper: Mapper[ReportEvent], connection: Connection, target: ReportEvent) -> None:
    raise ImmutableRecord("the report audit log is append-only: entries are never changed or deleted")


@event.listens_for(Report, "before_update")
@event.listens_for(Report, "before_delete")
def _accepted_final(mapper: Mapper[Report], connection: Connection, target: Report) -> None:
    before: Any = inspect(target).committed_state.get("status", target.status)
    if before == Status.ACCEPTED:
        raise ImmutableRecord("an accepted report never changes")
