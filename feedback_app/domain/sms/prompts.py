"""Composing SMS texts that fit ONE GSM-7 segment (160 characters, no diacritics).

The wording comes in as translated templates (python %-format, see PromptTexts); this module only
chooses, among ever shorter forms of a text, the first one that fits, so that a long commune name
or a long answer scale never splits a message in two or turns it into UCS-2.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..gsm import GSM7_BASIC, GSM7_EXTENSION, SEGMENT_SEPTETS, fits_one_segment, gsm7_length
from .fold import ascii_text
from .replies import ReplyProblem

ELLIPSIS = "..."


@dataclass(frozen=True)
class PromptTexts:
    """One language's templates for questions (placeholders in parentheses)."""

    question: str  # (number) (total) (question)
    choices_all: str  # (choices): "1 hai long, 2 khong hai long, 0 khong y kien"
    choices_range: str  # (low) (low_label) (high) (high_label)
    choices_no_opinion: str  # (value) (label): appended to choices_range
    choices_digits: str  # (digits): "1, 2, 0"
    header: str  # (survey) (place)
    problems: Mapping[ReplyProblem, str]  # (number) for OUT_OF_RANGE


def gsm_safe(text: str) -> str:
    """Only GSM-7 characters: diacritics dropped, anything else removed."""
    plain = ascii_text(text)
    return "".join(ch for ch in plain if ch in GSM7_BASIC or ch in GSM7_EXTENSION)


def gsm_clip(text: str, limit: int = SEGMENT_SEPTETS) -> str:
    """A last-resort guard: a GSM-7-safe text cut to one segment (never needed by shipped texts)."""
    safe = gsm_safe(text)
    if gsm7_length(safe) <= limit:
        return safe
    while gsm7_length(safe) > limit - len(ELLIPSIS):
        safe = safe[:-1]
    return safe.rstrip() + ELLIPSIS


def shorten(text: str, length: int) -> str:
    """`text` cut at a word boundary to at most `length` characters, with an ellipsis when cut."""
    if len(text) <= length:
        return text
    cut = text[: max(length - len(ELLIPSIS), 1)].rsplit(" ", 1)[0].rstrip(" ,.-")
    return cut + ELLIPSIS


def first_fitting(candidates: Sequence[str]) -> str:
    """The first candidate that fits one segment; the last one clipped when none does."""
    for candidate in candidates:
        if fits_one_segment(candidate):
            return candidate
    return gsm_clip(candidates[-1])


def _join(*parts: str | None) -> str:
    return " ".join(part for part in parts if part)


def choice_legends(texts: PromptTexts, labels: Sequence[tuple[int, str]]) -> list[str]:
    """Ways of saying which digits to reply with, longest first (each names every digit)."""
    shown = [(value, gsm_safe(label)) for value, label in labels]
    answers = [(v, label) for v, label in shown if v != 0]
    legends = [texts.choices_all % {"choices": ", ".join(f"{v} {label}" for v, label in shown)}]
    if len(answers) > 2:
        low, high = answers[0], answers[-1]
        legend = texts.choices_range % {"low": low[0], "low_label": low[1], "high": high[0],
                                        "high_label": high[1]}
        no_opinion = [(v, label) for v, label in shown if v == 0]
        if no_opinion:
            legend += texts.choices_no_opinion % {"value": 0, "label": no_opinion[0][1]}
        legends.append(legend)
    legends.append(texts.choices_digits % {"digits": ", ".join(str(v) for v, _ in shown)})
    return legends


def question_prompt(
    texts: PromptTexts,
    question: str,
    number: int,
    total: int,
    labels: Sequence[tuple[int, str]],
    header: tuple[str, str] | None = None,
    problem: ReplyProblem | None = None,
    out_of_range: str | None = None,
) -> str:
    """'Cau 3/20: <question>. Tra loi 1 hai long, ...', with a re-prompt reason in front and a
    (survey, place) header on the first question when there is room for them."""
    lead = texts.problems[problem] % {"number": out_of_range or ""} if problem else None
    asked = texts.question % {"number": number, "total": total, "question": gsm_safe(question)}
    heads: list[str | None] = [None]
    if header:
        survey, place = gsm_safe(header[0]), gsm_safe(header[1])
        heads = [texts.header % {"survey": survey, "place": place},
                 texts.header % {"survey": survey, "place": shorten(place, 24)}, None]
    candidates = [_join(lead, head, asked, legend)
                  for legend in choice_legends(texts, labels) for head in heads]
    return first_fitting(candidates)


def answers_text(answers: Sequence[int], spaced: bool = True) -> str:
    return (" " if spaced else "").join(str(value) for value in answers)


def with_place(template: str, place: str, **values: object) -> str:
    """A text naming a place (commune, household), shortening the name until the text fits."""
    safe = gsm_safe(place)
    forms = [safe, shorten(safe, 40), shorten(safe, 24), shorten(safe, 12)]
    return first_fitting([template % {**values, "place": form} for form in forms])


def confirmation(template: str, who: str, answers: Sequence[int]) -> str:
    """The last message: what was recorded, every answer in survey order (without spaces before
    the household code or place is shortened)."""
    safe = gsm_safe(who)
    candidates = [
        template % {"who": who_form, "answers": answers_text(answers, spaced)}
        for who_form in (safe, shorten(safe, 30), shorten(safe, 16))
        for spaced in (True, False)
    ]
    return first_fitting(candidates)
