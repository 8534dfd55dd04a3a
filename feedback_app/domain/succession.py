"""Re-expressing a past campaign's communes under a later scheme. Pure: units are plain ids.

An old commune whose whole territory went into one new unit is counted in that new unit. An old
commune that was split between several new units cannot be apportioned without guessing which
households went where, so it is listed, not counted; and a new unit that received part of a split
commune is listed too and left out, since its figures would be missing those households.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Share(StrEnum):
    WHOLE = "whole"  # all of the old unit went into this new unit
    PART = "part"  # the old unit was split; this new unit got part of it


@dataclass(frozen=True)
class Link:
    old: int
    new: int
    share: Share


@dataclass(frozen=True)
class Reexpression:
    merged: dict[int, tuple[int, ...]]  # new unit -> the old units counted in it
    split: dict[int, tuple[int, ...]]  # old unit -> the new units it was divided between
    unmapped: tuple[int, ...]  # old units with no successor in the target scheme
    left_out: dict[int, tuple[int, ...]]  # new unit -> the split old units it received part of

    @property
    def complete(self) -> bool:
        return not (self.split or self.unmapped or self.left_out)


def reexpress(old_units: Sequence[int], links: Iterable[Link]) -> Reexpression:
    """Map `old_units` through the succession `links` (only links from these units matter)."""
    wanted = set(old_units)
    successors: dict[int, list[Link]] = {}
    for link in links:
        if link.old in wanted:
            successors.setdefault(link.old, []).append(link)
    merged: dict[int, list[int]] = {}
    split: dict[int, tuple[int, ...]] = {}
    unmapped: list[int] = []
    for old in old_units:
        found = successors.get(old, [])
        if not found:
            unmapped.append(old)
        elif len(found) == 1 and found[0].share is Share.WHOLE:
            merged.setdefault(found[0].new, []).append(old)
        else:
            split[old] = tuple(sorted({link.new for link in found}))
    left_out: dict[int, list[int]] = {}
    for old, news in split.items():
        for new in news:
            left_out.setdefault(new, []).append(old)
    return Reexpression(
        merged={new: tuple(olds) for new, olds in merged.items() if new not in left_out},
        split=split,
        unmapped=tuple(unmapped),
        left_out={new: tuple(olds) for new, olds in left_out.items()},
    )
