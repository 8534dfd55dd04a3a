"""Reasons when not satisfied: the survey file says which items ask for one and how long it may
be; a household's reasons are checked, and kept only with a "not satisfied" answer."""

from __future__ import annotations

import copy

import pytest
import yaml
from marshmallow import ValidationError

from feedback_app.config import PROJECT_ROOT
from feedback_app.domain.survey import AnswerProblem, check_answers, clean_reasons
from feedback_app.domain.survey_schema import parse_survey

from .surveys import binary_survey, likert_survey

DATA = yaml.safe_load((PROJECT_ROOT / "surveys" / "ntm-xa-2026.v1.yaml").read_text(encoding="utf-8"))
SURVEY = parse_survey(copy.deepcopy(DATA))


def answers(value: int = 1, **other: int) -> dict[str, int]:
    return {item_id: other.get(item_id, value) for item_id in SURVEY.item_ids}


def test_the_2026_survey_asks_a_short_reason_under_every_item_and_ends_with_other_comments():
    assert all(item.reason for item in SURVEY.items) and SURVEY.asks_reasons
    assert SURVEY.reason_max_length == 300
    assert SURVEY.reason_label["vi"] == "Lý do chưa hài lòng (nếu có)"
    assert SURVEY.comment_label["vi"] == "Ý kiến khác (nếu có)"
    assert SURVEY.not_satisfied_values() == frozenset({2})  # "Chưa hài lòng"; 0 is no opinion


def test_older_surveys_ask_no_reason():
    for survey in (binary_survey(), likert_survey()):
        assert not survey.asks_reasons and survey.reason_max_length == 0
    assert likert_survey().not_satisfied_values() == frozenset({1, 2, 3})


def test_items_that_ask_for_a_reason_need_the_survey_reason_block():
    data = copy.deepcopy(DATA)
    del data["reason"]
    with pytest.raises(ValidationError) as refused:
        parse_survey(data)
    assert "reason" in refused.value.messages


@pytest.mark.parametrize("length", [0, 501])
def test_the_reason_block_bounds_its_length(length):
    data = copy.deepcopy(DATA)
    data["reason"]["max_length"] = length
    with pytest.raises(ValidationError):
        parse_survey(data)


def test_a_reason_at_the_limit_passes_one_beyond_is_refused():
    ok = {"c01": "x" * 300}
    assert check_answers(SURVEY, answers(c01=2), "", ok)[1] == []
    _, found = check_answers(SURVEY, answers(c01=2), "", {"c01": "x" * 301})
    assert found == [AnswerProblem("reason_too_long", "c01")]


def test_a_reason_for_an_unknown_item_or_an_item_that_asks_none_is_refused():
    _, found = check_answers(SURVEY, answers(), "", {"c99": "why"})
    assert found == [AnswerProblem("reason_not_asked", "c99")]
    old = binary_survey()
    _, found = check_answers(old, {i: 1 for i in old.item_ids}, "", {old.item_ids[0]: "why"})
    assert found == [AnswerProblem("reason_not_asked", old.item_ids[0])]


def test_reasons_are_kept_only_with_a_not_satisfied_answer():
    cleaned, _ = check_answers(SURVEY, answers(c01=2, c02=1, c03=0, overall=2))
    kept = clean_reasons(SURVEY, cleaned, {"c01": "road flooded", "c02": "typed, then satisfied",
                                            "c03": "no opinion", "overall": "", "c04": "not asked"})
    assert kept == {"c01": "road flooded"}


def test_reasons_do_not_change_the_answers_or_the_overall_verdict():
    plain, _ = check_answers(SURVEY, answers(c01=2))
    with_reasons, _ = check_answers(SURVEY, answers(c01=2), "", {"c01": "road flooded"})
    assert plain == with_reasons
    assert SURVEY.overall_satisfied(plain) is SURVEY.overall_satisfied(with_reasons) is True
