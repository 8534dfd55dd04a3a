"""Committee accounts: create them, check a login, and turn an account into a scoped principal."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ...clock import utcnow
from ...domain.access import Principal
from ...extensions import db
from ...models import Account
from ..campaigns.setup import get_unit
from ..errors import Refused
from .access import role_named

USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")  # the whole name: fullmatch
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
# Checked against when the username is unknown, so that a wrong username costs as long as a wrong
# password (an attacker cannot learn which usernames exist from the response time).
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")


def normalise_username(username: str) -> str:
    return username.strip().lower()


MAX_FULL_NAME_LENGTH = 120


def create_account(username: str, password: str, scheme: str, unit_code: str, role: str,
                   full_name: str = "") -> Account:
    """A new active account of a unit; the password is stored only as a werkzeug (scrypt) hash."""
    username = normalise_username(username)
    full_name = " ".join(full_name.split())
    if len(full_name) > MAX_FULL_NAME_LENGTH:
        raise Refused("full_name_too_long", status=422, maximum=MAX_FULL_NAME_LENGTH)
    if not USERNAME_PATTERN.fullmatch(username):
        raise Refused("username_invalid", status=422, username=username)
    _check_password(password)
    if db.session.scalar(select(Account.id).where(func.lower(Account.username) == username)):
        raise Refused("username_taken", status=409, username=username)
    unit = get_unit(scheme, unit_code)
    account = Account(username=username, password_hash=generate_password_hash(password), unit=unit,
                      role=role_named(role).label, active=True, full_name=full_name)
    db.session.add(account)
    db.session.flush()
    return account


def _check_password(password: str) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise Refused("password_length", status=422, minimum=MIN_PASSWORD_LENGTH)


def find_account(username: str) -> Account | None:
    return db.session.scalar(select(Account).filter_by(username=normalise_username(username)))


def check_login(username: str, password: str) -> Account:
    """The active account with this username and password, or Refused('login_failed', 401) — the
    same refusal whether the username, the password or the account's state was wrong."""
    account = find_account(username)
    if account is None:
        check_password_hash(_DUMMY_HASH, password)
        raise Refused("login_failed", status=401)
    if not check_password_hash(account.password_hash, password) or not account.active:
        raise Refused("login_failed", status=401)
    account.last_login_at = utcnow()
    db.session.flush()
    return account


def active_account(account_id: int) -> Account | None:
    """The account with this id, when it still exists and is active."""
    account = db.session.get(Account, account_id)
    return account if account is not None and account.active else None


def session_account(account_id: int, generation: int) -> Account | None:
    """The account a session points at, when it still exists, is active, and the session was
    opened after the account's sessions were last ended (end_sessions)."""
    account = active_account(account_id)
    if account is None or account.session_generation != generation:
        return None
    return account


def end_sessions(account: Account) -> None:
    """End every session of the account, in every browser: each carries the generation it was
    opened in, and no longer matches. Done in SQL so that two logouts at once both count."""
    account.session_generation = Account.session_generation + 1
    db.session.flush()


def set_password(username: str, password: str) -> Account:
    """A new password for an account; every session opened with the old one ends."""
    account = find_account(username)
    if account is None:
        raise Refused("unknown_account", status=404, username=username)
    _check_password(password)
    account.password_hash = generate_password_hash(password)
    end_sessions(account)
    return account


def principal_of(account: Account) -> Principal:
    """The account as the principal of its session: its name, role and unit (id, scheme, code)."""
    return Principal(name=account.username, role=role_named(account.role), unit_id=account.unit_id,
                     unit_scheme=account.unit.scheme, unit_code=account.unit.code,
                     full_name=account.full_name)


def set_active(username: str, active: bool) -> Account:
    account = find_account(username)
    if account is None:
        raise Refused("unknown_account", status=404, username=username)
    account.active = active
    if not active:  # enabled again later, it does not bring back the sessions it had
        end_sessions(account)
    db.session.flush()
    return account


def list_accounts() -> list[Account]:
    return list(db.session.scalars(select(Account).order_by(Account.username)))
