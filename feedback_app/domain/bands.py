"""Colour bands of the province at a glance: every commune's rate on every item placed in one of
five bands, as PAPI publishes its provincial results (a map or table in bands, each band's range
in the legend). Pure: exact fractions, no Flask, no database.

A band is a half-open range of rates [low, high): a rate exactly at an edge belongs to the band
above it (90 % is in "90 % to under 95 %"), compared as exact fractions, never as rounded text.
A cell with fewer than `min_valid` valid answers is not banded at all: its rate says too little
(the small-cell rule; DESIGN.md: a rate from fewer than 5 valid answers is never published).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise

from .index import MIN_PUBLIC_VALID, Tally, coverage

BAND_COUNT = 5
# The four edges between the five bands: under 70 %, 70–80 %, 80–90 %, 90–95 %, 95 % and above.
# 90 % and 95 % are the thresholds the Front's plans use most (items ≥ 95 %, every commune ≥ 90 %).
DEFAULT_EDGES: tuple[Fraction, ...] = (Fraction(70, 100), Fraction(80, 100), Fraction(90, 100),
                                       Fraction(95, 100))
MIN_VALID = MIN_PUBLIC_VALID


@dataclass(frozen=True)
class Band:
    """Band `number` (1 lowest .. 5 highest): the rates from `low` (included) to `high` (excluded);
    `low` None is 0 % and `high` None is 100 % included."""

    number: int
    low: Fraction | None
    high: Fraction | None

    def holds(self, rate: Fraction) -> bool:
        return (self.low is None or rate >= self.low) and (self.high is None or rate < self.high)


def check_edges(edges: Sequence[Fraction]) -> tuple[Fraction, ...]:
    """The edges as a tuple, refused (ValueError) unless there are four, strictly increasing,
    each strictly between 0 and 1 (every band then holds some rate)."""
    edges = tuple(Fraction(edge) for edge in edges)
    if len(edges) != BAND_COUNT - 1:
        raise ValueError(f"{BAND_COUNT} bands need {BAND_COUNT - 1} edges, not {len(edges)}")
    if not all(0 < edge < 1 for edge in edges):
        raise ValueError(f"band edges must lie strictly between 0 and 1: {edges}")
    if any(a >= b for a, b in pairwise(edges)):
        raise ValueError(f"band edges must increase: {edges}")
    return edges


def bands(edges: Sequence[Fraction] = DEFAULT_EDGES) -> tuple[Band, ...]:
    """The five bands, lowest first (the legend reads them highest first)."""
    edges = check_edges(edges)
    lows: tuple[Fraction | None, ...] = (None, *edges)
    highs: tuple[Fraction | None, ...] = (*edges, None)
    return tuple(Band(number, low, high)
                 for number, (low, high) in enumerate(zip(lows, highs, strict=True), start=1))


def band_of(rate: Fraction, edges: Sequence[Fraction] = DEFAULT_EDGES) -> Band:
    """The band holding a rate (0 ≤ rate ≤ 1; ValueError outside)."""
    if not 0 <= rate <= 1:
        raise ValueError(f"a rate lies between 0 and 1: {rate}")
    return next(band for band in bands(edges) if band.holds(rate))


class Shown(StrEnum):
    """What a cell shows: its rate in its band, or "–" because it has too few valid answers."""

    RATE = "rate"
    SMALL = "small"  # fewer than min_valid valid answers (none included): "–"


@dataclass(frozen=True)
class Cell:
    """One commune × one item (or the overall question) of the table."""

    shown: Shown
    rate: Fraction | None  # None when not shown (a small cell)
    band: Band | None  # None when not shown
    coverage: Fraction | None  # valid answers ÷ registered households (None: households unknown)
    satisfied: int
    valid: int

    @property
    def sort_key(self) -> Fraction | None:
        """What the table sorts on: the rate shown (a small cell has none, and sorts last)."""
        return self.rate


def cell(tally: Tally, households: int | None, min_valid: int = MIN_VALID,
         edges: Sequence[Fraction] = DEFAULT_EDGES) -> Cell:
    """A tally as a cell of the table: banded when it has at least `min_valid` valid answers; its
    coverage is the households that gave a valid answer ÷ the registered households."""
    if min_valid < 1:
        raise ValueError(f"the small-cell rule needs at least one valid answer, not {min_valid}")
    cell_coverage = coverage(tally.valid, households)
    rate = tally.rate
    if rate is None or tally.valid < min_valid:
        return Cell(Shown.SMALL, None, None, cell_coverage, tally.satisfied, tally.valid)
    return Cell(Shown.RATE, rate, band_of(rate, edges), cell_coverage, tally.satisfied, tally.valid)
