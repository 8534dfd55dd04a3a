"""The index maths against hand-computed cases (DESIGN.md "Satisfaction index")."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from feedback_app.domain.index import (
    Counts,
    Rules,
    Tally,
    Verdict,
    coverage,
    evaluate,
    pool,
    verdict,
    wilson_interval,
)

RULES = Rules.of(Decimal("0.60"), Decimal("0.90"))


def counts(respondents: int, households: int | None, satisfied: int, valid: int) -> Counts:
    return Counts(respondents, households, Tally(satisfied, valid, respondents - valid), {})


def test_wilson_interval_of_9_out_of_10():
    # p = 0.9, n = 10, z² = 3.8416: centre = (0.9 + 0.19208) / 1.38416 = 0.788984,
    # half = 1.96 / 1.38416 × √(0.009 + 0.009604) = 0.193140
    low, high = wilson_interval(9, 10)
    assert low == pytest.approx(0.595844, abs=1e-6)
    assert high == pytest.approx(0.982124, abs=1e-6)


def test_wilson_interval_at_the_edges():
    assert wilson_interval(0, 0) is None
    low, high = wilson_interval(10, 10)  # 100 %: low = n / (n + z²) = 10 / 13.8416
    assert low == pytest.approx(0.722460, abs=1e-6) and high == 1.0
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(0.277540, abs=1e-6)
    low, high = wilson_interval(1, 1)
    assert low == pytest.approx(1 / (1 + 3.8416), abs=1e-6) and high == 1.0


def test_wilson_interval_refuses_impossible_tallies():
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_no_respondents_is_insufficient_with_no_rate():
    figures = evaluate(counts(0, 100, 0, 0), RULES)
    assert figures.rate is None and figures.interval is None
    assert figures.coverage == 0
    assert figures.verdict is Verdict.INSUFFICIENT
    assert figures.communes_meeting == 0


def test_all_no_opinion_is_insufficient_even_with_full_coverage():
    figures = evaluate(counts(10, 10, 0, 0), RULES)
    assert figures.counts.overall.no_opinion == 10
    assert figures.coverage == 1
    assert figures.rate is None
    assert figures.verdict is Verdict.INSUFFICIENT


def test_everyone_satisfied_meets():
    figures = evaluate(counts(10, 10, 10, 10), RULES)
    assert figures.rate == 1
    assert figures.verdict is Verdict.MEETS
    assert figures.communes_meeting == 1


def test_a_rate_exactly_at_the_threshold_meets_and_one_answer_less_does_not():
    assert evaluate(counts(30, 40, 27, 30), RULES).rate == Fraction(9, 10)
    assert evaluate(counts(30, 40, 27, 30), RULES).verdict is Verdict.MEETS
    assert evaluate(counts(30, 40, 26, 30), RULES).verdict is Verdict.DOES_NOT_MEET
    # A threshold that is not a "round" binary number: 29 % of 100.
    rules = Rules.of(Decimal("0.6"), Decimal("0.29"))
    assert verdict(Tally(29, 100), Fraction(1), rules) is Verdict.MEETS
    assert verdict(Tally(289, 1000), Fraction(1), rules) is Verdict.DOES_NOT_MEET


def test_coverage_exactly_at_the_minimum_counts_and_just_below_does_not():
    assert coverage(60, 100) == Fraction(3, 5)
    assert evaluate(counts(60, 100, 60, 60), RULES).verdict is Verdict.MEETS
    assert evaluate(counts(59, 100, 59, 59), RULES).verdict is Verdict.INSUFFICIENT
    rules = Rules.of(Decimal("0.7"), Decimal("0.9"))
    assert evaluate(counts(7, 10, 7, 7), rules).verdict is Verdict.MEETS
    # Coverage is checked before the rate: a low turnout is insufficient, not "does not meet".
    assert evaluate(counts(69, 100, 0, 69), rules).verdict is Verdict.INSUFFICIENT


def test_unknown_households_mean_unknown_coverage_and_insufficient():
    figures = evaluate(counts(10, None, 10, 10), RULES)
    assert figures.coverage is None
    assert figures.verdict is Verdict.INSUFFICIENT


def test_item_rates_leave_no_opinion_out():
    tally = Tally(satisfied=3, valid=4, no_opinion=6)
    assert tally.rate == Fraction(3, 4)


def test_pooling_sums_counts_instead_of_averaging_rates():
    small = Counts(2, 2, Tally(2, 2), {"a": Tally(1, 2)})
    large = Counts(98, 100, Tally(49, 98), {"a": Tally(49, 98, 0)})
    pooled = pool([small, large], ["a", "b"])
    assert pooled.respondents == 100 and pooled.households == 102
    assert pooled.overall.rate == Fraction(51, 100)  # the mean of the rates would be 75 %
    assert pooled.items["a"] == Tally(50, 100, 0)
    assert pooled.items["b"] == Tally()
    assert pool([small, counts(1, None, 1, 1)], []).households is None


def test_small_cells_are_not_publishable():
    assert not Tally(4, 4).publishable
    assert Tally(0, 5).publishable
