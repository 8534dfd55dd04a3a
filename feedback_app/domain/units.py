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
# The commune groups of Decision 51/2025/QĐ-TTg (group 3: ethnic-minority and mountain communes of
# zones II and III), each with its own levels of the criteria.
COMMUNE_GROUPS = (1, 2, 3)


def parent_level_ok(level: str, parent_level: str | None) -> bool:
    return parent_level in PARENT_LEVELS.get(level, frozenset())


def is_surveyed(unit_type: str, include_urban: bool) -> bool:
    """Whether a commune-level unit of this type is surveyed by a campaign."""
    return include_urban or unit_type in RURAL_UNIT_TYPES


# The kinds of village under a commune: thôn and bản (rural; bản in the mountains), ấp (the south),
# tổ dân phố (the residential groups of wards and towns).
VILLAGE_TYPES: tuple[str, ...] = ("thon", "ban", "ap", "to_dan_pho")
MAX_VILLAGES_PER_COMMUNE = 999  # village codes are the commune's code and three digits


def village_code(commune_code: str, number: int) -> str:
    """The code of a commune's village number `number` (1-999): the commune's code and three
    digits, e.g. 03390 and 7 -> 03390007. Codes are never reused, so a retired village keeps its."""
    if not 1 <= number <= MAX_VILLAGES_PER_COMMUNE:
        raise ValueError(f"village number {number} outside 1-{MAX_VILLAGES_PER_COMMUNE}")
    return f"{commune_code}{number:03d}"


def next_village_number(commune_code: str, codes: list[str]) -> int:
    """The number after the highest village number among `codes` (the commune's villages)."""
    numbers = [int(c[len(commune_code):]) for c in codes
               if c.startswith(commune_code) and len(c) == len(commune_code) + 3
               and c[len(commune_code):].isdigit()]
    return max(numbers, default=0) + 1


def register_households(village_households: list[int], commune_households: int | None) -> int | None:
    """A commune's registered households: the sum of its villages' when it has villages, else its
    own figure (None when unknown)."""
    return sum(village_households) if village_households else commune_households
