from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..domain.reports import Status
from ..extensions import db
from .campaigns import Campaign
from .units import Unit


class Report(db.Model):
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
    prepared_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[datetime | None]
    return_reason: Mapped[str | None] = mapped_column(Text)

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()


class ReportEvent(db.Model):
    """One step of upward reporting, appended and never changed or deleted (the audit log).

    Who acted is stored as text (username, role, unit) so that the entry keeps who it was even if
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
    at: Mapped[datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")  # remarks on submission, reason on return

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship()


class ImmutableRecord(RuntimeError):
    """A change to an audit entry or an accepted report reached the database session."""


@event.listens_for(ReportEvent, "before_update")
@event.listens_for(ReportEvent, "before_delete")
def _append_only(mapper, connection, target: ReportEvent) -> None:  # type: ignore[no-untyped-def]
    raise ImmutableRecord("the report audit log is append-only: entries are never changed or deleted")


@event.listens_for(Report, "before_update")
@event.listens_for(Report, "before_delete")
def _accepted_final(mapper, connection, target: Report) -> None:  # type: ignore[no-untyped-def]
    before = inspect(target).committed_state.get("status", target.status)
    if before == Status.ACCEPTED:
        raise ImmutableRecord("an accepted report never changes")
