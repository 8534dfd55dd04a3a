"""Administrative units: levels, schemes and what a campaign surveys."""

from __future__ import annotations

from datetime import date

LEVELS: tuple[str, ...] = ("province", "district", "commune", "village")
# Which parent level each level may hang under (legacy data has districts; 2025 data does not).
PARENT_LEVELS: dict[str, frozenset[str | None]] = {
    "province": frozenset({None}),
    "district": frozenset({"province"}),
    "commune": frozenset({"province", "district"}),
    "village": frozenset({"commune"}),
}
# Validity of the schemes the product knows, used when an import file has no validity columns.
KNOWN_SCHEMES: dict[str, tuple[date | None, date | None]] = {
    "vn-2025": (date(2025, 7, 1), None),
    "vn-legacy": (None, date(2025, 6, 30)),
}
# New rural construction concerns rural communes; wards (phường) and towns are urban.
RURAL_UNIT_TYPES = frozenset({"commune"})


def parent_level_ok(level: str, parent_level: str | None) -> bool:
    return parent_level in PARENT_LEVELS.get(level, frozenset())


def is_surveyed(unit_type: str, include_urban: bool) -> bool:
    """Whether a commune-level unit of this type is surveyed by a campaign."""
    return include_urban or unit_type in RURAL_UNIT_TYPES
