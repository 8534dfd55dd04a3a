"""Committee accounts: a person of a Fatherland Front committee, attached to one unit with a role,
and the append-only log of every change made to an account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, event, false
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from ..clock import utcnow
from ..extensions import Model
from .units import Unit


class Account(Model):
    """Sees its unit and every unit below it. `role` is viewer | officer | admin; the password is
    stored only as a werkzeug hash (scrypt). `session_generation` is copied into each login's
    session and compared on every request: raising it (logout, a new password, disabling) ends
    every session of the account at once, in every browser.

    `must_change_password` is set when an administrator gives the account a temporary password:
    its first login leads to the change-password page and nowhere else. `reset_token_hash` is the
    SHA-256 of the one outstanding password-reset link (the link itself is shown once and never
    stored), valid until `reset_expires_at`."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # The person's full name as it is signed on the Front's documents ("Nguyễn Văn An"); empty for
    # accounts created before names were recorded.
    full_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # How to reach the person (a committee member's work contact, not a resident's number): the
    # phone in E.164 (+84...), the e-mail address as typed; both optional.
    phone: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    reset_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    reset_expires_at: Mapped[datetime | None]
    # Single sign-on (OpenID Connect, off by default): the provider's subject ("sub" of its ID
    # token, prefixed with the issuer) an administrator mapped to this account by hand.
    sso_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")

    unit: Mapped[Unit] = relationship()


class AccountEvent(Model):
    """One change to an account (created, edited, disabled, enabled, a password reset issued or
    used, a password changed), appended and never changed or deleted: the accounts' audit log.

    Who acted is stored as text (username, role, unit as scheme:code; `shell:<user>` for the
    operator's commands), so that the entry keeps who it was even if that account later changes.
    `detail` says what changed (field names and new role or unit; never a password or a link).
    """

    __tablename__ = "account_events"
    __table_args__ = (Index("ix_account_events_account_at", "account_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    action: Mapped[str] = mapped_column(String(32))
    actor_username: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_unit: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")

    account: Mapped[Account] = relationship()


class ImmutableAccountEvent(RuntimeError):
    """A change to an entry of the accounts' audit log reached the database session."""


@event.listens_for(AccountEvent, "before_update")
@event.listens_for(AccountEvent, "before_delete")
def _append_only(mapper: Mapper[AccountEvent], connection: Connection, target: AccountEvent) -> None:
    raise ImmutableAccountEvent("the accounts' audit log is append-only: entries are never changed "
                                "or deleted")
