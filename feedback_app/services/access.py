"""Who may read what: the one place that decides whether a principal may see a unit.

A principal (today an API token; later a committee account's session) is scoped to one unit and
sees that unit and everything below it, never its siblings or the units above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.reports import Relation
from ..extensions import db
from ..models import Unit
from .errors import Refused


@dataclass(frozen=True)
class Principal:
    name: str
    unit_id: int


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
