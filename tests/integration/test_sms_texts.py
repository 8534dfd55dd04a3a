"""Every SMS the product sends fits ONE GSM-7 segment, in Vietnamese (no diacritics) and English,
for every question of every shipped survey, with the longest names a commune can have."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po

from feedback_app.config import PROJECT_ROOT
from feedback_app.domain.gsm import fits_one_segment, is_gsm7
from feedback_app.domain.sms.prompts import confirmation, question_prompt
from feedback_app.domain.sms.replies import CompactProblem, ReplyProblem
from feedback_app.services.errors import Refused
from feedback_app.services.sms import texts
from feedback_app.services.surveys import load_survey_dir

# As long as the units table allows (160 characters), with every kind of diacritic.
LONGEST_PLACE = ("Xã Đắk Rơ Ông Nguyễn Huệ Trường Sơn Thượng Quảng Điền Phước Lộc " * 3)[:160]
LONGEST_CODE = "9" * 16  # units.code is 16 characters
SURVEYS = sorted(load_survey_dir(PROJECT_ROOT / "surveys")[0].values(), key=lambda s: s.key)


def _sms_catalog(language: str):  # type: ignore[no-untyped-def]
    path = PROJECT_ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with Path(path).open("rb") as handle:
        return [m for m in read_po(handle) if m.context == "sms"]


def test_every_vietnamese_sms_text_is_translated_without_diacritics():
    messages = _sms_catalog("vi")
    assert len(messages) >= 30
    for message in messages:
        assert message.string, message.id
        assert not message.fuzzy, message.id
        assert message.string.isascii() and is_gsm7(message.string), message.string
        assert set(re.findall(r"%\(\w+\)[sd]", message.string)) == set(
            re.findall(r"%\(\w+\)[sd]", message.id)), message.id


def test_english_sms_texts_are_gsm7():
    for message in _sms_catalog("en"):
        assert message.id.isascii() and is_gsm7(message.id), message.id


def _says_digits(text: str, values: list[int]) -> bool:
    legend = re.split(r"Tra loi|Reply", text)[-1]
    answers = sorted(v for v in values if v)
    listed = all(str(v) in legend for v in values)
    ranged = f"{answers[0]}-{answers[-1]}" in legend and (0 not in values or "0" in legend)
    return listed or ranged


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("survey", SURVEYS, ids=lambda s: s.key)
def test_every_prompt_fits_one_segment_and_says_which_digits(app, survey, language):
    values = [option.value for option in survey.options]
    with texts.speaking(language):
        prompt_texts = texts.prompt_texts()
        labels = texts.choice_labels(survey, language)
        total = len(survey.items)
        for number, item in enumerate(survey.items, start=1):
            for header in (None, (survey.sms_name, LONGEST_PLACE)):
                for problem in (None, *ReplyProblem):
                    text = question_prompt(prompt_texts, item.sms, number, total, labels,
                                           header=header, problem=problem, out_of_range="9")
                    assert fits_one_segment(text), text
                    assert item.sms in text, text  # never cut
                    assert _says_digits(text, values), text
        everything = [v for v in values for _ in range(2)][:total]
        for who in (texts.household_who("5" * 15), LONGEST_PLACE):
            done = confirmation(texts.confirmation_template(), who, everything)
            assert fits_one_segment(done) and " ".join(map(str, everything)) in done, done


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_other_sms_fits_one_segment(app, language):
    campaign = SimpleNamespace(opens_on=date(2026, 12, 31), closes_on=date(2026, 12, 31))
    place = SimpleNamespace(full_name=LONGEST_PLACE, full_name_en=LONGEST_PLACE)
    reasons = [
        Refused("campaign_not_open", campaign=campaign),
        Refused("campaign_closed", campaign=campaign),
        Refused("code_used", code="5" * 15), Refused("code_mistyped"), Refused("code_unknown"),
        Refused("channel_closed"), Refused("unknown_commune", commune=LONGEST_CODE),
        Refused("sms_commune_unknown", commune=LONGEST_CODE),
        Refused("sms_commune_ambiguous", commune=LONGEST_CODE),
        Refused("sms_number_answered", place=place), Refused("anything_else"),
    ]
    with texts.speaking(language):
        produced = [texts.refusal_text(r, language) for r in reasons]
        produced += [texts.help_text(), texts.opted_out_text(), texts.opted_in_text(),
                     texts.paused_text(40, 40), texts.finished_text()]
        produced += [texts.compact_text(p, 41, 40, "1, 2, 3, 4, 5, 0") for p in CompactProblem]
        name = "X" * 40  # sms_name is at most 40 characters
        produced += [texts.invitation_text(name, None, None),
                     texts.invitation_text(name, LONGEST_CODE, LONGEST_PLACE)]
    for text in produced:
        assert fits_one_segment(text), text
        assert not text.endswith("..."), text  # fits by design, not by the last-resort clip
