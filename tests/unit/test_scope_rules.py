"""Pure rules of a campaign's scope (domain.scope)."""

from __future__ import annotations

from feedback_app.domain.scope import MAX_REASON, clean_reason, sampled_households, unknown_villages


def test_a_reason_is_folded_and_bounded() -> None:
    assert clean_reason("  Sáp nhập\n  đang   rà soát ") == "Sáp nhập đang rà soát"
    assert clean_reason("ab") is None
    assert clean_reason(None) is None
    assert clean_reason("x" * MAX_REASON) == "x" * MAX_REASON
    assert clean_reason("x" * (MAX_REASON + 1)) is None
    assert clean_reason("abc\x00def") is None


def test_sampled_households_count_the_sample_only() -> None:
    villages = {1: 12, 2: 7, 3: None, 4: 3}
    assert sampled_households(villages, [1, 4]) == 15
    assert sampled_households(villages, [1, 1, 3]) == 12  # a repeat counts once; unknown counts 0
    assert sampled_households(villages, [9]) == 0  # retired since it was sampled
    assert sampled_households(villages, []) == 0


def test_unknown_villages_are_listed() -> None:
    assert unknown_villages(["A", "B", "Z"], ["A", "B", "C"]) == ["Z"]
    assert unknown_villages([], ["A"]) == []
