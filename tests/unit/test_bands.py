"""The colour bands of the province at a glance (domain.bands): edges, the small-cell rule."""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

import pytest

from feedback_app.domain.bands import DEFAULT_EDGES, MIN_VALID, Shown, band_of, bands, cell, check_edges
from feedback_app.domain.index import Tally


def test_five_bands_cover_0_to_100_percent_without_gap_or_overlap():
    found = bands()
    assert [b.number for b in found] == [1, 2, 3, 4, 5]
    assert found[0].low is None and found[-1].high is None
    for lower, upper in pairwise(found):
        assert lower.high == upper.low  # each band starts where the one below stops
    for percent in range(0, 101):
        assert sum(b.holds(Fraction(percent, 100)) for b in found) == 1, percent


@pytest.mark.parametrize(("rate", "band"), [
    (Fraction(0), 1),
    (Fraction(69999, 100000), 1),
    (Fraction(7, 10), 2),  # exactly at an edge: the band above
    (Fraction(79, 100), 2),
    (Fraction(8, 10), 3),
    (Fraction(899, 1000), 3),
    (Fraction(9, 10), 4),
    (Fraction(18, 20) - Fraction(1, 10**9), 3),  # a hair under 90 %: never rounded up into 4
    (Fraction(949, 1000), 4),
    (Fraction(19, 20), 5),
    (Fraction(1), 5),
])
def test_a_rate_exactly_at_an_edge_belongs_to_the_band_above(rate, band):
    assert band_of(rate).number == band


def test_band_of_refuses_a_rate_outside_0_to_1():
    with pytest.raises(ValueError):
        band_of(Fraction(101, 100))
    with pytest.raises(ValueError):
        band_of(Fraction(-1, 100))


@pytest.mark.parametrize("edges", [
    (Fraction(1, 2), Fraction(6, 10), Fraction(7, 10)),  # three edges: four bands
    (Fraction(7, 10), Fraction(7, 10), Fraction(8, 10), Fraction(9, 10)),  # not increasing
    (Fraction(0), Fraction(7, 10), Fraction(8, 10), Fraction(9, 10)),  # an empty first band
    (Fraction(7, 10), Fraction(8, 10), Fraction(9, 10), Fraction(1)),  # an empty last band
])
def test_edges_must_make_five_non_empty_bands(edges):
    with pytest.raises(ValueError):
        check_edges(edges)


def test_other_edges_move_the_bands():
    edges = (Fraction(5, 10), Fraction(6, 10), Fraction(7, 10), Fraction(8, 10))
    assert band_of(Fraction(75, 100), edges).number == 4
    assert band_of(Fraction(75, 100)).number == 2
    assert (Fraction(7, 10), Fraction(8, 10), Fraction(9, 10), Fraction(95, 100)) == DEFAULT_EDGES


def test_a_cell_with_fewer_than_five_valid_answers_shows_no_rate():
    assert MIN_VALID == 5
    small = cell(Tally(satisfied=4, valid=4), households=40)
    assert small.shown is Shown.SMALL and small.rate is None and small.band is None
    assert small.coverage == Fraction(4, 40)  # the coverage is still said
    assert (small.satisfied, small.valid) == (4, 4)
    empty = cell(Tally(), households=40)
    assert empty.shown is Shown.SMALL and empty.coverage == 0
    shown = cell(Tally(satisfied=5, valid=5), households=40)
    assert shown.shown is Shown.RATE and shown.rate == 1 and shown.band is not None and shown.band.number == 5


def test_no_opinion_answers_lower_the_cell_s_coverage_not_its_rate():
    found = cell(Tally(satisfied=18, valid=20, no_opinion=10), households=40)
    assert found.rate == Fraction(9, 10) and found.band is not None and found.band.number == 4
    assert found.coverage == Fraction(20, 40)


def test_unknown_households_leave_the_coverage_unknown():
    assert cell(Tally(6, 6), households=None).coverage is None
    assert cell(Tally(6, 6), households=0).coverage is None


def test_the_small_cell_rule_can_be_stricter_never_off():
    assert cell(Tally(9, 9), 40, min_valid=10).shown is Shown.SMALL
    assert cell(Tally(10, 10), 40, min_valid=10).shown is Shown.RATE
    with pytest.raises(ValueError):
        cell(Tally(1, 1), 40, min_valid=0)
