"""Importing administrative units from CSV, all or nothing, safe to repeat."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from sqlalchemy import select

from ...domain.units import (
    COMMUNE_GROUPS,
    COUNTRY_CODE,
    COUNTRY_NAMES,
    KNOWN_SCHEMES,
    LEVELS,
    parent_level_ok,
)
from ...extensions import db
from ...models import Unit
from ..errors import Refused
from .villages import sync_commune, update_unit

REQUIRED_COLUMNS = ("scheme", "code", "parent_code", "level", "name")
OPTIONAL_COLUMNS = (
    "unit_type", "full_name", "name_en", "full_name_en",
    "households", "households_synthetic", "valid_from", "valid_to", "commune_group",
)  # fmt: skip
MAX_ERRORS_REPORTED = 50


class UnitRowSchema(Schema):
    """One CSV row. Empty cells count as absent."""

    class Meta:
        unknown = EXCLUDE

    scheme = fields.String(
        required=True, validate=validate.Regexp(r"[a-z0-9][a-z0-9-]{0,31}\Z", error="Not a scheme name.")
    )
    code = fields.String(
        required=True, validate=validate.Regexp(r"[0-9A-Za-z]{1,16}\Z", error="Not a unit code.")
    )
    parent_code = fields.String(load_default=None)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    unit_type = fields.String(load_default=None, validate=validate.Length(max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=128))
    full_name = fields.String(load_default=None, validate=validate.Length(max=160))
    name_en = fields.String(load_default=None, validate=validate.Length(max=128))
    full_name_en = fields.String(load_default=None, validate=validate.Length(max=160))
    households = fields.Integer(load_default=None, validate=validate.Range(min=0, max=10_000_000))
    households_synthetic = fields.Boolean(load_default=None)
    valid_from = fields.Date(load_default=None)
    valid_to = fields.Date(load_default=None)
    commune_group = fields.Integer(load_default=None, strict=False, validate=validate.OneOf(
        COMMUNE_GROUPS, error="A commune group is 1, 2 or 3 (Decision 51/2025/QĐ-TTg)."))

    @pre_load
    def _blank_is_absent(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {k: v.strip() for k, v in data.items() if isinstance(v, str) and v.strip()}


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def read_csv(stream: Iterable[str] | io.TextIOBase) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(stream)
    return list(reader.fieldnames or []), list(reader)


def import_units(stream: Iterable[str]) -> ImportReport:
    """Create or update the units of a CSV (columns in docs/using.md). Nothing is written on error.

    Units are matched on (scheme, code); a row updates names, level, parent, validity and, when the
    cell is filled, households. Rows may come in any order; parents may be in the file or the database.
    """
    columns, raw_rows = read_csv(stream)
    report = ImportReport(rows=len(raw_rows))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise Refused("units_columns", missing=missing, expected=REQUIRED_COLUMNS + OPTIONAL_COLUMNS)

    schema = UnitRowSchema()
    rows: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for line, raw in enumerate(raw_rows, start=2):
        try:
            row = schema.load(raw)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.messages_dict.items())
            report.errors.append(f"line {line}: {problems}")
            continue
        key = (row["scheme"], row["code"])
        if row["commune_group"] is not None and row["level"] != "commune":
            report.errors.append(f"line {line}: commune_group: only a commune has a group, "
                                 f"not a {row['level']}")  # the row stays: its children still find it
        if key in rows:
            report.errors.append(f"line {line}: {row['scheme']} {row['code']} repeats line {rows[key][0]}")
            continue
        rows[key] = (line, row)

    schemes = {scheme for scheme, _ in rows}
    existing = {
        (u.scheme, u.code): u
        for u in db.session.scalars(select(Unit).where(Unit.scheme.in_(schemes))) if schemes
    }
    _check_parents(rows, existing, report)
    if report.errors:
        raise Refused("units_invalid", report=report)

    for scheme in sorted({s for (s, _), (_, row) in rows.items()
                          if row["level"] == "province" and not row["parent_code"]}):
        country = existing.get((scheme, COUNTRY_CODE)) or ensure_country(scheme)
        existing[(scheme, COUNTRY_CODE)] = country
        for (row_scheme, _), (_, row) in rows.items():
            if row_scheme == scheme and row["level"] == "province" and not row["parent_code"]:
                row["parent_code"] = COUNTRY_CODE
    new_keys = {key for key in rows if key not in existing}
    for key in new_keys:
        existing[key] = Unit(scheme=key[0], code=key[1])
        _apply(existing[key], rows[key][1], None)
        db.session.add(existing[key])
    db.session.flush()  # ids for the new units, so that children can point at them
    for key, (_, row) in rows.items():
        parent = existing[(row["scheme"], row["parent_code"])] if row["parent_code"] else None
        changed = _apply(existing[key], row, parent.id if parent else None)
        if key in new_keys:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
    # A commune's households are its villages' sum when it has villages (services.units.villages).
    for commune in {existing[(s, r["parent_code"])] for (s, _), (_, r) in rows.items()
                    if r["level"] == "village" and r["parent_code"]}:
        sync_commune(commune)
    return report


def ensure_country(scheme: str) -> Unit:
    """The scheme's country unit (the root above its provinces), created when missing."""
    country = db.session.scalar(select(Unit).filter_by(scheme=scheme, code=COUNTRY_CODE))
    if country is None:
        valid_from, valid_to = KNOWN_SCHEMES.get(scheme, (None, None))
        country = Unit(scheme=scheme, code=COUNTRY_CODE, level="country", unit_type="country",
                       valid_from=valid_from, valid_to=valid_to, **COUNTRY_NAMES)
        db.session.add(country)
        db.session.flush()
    return country


def _check_parents(
    rows: dict[tuple[str, str], tuple[int, dict[str, Any]]],
    existing: dict[tuple[str, str], Unit],
    report: ImportReport,
) -> None:
    for (scheme, _code), (line, row) in rows.items():
        parent_level = None
        if row["parent_code"]:
            parent_key = (scheme, row["parent_code"])
            if parent_key in rows:
                parent_level = rows[parent_key][1]["level"]
            elif parent_key in existing:
                parent_level = existing[parent_key].level
            else:
                report.errors.append(
                    f"line {line}: parent {row['parent_code']} is neither in the file "
                    f"nor already imported in scheme {scheme}"
                )
                continue
        if not parent_level_ok(row["level"], parent_level):
            report.errors.append(
                f"line {line}: a {row['level']} cannot be placed under "
                f"{'a ' + parent_level if parent_level else 'no parent'}"
            )
        if len(report.errors) >= MAX_ERRORS_REPORTED:
            return


def _apply(unit: Unit, row: dict[str, Any], parent_id: int | None) -> bool:
    """Copy a row onto a unit; True when anything changed."""
    default_from, default_to = KNOWN_SCHEMES.get(row["scheme"], (None, None))
    values: dict[str, Any] = {
        "parent_id": parent_id,
        "level": row["level"],
        "unit_type": row["unit_type"] or row["level"],
        "name": row["name"],
        "full_name": row["full_name"] or row["name"],
        "name_en": row["name_en"] or row["name"],
        "full_name_en": row["full_name_en"] or row["name_en"] or row["name"],
        "valid_from": row["valid_from"] or default_from,
        "valid_to": row["valid_to"] or default_to,
    }
    if row["commune_group"] is not None:  # an empty cell keeps the known group
        values["commune_group"] = row["commune_group"]
    if row["households"] is not None:
        values["households"] = row["households"]
        values["households_synthetic"] = bool(row["households_synthetic"])
    return update_unit(unit, values)

