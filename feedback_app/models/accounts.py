"""Committee accounts: a person of a Fatherland Front committee, attached to one unit with a role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import Model
from .units import Unit


class Account(Model):
    """Sees its unit and every unit below it. `role` is viewer | officer | admin; the password is
    stored only as a werkzeug hash (scrypt). `session_generation` is copied into each login's
    session and compared on every request: raising it (logout, a new password, disabling) ends
    every session of the account at once, in every browser."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # The person's full name as it is signed on the Front's documents ("Nguyễn Văn An"); empty for
    # accounts created before names were recorded.
    full_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    unit: Mapped[Unit] = relationship()
