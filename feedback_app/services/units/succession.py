"""Importing the succession of administrative units (old unit -> new unit, whole or part).

A malformed file (missing columns, a bad share or date) is refused whole. Rows naming a unit that
is not imported, or a unit of another level than the row says, are skipped and each one is
reported with its line number: real lists have such gaps (units merged earlier, a code corrected in
one list and not the other) and they must be seen, not guessed around. `strict` refuses the whole
file instead. Importing the same file again is safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from sqlalchemy import select

from ...domain.succession import Share
from ...domain.units import LEVELS
from ...extensions import db
from ...models import Unit, UnitSuccession
from ..errors import Refused
from .importing import read_csv

COLUMNS = ("level", "old_scheme", "old_code", "new_scheme", "new_code", "share", "effective")
MAX_ERRORS_REPORTED = 50


class SuccessionRowSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    old_scheme = fields.String(required=True, validate=validate.Length(min=1, max=32))
    old_code = fields.String(required=True, validate=validate.Length(min=1, max=16))
    new_scheme = fields.String(required=True, validate=validate.Length(min=1, max=32))
    new_code = fields.String(required=True, validate=validate.Length(min=1, max=16))
    share = fields.Enum(Share, by_value=True, required=True)
    effective = fields.Date(required=True)

    @pre_load
    def _strip(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {k: v.strip() for k, v in data.items() if isinstance(v, str) and v.strip()}


@dataclass
class SuccessionReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # rows not imported, with the reason
    errors: list[str] = field(default_factory=list)  # malformed rows: nothing imported


def import_successions(stream: Iterable[str], strict: bool = False) -> SuccessionReport:
    columns, raw_rows = read_csv(stream)
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise Refused("succession_columns", missing=missing, expected=COLUMNS)
    report = SuccessionReport(rows=len(raw_rows))
    schema = SuccessionRowSchema()
    rows: list[tuple[int, dict[str, Any]]] = []
    for line, raw in enumerate(raw_rows, start=2):
        try:
            rows.append((line, schema.load(raw)))
        except ValidationError as exc:
            invalid = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.messages_dict.items())
            if len(report.errors) < MAX_ERRORS_REPORTED:
                report.errors.append(f"line {line}: {invalid}")
    if report.errors:
        raise Refused("succession_invalid", report=report)

    schemes = {r["old_scheme"] for _, r in rows} | {r["new_scheme"] for _, r in rows}
    units = {
        (scheme, code): (unit_id, level)
        for unit_id, scheme, code, level in db.session.execute(
            select(Unit.id, Unit.scheme, Unit.code, Unit.level).where(Unit.scheme.in_(schemes))
        )
    }
    links: dict[tuple[int, int], tuple[int, dict[str, Any]]] = {}
    for line, row in rows:
        ends, problems = [], []
        for side in ("old", "new"):
            key = (row[f"{side}_scheme"], row[f"{side}_code"])
            if key not in units:
                problems.append(f"{side} unit {key[0]} {key[1]} is not known")
            elif units[key][1] != row["level"]:
                problems.append(f"{side} unit {key[0]} {key[1]} is a {units[key][1]}, "
                                f"the row says {row['level']}")
            else:
                ends.append(units[key][0])
        if problems:
            report.skipped.append(f"line {line}: {'; '.join(problems)}")
            continue
        pair = (ends[0], ends[1])
        if pair in links:
            report.skipped.append(f"line {line}: repeats line {links[pair][0]}")
            continue
        links[pair] = (line, row)
    if strict and report.skipped:
        report.errors = report.skipped
        raise Refused("succession_incomplete", report=report)

    existing = {
        (s.old_unit_id, s.new_unit_id): s
        for s in db.session.scalars(
            select(UnitSuccession).where(UnitSuccession.old_unit_id.in_(sorted({o for o, _ in links})))
        )
    } if links else {}
    for (old, new), (_, row) in links.items():
        stored = existing.get((old, new))
        values = {"share": row["share"].value, "effective": row["effective"]}
        if stored is None:
            db.session.add(UnitSuccession(old_unit_id=old, new_unit_id=new, **values))
            report.created += 1
        elif any(getattr(stored, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(stored, k, v)
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    return report
