"""The pure rules of verification by re-contact and of the posting window (domain.recontact)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from feedback_app.domain.recontact import (
    MAX_PER_VILLAGE,
    MAX_POSTING_DAYS,
    Candidate,
    Outcome,
    PostingRefused,
    SampleRefused,
    check_seed,
    check_sizes,
    draw,
    latest,
    posting_window,
    tally,
)

POPULATION = [Candidate(group, f"{group}-{n:03d}") for group in ("01", "02", "") for n in range(40)]


def test_the_same_seed_gives_the_same_sample_whatever_the_order_of_the_rows() -> None:
    shuffled = POPULATION[:]
    random.Random(7).shuffle(shuffled)
    sizes = {"01": 5, "02": 3, "": 2}
    assert draw(POPULATION, sizes, 42) == draw(shuffled, sizes, 42)
    assert len(draw(POPULATION, sizes, 42)) == 10


def test_another_seed_gives_another_sample() -> None:
    sizes = {"01": 5, "02": 5}
    samples = {tuple(draw(POPULATION, sizes, seed)) for seed in range(5)}
    assert len(samples) == 5


def test_a_known_draw_stays_the_same_across_versions() -> None:
    """Pinned: a change of the algorithm would make stored seeds draw other households."""
    drawn = [c.code for c in draw(POPULATION, {"01": 3}, 20261203)]
    assert drawn == [c.code for c in draw(list(reversed(POPULATION)), {"01": 3}, 20261203)]
    rng = random.Random("20261203/01")
    expected = sorted(c.code for c in rng.sample(sorted(c for c in POPULATION if c.group == "01"), 3))
    assert drawn == expected


def test_each_village_is_drawn_independently_of_the_others_sizes() -> None:
    one = [c for c in draw(POPULATION, {"01": 4, "02": 2}, 9) if c.group == "01"]
    other = [c for c in draw(POPULATION, {"01": 4, "02": 7}, 9) if c.group == "01"]
    assert one == other


def test_a_village_with_fewer_codes_gives_all_and_none_drawn_twice() -> None:
    small = [Candidate("03", "a"), Candidate("03", "b"), Candidate("03", "b")]
    assert draw(small, {"03": 5}, 1) == [Candidate("03", "a"), Candidate("03", "b")]
    assert draw(POPULATION, {"01": 0}, 1) == []
    drawn = draw(POPULATION, {"01": 40}, 3)
    assert len(set(drawn)) == 40


def test_sizes_are_checked() -> None:
    assert check_sizes({"01": 2}, ["01", "02"]) == {"01": 2, "02": 0}
    assert check_sizes({"01": MAX_PER_VILLAGE}, ["01"]) == {"01": MAX_PER_VILLAGE}
    for sizes, reason in (({"01": MAX_PER_VILLAGE + 1}, "sample_size_invalid"),
                          ({"01": -1}, "sample_size_invalid"), ({"09": 1}, "sample_unknown_village"),
                          ({"01": 0}, "sample_empty"), ({}, "sample_empty")):
        with pytest.raises(SampleRefused) as refused:
            check_sizes(sizes, ["01", "02"])
        assert refused.value.reason == reason


def test_seeds_are_checked() -> None:
    assert check_seed(0) == 0 and check_seed(2**63 - 1) == 2**63 - 1
    for seed in (-1, 2**63):
        with pytest.raises(SampleRefused):
            check_seed(seed)


def test_tally_and_latest_outcome() -> None:
    records = [(1, Outcome.UNREACHABLE), (2, Outcome.CONFIRMED), (1, Outcome.CONFIRMED),
               (3, Outcome.NOT_CONFIRMED)]
    current = latest(records)
    assert current == {1: Outcome.CONFIRMED, 2: Outcome.CONFIRMED, 3: Outcome.NOT_CONFIRMED}
    counts = tally(5, current.values())
    assert (counts.confirmed, counts.not_confirmed, counts.unreachable) == (2, 1, 0)
    assert (counts.pending, counts.reached) == (2, 3)


OPENS = date(2026, 11, 1)


def test_posting_window_defaults_and_limits() -> None:
    start = date(2026, 12, 3)
    assert posting_window(start, None, 10, OPENS) == (start, date(2026, 12, 13))
    assert posting_window(start, start, 10, OPENS) == (start, start)  # one day
    assert posting_window(start, start + timedelta(days=MAX_POSTING_DAYS), 10, OPENS)[1] == date(2027, 3, 3)
    assert posting_window(OPENS, None, 7, OPENS) == (OPENS, date(2026, 11, 8))
    for args, reason in (((start, start - timedelta(days=1)), "posting_end_before_start"),
                         ((start, start + timedelta(days=MAX_POSTING_DAYS + 1)), "posting_too_long"),
                         ((OPENS - timedelta(days=1), None), "posting_before_campaign")):
        with pytest.raises(PostingRefused) as refused:
            posting_window(*args, 10, OPENS)
        assert refused.value.reason == reason
