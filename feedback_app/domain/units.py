"""Administrative units: levels, schemes and what a campaign surveys."""

from __future__ import annotations

from datetime import date

LEVELS: tuple[str, ...] = ("country", "province", "district", "commune", "village")
# Which parent level each level may hang under (legacy data has districts; 2025 data does not).
# A province given without a parent is placed under its scheme's country (COUNTRY_CODE).
PARENT_LEVELS: dict[str, frozenset[str | None]] = {
    "country": frozenset({None}),
    "province": frozenset({None, "country"}),
    "district": frozenset({"province"}),
    "commune": frozenset({"province", "district"}),
    "village": frozenset({"commune"}),
}
# The root of every scheme: the whole country, where the central committee of the Front sits.
COUNTRY_CODE = "VN"
COUNTRY_NAMES = {"name": "Việt Nam", "full_name": "Việt Nam", "name_en": "Viet Nam",
                 "full_name_en": "Viet Nam"}
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
