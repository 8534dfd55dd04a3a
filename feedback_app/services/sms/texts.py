"""Every text the SMS channel sends, through Flask-Babel (context "sms").

Vietnamese translations of these texts are written without diacritics: one diacritic would switch
a message to UCS-2 (70 characters a segment instead of 160). tests/integration checks the catalog
and every prompt of every shipped survey.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask_babel import force_locale, pgettext

from ...domain.codes import format_code
from ...domain.gsm import fits_one_segment
from ...domain.sms.prompts import PromptTexts, Tally, first_fitting, gsm_clip, gsm_safe, with_place
from ...domain.sms.prompts import in_sentence as in_sentence
from ...domain.sms.replies import CompactProblem, ReplyProblem
from ...domain.survey import Item, ScaleType, Survey
from ..errors import Refused

LANGUAGES = ("vi", "en")


@contextmanager
def speaking(language: str) -> Iterator[None]:
    with force_locale(language if language in LANGUAGES else "vi"):
        yield


@functools.lru_cache(maxsize=4096)
def guard(text: str) -> str:
    """Every outgoing text passes here: one GSM-7 segment whatever a translation does. Cached:
    most replies are the same few prompts."""
    return text if fits_one_segment(text) else gsm_clip(text)


def prompt_texts() -> PromptTexts:
    return PromptTexts(
        question=pgettext("sms", "Q%(number)d/%(total)d: %(question)s"),
        choices_all=pgettext("sms", "Reply %(choices)s"),
        choices_range=pgettext(
            "sms", "Reply %(low)d-%(high)d (%(low)d %(low_label)s, %(high)d %(high_label)s)"),
        choices_no_opinion=pgettext("sms", ", %(value)d %(label)s"),
        choices_digits=pgettext("sms", "Reply one digit: %(digits)s"),
        header=pgettext("sms", "%(place)s: %(survey)s."),
        problems={
            ReplyProblem.EMPTY: pgettext("sms", "Your message was empty."),
            ReplyProblem.SEVERAL: pgettext("sms", "One answer per message please."),
            ReplyProblem.OUT_OF_RANGE: pgettext("sms", "%(number)s is not a choice."),
            ReplyProblem.NOT_UNDERSTOOD: pgettext("sms", "Answer not understood."),
            ReplyProblem.NO_SUCH_ANSWER: pgettext(
                "sms", "Question %(number)s has no answer to change yet."),
            ReplyProblem.COMMENT_TOO_LONG: pgettext(
                "sms", "Please keep your comment under %(number)s characters."),
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


def question_text(item: Item, language: str) -> str:
    """The SMS question in the conversation's language. A survey file without English SMS texts
    falls back, in English, to the web form's English text when it is plain ASCII and short."""
    if language == "en" and not item.sms_en:
        english = item.text.get("en", "")
        if english and gsm_safe(english) == english and len(english) <= 90:
            return english
    return item.sms_in(language)


def survey_name(survey: Survey, language: str) -> str:
    return survey.sms_name_in(language)


def tallies(survey: Survey, answers: list[int], language: str) -> list[Tally]:
    """How the answers fall: each choice of a binary scale with its own words; on a 5-point scale
    satisfied (4-5), not satisfied (1-3) and no opinion."""
    if survey.scale_type is ScaleType.BINARY:
        return [Tally(answers.count(value), label)
                for value, label in choice_labels(survey, language)]
    verdicts = [survey.is_satisfied(value) for value in answers]
    return [Tally(verdicts.count(True), pgettext("sms", "satisfied")),
            Tally(verdicts.count(False), pgettext("sms", "not satisfied")),
            Tally(verdicts.count(None), pgettext("sms", "no opinion"))]


def summary_template(commented: bool = False) -> str:
    """The last message's wording (placeholders: total, counts, place)."""
    template: str
    if commented:
        template = pgettext(
            "sms", "Thank you! %(total)d answers and your comment recorded: %(counts)s. Results "
                   "go up at the village hall and %(place)s office.")
    else:
        template = pgettext(
            "sms", "Thank you! %(total)d answers recorded: %(counts)s. Results will be posted at "
                   "the village hall and %(place)s office.")
    return template


def comment_prompt(total: int) -> str:
    return guard(pgettext(
        "sms", "All %(total)d questions answered. Any other comment? Send it in one message, or "
               "NO for none. To change answer 3 first, send CHANGE 3 (any number works).",
        total=total))


def comment_again(lead: str | None, total: int) -> str:
    """The comment asked for again after a note or a problem ("Answer 3 changed.", "Please keep
    your comment under 1000 characters."), which must stay whole: a shorter ask when needed."""
    if not lead:
        return comment_prompt(total)
    lead = gsm_safe(lead)
    shorter = pgettext("sms", "Any other comment? Send it in one message, or NO for none. CHANGE 3 "
                              "changes answer 3.")
    return guard(first_fitting([f"{lead} {comment_prompt(total)}", f"{lead} {shorter}"]))


def conversation_help_text() -> str:
    return guard(pgettext(
        "sms", "Help: answer each question with one digit. CHANGE 3 changes answer 3. RESUME asks "
               "the question again. VI: Vietnamese. STOP ends the survey."))


def changed_note(number: int) -> str:
    note: str = pgettext("sms", "Answer %(number)d changed.", number=number)
    return note


def changing_note(number: int) -> str:
    note: str = pgettext("sms", "Changing answer %(number)d.", number=number)
    return note


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
               "%(total)d, send RESUME or one digit. Send ? for help, STOP to quit.",
        number=number, total=total))


def erased_text() -> str:
    return guard(pgettext(
        "sms", "Everything kept about this number is deleted; answers already sent stay, without "
               "the number. You get no more messages: send START to receive them again."))


def finished_text() -> str:
    return guard(pgettext(
        "sms", "Your answers were recorded, thank you. To answer for another household, send HL "
               "and that household's code."))


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


def invitation_text(sender: str, closes_on: date, messages: int, keyword: str | None,
                    language: str = "vi", brand: str | None = None) -> str:
    """The invitation: who sends it (the Front committee of `sender`, a commune or the campaign's
    unit), until when, how to answer and in how many messages, and how to refuse; after the
    registered brand name (SMS_BRAND_NAME), as the carriers' template has it."""
    closes = _day(closes_on) if language == "vi" else _english_day(closes_on)
    if keyword:
        template = pgettext(
            "sms", "Fatherland Front of %(place)s: answer our new rural survey by "
                   "%(closes)s. Send HL %(keyword)s to this number (%(messages)d messages). "
                   "STOP to refuse.")
    else:
        template = pgettext(
            "sms", "Fatherland Front of %(place)s: answer our new rural survey by "
                   "%(closes)s. Send HL and the code on your slip here (%(messages)d messages). "
                   "STOP to refuse.")
    if brand:
        template = gsm_safe(brand).replace("%", "") + ": " + template
    return guard(with_place(template, in_sentence(sender), closes=closes, messages=messages,
                            keyword=keyword or ""))


def _english_day(value: date) -> str:
    return f"{value.day} {value.strftime('%b')} {value.year}"  # "2 Jan 2027": C locale month


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def refusal_text(refused: Refused, language: str = "vi") -> str:
    """A one-segment reply for a refusal of the services (a campaign closed, a code used...)."""
    d, reason = refused.data, refused.reason
    if reason == "campaign_not_open":
        campaign = d["campaign"]
        text = pgettext("sms", "The survey is not open yet. It is open from %(opens)s to "
                               "%(closes)s.", opens=_day(campaign.opens_on),
                        closes=_day(campaign.closes_on))
    elif reason == "campaign_closed":
        text = pgettext("sms", "The survey closed on %(closes)s and takes no more answers. Thank "
                               "you for your interest.", closes=_day(d["campaign"].closes_on))
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
