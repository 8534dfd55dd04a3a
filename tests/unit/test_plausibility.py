"""Each plausibility rule on crafted facts, just below and at its limit (domain.plausibility)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from fractions import Fraction

from feedback_app.domain.plausibility import (
    Answered,
    FlagRule,
    Settings,
    Source,
    UnitFacts,
    densest_window,
    flags_of,
)

START = datetime(2026, 11, 10, 8, 0)
SETTINGS = Settings()


def answered(n: int, **kwargs: object) -> list[Answered]:
    """n responses one hour apart (no burst), on days inside the window unless told."""
    base = {"at": START, "day": date(2026, 11, 10)}
    return [Answered(**{**base, "at": START + timedelta(hours=i), **kwargs}) for i in range(n)]  # type: ignore[arg-type]


def facts(**kwargs: object) -> UnitFacts:
    base: dict[str, object] = dict(unit=7, respondents=0, households=None, overall_satisfied=0,
                                   overall_valid=0, min_coverage=Fraction(7, 10),
                                   opens_on=date(2026, 11, 1), closes_on=date(2026, 11, 30),
                                   responses=())
    return UnitFacts(**{**base, **kwargs})  # type: ignore[arg-type]


def rules(unit: UnitFacts, settings: Settings = SETTINGS) -> list[FlagRule]:
    return [flag.rule for flag in flags_of(unit, settings)]


def test_nothing_is_flagged_for_an_ordinary_commune() -> None:
    ordinary = facts(respondents=80, households=100, overall_satisfied=70, overall_valid=78,
                     responses=answered(40) + answered(40, open_link=True, straight=True))
    assert rules(ordinary, replace(SETTINGS, open_link_share=Fraction(1, 2),
                                   straight_lining_share=Fraction(1, 2))) == []


def test_all_satisfied_needs_enough_answers() -> None:
    assert rules(facts(overall_satisfied=29, overall_valid=29)) == []
    flag, = flags_of(facts(overall_satisfied=30, overall_valid=30))
    assert (flag.rule, flag.count, flag.value) == (FlagRule.ALL_SATISFIED, 30, 1)
    assert rules(facts(overall_satisfied=30, overall_valid=31)) == []


def test_answers_above_the_register() -> None:
    assert rules(facts(respondents=100, households=100)) == []
    flag, = flags_of(facts(respondents=103, households=100))
    assert (flag.rule, flag.value, flag.limit, flag.count) == (FlagRule.ABOVE_REGISTER, 103, 100, 3)
    assert rules(facts(respondents=103, households=None)) == []  # no register: nothing to compare


def test_coverage_just_above_the_minimum() -> None:
    assert rules(facts(respondents=699, households=1000)) == []  # below: the verdict says so
    flag, = flags_of(facts(respondents=700, households=1000))
    assert flag.rule == FlagRule.COVERAGE_AT_MINIMUM and flag.value == Fraction(7, 10)
    assert rules(facts(respondents=709, households=1000)) == [FlagRule.COVERAGE_AT_MINIMUM]
    assert rules(facts(respondents=710, households=1000)) == []  # one point above: plain


def test_a_burst_from_one_device() -> None:
    quick = [Answered(at=START + timedelta(minutes=i), day=date(2026, 11, 10), device="d1")
             for i in range(11)]  # 11 answers within 10 minutes
    flag, = flags_of(facts(responses=quick))
    assert (flag.rule, flag.source, flag.key, flag.value) == (FlagRule.BURST, Source.DEVICE, "d1", 11)
    assert rules(facts(responses=quick[:10])) == []  # 10 is the limit, not above it
    spread = [replace(r, at=START + timedelta(minutes=2 * i)) for i, r in enumerate(quick)]
    assert rules(facts(responses=spread)) == []  # the same 11 over 20 minutes


def test_bursts_are_counted_per_source_and_key() -> None:
    quick = [Answered(at=START + timedelta(seconds=30 * i), day=date(2026, 11, 10),
                      address="a1", cadre=f"c{i % 2}", device=f"d{i}") for i in range(12)]
    flags = flags_of(facts(responses=quick))
    assert [(f.rule, f.source, f.key) for f in flags] == [(FlagRule.BURST, Source.ADDRESS, "a1")]


def test_densest_window_counts_both_ends() -> None:
    times = [START, START + timedelta(minutes=10), START + timedelta(minutes=10, seconds=1)]
    assert densest_window(times, 10) == 2
    assert densest_window([], 10) == 0


def test_one_cadre_collecting_most_answers() -> None:
    half = answered(10, cadre="can-bo-a") + answered(10)
    assert rules(facts(responses=half)) == []  # exactly half is not above half
    most = answered(11, cadre="can-bo-a") + answered(9, cadre="can-bo-b")
    flag, = flags_of(facts(responses=most))
    assert (flag.rule, flag.key, flag.count, flag.value) == (
        FlagRule.ASSISTED_BY_ONE, "can-bo-a", 11, Fraction(11, 20))
    assert rules(facts(responses=most[:19])) == []  # fewer than 20 answers: too few to tell


def test_straight_lining_share() -> None:
    at_limit = answered(18, straight=True) + answered(2)
    assert rules(facts(responses=at_limit)) == []  # 90 % is the limit
    above = answered(19, straight=True) + answered(1)
    assert rules(facts(responses=above)) == [FlagRule.STRAIGHT_LINING]


def test_fast_completion_by_the_median() -> None:
    slow = [replace(r, seconds=60) for r in answered(10)]
    assert rules(facts(responses=slow)) == []
    fast = [replace(r, seconds=s) for r, s in zip(answered(10), [20] * 6 + [300] * 4, strict=True)]
    flag, = flags_of(facts(responses=fast))
    assert flag.rule == FlagRule.FAST_COMPLETION and flag.value == 20
    unknown = answered(10)  # no completion times recorded: nothing to say
    assert rules(facts(responses=unknown)) == []


def test_open_link_share() -> None:
    assert rules(facts(responses=answered(6, open_link=True) + answered(14))) == []  # 30 %
    assert rules(facts(responses=answered(7, open_link=True) + answered(13))) == [
        FlagRule.OPEN_LINK_SHARE]


def test_answers_outside_the_field_window() -> None:
    inside = answered(2, day=date(2026, 11, 1)) + answered(2, day=date(2026, 11, 30))
    assert rules(facts(responses=inside)) == []
    late = inside + answered(3, day=date(2026, 12, 1))
    flag, = flags_of(facts(responses=late))
    assert (flag.rule, flag.count) == (FlagRule.OUTSIDE_WINDOW, 3)


def test_every_limit_is_a_setting() -> None:
    strict = replace(SETTINGS, all_satisfied_min_answers=5, burst_answers=2, burst_minutes=1)
    quick = [Answered(at=START + timedelta(seconds=10 * i), day=date(2026, 11, 10), device="d")
             for i in range(3)]
    assert rules(facts(overall_satisfied=5, overall_valid=5, responses=quick), strict) == [
        FlagRule.ALL_SATISFIED, FlagRule.BURST]
