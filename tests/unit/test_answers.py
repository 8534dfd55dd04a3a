"""Checking one household's answers against a survey, and the overall-satisfaction rules."""

from __future__ import annotations

import copy

import yaml

from feedback_app.config import PROJECT_ROOT
from feedback_app.domain.survey import AnswerProblem, check_answers
from feedback_app.domain.survey_schema import parse_survey

DATA = yaml.safe_load((PROJECT_ROOT / "surveys" / "ntm-commune.v1.yaml").read_text(encoding="utf-8"))
SURVEY = parse_survey(copy.deepcopy(DATA))


def complete(value: object = "1") -> dict[str, object]:
    return {item_id: value for item_id in SURVEY.item_ids}


def test_complete_answers_are_cleaned_to_ints():
    cleaned, found = check_answers(SURVEY, complete("1"))
    assert found == []
    assert cleaned == {item_id: 1 for item_id in SURVEY.item_ids}


def test_missing_out_of_range_and_unknown_items_are_each_reported():
    answers = complete("1")
    del answers["c05"]
    answers["c06"] = "7"
    answers["c07"] = "yes"
    answers["c99"] = "1"
    _, found = check_answers(SURVEY, answers)
    assert set(found) == {
        AnswerProblem("missing", "c05"),
        AnswerProblem("invalid_value", "c06"),
        AnswerProblem("invalid_value", "c07"),
        AnswerProblem("unknown_item", "c99"),
    }


def test_booleans_and_full_width_digits_are_not_values():
    answers = complete(True)
    _, found = check_answers(SURVEY, answers)
    assert len(found) == len(SURVEY.items)
    _, found = check_answers(SURVEY, complete("１"))
    assert all(p.code == "invalid_value" for p in found)


def test_comment_length_is_bounded_by_the_survey():
    limit = SURVEY.comment_max_length
    assert check_answers(SURVEY, complete(), "x" * limit)[1] == []
    assert check_answers(SURVEY, complete(), "x" * (limit + 1))[1] == [
        AnswerProblem("comment_too_long")
    ]


def test_overall_item_decides_overall_satisfaction():
    answers = {k: 2 for k in SURVEY.item_ids}
    answers["overall"] = 1
    assert SURVEY.overall_satisfied(answers) is True
    answers["overall"] = 0
    assert SURVEY.overall_satisfied(answers) is None


def test_half_of_valid_items_rule():
    data = copy.deepcopy(DATA)
    data["overall_rule"] = "half_of_valid_items"
    data["items"] = data["items"][1:5]  # four criteria, no overall item
    survey = parse_survey(data)
    ids = survey.item_ids
    assert survey.overall_satisfied(dict(zip(ids, (1, 1, 2, 2), strict=True))) is True
    assert survey.overall_satisfied(dict(zip(ids, (1, 2, 2, 0), strict=True))) is False
    assert survey.overall_satisfied(dict(zip(ids, (1, 0, 0, 0), strict=True))) is True
    assert survey.overall_satisfied(dict(zip(ids, (0, 0, 0, 0), strict=True))) is None
