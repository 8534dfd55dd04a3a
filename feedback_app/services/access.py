"""Who may read what: the one place that decides whether a principal may see a unit.

A principal (today an API token; later a committee account's session) is scoped to one unit and
sees that unit and everything below it, never its siblings or the units above it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..models import Unit
from .errors import Refused


@dataclass(frozen=True)
class Principal:
    name: str
    unit_id: int


def can_see(principal: Principal, unit: Unit) -> bool:
    """Whether `unit` is the principal's unit or below it (units of other schemes are not)."""
    current: Unit | None = unit
    seen: set[int] = set()
    while current is not None and current.id not in seen:
        if current.id == principal.unit_id:
            return True
        seen.add(current.id)
        current = db.session.get(Unit, current.parent_id) if current.parent_id else None
    return False


def check_can_see(principal: Principal, unit: Unit) -> None:
    if not can_see(principal, unit):
        raise Refused("out_of_scope", status=403, scheme=unit.scheme, code=unit.code)
