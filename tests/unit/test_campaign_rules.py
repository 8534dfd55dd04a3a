"""The Front's rules as campaign settings: the verdict under each rule set equals an independent
computation (integer cross-multiplication, not Fraction), verdicts exactly at each limit, the
reasons that decided them, and the field window's working days."""

from __future__ import annotations

import random
from datetime import date
from fractions import Fraction

import pytest

from feedback_app.domain.campaign import field_window_too_long, working_days
from feedback_app.domain.index import Counts, Figures, ItemRule, Reason, Rule, Rules, Tally, Verdict, evaluate
from feedback_app.domain.rollup import roll_up

ITEMS = ("c01", "c02", "c03")
ALL = (*ITEMS, "overall")


def counts(respondents: int, households: int, overall: tuple[int, int],
           items: dict[str, tuple[int, int]]) -> Counts:
    return Counts(respondents, households, Tally(*overall),
                  {i: Tally(*items.get(i, overall)) for i in ALL})


def rules(item_rule: str | None = None, item: str | None = None, floor: str | None = None,
          coverage: str = "0.7", overall: str = "0.98") -> Rules:
    return Rules.of(coverage, overall, item, item_rule, floor, ITEMS)


# --- exactly at each limit -------------------------------------------------------------------

def test_coverage_exactly_at_the_minimum_is_enough_and_one_less_is_not():
    at = evaluate(counts(7, 10, (7, 7), {}), rules(coverage="0.7", overall="0.9"))
    assert at.verdict is Verdict.MEETS
    below = evaluate(counts(6, 10, (6, 6), {}), rules(coverage="0.7", overall="0.9"))
    assert below.verdict is Verdict.INSUFFICIENT
    assert below.reasons == (Reason(Rule.COVERAGE, Fraction(6, 10), Fraction(7, 10), valid=6),)


def test_nine_of_ten_at_a_90_percent_overall_threshold_meets():
    assert evaluate(counts(10, 10, (9, 10), {"c01": (10, 10)}), rules(overall="0.9")).verdict is Verdict.MEETS
    low = evaluate(counts(10, 10, (8, 10), {}), rules(overall="0.9"))
    assert low.verdict is Verdict.DOES_NOT_MEET
    assert [(r.rule, r.value, r.limit) for r in low.reasons] == [
        (Rule.OVERALL, Fraction(8, 10), Fraction(9, 10))]


def test_each_item_exactly_at_the_item_threshold_meets_and_one_below_names_the_item():
    items = {"c01": (19, 20), "c02": (20, 20), "c03": (19, 20)}
    at = evaluate(counts(20, 20, (20, 20), items), rules("each", "0.95"))
    assert at.verdict is Verdict.MEETS
    # meets: the rules checked, the items' one with its lowest item (the first of equals)
    assert [(r.rule, r.item, r.value) for r in at.reasons] == [
        (Rule.COVERAGE, None, 1), (Rule.OVERALL, None, 1), (Rule.ITEM, "c01", Fraction(19, 20))]
    below = evaluate(counts(20, 20, (20, 20), items | {"c02": (18, 20)}), rules("each", "0.95"))
    assert below.verdict is Verdict.DOES_NOT_MEET
    assert [(r.rule, r.item, r.value, r.limit) for r in below.reasons] == [
        (Rule.ITEM, "c02", Fraction(18, 20), Fraction(95, 100))]


def test_average_of_the_items_exactly_at_the_threshold_meets():
    # 17/20, 19/20, 20/20: mean 56/60 = 14/15 (93.33...%); at 14/15 it meets, a hair above not.
    items = {"c01": (17, 20), "c02": (19, 20), "c03": (20, 20)}
    rule = rules("average", overall="0.9")
    at = evaluate(counts(20, 20, (20, 20), items), Rules.of("0.7", "0.9", Fraction(14, 15), "average",
                                                            None, ITEMS))
    assert at.verdict is Verdict.MEETS
    assert at.reasons[-1] == Reason(Rule.ITEMS_AVERAGE, Fraction(14, 15), Fraction(14, 15), valid=20)
    above = Rules.of("0.7", "0.9", Fraction(14, 15) + Fraction(1, 10**6), "average", None, ITEMS)
    assert evaluate(counts(20, 20, (20, 20), items), above).verdict is Verdict.DOES_NOT_MEET
    assert rule.item_rule is None  # no item threshold: the rule is not set


def test_each_and_average_differ_as_the_front_means():
    items = {"c01": (17, 20), "c02": (20, 20), "c03": (20, 20)}  # one item 85 %, mean 95 %
    unit = counts(20, 20, (20, 20), items)
    assert evaluate(unit, rules("average", "0.95")).verdict is Verdict.MEETS
    assert evaluate(unit, rules("each", "0.95")).verdict is Verdict.DOES_NOT_MEET


def test_an_item_without_valid_answers_does_not_reach_an_each_threshold():
    unit = counts(10, 10, (10, 10), {"c02": (0, 0)})
    figures = evaluate(unit, rules("each", "0.9"))
    assert figures.verdict is Verdict.DOES_NOT_MEET
    assert [(r.rule, r.item, r.value) for r in figures.reasons] == [(Rule.ITEM, "c02", None)]


def test_the_average_is_over_the_items_that_have_a_rate():
    """Decided (docs/indices-and-api.md): an item where every household said "no opinion" has no
    rate; it is left out of the mean, as "no opinion" is left out of every rate, not counted as 0 %."""
    unit = counts(10, 10, (10, 10), {"c01": (9, 10), "c02": (0, 0), "c03": (10, 10)})
    figures = evaluate(unit, rules("average", "0.95"))
    assert figures.verdict is Verdict.MEETS  # (90 % + 100 %) / 2 = 95 %
    assert figures.reasons[-1] == Reason(Rule.ITEMS_AVERAGE, Fraction(19, 20), Fraction(19, 20), valid=10)
    nothing = evaluate(counts(10, 10, (10, 10), {i: (0, 0) for i in ITEMS}), rules("average", "0.5"))
    assert nothing.verdict is Verdict.DOES_NOT_MEET  # no item has a rate: the mean cannot reach it
    assert [(r.rule, r.value) for r in nothing.reasons] == [(Rule.ITEMS_AVERAGE, None)]


def test_campaigns_of_before_the_rules_judge_the_overall_question_only():
    old = Rules.of("0.6", "0.9")
    assert (old.item_rule, old.item_threshold, old.commune_floor) == (None, None, None)
    unit = counts(10, 10, (9, 10), {"c01": (1, 10)})  # an item at 10 % is not judged
    assert evaluate(unit, old).verdict is Verdict.MEETS


def test_no_valid_answer_is_insufficient_with_its_reason():
    figures = evaluate(counts(10, 10, (0, 0), {}), rules(overall="0.9"))
    assert figures.verdict is Verdict.INSUFFICIENT
    assert [r.rule for r in figures.reasons] == [Rule.VALID_ANSWERS]


# --- the per-commune floor, through the roll-up -------------------------------------------------

def _province(floor: str | None, low: tuple[int, int]) -> Figures:
    communes = {
        1: counts(10, 10, (10, 10), {}),
        2: counts(10, 10, (10, 10), {"c03": low}),
        3: counts(10, 10, (10, 10), {}),
    }
    node = roll_up(100, {100: [1, 2, 3]}, communes, rules(floor=floor, overall="0.9"), ALL)
    return node.figures


def test_a_commune_exactly_at_the_floor_passes_and_one_below_fails_the_province():
    at = _province("0.9", (9, 10))
    assert at.verdict is Verdict.MEETS
    assert at.reasons[-1] == Reason(Rule.COMMUNE_FLOOR, Fraction(9, 10), Fraction(9, 10), "c03", 2, 10)
    below = _province("0.9", (8, 10))
    assert below.verdict is Verdict.DOES_NOT_MEET  # pooled c03 is 28/30 = 93 %: only the floor fails
    assert below.reasons == (Reason(Rule.COMMUNE_FLOOR, Fraction(8, 10), Fraction(9, 10), "c03", 2, 10),)
    assert below.communes_meeting == 3  # each commune meets on its own: the floor is the province's
    assert _province(None, (8, 10)).verdict is Verdict.MEETS


def test_a_commune_without_answers_does_not_reach_the_floor():
    communes = {1: counts(10, 10, (10, 10), {}), 2: counts(0, 1, (0, 0), {})}
    node = roll_up(100, {100: [1, 2]}, communes, rules(floor="0.9", overall="0.9"), ALL)
    assert node.figures.verdict is Verdict.DOES_NOT_MEET
    assert [(r.rule, r.unit, r.value) for r in node.figures.reasons] == [(Rule.COMMUNE_FLOOR, 2, None)]


# --- every rule set against an independent computation ------------------------------------------

def _reaches(satisfied: int, valid: int, limit: Fraction) -> bool:
    return valid > 0 and satisfied * limit.denominator >= limit.numerator * valid


def _independent(communes: list[Counts], rule_set: Rules) -> str:
    respondents = sum(c.respondents for c in communes)
    households = sum(c.households or 0 for c in communes)
    if respondents * rule_set.min_coverage.denominator < rule_set.min_coverage.numerator * households:
        return "insufficient"
    s = sum(c.overall.satisfied for c in communes)
    v = sum(c.overall.valid for c in communes)
    if v == 0:
        return "insufficient"
    ok = _reaches(s, v, rule_set.threshold)
    pooled = {i: (sum(c.items[i].satisfied for c in communes), sum(c.items[i].valid for c in communes))
              for i in ITEMS}
    if rule_set.item_rule is ItemRule.EACH:
        ok = ok and all(_reaches(*pooled[i], rule_set.item_threshold) for i in ITEMS)  # type: ignore[arg-type]
    elif rule_set.item_rule is ItemRule.AVERAGE:
        rated = [(s_, v_) for s_, v_ in pooled.values() if v_]
        # mean of s/v ≥ t  <=>  Σ s·(Π v)/v ≥ t·n·Π v, in integers
        product = 1
        for _, v_ in rated:
            product *= v_
        total = sum(s_ * (product // v_) for s_, v_ in rated)
        t = rule_set.item_threshold
        assert t is not None
        ok = ok and bool(rated) and total * t.denominator >= t.numerator * len(rated) * product
    if rule_set.commune_floor is not None and len(communes) > 1:
        f = rule_set.commune_floor
        ok = ok and all(_reaches(c.items[i].satisfied, c.items[i].valid, f) for c in communes for i in ITEMS)
    return "meets" if ok else "does_not_meet"


@pytest.mark.parametrize("rule_set", [
    Rules.of("0.7", "0.98", items=ITEMS),
    Rules.of("0.7", "0.98", "0.95", "each", items=ITEMS),
    Rules.of("0.6", "0.9", "0.95", "average", items=ITEMS),
    Rules.of("0.7", "0.95", "0.9", "each", "0.9", ITEMS),
    Rules.of("0.9", "0.9", "0.85", "average", "0.8", ITEMS),
], ids=["overall", "each", "average", "each+floor", "average+floor"])
def test_every_rule_set_equals_an_independent_computation(rule_set):
    rng = random.Random(16)
    for _ in range(400):
        communes = []
        for _ in range(rng.randint(1, 4)):
            households = rng.randint(5, 25)
            respondents = rng.randint(0, households)

            def tally(n: int = respondents) -> Tally:
                valid = rng.randint(max(0, n - 2), n)
                return Tally(rng.randint(max(0, valid - 3), valid), valid, n - valid)

            communes.append(Counts(respondents, households, tally(), {i: tally() for i in ALL}))
        ids = list(range(1, len(communes) + 1))
        node = roll_up(100, {100: ids}, dict(zip(ids, communes, strict=True)), rule_set, ALL)
        assert node.figures.verdict.value == _independent(communes, rule_set)
        # the reasons agree with the verdict: a failing verdict lists only rules that failed
        for reason in node.figures.reasons:
            held = reason.value is not None and reason.value >= reason.limit
            assert held == (node.figures.verdict is Verdict.MEETS) or reason.rule is Rule.VALID_ANSWERS


# --- the field window ----------------------------------------------------------------------------

def test_working_days_and_the_20_day_warning():
    assert working_days(date(2026, 3, 2), date(2026, 3, 6)) == 5  # Monday to Friday
    assert working_days(date(2026, 3, 7), date(2026, 3, 8)) == 0  # a weekend
    assert working_days(date(2026, 3, 2), date(2026, 3, 27)) == 20  # four weeks
    assert not field_window_too_long(date(2026, 3, 2), date(2026, 3, 29))
    assert field_window_too_long(date(2026, 3, 2), date(2026, 3, 30))  # the 21st working day
