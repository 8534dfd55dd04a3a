"""Roll-ups up the tree: pooled figures at every level, k of m communes meeting, children."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from feedback_app.domain.index import Counts, Rules, Tally, Verdict
from feedback_app.domain.rollup import children_map, roll_up
from feedback_app.domain.succession import Link, Share, reexpress

RULES = Rules.of(Decimal("0.6"), Decimal("0.9"))
ITEMS = ("overall", "c01")


def commune(respondents: int, households: int, satisfied: int, valid: int) -> Counts:
    return Counts(respondents, households, Tally(satisfied, valid, respondents - valid),
                  {"overall": Tally(satisfied, valid, respondents - valid), "c01": Tally(1, 1)})


# province 1 -> communes 11 (meets), 12 (does not meet), 13 (no campaign commune: a ward)
TWO_LEVELS = {1: None, 11: 1, 12: 1, 13: 1}
COMMUNES = {11: commune(10, 10, 10, 10), 12: commune(8, 10, 4, 8)}


def test_two_levels_pool_the_communes_and_count_those_meeting():
    root = roll_up(1, children_map(TWO_LEVELS), COMMUNES, RULES, ITEMS)
    figures = root.figures
    assert figures.counts.respondents == 18 and figures.counts.households == 20
    assert figures.coverage == Fraction(18, 20)
    assert figures.rate == Fraction(14, 18)
    assert figures.verdict is Verdict.DOES_NOT_MEET
    assert (figures.communes_meeting, figures.communes_total) == (1, 2)
    assert figures.counts.items["c01"] == Tally(2, 2)
    assert [c.unit_id for c in root.children] == [11, 12]  # unit 13 has no campaign commune
    first, second = root.children
    assert first.figures.verdict is Verdict.MEETS and first.children == ()
    assert second.figures.rate == Fraction(1, 2)


def test_legacy_three_levels_roll_up_through_districts():
    # province 1 -> districts 2, 3 -> communes 21, 22 | 31
    parents = {1: None, 2: 1, 3: 1, 21: 2, 22: 2, 31: 3}
    communes = {21: commune(10, 10, 9, 10), 22: commune(10, 10, 10, 10), 31: commune(5, 10, 5, 5)}
    root = roll_up(1, children_map(parents), communes, RULES, ITEMS, depth=2)
    assert root.figures.rate == Fraction(24, 25)
    assert (root.figures.communes_meeting, root.figures.communes_total) == (2, 3)
    district2, district3 = root.children
    assert district2.figures.rate == Fraction(19, 20)
    assert district2.figures.verdict is Verdict.MEETS
    assert (district2.figures.communes_meeting, district2.figures.communes_total) == (2, 2)
    assert district3.figures.verdict is Verdict.INSUFFICIENT  # 5 of 10 households answered
    assert [c.unit_id for c in district2.children] == [21, 22]

    shallow = roll_up(1, children_map(parents), communes, RULES, ITEMS, depth=1)
    assert [c.children for c in shallow.children] == [None, None]  # not expanded
    assert shallow.figures == root.figures


def test_a_unit_with_no_campaign_commune_cannot_be_rolled_up():
    with pytest.raises(ValueError):
        roll_up(13, children_map(TWO_LEVELS), COMMUNES, RULES, ITEMS)


def test_reexpression_merges_whole_units_and_lists_split_ones():
    links = [
        Link(101, 201, Share.WHOLE),  # 101 and 102 merged into 201
        Link(102, 201, Share.WHOLE),
        Link(103, 202, Share.PART),  # 103 split between 202 and 203
        Link(103, 203, Share.PART),
        Link(104, 203, Share.WHOLE),  # 203 also got all of 104: incomplete without 103's part
        Link(999, 201, Share.WHOLE),  # not a campaign commune: ignored
    ]
    mapping = reexpress([101, 102, 103, 104, 105], links)
    assert mapping.merged == {201: (101, 102)}
    assert mapping.split == {103: (202, 203)}
    assert mapping.left_out == {202: (103,), 203: (103,)}
    assert mapping.unmapped == (105,)
    assert not mapping.complete
    assert reexpress([101, 102], links).complete
