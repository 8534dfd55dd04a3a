"""The satisfaction index of one unit, exactly as DESIGN.md "Satisfaction index" defines it.

Pure and typed. Rates and coverage are exact fractions so that "a rate exactly at the threshold"
and "coverage exactly at the minimum" compare exactly (90 % of 10 is 9/10, not 0.8999...); only
the Wilson interval, a square root, is a float.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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


class ItemRule(StrEnum):
    """How the item threshold judges the content items: each of them, or their unweighted mean."""

    EACH = "each"
    AVERAGE = "average"


class Rule(StrEnum):
    """The rules a verdict can be decided by (the `rule` of a Reason)."""

    COVERAGE = "coverage"  # value: coverage; limit: the minimum coverage
    VALID_ANSWERS = "valid_answers"  # nothing valid: value 0, limit 1
    OVERALL = "overall"  # value: the overall rate; limit: the overall threshold
    ITEM = "item"  # value: one item's rate; limit: the item threshold
    ITEMS_AVERAGE = "items_average"  # value: the unweighted mean of the items' rates
    COMMUNE_FLOOR = "commune_floor"  # unit: a commune; item: its lowest item; limit: the floor


@dataclass(frozen=True)
class Rules:
    """A campaign's recognition rules, as exact fractions (0.9 is 9/10).

    `threshold` is the overall threshold (the overall question's rate). The item rule judges the
    content items `items` (the survey's items but the overall one) against `item_threshold`: each
    of them, or their unweighted mean; None leaves the items unjudged (campaigns made before the
    rules existed). `commune_floor`: for a unit above communes, every commune below it must reach
    it on every content item.
    """

    min_coverage: Fraction
    threshold: Fraction
    item_threshold: Fraction | None = None
    item_rule: ItemRule | None = None
    commune_floor: Fraction | None = None
    items: tuple[str, ...] = ()

    @classmethod
    def of(cls, min_coverage: Decimal | Fraction | str, threshold: Decimal | Fraction | str,
           item_threshold: Decimal | Fraction | str | None = None, item_rule: str | None = None,
           commune_floor: Decimal | Fraction | str | None = None, items: Sequence[str] = ()) -> Rules:
        judged = item_rule is not None and item_threshold is not None
        return cls(Fraction(min_coverage), Fraction(threshold),
                   Fraction(item_threshold) if judged and item_threshold is not None else None,
                   ItemRule(item_rule) if judged and item_rule is not None else None,
                   None if commune_floor is None else Fraction(commune_floor), tuple(items))


@dataclass(frozen=True)
class Reason:
    """One rule that decided a verdict: the value it found against its limit.

    For `meets` the reasons are the rules that were checked, each with its tightest value (the
    lowest item, the lowest commune); otherwise only the rules that failed. `unit` is set for a
    commune-floor reason (the commune, as a unit id); `valid` is the number of valid answers
    behind `value` (a public view hides a value from fewer than MIN_PUBLIC_VALID).
    """

    rule: Rule
    value: Fraction | None
    limit: Fraction
    item: str | None = None
    unit: int | None = None
    valid: int = 0


@dataclass(frozen=True)
class FloorCheck:
    """A commune's lowest content item, for an ancestor's per-commune floor (rate None: an item
    without any valid answer, which does not reach the floor)."""

    unit: int
    item: str
    rate: Fraction | None
    valid: int


def lowest_item(unit: int, counts: Counts, items: Sequence[str]) -> FloorCheck | None:
    """The content item with the lowest rate in a commune (an item without a rate is lowest;
    ties go to the first in survey order); None when there is no content item."""
    lowest: FloorCheck | None = None
    for item in items:
        tally = counts.items.get(item, Tally())
        check = FloorCheck(unit, item, tally.rate, tally.valid)
        if lowest is None or _below(check.rate, lowest.rate):
            lowest = check
    return lowest


def _below(rate: Fraction | None, other: Fraction | None) -> bool:
    if rate is None:
        return other is not None
    return other is not None and rate < other


def _reaches(rate: Fraction | None, limit: Fraction) -> bool:
    return rate is not None and rate >= limit


def judge(counts: Counts, unit_coverage: Fraction | None, rules: Rules,
          floor_checks: Sequence[FloorCheck] | None = None) -> tuple[Verdict, tuple[Reason, ...]]:
    """The verdict of a unit and the rules that decided it (DESIGN.md "Satisfaction index").

    insufficient if coverage < the minimum (or unknown), or nothing valid was answered; else meets
    if every rule holds: overall rate ≥ the overall threshold, the item rule when set, and for an
    ancestor (`floor_checks`: one per commune below it) every commune ≥ the floor on every item;
    else does_not_meet. Every comparison is between exact fractions.
    """
    overall = counts.overall
    coverage_reason = Reason(Rule.COVERAGE, unit_coverage, rules.min_coverage, valid=counts.respondents)
    if unit_coverage is None or unit_coverage < rules.min_coverage:
        return Verdict.INSUFFICIENT, (coverage_reason,)
    if overall.rate is None:
        return Verdict.INSUFFICIENT, (Reason(Rule.VALID_ANSWERS, Fraction(0), Fraction(1)),)
    checked: list[tuple[bool, Reason]] = [
        (True, coverage_reason),
        (_reaches(overall.rate, rules.threshold),
         Reason(Rule.OVERALL, overall.rate, rules.threshold, valid=overall.valid)),
    ]
    if rules.item_rule is not None and rules.item_threshold is not None and rules.items:
        checked.extend(_item_checks(counts, rules.item_rule, rules.item_threshold, rules.items))
    if rules.commune_floor is not None and floor_checks is not None:
        checked.extend(_floor_checks(floor_checks, rules.commune_floor))
    failed = tuple(reason for held, reason in checked if not held)
    if failed:
        return Verdict.DOES_NOT_MEET, failed
    return Verdict.MEETS, tuple(reason for _, reason in checked)


def _item_checks(counts: Counts, rule: ItemRule, limit: Fraction, items: Sequence[str]
                 ) -> list[tuple[bool, Reason]]:
    tallies = [(item, counts.items.get(item, Tally())) for item in items]
    if rule is ItemRule.AVERAGE:
        rates = [tally.rate for _, tally in tallies if tally.rate is not None]
        mean = sum(rates, Fraction(0)) / len(rates) if rates else None
        fewest = min((tally.valid for _, tally in tallies if tally.rate is not None), default=0)
        return [(_reaches(mean, limit), Reason(Rule.ITEMS_AVERAGE, mean, limit, valid=fewest))]
    reasons = [(_reaches(t.rate, limit), Reason(Rule.ITEM, t.rate, limit, item=i, valid=t.valid))
               for i, t in tallies]
    failing = [r for r in reasons if not r[0]]
    if failing:
        return failing
    lowest = min(reasons, key=lambda r: r[1].value or Fraction(0))  # all have a rate here
    return [lowest]


def _floor_checks(checks: Sequence[FloorCheck], floor: Fraction) -> list[tuple[bool, Reason]]:
    reasons = [(_reaches(c.rate, floor),
                Reason(Rule.COMMUNE_FLOOR, c.rate, floor, item=c.item, unit=c.unit, valid=c.valid))
               for c in checks]
    failing = [r for r in reasons if not r[0]]
    if failing or not reasons:
        return failing
    return [min(reasons, key=lambda r: r[1].value or Fraction(0))]


def verdict(overall: Tally, unit_coverage: Fraction | None, rules: Rules) -> Verdict:
    """The verdict on the overall question alone (coverage, valid answers, overall threshold)."""
    counts = Counts(0, None, overall)
    return judge(counts, unit_coverage, replace(rules, item_rule=None, commune_floor=None))[0]


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
    reasons: tuple[Reason, ...] = ()

    @property
    def rate(self) -> Fraction | None:
        return self.counts.overall.rate

    @property
    def interval(self) -> tuple[float, float] | None:
        return self.counts.overall.interval


def evaluate(counts: Counts, rules: Rules, communes_meeting: int | None = None,
             communes_total: int = 1, floor_checks: Sequence[FloorCheck] | None = None) -> Figures:
    """The figures of a unit. For a commune leave communes_meeting out: it is 1 when it meets.
    For a unit above communes, `floor_checks` (one per commune below) applies the commune floor."""
    unit_coverage = coverage(counts.respondents, counts.households)
    unit_verdict, reasons = judge(counts, unit_coverage, rules, floor_checks)
    if communes_meeting is None:
        communes_meeting = int(unit_verdict is Verdict.MEETS)
    return Figures(counts, unit_coverage, unit_verdict, communes_meeting, communes_total, reasons)
