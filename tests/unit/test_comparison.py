"""The comparison with an earlier round (domain.comparison): items matched by name across
surveys, and a change read as within the noise exactly when the two 95 % intervals overlap."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest

from feedback_app.domain.comparison import (
    Change,
    Noise,
    compare_rounds,
    intervals_overlap,
    item_name,
    match_items,
)
from feedback_app.domain.index import Counts, Tally, wilson_interval

from .surveys import _load, binary_survey


def survey_2026():  # type: ignore[no-untyped-def]
    return _load("ntm-xa-2026.v1.yaml")


def test_item_name_is_the_heading_without_the_criterion_prefix():
    old, new = binary_survey(), survey_2026()
    assert item_name(old.item("c01")) == "quy hoạch" == item_name(new.item("c01"))
    assert item_name(old.item("c02")) == "giao thông"
    assert item_name(new.item("c08")) == "môi trường và cảnh quan"


def test_2021_2025_and_2026_surveys_match_only_by_name_never_by_id():
    """Both surveys have a c02, about different things: only Quy hoạch is asked by both."""
    matching = match_items(survey_2026(), binary_survey())
    assert matching.pairs == (("c01", "c01"),)
    assert matching.only_now == tuple(f"c{n:02d}" for n in range(2, 11))
    assert matching.only_then == tuple(f"c{n:02d}" for n in range(2, 20))
    assert "overall" not in matching.only_now + matching.only_then  # compared on its own


def test_the_same_survey_matches_every_item():
    survey = survey_2026()
    matching = match_items(survey, survey)
    assert matching.pairs == tuple((f"c{n:02d}", f"c{n:02d}") for n in range(1, 11))
    assert matching.only_now == matching.only_then == ()


def test_a_name_two_items_share_matches_nothing():
    survey = survey_2026()
    twin = replace(survey.item("c02"), id="c02b", text={"vi": "Quy hoạch: bản khác", "en": "Planning again"})
    doubled = replace(survey, items=(*survey.items, twin))
    matching = match_items(doubled, survey)
    assert ("c01", "c01") not in matching.pairs
    assert {"c01", "c02b"} <= set(matching.only_now)
    assert "c01" in matching.only_then


@pytest.mark.parametrize(("a", "b", "overlap"), [
    ((0.2, 0.5), (0.5, 0.8), True),  # touching ends: overlapping
    ((0.5, 0.8), (0.2, 0.5), True),
    ((0.2, 0.5), (0.5000001, 0.8), False),  # just apart
    ((0.1, 0.9), (0.4, 0.5), True),  # one inside the other
    ((0.6, 0.7), (0.1, 0.2), False),
])
def test_intervals_overlap_at_the_edge(a, b, overlap):  # type: ignore[no-untyped-def]
    assert intervals_overlap(a, b) is overlap


def _first_apart(then: Tally) -> int:
    """The smallest satisfied count now (of 100) whose interval is apart from `then`'s."""
    _low_then, high_then = wilson_interval(then.satisfied, then.valid)  # type: ignore[misc]
    return next(s for s in range(101) if wilson_interval(s, 100)[0] > high_then)  # type: ignore[index]


def test_a_change_is_beyond_the_noise_only_once_the_intervals_are_apart():
    then = Tally(50, 100)
    edge = _first_apart(then)
    assert Change(then, Tally(edge, 100)).noise is Noise.BEYOND
    assert Change(then, Tally(edge - 1, 100)).noise is Noise.WITHIN  # one household fewer: overlap
    assert Change(then, Tally(50, 100)).noise is Noise.WITHIN


def test_the_same_rate_from_more_answers_can_move_beyond_the_noise():
    assert Change(Tally(6, 10), Tally(9, 10)).noise is Noise.WITHIN  # 60 % -> 90 % of 10: chance
    assert Change(Tally(600, 1000), Tally(900, 1000)).noise is Noise.BEYOND


def test_difference_is_exact_and_nothing_valid_cannot_be_compared():
    change = Change(Tally(2, 3), Tally(9, 10))
    assert change.difference == Fraction(9, 10) - Fraction(2, 3)
    assert change.then_interval == wilson_interval(2, 3)
    empty = Change(Tally(0, 0, 4), Tally(9, 10))
    assert empty.noise is Noise.UNKNOWN and empty.difference is None


def test_compare_rounds_pairs_the_items_and_the_overall_rate():
    old, new = binary_survey(), survey_2026()
    then = Counts(20, 30, Tally(12, 20), {"c01": Tally(10, 19), "c02": Tally(20, 20)})
    now = Counts(40, 50, Tally(38, 40), {"c01": Tally(30, 40), "c02": Tally(1, 40)})
    result = compare_rounds(then, now, match_items(new, old))
    assert result.overall == Change(Tally(12, 20), Tally(38, 40))
    assert [(c.item, c.earlier_item, c.change) for c in result.items] == [
        ("c01", "c01", Change(Tally(10, 19), Tally(30, 40)))]  # c02 is not the same question


def test_an_item_missing_from_the_earlier_counts_counts_as_unanswered():
    survey = survey_2026()
    result = compare_rounds(Counts(0, None, Tally()), Counts(1, 1, Tally(1, 1), {"c01": Tally(1, 1)}),
                            match_items(survey, survey))
    assert result.items[0].change.then == Tally() and result.items[0].change.noise is Noise.UNKNOWN
