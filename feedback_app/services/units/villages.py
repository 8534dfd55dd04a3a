"""A commune's village register: its villages (thôn, bản, ấp, tổ dân phố) and their registered
households, kept by the commune's officers (add, rename, change households, merge, retire, import).

Villages are units of level "village" under their commune, in the commune's scheme, with codes
made from the commune's code (domain.units.village_code). A retired village keeps its row (codes
and answers of past campaigns point at it) with `valid_to` set to the day it was retired; a merge
retires the village and records it in the succession table (old -> new, whole), so the unit tree,
the succession table and the 2025 reference lists stay as they are.

After every change the commune's `households` becomes the sum of its current villages' (DESIGN.md:
the register), which every reader of a commune's households (campaign set-up, the API's catalogue)
then sees. A campaign's own copy is taken when its codes are issued (services.campaigns.register)
and does not follow later changes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from sqlalchemy import select

from ...clock import local_today
from ...domain.access import Principal, Role
from ...domain.succession import Share
from ...domain.units import (
    MAX_VILLAGES_PER_COMMUNE,
    VILLAGE_TYPES,
    next_village_number,
    register_households,
    village_code,
)
from ...extensions import db
from ...models import Unit, UnitSuccession
from ..accounts.access import check_can_act, unit_of
from ..errors import Refused

MAX_HOUSEHOLDS = 100_000  # one village; the largest wards' residential groups are far below
MAX_IMPORT_ROWS = MAX_VILLAGES_PER_COMMUNE
MAX_ERRORS_REPORTED = 50
IMPORT_COLUMNS = ("name", "households")
IMPORT_OPTIONAL = ("code", "kind", "synthetic")


class VillageSchema(Schema):
    """A village as an officer types it (web form or one CSV row). Empty cells count as absent."""

    class Meta:
        unknown = EXCLUDE

    code = fields.String(load_default=None, validate=validate.Regexp(r"[0-9A-Za-z]{1,16}\Z",
                                                                     error="Not a village code."))
    name = fields.String(required=True, validate=validate.Length(min=1, max=128))
    households = fields.Integer(required=True, strict=False,
                                validate=validate.Range(min=0, max=MAX_HOUSEHOLDS))
    kind = fields.String(load_default="thon", validate=validate.OneOf(VILLAGE_TYPES))
    synthetic = fields.Boolean(load_default=False)

    @pre_load
    def _blank_is_absent(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        cleaned = {k: " ".join(v.split()) for k, v in data.items() if isinstance(v, str)}
        return {k: v for k, v in cleaned.items() if v}


@dataclass(frozen=True)
class Register:
    """A commune and its villages: current ones by code, then the retired ones."""

    commune: Unit
    villages: list[Unit]
    retired: list[Unit]

    @property
    def households(self) -> int | None:
        return register_households([v.households or 0 for v in self.villages], self.commune.households)


def is_current(village: Unit) -> bool:
    return village.valid_to is None


def commune_for(principal: Principal, commune_code: str, role: Role = Role.OFFICER) -> Unit:
    """A commune of the principal's scheme that the principal may act on with `role`."""
    scheme = unit_of(principal).scheme
    commune = db.session.scalar(select(Unit).filter_by(scheme=scheme, code=commune_code))
    if commune is None or commune.level != "commune":
        raise Refused("unknown_commune", status=404, commune=commune_code)
    check_can_act(principal, commune, role)
    return commune


def villages_of(commune: Unit) -> list[Unit]:
    return list(db.session.scalars(
        select(Unit).where(Unit.parent_id == commune.id, Unit.level == "village").order_by(Unit.code)
    ))


def register_of(commune: Unit) -> Register:
    villages = villages_of(commune)
    return Register(commune, [v for v in villages if is_current(v)],
                    [v for v in villages if not is_current(v)])


def village_register(principal: Principal, commune_code: str) -> Register:
    """What the villages page shows; read by any account of the commune or above."""
    return register_of(commune_for(principal, commune_code, Role.VIEWER))


def village_of(commune: Unit, code: str, current: bool = True) -> Unit:
    """One of the commune's villages by code (a current one unless `current` is False)."""
    village = db.session.scalar(select(Unit).filter_by(scheme=commune.scheme, code=code,
                                                       parent_id=commune.id, level="village"))
    if village is None or (current and not is_current(village)):
        raise Refused("unknown_village", status=404, commune=commune.code, village=code)
    return village


def _check_name_free(register: Register, name: str, other_than: Unit | None = None) -> None:
    folded = name.casefold()
    for village in register.villages:
        if village is not other_than and village.name.casefold() == folded:
            raise Refused("village_name_taken", status=409, name=name, village=village.code)


def _new_code(commune: Unit, taken: list[str]) -> str:
    number = next_village_number(commune.code, taken)
    while number <= MAX_VILLAGES_PER_COMMUNE:
        code = village_code(commune.code, number)
        if db.session.scalar(select(Unit.id).filter_by(scheme=commune.scheme, code=code)) is None:
            return code
        number += 1
    raise Refused("villages_too_many", status=409, maximum=MAX_VILLAGES_PER_COMMUNE)


def update_unit(unit: Unit, values: dict[str, Any]) -> bool:
    """Set the unit's attributes to `values`; True when any of them changed."""
    changed = False
    for name, value in values.items():
        if getattr(unit, name) != value:
            setattr(unit, name, value)
            changed = True
    return changed


def _apply(village: Unit, row: dict[str, Any]) -> bool:
    values = {"name": row["name"], "full_name": row["name"], "name_en": row["name"],
              "full_name_en": row["name"], "unit_type": row["kind"], "households": row["households"],
              "households_synthetic": bool(row["synthetic"])}
    return update_unit(village, values)


def _create(commune: Unit, row: dict[str, Any], taken: list[str]) -> Unit:
    code = _new_code(commune, taken)
    taken.append(code)
    village = Unit(scheme=commune.scheme, code=code, parent_id=commune.id, level="village",
                   valid_from=local_today(), valid_to=None)
    _apply(village, row)
    db.session.add(village)
    return village


def sync_commune(commune: Unit) -> None:
    """The commune's households become its current villages' sum (when it has any)."""
    db.session.flush()
    register = register_of(commune)
    if register.villages:
        commune.households = register.households
        commune.households_synthetic = any(v.households_synthetic for v in register.villages)
    db.session.flush()


def _load(data: dict[str, Any]) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = VillageSchema().load(data)
    except ValidationError as exc:
        raise Refused("village_invalid", status=422, problems=exc.messages_dict) from None
    return loaded


def add_village(principal: Principal, commune_code: str, data: dict[str, Any]) -> Unit:
    """A new current village of the commune (its code is made here; a `code` given is ignored)."""
    commune = commune_for(principal, commune_code)
    row = _load(data)
    register = register_of(commune)
    _check_name_free(register, row["name"])
    village = _create(commune, row, [v.code for v in register.villages + register.retired])
    sync_commune(commune)
    return village


def update_village(principal: Principal, commune_code: str, code: str, data: dict[str, Any]) -> Unit:
    """Rename a village, or change its kind or registered households."""
    commune = commune_for(principal, commune_code)
    village = village_of(commune, code)
    row = _load(data)
    _check_name_free(register_of(commune), row["name"], other_than=village)
    _apply(village, row)
    sync_commune(commune)
    return village


def retire_village(principal: Principal, commune_code: str, code: str) -> Unit:
    """The village is no longer in the register from today (its row and past answers stay)."""
    commune = commune_for(principal, commune_code)
    village = village_of(commune, code)
    village.valid_to = local_today()
    sync_commune(commune)
    return village


def merge_villages(principal: Principal, commune_code: str, code: str, into: str) -> Unit:
    """Village `code` joins village `into`: its households are added to it, it is retired, and the
    succession table records the merge. Returns the village it went into."""
    commune = commune_for(principal, commune_code)
    if code == into:
        raise Refused("village_merge_self", status=422, village=code)
    village, target = village_of(commune, code), village_of(commune, into)
    target.households = (target.households or 0) + (village.households or 0)
    target.households_synthetic = target.households_synthetic or village.households_synthetic
    today = local_today()
    village.valid_to = today
    db.session.add(UnitSuccession(old_unit_id=village.id, new_unit_id=target.id,
                                  share=Share.WHOLE.value, effective=today))
    sync_commune(commune)
    return target


@dataclass(frozen=True)
class LineProblem:
    """What is wrong with one line of an import file, for each channel to word: `problem` is
    "field" (data: the columns that are not valid), "repeat" (name, first line), "unknown_code"
    (code) or "name_taken" (name, village code)."""

    line: int
    problem: str
    data: dict[str, Any]


@dataclass
class VillageImport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_villages(principal: Principal, commune_code: str, stream: Iterable[str]) -> VillageImport:
    """A commune's villages from CSV (columns name, households; optional code, kind, synthetic),
    all or nothing: a file with any bad line changes nothing and every bad line is named.

    A row with a code updates that current village (a rename); a row without one updates the
    current village of that name, or adds a village. Villages not in the file are left as they are.
    """
    commune = commune_for(principal, commune_code)
    reader = csv.DictReader(stream if not isinstance(stream, str) else io.StringIO(stream))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in IMPORT_COLUMNS if c not in columns]
    if missing:
        raise Refused("villages_columns", status=422, missing=missing,
                      expected=IMPORT_COLUMNS + IMPORT_OPTIONAL)
    register = register_of(commune)
    by_code = {v.code: v for v in register.villages}
    by_name = {v.name.casefold(): v for v in register.villages}
    errors: list[LineProblem] = []
    planned: list[tuple[Unit | None, dict[str, Any]]] = []
    seen_names: dict[str, int] = {}
    raw_rows = [{(k or "").strip(): v for k, v in raw.items()} for raw in reader]
    if len(raw_rows) > MAX_IMPORT_ROWS:
        raise Refused("villages_too_many", status=422, maximum=MAX_IMPORT_ROWS)
    for line, raw in enumerate(raw_rows, start=2):
        try:
            row = VillageSchema().load(raw)
        except ValidationError as exc:
            errors.append(LineProblem(line, "field", {"columns": sorted(exc.messages_dict)}))
            continue
        folded = row["name"].casefold()
        if folded in seen_names:
            errors.append(LineProblem(line, "repeat", {"name": row["name"], "first": seen_names[folded]}))
            continue
        seen_names[folded] = line
        if row["code"]:
            village = by_code.get(row["code"])
            if village is None:
                errors.append(LineProblem(line, "unknown_code", {"code": row["code"]}))
                continue
            clash = by_name.get(folded)
            if clash is not None and clash is not village:
                errors.append(LineProblem(line, "name_taken", {"name": row["name"], "code": clash.code}))
                continue
        else:
            village = by_name.get(folded)
        planned.append((village, row))
    if errors:
        raise Refused("villages_invalid", status=422, errors=errors[:MAX_ERRORS_REPORTED],
                      more=max(len(errors) - MAX_ERRORS_REPORTED, 0))
    report = VillageImport(rows=len(raw_rows))
    taken = [v.code for v in register.villages + register.retired]
    for village, row in planned:
        if village is None:
            _create(commune, row, taken)
            report.created += 1
        elif _apply(village, row):
            report.updated += 1
        else:
            report.unchanged += 1
    sync_commune(commune)
    return report
