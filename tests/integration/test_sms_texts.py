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
from feedback_app.domain.sms.prompts import choice_legends, question_prompt, summary
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


ABBREVIATIONS = re.compile(r"\b(NTM|TC\d*|THCS|THPT|UBND|MTTQ|HTX|vd|e\.g)\b")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("survey", SURVEYS, ids=lambda s: s.key)
def test_every_prompt_is_a_whole_question_with_its_options_in_one_segment(app, survey, language):
    """A first asking shows the whole question and every option in words (or the scale's two
    ends and 0); a re-prompt may cut the question, never the options."""
    with texts.speaking(language):
        prompt_texts = texts.prompt_texts()
        labels = texts.choice_labels(survey, language)
        naming = choice_legends(prompt_texts, labels)[:-1]
        total = len(survey.items)
        for number, item in enumerate(survey.items, start=1):
            question = texts.question_text(item, language)
            assert question.endswith("?") and not ABBREVIATIONS.search(question), question
            if language == "en":
                assert question == item.sms_en, item.id  # every shipped question has English
            for header in (None, (texts.survey_name(survey, language), LONGEST_PLACE)):
                text = question_prompt(prompt_texts, question, number, total, labels, header=header)
                assert fits_one_segment(text), text
                assert question in text, text  # never cut on a first asking
                assert any(legend in text for legend in naming), text
                for problem in ReplyProblem:
                    for note in (None, texts.changed_note(40)):
                        text = question_prompt(prompt_texts, question, number, total, labels,
                                               header=header, problem=problem,
                                               out_of_range="9", note=note)
                        assert fits_one_segment(text), text
                        assert any(legend in text for legend in naming), text
        assert not ABBREVIATIONS.search(texts.survey_name(survey, language))


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("survey", SURVEYS, ids=lambda s: s.key)
def test_the_summary_counts_every_answer_and_names_the_place(app, survey, language):
    values = [option.value for option in survey.options]
    answers = [values[n % len(values)] for n in range(len(survey.items))]
    with texts.speaking(language):
        tallies = texts.tallies(survey, answers, language)
        assert sum(t.count for t in tallies) == len(answers)
        for place in ("xa Binh Lu", texts.in_sentence(LONGEST_PLACE)):
            for commented in (False, True):
                text = summary(texts.summary_template(commented), len(answers), tallies, place)
                assert fits_one_segment(text), text
                shown = ", ".join(f"{t.count} {t.label}" for t in tallies if t.count)
                assert shown in text and str(len(answers)) in text, text


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
                     texts.paused_text(40, 40), texts.finished_text(), texts.comment_prompt(40),
                     texts.erased_text(),
                     texts.conversation_help_text()]
        leads = [texts.changed_note(40), texts.prompt_texts().problems[
            ReplyProblem.COMMENT_TOO_LONG] % {"number": 2000}, texts.prompt_texts().problems[
            ReplyProblem.NO_SUCH_ANSWER] % {"number": 999}]
        for lead in leads:
            again = texts.comment_again(lead, 40)
            assert again.startswith(lead), again
            produced.append(again)
        produced += [texts.compact_text(p, 41, 40, "1, 2, 3, 4, 5, 0") for p in CompactProblem]
        closes = date(2026, 12, 31)
        produced += [texts.invitation_text(LONGEST_PLACE, closes, 42, None, language),
                     texts.invitation_text(LONGEST_PLACE, closes, 42, LONGEST_CODE, language)]
        branded = [texts.invitation_text(LONGEST_PLACE, closes, 42, keyword, language,
                                         "MTTQLAICHAU") for keyword in (None, LONGEST_CODE)]
        assert all(text.startswith("MTTQLAICHAU: ") for text in branded)
        produced += branded
    for text in produced:
        assert fits_one_segment(text), text
        assert not text.endswith("..."), text  # fits by design, not by the last-resort clip
