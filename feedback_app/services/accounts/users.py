"""Committee accounts: create them, check a login, change a password, and turn an account into a
scoped principal. Every change is appended to the accounts' audit log (events.py); the checks of
who may change whose account are manage.py's."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ...clock import as_utc, utcnow
from ...domain.access import Principal
from ...domain.contact import MAX_EMAIL_LENGTH, normalise_email
from ...domain.phones import normalise_contact_phone
from ...extensions import db
from ...models import Account, Unit
from ..campaigns.setup import get_unit
from ..errors import Refused
from . import events
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
# A one-time reset link works this long after it was issued (and once).
RESET_LINK_VALIDITY = timedelta(days=3)
# Temporary passwords: 12 characters of an alphabet without look-alikes (0/o, 1/l/i), in groups
# of four to read out on the phone: about 60 bits.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def clean_full_name(full_name: str) -> str:
    full_name = " ".join(full_name.split())
    if len(full_name) > MAX_FULL_NAME_LENGTH or any(ord(ch) < 32 or ord(ch) == 127 for ch in full_name):
        raise Refused("full_name_too_long", status=422, maximum=MAX_FULL_NAME_LENGTH)
    return full_name


def clean_phone(phone: str | None) -> str | None:
    """None for an empty field, the E.164 form of a valid number, else Refused (422)."""
    if phone is None or not phone.strip():
        return None
    normalised = normalise_contact_phone(phone)
    if normalised is None:
        raise Refused("phone_invalid", status=422, phone=phone)
    return normalised


def clean_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    normalised = normalise_email(email)
    if normalised is None:
        raise Refused("email_invalid", status=422, maximum=MAX_EMAIL_LENGTH)
    return normalised


def create_account(username: str, password: str, scheme: str, unit_code: str, role: str,
                   full_name: str = "", *, phone: str | None = None, email: str | None = None,
                   must_change_password: bool = False,
                   actor: Principal = events.OPERATOR) -> Account:
    """A new active account of a unit (by scheme and code: the operator's shell)."""
    return new_account(username, password, get_unit(scheme, unit_code), role, full_name,
                       phone=phone, email=email, must_change_password=must_change_password,
                       actor=actor)


def new_account(username: str, password: str, unit: Unit, role: str, full_name: str = "", *,
                phone: str | None = None, email: str | None = None,
                must_change_password: bool = False, actor: Principal = events.OPERATOR) -> Account:
    """A new active account of `unit`; the password is stored only as a werkzeug (scrypt) hash.
    Who may create it is checked by the caller (manage.create_for for the committee pages)."""
    username = normalise_username(username)
    full_name = clean_full_name(full_name)
    if not USERNAME_PATTERN.fullmatch(username):
        raise Refused("username_invalid", status=422, username=username)
    _check_password(password)
    granted = role_named(role)
    phone, email = clean_phone(phone), clean_email(email)
    if db.session.scalar(select(Account.id).where(func.lower(Account.username) == username)):
        raise Refused("username_taken", status=409, username=username)
    account = Account(username=username, password_hash=generate_password_hash(password), unit=unit,
                      role=granted.label, active=True, full_name=full_name, phone=phone,
                      email=email, must_change_password=must_change_password)
    db.session.add(account)
    db.session.flush()
    events.record(actor, account, "created", role=granted.label, unit=f"{unit.scheme}:{unit.code}",
                  temporary_password=must_change_password)
    return account


def temporary_password() -> str:
    """A new random password to hand over once, e.g. 'k7qm-2xrt-9fhp'."""
    chars = [secrets.choice(_TEMPORARY_ALPHABET) for _ in range(12)]
    return "-".join("".join(chars[i:i + 4]) for i in range(0, 12, 4))


def reset_token_hash(token: str) -> str:
    """Reset tokens are 256 random bits: a plain SHA-256 is enough to store them."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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


def _store_password(account: Account, password: str, *, temporary: bool) -> None:
    """A new password hash; every session opened with the old one ends, and so does any reset
    link still outstanding."""
    _check_password(password)
    account.password_hash = generate_password_hash(password)
    account.must_change_password = temporary
    account.reset_token_hash = None
    account.reset_expires_at = None
    end_sessions(account)


def set_password(username: str, password: str, actor: Principal = events.OPERATOR) -> Account:
    """A new password for an account, chosen by the operator at the shell."""
    account = find_account(username)
    if account is None:
        raise Refused("unknown_account", status=404, username=username)
    _store_password(account, password, temporary=False)
    events.record(actor, account, "password_set")
    return account


def change_own_password(account: Account, current: str, new: str) -> None:
    """The account's holder changes its password, giving the current one (or the temporary one an
    administrator gave). Every other session of the account ends: the caller moves its own
    session to the account's new session generation."""
    if not check_password_hash(account.password_hash, current):
        raise Refused("password_wrong", status=401)
    if new == current:
        raise Refused("password_unchanged", status=422)
    was_temporary = account.must_change_password
    _store_password(account, new, temporary=False)
    events.record(principal_of(account), account, "password_changed", after_temporary=was_temporary)


def issue_temporary_password(account: Account, actor: Principal) -> str:
    """A new temporary password for the account, to be changed at its next login; its old
    password and every session end. Returns the password (shown once, stored only hashed)."""
    password = temporary_password()
    _store_password(account, password, temporary=True)
    events.record(actor, account, "temporary_password_issued")
    return password


def issue_reset_link(account: Account, actor: Principal) -> str:
    """A one-time reset token for the account (replacing any earlier one); the old password keeps
    working until the link is used. Returns the token, stored only as its hash."""
    token = secrets.token_urlsafe(32)
    account.reset_token_hash = reset_token_hash(token)
    account.reset_expires_at = utcnow() + RESET_LINK_VALIDITY
    db.session.flush()
    events.record(actor, account, "reset_link_issued", valid_until=account.reset_expires_at.isoformat())
    return token


def account_of_reset_token(token: str) -> Account:
    """The active account a reset link is for; Refused('reset_link_invalid', 404) when the link
    is unknown, used, replaced by a newer one, expired, or its account disabled."""
    if not token or len(token) > 100:
        raise Refused("reset_link_invalid", status=404)
    account = db.session.scalar(select(Account).filter_by(reset_token_hash=reset_token_hash(token)))
    if (account is None or not account.active or account.reset_expires_at is None
            or as_utc(account.reset_expires_at) <= utcnow()):
        raise Refused("reset_link_invalid", status=404)
    return account


def reset_with_link(token: str, new: str) -> Account:
    """Set a new password through a reset link; the link works once."""
    account = account_of_reset_token(token)
    _store_password(account, new, temporary=False)
    events.record(principal_of(account), account, "password_reset_by_link")
    return account


def principal_of(account: Account) -> Principal:
    """The account as the principal of its session: its name, role and unit (id, scheme, code)."""
    return Principal(name=account.username, role=role_named(account.role), unit_id=account.unit_id,
                     unit_scheme=account.unit.scheme, unit_code=account.unit.code,
                     full_name=account.full_name)


def set_active(username: str, active: bool, actor: Principal = events.OPERATOR) -> Account:
    account = find_account(username)
    if account is None:
        raise Refused("unknown_account", status=404, username=username)
    change_active(account, active, actor)
    return account


def change_active(account: Account, active: bool, actor: Principal) -> None:
    """Disable or enable again; a disabled account cannot log in, and its sessions and any reset
    link end (enabled again later, it does not bring them back)."""
    if account.active == active:
        return
    account.active = active
    if not active:
        account.reset_token_hash = None
        account.reset_expires_at = None
        end_sessions(account)
    db.session.flush()
    events.record(actor, account, "enabled" if active else "disabled")


def list_accounts() -> list[Account]:
    return list(db.session.scalars(select(Account).order_by(Account.username)))
