from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .units import Unit


class UnitSuccession(Model):
    """An old unit's territory going into a new unit: all of it (`whole`) or part of it (`part`,
    the old unit was split between several new units)."""

    __tablename__ = "unit_successions"
    __table_args__ = (UniqueConstraint("old_unit_id", "new_unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    old_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    new_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    share: Mapped[str] = mapped_column(String(8))  # whole | part
    effective: Mapped[date]

    old_unit: Mapped[Unit] = relationship(foreign_keys=[old_unit_id])
    new_unit: Mapped[Unit] = relationship(foreign_keys=[new_unit_id])
