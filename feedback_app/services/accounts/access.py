"""Who may read what and do what: the one place that decides whether a principal may see a unit,
and whether its role lets it act there.

The principal and its ordered roles are domain.access's; this module answers, from the database,
where a unit stands from the principal's unit.
"""

from __future__ import annotations

from ...domain.access import Principal, Relation, Role
from ...extensions import db
from ...models import Unit
from ..errors import Refused


def role_named(name: str) -> Role:
    """The role an account's or a command's text names; Refused (422) when it names none."""
    try:
        return Role(name.strip().lower())
    except ValueError:
        raise Refused("role_invalid", status=422, role=name) from None


def unit_of(principal: Principal) -> Unit:
    """The unit row of a principal that carries its id; Refused (404) when it is gone."""
    unit = db.session.get(Unit, principal.unit_id) if principal.unit_id is not None else None
    if unit is None:
        raise Refused("unknown_unit", status=404, code=principal.unit_code or principal.unit_id)
    return unit


def relation(principal: Principal, unit: Unit) -> Relation:
    """Where `unit` stands from the principal's unit: its own, a direct child, further below, or
    outside its scope (a sibling, a parent, another branch or scheme)."""
    if principal.unit_id is None:  # an operator's principal: the services look its unit up first
        raise ValueError("a principal without a unit id has no scope")
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
