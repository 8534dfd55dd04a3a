"""The plausibility flags of a unit as last computed, kept so that a page does not read every
response below the unit again while none has changed (services.verification.flags)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import Model


class FlagSnapshot(Model):
    """`unit_flags(campaign, unit)` as JSON, valid while `fingerprint` (a sha256 of everything the
    flags depend on: the settings, the field window, the minimum coverage, the register's households
    and each commune's count of responses, which only ever grows) is what it was."""

    __tablename__ = "flag_snapshots"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    flags: Mapped[str] = mapped_column(Text)
