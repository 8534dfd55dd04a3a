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


def sentence(text: str) -> str:
    """A question or statement as a sentence: a full stop added unless it ends with ? ! or ."""
    text = text.strip()
    return text if not text or text[-1] in "?!." else text + "."


def question_prompt(
    texts: PromptTexts,
    question: str,
    number: int,
    total: int,
    labels: Sequence[tuple[int, str]],
    header: tuple[str, str] | None = None,
    problem: ReplyProblem | None = None,
    out_of_range: str | None = None,
    note: str | None = None,
) -> str:
    """'Cau 3/20: <question>? Tra loi 1 hai long, ...', with a re-prompt reason or a note ("Sua
    cau 3.") in front and a (survey, place) header on the first question when there is room.

    The reply options always come whole (every digit named with its words, or the scale's ends);
    the question is never cut on a first asking. A re-prompt, whose question the household has
    just read, cuts the question before it drops the options."""
    lead = _join(texts.problems[problem] % {"number": out_of_range or ""} if problem else None,
                 gsm_safe(note) if note else None) or None
    safe_question = sentence(gsm_safe(question))

    def asked(text: str) -> str:
        return texts.question % {"number": number, "total": total, "question": text}

    heads: list[str | None] = [None]
    if header:
        survey, place = gsm_safe(header[0]), gsm_safe(header[1])
        heads = [texts.header % {"survey": survey, "place": place},
                 texts.header % {"survey": survey, "place": shorten(place, 24)},
                 sentence(place), sentence(shorten(place, 24)), None]
    legends = choice_legends(texts, labels)
    naming, digits_only = legends[:-1], legends[-1]
    candidates = [_join(lead, head, asked(safe_question), legend)
                  for legend in naming for head in heads]
    if lead:
        for length in (60, 40, 20):
            candidates += [_join(lead, asked(shorten(safe_question, length)), legend)
                           for legend in naming]
    candidates += [_join(lead, head, asked(safe_question), digits_only) for head in heads]
    return first_fitting(candidates)


@dataclass(frozen=True)
class Tally:
    """How many answers fell in one group (satisfied, not satisfied, no opinion), with its words."""

    count: int
    label: str


def summary(template: str, total: int, tallies: Sequence[Tally], place: str) -> str:
    """The last message: '20 cau da ghi nhan: 17 hai long, 2 khong hai long, 1 khong y kien.' and
    where results will be posted, the place's name shortened until it fits."""
    shown = ", ".join(f"{t.count} {gsm_safe(t.label)}" for t in tallies if t.count) or "0"
    safe = gsm_safe(place)
    forms = [safe, shorten(safe, 30), shorten(safe, 16)]
    return first_fitting([template % {"total": total, "counts": shown, "place": form}
                          for form in forms])


# Unit kinds that start a unit's name ("Xa Binh Lu"), written in lower case inside a sentence.
_UNIT_KINDS = ("Xa ", "Phuong ", "Thi tran ", "Dac khu ", "Tinh ", "Thanh pho ", "Thon ", "Ban ")


def in_sentence(place: str) -> str:
    """'Xã Bình Lư' -> 'xa Binh Lu': a unit's name as it reads inside a sentence."""
    safe = gsm_safe(place)
    for kind in _UNIT_KINDS:
        if safe.startswith(kind):
            return kind.lower() + safe[len(kind):]
    return safe


def with_place(template: str, place: str, **values: object) -> str:
    """A text naming a place (commune, household), shortening the name until the text fits."""
    safe = gsm_safe(place)
    forms = [safe, shorten(safe, 40), shorten(safe, 24), shorten(safe, 12)]
    return first_fitting([template % {**values, "place": form} for form in forms])
