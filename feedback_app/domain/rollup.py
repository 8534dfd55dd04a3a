"""Rolling communes' counts up an administrative tree. Pure: units are plain ids here.

Every unit's figures pool the counts of all the campaign's communes below it (never an average of
its children's rates), and count how many of those communes meet the rules on their own. A unit
above communes is also judged on the campaign's per-commune floor, from each commune's lowest item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .index import Counts, Figures, FloorCheck, Rules, evaluate, lowest_item, pool


@dataclass(frozen=True)
class Node:
    """One unit of a roll-up. `children` is None when the node was not expanded (depth reached),
    and an empty tuple for a commune."""

    unit_id: int
    figures: Figures
    children: tuple[Node, ...] | None


def children_map(parents: Mapping[int, int | None]) -> dict[int, list[int]]:
    """unit -> its children, from unit -> parent (children in the order they are given)."""
    children: dict[int, list[int]] = {}
    for unit, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(unit)
    return children


def roll_up(
    root: int,
    children_of: Mapping[int, Sequence[int]],
    communes: Mapping[int, Counts],
    rules: Rules,
    item_ids: Sequence[str],
    depth: int = 1,
) -> Node:
    """The roll-up tree below `root`, expanded `depth` levels (every level is computed anyway).

    `communes` holds the campaign's communes (the leaves); `children_of` the tree above them. A unit
    with no campaign commune below it is left out of its parent's children.
    """
    memo: dict[int, tuple[Counts, int, int, tuple[FloorCheck, ...]]] = {}

    def totals(unit: int) -> tuple[Counts, int, int, tuple[FloorCheck, ...]]:
        """Pooled counts, communes meeting, communes in total, each commune's lowest item."""
        if unit not in memo:
            if unit in communes:
                figures = evaluate(communes[unit], rules)
                # Each commune's lowest item is needed only by a per-commune floor rule.
                lowest = (lowest_item(unit, communes[unit], rules.items)
                          if rules.commune_floor is not None else None)
                memo[unit] = (communes[unit], figures.communes_meeting, 1,
                              () if lowest is None else (lowest,))
            else:
                below = [totals(child) for child in children_of.get(unit, ()) if _has_communes(child)]
                memo[unit] = (
                    pool((counts for counts, _, _, _ in below), item_ids),
                    sum(meeting for _, meeting, _, _ in below),
                    sum(total for _, _, total, _ in below),
                    tuple(check for _, _, _, checks in below for check in checks),
                )
        return memo[unit]

    reach: dict[int, bool] = {}

    def _has_communes(unit: int) -> bool:
        if unit not in reach:
            reach[unit] = unit in communes or any(_has_communes(c) for c in children_of.get(unit, ()))
        return reach[unit]

    def node(unit: int, levels: int) -> Node:
        counts, meeting, total, checks = totals(unit)
        if unit in communes:
            return Node(unit, evaluate(counts, rules), ())
        figures = evaluate(counts, rules, meeting, total, checks)
        if levels <= 0:
            return Node(unit, figures, None)
        kids = tuple(node(c, levels - 1) for c in children_of.get(unit, ()) if _has_communes(c))
        return Node(unit, figures, kids)

    if not _has_communes(root):
        raise ValueError(f"no campaign commune below unit {root}")
    return node(root, depth)

