"""The kept plausibility flags (models.FlagSnapshot): a unit's flags as JSON, read back and
written, for services.verification.flags, which decides when they are current (their fingerprint)
and computes them."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from ...clock import as_utc, utcnow
from ...database import dialect_insert
from ...domain.plausibility import Flag, FlagRule, Source
from ...extensions import db
from ...models import Campaign, FlagSnapshot, Unit
from ..effects import after_commit


@dataclass(frozen=True)
class UnitFlag:
    """One flag of one unit, with a stable id for its acknowledgement."""

    unit: Unit
    flag: Flag

    @property
    def ident(self) -> str:
        source = f":{self.flag.source.value}" if self.flag.source else ""
        return f"{self.unit.code}:{self.flag.rule.value}{source}"

    def record(self) -> dict[str, Any]:
        """As the audit log keeps it (report_events.flags): what was flagged, with its figures."""
        return {"id": self.ident, "unit": self.unit.code, "level": self.unit.level,
                "rule": self.flag.rule.value, "value": str(self.flag.value),
                "limit": str(self.flag.limit), "count": self.flag.count,
                "source": self.flag.source.value if self.flag.source else None}



def _number(value: Fraction | int) -> str | int:
    return value if isinstance(value, int) else str(value)


def _encode(flags: Sequence[UnitFlag]) -> str:
    return json.dumps([{"unit": f.unit.id, "rule": f.flag.rule.value, "value": _number(f.flag.value),
                        "limit": _number(f.flag.limit), "count": f.flag.count,
                        "source": f.flag.source.value if f.flag.source else None, "key": f.flag.key}
                       for f in flags])


def _decode(items: list[dict[str, Any]], units: dict[int, Unit]) -> list[UnitFlag]:
    def number(value: str | int) -> Fraction | int:
        return value if isinstance(value, int) else Fraction(value)
    return [UnitFlag(units[item["unit"]], Flag(
        FlagRule(item["rule"]), item["unit"], number(item["value"]), number(item["limit"]), item["count"],
        Source(item["source"]) if item["source"] else None, item["key"])) for item in items]


@dataclass(frozen=True)
class Kept:
    """A kept row, its flags still as JSON (decoded only for the units a page shows)."""

    fingerprint: str
    computed_at: datetime
    flags: str


def kept_rows(campaign: Campaign, unit_ids: Collection[int]) -> dict[int, Kept]:
    """The flags last kept for these units, whatever their fingerprint."""
    if not unit_ids:
        return {}
    return {row.unit_id: Kept(row.fingerprint, as_utc(row.computed_at), row.flags)
            for row in db.session.execute(
                select(FlagSnapshot.unit_id, FlagSnapshot.fingerprint, FlagSnapshot.computed_at,
                       FlagSnapshot.flags)
                .where(FlagSnapshot.campaign_id == campaign.id, FlagSnapshot.unit_id.in_(list(unit_ids))))}


def decoded(rows: dict[int, Kept]) -> dict[int, list[UnitFlag]]:
    """The flags of these kept rows, their units read in one query."""
    items = {unit_id: json.loads(row.flags) for unit_id, row in rows.items()}
    ids = {item["unit"] for flags in items.values() for item in flags}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))} if ids else {}
    return {unit_id: _decode(flags, units) for unit_id, flags in items.items()}


def keep_after_commit(campaign: Campaign, computed: dict[int, tuple[str, list[UnitFlag]]]) -> None:
    """Keep computed flags once the request's transaction has committed, in a transaction of their
    own: they are a cache of committed answers, not part of the request's work. A page only reads;
    writing in its transaction would, on SQLite, turn it into a read-then-write that fails at once
    when an answer was recorded meanwhile (database.writing), and a failed write here loses only
    the time to compute them again. Rows go in the order of the units' ids, so that two writers on
    PostgreSQL take their locks in one order."""
    if not computed:
        return
    table = FlagSnapshot.__table__
    rows = [{"campaign_id": campaign.id, "unit_id": unit_id, "fingerprint": fingerprint,
             "computed_at": utcnow(), "flags": _encode(flags)}
            for unit_id, (fingerprint, flags) in sorted(computed.items())]
    engine = db.engine
    stmt = dialect_insert(table, engine.dialect.name).values(rows)
    upsert = stmt.on_conflict_do_update(
        index_elements=["campaign_id", "unit_id"],
        set_={name: stmt.excluded[name] for name in ("fingerprint", "computed_at", "flags")})

    def store() -> None:
        with engine.begin() as connection:
            connection.execute(upsert)
    after_commit(db.session, store)
