"""The accounts' audit log: every change made to an account, by whom and when (append-only)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from ...domain.access import Principal, Role
from ...extensions import db
from ...models import Account, AccountEvent

# Who acts when a change comes from the operator's shell (`flask users ...`, the demo) and the
# command did not say which operator: recorded as such, never as a committee account.
OPERATOR = Principal(name="shell", role=Role.ADMIN)

ACTIONS = ("created", "updated", "disabled", "enabled", "reset_link_issued",
           "temporary_password_issued", "password_changed", "password_reset_by_link", "password_set")


def record(actor: Principal, account: Account, action: str, **detail: Any) -> AccountEvent:
    """Append one entry; `detail` holds what changed (never a password, a link or a token)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown account event {action!r}")
    entry = AccountEvent(account=account, action=action, actor_username=actor.name[:64],
                         actor_role=actor.role.label,
                         actor_unit=actor.unit_label if actor.unit_code else "shell",
                         detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else "")
    db.session.add(entry)
    db.session.flush()
    return entry


def detail_of(entry: AccountEvent) -> dict[str, Any]:
    loaded = json.loads(entry.detail) if entry.detail else {}
    return loaded if isinstance(loaded, dict) else {}


def events_of(account: Account) -> list[AccountEvent]:
    """The account's log, newest first."""
    return list(db.session.scalars(select(AccountEvent).where(AccountEvent.account_id == account.id)
                                   .order_by(AccountEvent.at.desc(), AccountEvent.id.desc())))
