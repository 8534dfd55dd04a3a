"""Survey files: the shipped ones are valid; a broken file is refused naming the field and problem."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from marshmallow import ValidationError

from feedback_app.config import PROJECT_ROOT
from feedback_app.domain.survey import OverallRule, ScaleType
from feedback_app.domain.survey_schema import flatten_errors, parse_survey

SURVEYS = PROJECT_ROOT / "surveys"
BINARY = yaml.safe_load((SURVEYS / "ntm-commune.v1.yaml").read_text(encoding="utf-8"))


def problems(data: object) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        parse_survey(data)
    return flatten_errors(caught.value.messages)


def fields_of(data: object) -> set[str]:
    return {field for field, _ in problems(data)}


@pytest.mark.parametrize("path", sorted(SURVEYS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_surveys_are_valid_and_bilingual(path: Path):
    survey = parse_survey(yaml.safe_load(path.read_text(encoding="utf-8")))
    overall = [item for item in survey.items if item.overall]
    assert [item.id for item in overall] == ["overall"]
    criteria = [item.criterion for item in survey.items if not item.overall]
    # 2021–2025 (Decision 318): 19 criteria, overall first; 2026–2030 (Decision 51): 10, overall last.
    count = 10 if survey.id == "ntm-xa-2026" else 19
    assert criteria == list(range(1, count + 1)), "one question per criterion of the commune set"
    assert survey.items.index(overall[0]) == (len(survey.items) - 1 if count == 10 else 0)
    for item in survey.items:
        assert item.text["vi"] and item.text["en"]
        assert item.sms.isascii()
    assert survey.overall_rule is OverallRule.OVERALL_ITEM


def test_the_2026_survey_says_it_is_provisional_and_uses_the_fronts_negative_label():
    survey = parse_survey(yaml.safe_load((SURVEYS / "ntm-xa-2026.v1.yaml").read_text(encoding="utf-8")))
    assert "tạm thời" in survey.description["vi"] and "provisional" in survey.description["en"]
    assert [option.label["vi"] for option in survey.options] == ["Hài lòng", "Chưa hài lòng", "Không ý kiến"]
    texts = " ".join(item.text["vi"] + " " + item.sms for item in survey.items)
    assert not any(word in texts.split() for word in ("NTM", "TC1", "THCS"))


def test_commune_survey_answers_are_the_fronts_three():
    survey = parse_survey(copy.deepcopy(BINARY))
    assert survey.scale_type is ScaleType.BINARY
    labels = [option.label["vi"] for option in survey.options]
    assert labels == ["Hài lòng", "Không hài lòng", "Không ý kiến"]
    assert survey.is_satisfied(1) is True
    assert survey.is_satisfied(2) is False
    assert survey.is_satisfied(0) is None


def test_five_point_variant_counts_four_and_five_as_satisfied():
    data = yaml.safe_load((SURVEYS / "ntm-commune-5.v1.yaml").read_text(encoding="utf-8"))
    survey = parse_survey(data)
    assert survey.scale_type is ScaleType.LIKERT5
    assert [survey.is_satisfied(v) for v in (1, 2, 3, 4, 5, 0)] == [
        False, False, False, True, True, None,
    ]


def test_missing_english_text_is_named():
    data = copy.deepcopy(BINARY)
    del data["items"][3]["text"]["en"]
    assert ("items.3.text.en", "Missing data for required field.") in problems(data)


def test_diacritics_in_sms_text_are_refused():
    data = copy.deepcopy(BINARY)
    data["items"][1]["sms"] = "TC1 Quy hoạch"
    found = problems(data)
    assert any(f == "items.1.sms" and "diacritics" in p for f, p in found)


def test_scale_values_must_match_the_scale_type():
    data = copy.deepcopy(BINARY)
    data["scale"]["options"][1]["value"] = 3
    found = problems(data)
    assert any(f == "scale.options" and "unexpected [3]" in p for f, p in found)


def test_unknown_scale_type_and_unknown_field():
    data = copy.deepcopy(BINARY)
    data["scale"]["type"] = "stars"
    data["colour"] = "red"
    assert {"scale.type", "colour"} <= fields_of(data)


def test_overall_rule_needs_exactly_one_overall_item():
    data = copy.deepcopy(BINARY)
    data["items"][0]["overall"] = False
    assert any("exactly one item" in p for _, p in problems(data))
    data["overall_rule"] = "half_of_valid_items"
    survey = parse_survey(data)
    assert survey.overall_rule is OverallRule.HALF_OF_VALID_ITEMS


def test_duplicate_item_ids_and_bad_version():
    data = copy.deepcopy(BINARY)
    data["items"][2]["id"] = data["items"][1]["id"]
    assert problems(data) == [("items", "Item ids must be unique: c01.")]
    data = copy.deepcopy(BINARY)
    data["version"] = 0
    assert fields_of(data) == {"version"}


def test_ids_with_a_trailing_newline_are_refused():
    data = copy.deepcopy(BINARY)
    data["id"] = "ntm-commune\n"
    data["items"][1]["id"] += "\n"
    assert {"id", "items.1.id"} <= fields_of(data)


def test_a_file_that_is_not_a_mapping():
    assert problems(["id", "version"]) == [
        ("(file)", "The file must hold a mapping (id, version, items...).")
    ]


def test_sms_texts_in_both_languages_each_checked():
    data = copy.deepcopy(BINARY)
    data["items"][1]["sms"] = {"vi": "Ong/ba co hai long khong?", "en": "Are you satisfied?"}
    data["sms_name"] = {"vi": "Khao sat", "en": "Survey"}
    data["items"][0]["sms"] = "Nhin chung?"  # an older file: one text, Vietnamese
    survey = parse_survey(data)
    assert survey.items[1].sms_in("en") == "Are you satisfied?"
    assert survey.items[1].sms_in("vi") == "Ong/ba co hai long khong?"
    assert survey.sms_name_in("en") == "Survey" and survey.items[0].sms_in("en") == "Nhin chung?"
    data["items"][1]["sms"] = {"vi": "Quy hoạch", "en": "x" * 91, "fr": "x"}
    found = problems(data)
    assert any(f == "items.1.sms" and "fr" in p for f, p in found), found
    data["items"][1]["sms"] = {"vi": "Quy hoạch", "en": "x" * 91}
    found = problems(data)
    assert any(f == "items.1.sms.vi" and "diacritics" in p for f, p in found), found
    assert any(f == "items.1.sms.en" for f, _ in found), found
