from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model


class Unit(Model):
    """A node of an administrative tree. Codes are unique only within a scheme (vn-2025, vn-legacy)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("scheme", "code"),
                      CheckConstraint("commune_group IN (1, 2, 3)", name="commune_group"))

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))  # province | district | commune | village
    unit_type: Mapped[str] = mapped_column(String(32))  # commune, ward, special_zone, municipality...
    name: Mapped[str] = mapped_column(String(128))
    full_name: Mapped[str] = mapped_column(String(160))
    name_en: Mapped[str] = mapped_column(String(128))
    full_name_en: Mapped[str] = mapped_column(String(160))
    households: Mapped[int | None]
    households_synthetic: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    # A commune's group of Decision 51/2025/QĐ-TTg (1, 2 or 3; group 3: ethnic-minority and
    # mountain communes of zones II and III); None when not known.
    commune_group: Mapped[int | None] = mapped_column(SmallInteger)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")

    def display_name(self, locale: str) -> str:
        return self.full_name if locale == "vi" else self.full_name_en

    def __repr__(self) -> str:
        return f"<Unit {self.scheme}:{self.code} {self.name}>"
