"""Accounts managed by a committee's administrator (/committee/accounts): the accounts of their
unit and of every unit below, never a sibling's or a parent's; never a role above their own.

Each use case checks the principal's role (admin) and scope through access.py, as every other
committee page does, then calls users.py, which records the change in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select

from ...domain.access import ACCOUNTS_ROLE, Principal, Role, may_grant
from ...extensions import db
from ...models import Account, AccountEvent, Unit
from ..errors import Refused
from . import events, sso, users
from .access import check_can_act, role_named, unit_of


@dataclass(frozen=True)
class AccountSpec:
    """What the new-account form gives; the password is made here, temporary."""

    username: str
    full_name: str
    unit_id: int
    role: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Details:
    """What an administrator may change on an account (not its username or unit)."""

    full_name: str
    role: str
    phone: str | None = None
    email: str | None = None
    # The single sign-on provider's user ID ("sub") and its issuer, when single sign-on is on;
    # None leaves the mapping as it is, "" removes it.
    sso_subject: str | None = None
    sso_issuer: str = ""


def _check_admin(principal: Principal, unit: Unit) -> None:
    check_can_act(principal, unit, ACCOUNTS_ROLE)


def subtree(root_id: int) -> Select[tuple[int]]:
    """A statement selecting the ids of a unit and every unit below it (one recursive query)."""
    tree = select(Unit.id).where(Unit.id == root_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return select(tree.c.id)


def manageable_units(principal: Principal) -> list[tuple[Unit, int]]:
    """The units an administrator may create accounts in, in tree order with their depth below
    the principal's unit: its own, and every unit below down to the communes (villages only for a
    commune's administrator: a province lists its communes, not their thousands of villages)."""
    own = unit_of(principal)
    _check_admin(principal, own)
    listed: list[tuple[Unit, int]] = []

    def walk(unit: Unit, depth: int) -> None:
        listed.append((unit, depth))
        children = db.session.scalars(select(Unit).where(Unit.parent_id == unit.id)
                                      .order_by(Unit.name, Unit.code))
        for child in children:
            if child.level != "village" or unit.id == own.id:
                walk(child, depth + 1)

    walk(own, 0)
    return listed


def visible_accounts(principal: Principal) -> list[Account]:
    """The accounts of the administrator's unit and of every unit below, by unit then username."""
    own = unit_of(principal)
    _check_admin(principal, own)
    return list(db.session.scalars(
        select(Account).join(Account.unit).where(Account.unit_id.in_(subtree(own.id)))
        .order_by(Account.unit_id != own.id, Unit.name, Account.username)))


def account_for(principal: Principal, username: str) -> Account:
    """The account named, when the principal administers its unit; Refused 404 / 403."""
    account = users.find_account(username)
    if account is None:
        raise Refused("unknown_account", status=404, username=username)
    _check_admin(principal, account.unit)
    return account


def _check_may_change(principal: Principal, account: Account) -> None:
    """Not one's own account here (a mistake would lock the only administrator out: one's own
    password is changed on its own page), and never an account of a role above one's own."""
    if account.username == principal.name:
        raise Refused("own_account", status=403)
    if not may_grant(principal.role, role_named(account.role)):
        raise Refused("role_above_own", status=403, role=account.role)


def _check_role(principal: Principal, role: str) -> Role:
    granted = role_named(role)
    if not may_grant(principal.role, granted):
        raise Refused("role_above_own", status=403, role=granted.label)
    return granted


def create_for(principal: Principal, spec: AccountSpec) -> tuple[Account, str]:
    """A new account in a unit the administrator may manage, with a temporary password that must
    be changed at its first login. Returns the account and that password (shown once)."""
    unit = db.session.get(Unit, spec.unit_id)
    if unit is None:
        raise Refused("unknown_unit", status=404, code=spec.unit_id)
    _check_admin(principal, unit)
    granted = _check_role(principal, spec.role)
    password = users.temporary_password()
    account = users.new_account(spec.username, password, unit, granted.label, spec.full_name,
                                phone=spec.phone, email=spec.email, must_change_password=True,
                                actor=principal)
    return account, password


def update_for(principal: Principal, username: str, details: Details) -> Account:
    """Change an account's name, contact and role; the log says which fields changed."""
    account = account_for(principal, username)
    _check_may_change(principal, account)
    granted = _check_role(principal, details.role)
    changes: dict[str, str | None] = {
        "full_name": users.clean_full_name(details.full_name),
        "phone": users.clean_phone(details.phone),
        "email": users.clean_email(details.email),
        "role": granted.label,
    }
    if details.sso_subject is not None and details.sso_issuer:
        changes["sso_subject"] = _sso_key(account, details.sso_issuer, details.sso_subject)
    changed = sorted(name for name, value in changes.items() if getattr(account, name) != value)
    if not changed:
        return account
    for name in changed:
        setattr(account, name, changes[name])
    if "role" in changed:  # a session keeps no role (it is read on every request); end them anyway
        users.end_sessions(account)
    db.session.flush()
    events.record(principal, account, "updated", fields=changed,
                  **({"role": granted.label} if "role" in changed else {}))
    return account


def _sso_key(account: Account, issuer: str, subject: str) -> str | None:
    """The stored mapping of a provider's user, refused (409) when another account has it."""
    subject = subject.strip()
    if not subject:
        return None
    key = sso.subject_key(issuer, subject)
    holder = db.session.scalar(select(Account.username).where(Account.sso_subject == key,
                                                              Account.id != account.id))
    if holder is not None:
        raise Refused("sso_subject_taken", status=409)
    return key


def set_active_for(principal: Principal, username: str, active: bool) -> Account:
    account = account_for(principal, username)
    _check_may_change(principal, account)
    users.change_active(account, active, principal)
    return account


def reset_for(principal: Principal, username: str, kind: str) -> tuple[Account, str]:
    """A password reset: `link` gives a one-time token for a link (the old password works until
    it is used), `temporary` a temporary password to change at the next login (the old one and
    every session end at once). Returns the account and the token or the password."""
    account = account_for(principal, username)
    _check_may_change(principal, account)
    if not account.active:
        raise Refused("account_disabled", status=409, username=account.username)
    if kind == "link":
        return account, users.issue_reset_link(account, principal)
    if kind == "temporary":
        return account, users.issue_temporary_password(account, principal)
    raise Refused("reset_kind_invalid", status=422, kind=kind)


def log_for(principal: Principal, username: str) -> tuple[Account, list[AccountEvent]]:
    account = account_for(principal, username)
    return account, events.events_of(account)
