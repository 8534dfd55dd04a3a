"""The satisfaction index of one unit, exactly as DESIGN.md "Satisfaction index" defines it.

Pure and typed. Rates and coverage are exact fractions so that "a rate exactly at the threshold"
and "coverage exactly at the minimum" compare exactly (90 % of 10 is 9/10, not 0.8999...); only
the Wilson interval, a square root, is a float.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

Z_95 = 1.96
# Public (resident-facing) views never show a rate computed from fewer valid answers than this.
MIN_PUBLIC_VALID = 5


@dataclass(frozen=True)
class Tally:
    """Answers to one question (or overall verdicts) in one unit."""

    satisfied: int = 0
    valid: int = 0  # satisfied + not satisfied; "no opinion" is not valid
    no_opinion: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.satisfied + other.satisfied, self.valid + other.valid, self.no_opinion + other.no_opinion
        )

    @property
    def rate(self) -> Fraction | None:
        """satisfied ÷ valid; None when nothing valid was answered."""
        return Fraction(self.satisfied, self.valid) if self.valid else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.satisfied, self.valid)

    @property
    def publishable(self) -> bool:
        """Whether a public view may show this rate (small cells are hidden)."""
        return self.valid >= MIN_PUBLIC_VALID


def wilson_interval(satisfied: int, valid: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for satisfied/valid (95 % with the default z); None when valid is 0."""
    if valid < 0 or not 0 <= satisfied <= valid:
        raise ValueError(f"impossible tally {satisfied}/{valid}")
    if valid == 0:
        return None
    n = valid
    p = satisfied / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = (z / denominator) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def coverage(respondents: int, households: int | None) -> Fraction | None:
    """respondents ÷ registered households; None when the households are unknown or zero."""
    if not households:
        return None
    return Fraction(respondents, households)


class Verdict(StrEnum):
    MEETS = "meets"
    DOES_NOT_MEET = "does_not_meet"
    INSUFFICIENT = "insufficient"


@dataclass(frozen=True)
class Rules:
    """A campaign's recognition rules, as exact fractions (0.9 is 9/10)."""

    min_coverage: Fraction
    threshold: Fraction

    @classmethod
    def of(cls, min_coverage: Decimal | Fraction | str, threshold: Decimal | Fraction | str) -> Rules:
        return cls(Fraction(min_coverage), Fraction(threshold))


def verdict(overall: Tally, unit_coverage: Fraction | None, rules: Rules) -> Verdict:
    """insufficient if coverage < the minimum (or unknown), or nothing valid was answered;
    else meets if rate ≥ threshold; else does_not_meet."""
    rate = overall.rate
    if rate is None or unit_coverage is None or unit_coverage < rules.min_coverage:
        return Verdict.INSUFFICIENT
    return Verdict.MEETS if rate >= rules.threshold else Verdict.DOES_NOT_MEET


@dataclass(frozen=True)
class Counts:
    """What the counters hold for one commune, or pooled for a unit above communes."""

    respondents: int
    households: int | None  # None when any pooled commune's households are unknown
    overall: Tally
    items: Mapping[str, Tally] = field(default_factory=dict)

    @classmethod
    def empty(cls, households: int | None, item_ids: Sequence[str]) -> Counts:
        return cls(0, households, Tally(), {item: Tally() for item in item_ids})


def pool(parts: Iterable[Counts], item_ids: Sequence[str]) -> Counts:
    """Pool communes: every count is summed (the rate of the pool is not an average of rates)."""
    respondents = 0
    households: int | None = 0
    overall = Tally()
    items = {item: Tally() for item in item_ids}
    for part in parts:
        respondents += part.respondents
        households = None if households is None or part.households is None else households + part.households
        overall += part.overall
        for item in item_ids:
            items[item] += part.items.get(item, Tally())
    return Counts(respondents, households, overall, items)


@dataclass(frozen=True)
class Figures:
    """The index of one unit: counts, coverage, rate and interval, verdict, k of m communes meeting."""

    counts: Counts
    coverage: Fraction | None
    verdict: Verdict
    communes_meeting: int
    communes_total: int

    @property
    def rate(self) -> Fraction | None:
        return self.counts.overall.rate

    @property
    def interval(self) -> tuple[float, float] | None:
        return self.counts.overall.interval


def evaluate(counts: Counts, rules: Rules, communes_meeting: int | None = None,
             communes_total: int = 1) -> Figures:
    """The figures of a unit. For a commune leave communes_meeting out: it is 1 when it meets."""
    unit_coverage = coverage(counts.respondents, counts.households)
    unit_verdict = verdict(counts.overall, unit_coverage, rules)
    if communes_meeting is None:
        communes_meeting = int(unit_verdict is Verdict.MEETS)
    return Figures(counts, unit_coverage, unit_verdict, communes_meeting, communes_total)
