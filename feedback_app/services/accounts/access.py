"""Who may read what and do what: the one place that decides whether a principal may see a unit,
and whether its role lets it act there.

A principal (an API token, or a committee account's session) is scoped to one unit and sees that
unit and everything below it, never its siblings or the units above it. Accounts also have a role:
viewer (reads dashboards and comments) < officer (also manages campaigns) < admin. API tokens read
only, like viewers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from ...domain.reports import Relation
from ...extensions import db
from ...models import Unit
from ..errors import Refused


class Role(IntEnum):
    """Ordered: a higher role may do everything a lower one may."""

    VIEWER = 1
    OFFICER = 2
    ADMIN = 3

    @classmethod
    def named(cls, name: str) -> Role:
        try:
            return cls[name.upper()]
        except KeyError:
            raise Refused("role_invalid", status=422, role=name) from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Principal:
    name: str
    unit_id: int
    role: Role = Role.VIEWER


def relation(principal: Principal, unit: Unit) -> Relation:
    """Where `unit` stands from the principal's unit: its own, a direct child, further below, or
    outside its scope (a sibling, a parent, another branch or scheme)."""
    current: Unit | None = unit
    seen: set[int] = set()
    while current is not None and current.id not in seen:
        if current.id == principal.unit_id:
            return (Relation.OWN, Relation.CHILD)[len(seen)] if len(seen) < 2 else Relation.BELOW
        seen.add(current.id)
        current = db.session.get(Unit, current.parent_id) if current.parent_id else None
    return Relation.OUTSIDE


def can_see(principal: Principal, unit: Unit) -> bool:
    """Whether `unit` is the principal's unit or below it (units of other schemes are not)."""
    return relation(principal, unit) is not Relation.OUTSIDE


def check_can_see(principal: Principal, unit: Unit) -> None:
    if not can_see(principal, unit):
        raise Refused("out_of_scope", status=403, scheme=unit.scheme, code=unit.code)


def check_can_act(principal: Principal, unit: Unit, role: Role) -> None:
    """Refused (403) unless `unit` is in the principal's scope and its role is at least `role`."""
    check_can_see(principal, unit)
    if principal.role < role:
        raise Refused("role_too_low", status=403, needed=role.label, role=principal.role.label)
