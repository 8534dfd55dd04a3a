"""Verification of a commune's report by re-contact, and the posting of its results (niêm yết).

Every row here is appended and never changed or deleted (a flush guard refuses it, and on
PostgreSQL a trigger): a sample with its seed and sizes, the households it drew, each outcome
recorded with who and when (the last one per household is current), and each posting period
recorded (the last one is current). Who acted is stored as text, as in the report audit log.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from ..clock import utcnow
from ..domain.access import person_label
from ..extensions import Model
from .campaigns import HouseholdCode
from .reports import ImmutableRecord, Report
from .units import Unit


class RecontactSample(Model):
    """The one re-contact sample of a commune's report: its seed and the size asked per village
    (JSON {village code: size}, "" for codes of no village), drawn once by the verifier."""

    __tablename__ = "recontact_samples"
    __table_args__ = (UniqueConstraint("report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    seed: Mapped[int] = mapped_column(BigInteger)
    sizes: Mapped[str] = mapped_column(Text)  # canonical JSON
    population: Mapped[int]  # used codes the sample was drawn from
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_full_name: Mapped[str] = mapped_column(String(120), default="")
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_unit: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship()
    unit: Mapped[Unit] = relationship()
    entries: Mapped[list[RecontactEntry]] = relationship(order_by="RecontactEntry.position")

    @property
    def actor(self) -> str:
        return person_label(self.actor_full_name, self.actor_username)


class RecontactEntry(Model):
    """One household of a sample: its code and village, how and when it answered (never what)."""

    __tablename__ = "recontact_entries"
    __table_args__ = (UniqueConstraint("sample_id", "household_code_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("recontact_samples.id"), index=True)
    position: Mapped[int]  # 1.. in the printed list
    household_code_id: Mapped[int] = mapped_column(ForeignKey("household_codes.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    channel: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime]

    household_code: Mapped[HouseholdCode] = relationship()
    village: Mapped[Unit | None] = relationship()


class RecontactOutcome(Model):
    """What re-contacting one household of a sample found (domain.recontact.Outcome)."""

    __tablename__ = "recontact_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("recontact_entries.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_full_name: Mapped[str] = mapped_column(String(120), default="")
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_unit: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[RecontactEntry] = relationship()

    @property
    def actor(self) -> str:
        return person_label(self.actor_full_name, self.actor_username)


class ReportPosting(Model):
    """A posting period of a commune's results (niêm yết), as recorded by its committee."""

    __tablename__ = "report_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    contact: Mapped[str] = mapped_column(Text, default="")  # where residents send comments
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_full_name: Mapped[str] = mapped_column(String(120), default="")
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_unit: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship()

    @property
    def actor(self) -> str:
        return person_label(self.actor_full_name, self.actor_username)


@event.listens_for(RecontactSample, "before_update")
@event.listens_for(RecontactSample, "before_delete")
@event.listens_for(RecontactEntry, "before_update")
@event.listens_for(RecontactEntry, "before_delete")
@event.listens_for(RecontactOutcome, "before_update")
@event.listens_for(RecontactOutcome, "before_delete")
@event.listens_for(ReportPosting, "before_update")
@event.listens_for(ReportPosting, "before_delete")
def _append_only(mapper: Mapper[Model], connection: Connection, target: Model) -> None:
    raise ImmutableRecord("verification and posting records are append-only")
