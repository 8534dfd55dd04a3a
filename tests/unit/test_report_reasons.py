"""The "Lý do" column's grouping (services/exports/reasons.py): the same reason written alike is one
group with its count, the most frequent first, ties in the order given (newest first)."""

from __future__ import annotations

from feedback_app.services.exports.reasons import ReasonGroup, group_reasons


def test_reasons_written_alike_are_one_group() -> None:
    found = group_reasons(["Đường lầy lội", "Thiếu nước", "  đường   lầy lội. ", "Đường lầy lội!",
                           "Thiếu nước"])
    assert found == [ReasonGroup("Đường lầy lội", 3), ReasonGroup("Thiếu nước", 2)]


def test_ties_keep_the_given_order_and_blanks_are_dropped() -> None:
    assert group_reasons(["B", " ", "A", "...", "b"]) == [ReasonGroup("B", 2), ReasonGroup("A", 1)]


def test_different_reasons_are_not_merged() -> None:
    # a word more, or a different accent, is another reason (no fuzzy matching)
    found = group_reasons(["Đường lầy", "Đường lầy lội", "Đương lầy"])
    assert [g.count for g in found] == [1, 1, 1]
