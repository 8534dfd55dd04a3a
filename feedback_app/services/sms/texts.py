"""Every text the SMS channel sends, through Flask-Babel (context "sms").

Vietnamese translations of these texts are written without diacritics: one diacritic would switch
a message to UCS-2 (70 characters a segment instead of 160). tests/integration checks the catalog
and every prompt of every shipped survey.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask_babel import force_locale, pgettext

from ...domain.codes import format_code
from ...domain.gsm import fits_one_segment
from ...domain.sms.prompts import PromptTexts, first_fitting, gsm_clip, gsm_safe, with_place
from ...domain.sms.replies import CompactProblem, ReplyProblem
from ...domain.survey import Survey
from ..errors import Refused

LANGUAGES = ("vi", "en")


@contextmanager
def speaking(language: str) -> Iterator[None]:
    with force_locale(language if language in LANGUAGES else "vi"):
        yield


def guard(text: str) -> str:
    """Every outgoing text passes here: one GSM-7 segment whatever a translation does."""
    return text if fits_one_segment(text) else gsm_clip(text)


def prompt_texts() -> PromptTexts:
    return PromptTexts(
        question=pgettext("sms", "Q%(number)d/%(total)d: %(question)s."),
        choices_all=pgettext("sms", "Reply %(choices)s"),
        choices_range=pgettext(
            "sms", "Reply %(low)d-%(high)d (%(low)d %(low_label)s, %(high)d %(high_label)s)"),
        choices_no_opinion=pgettext("sms", ", %(value)d %(label)s"),
        choices_digits=pgettext("sms", "Reply one digit: %(digits)s"),
        header=pgettext("sms", "%(survey)s, %(place)s."),
        problems={
            ReplyProblem.EMPTY: pgettext("sms", "Your message was empty."),
            ReplyProblem.SEVERAL: pgettext("sms", "One answer per message please."),
            ReplyProblem.OUT_OF_RANGE: pgettext("sms", "%(number)s is not a choice."),
            ReplyProblem.NOT_UNDERSTOOD: pgettext("sms", "Answer not understood."),
        },
    )


def choice_labels(survey: Survey, language: str) -> list[tuple[int, str]]:
    """(digit, label) of every choice, answers first and 'no opinion' (0) last."""
    ordered = sorted(survey.options, key=lambda o: (o.value == 0, o.value))
    labels = []
    for option in ordered:
        english = option.label.get("en", "")
        use_english = language == "en" and english and gsm_safe(english) == english
        labels.append((option.value, english.lower() if use_english else option.sms))
    return labels


def help_text() -> str:
    return guard(pgettext(
        "sms", "To answer the survey, send HL and the 15-digit household code on your slip, e.g. "
               "HL 58201 93744 62817. Send VI for Vietnamese. Send STOP to opt out."))


def opted_out_text() -> str:
    return guard(pgettext(
        "sms", "You will get no more messages from this survey. Send START to receive them again."))


def opted_in_text() -> str:
    return guard(pgettext(
        "sms", "You can receive messages from this survey again. To answer, send HL and your "
               "household code."))


def paused_text(number: int, total: int) -> str:
    return guard(pgettext(
        "sms", "Paused after 3 replies we could not read. To go on with question %(number)d/"
               "%(total)d, send TIEP or reply with one digit. Send STOP to quit.",
        number=number, total=total))


def finished_text() -> str:
    return guard(pgettext(
        "sms", "Your answers were recorded, thank you. To answer for another household, send HL "
               "and that household's code."))


def confirmation_template() -> str:
    return pgettext("sms", "Thank you! Recorded for %(who)s: %(answers)s")


def household_who(code: str) -> str:
    return pgettext("sms", "household %(code)s", code=format_code(code))


def compact_text(problem: CompactProblem, position: int, total: int, digits: str) -> str:
    if problem is CompactProblem.INVALID:
        text = pgettext(
            "sms", "Not recorded: answer %(position)d is not valid. Send %(total)d digits, one per "
                   "question in order, each one of %(digits)s. Please send the whole message "
                   "again.",
            position=position, total=total, digits=digits)
    elif problem is CompactProblem.MISSING:
        text = pgettext(
            "sms", "Not recorded: answers missing from question %(position)d on. The survey has "
                   "%(total)d questions, one digit each (%(digits)s). Please send it all again.",
            position=position, total=total, digits=digits)
    else:
        text = pgettext(
            "sms", "Not recorded: too many answers from position %(position)d on; the survey has "
                   "%(total)d questions. Please send the whole message again.",
            position=position, total=total)
    return guard(text)


def invitation_text(survey_name: str, keyword: str | None, place: str | None) -> str:
    if keyword and place:
        template = pgettext(
            "sms", "%(survey)s, %(place)s: please answer by SMS. Send HL %(keyword)s to this "
                   "number. Send STOP to opt out.")
        return guard(with_place(template, place, survey=gsm_safe(survey_name), keyword=keyword))
    return guard(pgettext(
        "sms", "%(survey)s: please answer by SMS. Send HL and the 15-digit household code on "
               "your slip to this number. Send STOP to opt out.", survey=gsm_safe(survey_name)))


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def refusal_text(refused: Refused, language: str = "vi") -> str:
    """A one-segment reply for a refusal of the services (a campaign closed, a code used...)."""
    d, reason = refused.data, refused.reason
    campaign = d.get("campaign")
    if reason == "campaign_not_open":
        text = pgettext("sms", "The survey is not open yet. It is open from %(opens)s to "
                               "%(closes)s.", opens=_day(campaign.opens_on),
                        closes=_day(campaign.closes_on))
    elif reason == "campaign_closed":
        text = pgettext("sms", "The survey closed on %(closes)s and takes no more answers. Thank "
                               "you for your interest.", closes=_day(campaign.closes_on))
    elif reason == "code_used":
        text = pgettext("sms", "Household code %(code)s has already been used; its answers are "
                               "kept as they were. Each code can be used once.",
                        code=format_code(d.get("code") or ""))
    elif reason == "code_mistyped":
        text = pgettext("sms", "Please check the household code: it has 15 digits, printed on your "
                               "slip, e.g. HL 58201 93744 62817.")
    elif reason == "code_unknown":
        text = pgettext("sms", "No survey uses this household code. Please check it against your "
                               "slip.")
    elif reason == "channel_closed":
        text = pgettext("sms", "This survey takes answers only with a household code. Send HL and "
                               "the code on your slip.")
    elif reason in ("unknown_commune", "sms_commune_unknown"):
        text = pgettext("sms", "Code %(commune)s was not found. A household code has 15 digits, "
                               "e.g. HL 58201 93744 62817; a commune code has 5.",
                        commune=gsm_safe(str(d.get("commune", "")))[:16])
    elif reason == "sms_commune_ambiguous":
        text = pgettext("sms", "Several surveys are open for commune code %(commune)s. Please use "
                               "your household code or ask your village Front committee.",
                        commune=gsm_safe(str(d.get("commune", "")))[:16])
    elif reason == "sms_number_answered":
        template = pgettext("sms", "This phone number has already answered the survey for "
                                   "%(place)s. Each number can answer once.")
        unit = d["place"]
        name = unit.full_name if language == "vi" else unit.full_name_en
        return guard(with_place(template, name))
    else:
        text = pgettext("sms", "Your message could not be handled. Please try again later.")
    return guard(first_fitting([text]))
