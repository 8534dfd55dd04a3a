"""The change since an earlier round: the overall rate and every item, then -> now, each with its
95 % Wilson interval, and whether the change is within the noise. Pure: no Flask, no database.

Items are matched across surveys by name, never by id or position (the 2021–2025 survey's c02 is
"Giao thông", the 2026 survey's c02 is about all infrastructure): an item without a namesake in
the other survey is listed, not guessed. A change is "within the noise" when the two intervals
overlap (touching counts as overlapping): a deliberately cautious reading that says a change is
beyond the noise only when the two rounds' intervals are apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from .index import Counts, Tally
from .survey import Item, Survey

# "Tiêu chí 1 – Quy hoạch: ..." -> "Quy hoạch"; the 2026 texts have no "Tiêu chí N –" in front.
_CRITERION_PREFIX = re.compile(r"^\s*(tiêu chí|criterion)\s+\d+\s*[–—-]\s*", re.IGNORECASE)


def item_name(item: Item) -> str:
    """The name an item is matched by across surveys: the heading of its Vietnamese text (what
    comes before the first colon, without a "Tiêu chí N –" prefix), in NFC, case-folded, with its
    spaces collapsed. "Tiêu chí 1 – Quy hoạch: quy hoạch của xã …" and "Quy hoạch: quy hoạch …"
    are both "quy hoạch"."""
    heading = (item.text.get("vi") or next(iter(item.text.values()), "")).split(":", 1)[0]
    heading = _CRITERION_PREFIX.sub("", unicodedata.normalize("NFC", heading))
    return " ".join(heading.casefold().split())


@dataclass(frozen=True)
class ItemMatching:
    """The content items (not the overall question) of two surveys, matched by name."""

    pairs: tuple[tuple[str, str], ...]  # (item id now, item id then), in the current survey's order
    only_now: tuple[str, ...]  # items of the current survey without a namesake then
    only_then: tuple[str, ...]  # items of the earlier survey without a namesake now


def match_items(now: Survey, then: Survey) -> ItemMatching:
    """Match the content items of `now` and `then` by item_name. A name that two items of one
    survey share matches nothing (which of them would it be?): they are listed as unmatched."""
    def names(survey: Survey) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for item in survey.items:
            if not item.overall:
                found.setdefault(item_name(item), []).append(item.id)
        return found

    now_names, then_names = names(now), names(then)
    pairs: list[tuple[str, str]] = []
    paired_now: set[str] = set()
    paired_then: set[str] = set()
    for name, ids in now_names.items():
        earlier = then_names.get(name, [])
        if len(ids) == 1 and len(earlier) == 1:
            pairs.append((ids[0], earlier[0]))
            paired_now.add(ids[0])
            paired_then.add(earlier[0])
    order = {item.id: i for i, item in enumerate(now.items)}
    pairs.sort(key=lambda pair: order[pair[0]])
    return ItemMatching(
        tuple(pairs),
        tuple(i.id for i in now.items if not i.overall and i.id not in paired_now),
        tuple(i.id for i in then.items if not i.overall and i.id not in paired_then),
    )


class Noise(StrEnum):
    WITHIN = "within"  # the two intervals overlap: the change may be chance
    BEYOND = "beyond"  # the intervals are apart
    UNKNOWN = "unknown"  # one round has no valid answer: nothing to compare


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether two closed intervals share a point (touching ends overlap)."""
    return a[0] <= b[1] and b[0] <= a[1]


@dataclass(frozen=True)
class Change:
    """One rate then and now, with both intervals and how the change reads."""

    then: Tally
    now: Tally

    @property
    def then_interval(self) -> tuple[float, float] | None:
        return self.then.interval

    @property
    def now_interval(self) -> tuple[float, float] | None:
        return self.now.interval

    @property
    def difference(self) -> Fraction | None:
        """now - then, in exact fractions (None when either rate is missing)."""
        if self.then.rate is None or self.now.rate is None:
            return None
        return self.now.rate - self.then.rate

    @property
    def noise(self) -> Noise:
        then, now = self.then_interval, self.now_interval
        if then is None or now is None:
            return Noise.UNKNOWN
        return Noise.WITHIN if intervals_overlap(then, now) else Noise.BEYOND


@dataclass(frozen=True)
class ItemChange:
    item: str  # the item's id in the current survey
    earlier_item: str  # its namesake's id in the earlier survey
    change: Change


@dataclass(frozen=True)
class RoundChange:
    """The change of the overall rate and of every matched item between two rounds."""

    overall: Change
    items: tuple[ItemChange, ...]
    matching: ItemMatching


def compare_rounds(then: Counts, now: Counts, matching: ItemMatching) -> RoundChange:
    """The overall rate and every matched item, then -> now (an item missing from the counts
    counts as nothing answered)."""
    items = tuple(
        ItemChange(now_id, then_id, Change(then.items.get(then_id, Tally()), now.items.get(now_id, Tally())))
        for now_id, then_id in matching.pairs
    )
    return RoundChange(Change(then.overall, now.overall), items, matching)

