"""The province at a glance: every commune of a campaign below a province (or a legacy district)
against every item, each rate in its colour band (domain.bands) with its coverage beside it,
sorted and filtered by commune group (Decision 51) as the committee asks.

Read from the counters through services.indices.index (one roll-up: two indexed queries over the
counters whatever the number of communes and responses, and one for the units): never a query per
commune. Scope: the principal must have a part in the campaign and may see the unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ...domain.access import Principal
from ...domain.bands import DEFAULT_EDGES, MIN_VALID, Band, Cell, bands, cell
from ...domain.index import Counts, Verdict, coverage, pool
from ...domain.rollup import Node
from ...domain.sms.fold import strip_diacritics
from ...domain.units import COMMUNE_GROUPS
from ...models import Unit
from ..campaigns.manage import get_campaign_for
from ..errors import Refused
from .index import MAX_DEPTH, IndexReport, campaign_index, content_items

GLANCE_LEVELS = ("province", "district")  # a unit above communes (district: legacy campaigns)
FIXED_SORTS = ("name", "group", "coverage", "overall")


@dataclass(frozen=True)
class GlanceRow:
    """A commune's line (unit None: the pooled line of the communes shown)."""

    unit: Unit | None
    group: int | None
    counts: Counts
    coverage: Fraction | None  # respondents ÷ registered households
    overall: Cell
    items: dict[str, Cell]
    verdict: Verdict | None  # None on the pooled line (a pool of the shown communes is not judged)


@dataclass(frozen=True)
class Glance:
    report: IndexReport
    unit: Unit
    items: tuple[str, ...]  # the content items, in survey order (the overall question has its column)
    rows: list[GlanceRow]
    pooled: GlanceRow
    communes_total: int  # every commune of the campaign below the unit, before the group filter
    groups: tuple[int, ...]  # the groups the communes carry (empty: none carries one)
    group: int | None  # the group shown (None: every commune)
    sort: str
    descending: bool
    bands: tuple[Band, ...]
    min_valid: int


def sort_keys(item_ids: Iterable[str]) -> tuple[str, ...]:
    """What the table may be sorted by: name, group, coverage, overall rate, or any content item."""
    return FIXED_SORTS + tuple(i for i in item_ids if i not in FIXED_SORTS)


def province_glance(principal: Principal, campaign_key: str, unit_code: str, sort: str = "name",
                    descending: bool = False, group: int | None = None, lang: str = "vi") -> Glance:
    """The table for a campaign at a unit above communes. Refused: 403 for a campaign or unit out of
    the principal's scope, 404 for a unit of the wrong level, 400 for an unknown sort or group."""
    get_campaign_for(principal, campaign_key)
    report = campaign_index(campaign_key, unit_code, depth=MAX_DEPTH, principal=principal)
    unit = report.unit(report.root)
    if unit.level not in GLANCE_LEVELS:
        raise Refused("glance_level", status=404, code=unit.code, level=unit.level)
    items = content_items(report.survey)
    allowed = sort_keys(items)
    if sort not in allowed:
        raise Refused("glance_sort", status=400, sort=sort, allowed=allowed)
    if group is not None and group not in COMMUNE_GROUPS:
        raise Refused("glance_group", status=400, group=group, allowed=COMMUNE_GROUPS)
    everyone = [_row(report.unit(node), node.figures.counts, items, node.figures.verdict)
                for node in _leaves(report.root)]
    groups = tuple(sorted({row.group for row in everyone if row.group is not None}))
    shown = [row for row in everyone if group is None or row.group == group]
    pooled_counts = pool((row.counts for row in shown), report.survey.item_ids)
    return Glance(report, unit, items, sort_rows(shown, sort, descending, lang),
                  _row(None, pooled_counts, items, None), len(everyone), groups, group, sort, descending,
                  bands(DEFAULT_EDGES), MIN_VALID)


def _leaves(node: Node) -> Iterable[Node]:
    """The communes below a node (the roll-up's leaves: children is an empty tuple)."""
    if node.children == ():
        yield node
    for child in node.children or ():
        yield from _leaves(child)


def _row(unit: Unit | None, counts: Counts, items: Sequence[str], verdict: Verdict | None) -> GlanceRow:
    households = counts.households
    return GlanceRow(unit, unit.commune_group if unit is not None else None, counts,
                     coverage(counts.respondents, households), cell(counts.overall, households),
                     {item: cell(counts.items[item], households) for item in items}, verdict)


def name_key(unit: Unit, lang: str) -> tuple[str, str, str]:
    """Alphabetical by the short name in the reader's language, diacritics folded ("Đ" with "D"),
    then the name as written, then the code (two communes may share a name)."""
    name = unit.name if lang == "vi" else unit.name_en
    return strip_diacritics(name).casefold(), name, unit.code


def sort_rows(rows: Sequence[GlanceRow], sort: str, descending: bool, lang: str) -> list[GlanceRow]:
    """Rows sorted by `sort` (ascending or descending); rows without a value (a small cell, unknown
    households, no group) come last either way, by name, and ties are broken by name."""
    def name(row: GlanceRow) -> tuple[str, str, str]:
        assert row.unit is not None
        return name_key(row.unit, lang)

    by_name = sorted(rows, key=name)
    if sort == "name":
        return by_name[::-1] if descending else by_name
    values = {id(row): _value(row, sort) for row in rows}
    known = [row for row in by_name if values[id(row)] is not None]
    unknown = [row for row in by_name if values[id(row)] is None]
    # list.sort is stable, also with reverse=True: equal values keep the alphabetical order
    known.sort(key=lambda row: values[id(row)] or 0, reverse=descending)
    return known + unknown


def _value(row: GlanceRow, sort: str) -> Fraction | int | None:
    if sort == "group":
        return row.group
    if sort == "coverage":
        return row.coverage
    if sort == "overall":
        return row.overall.sort_key
    return row.items[sort].sort_key
