"""Survey definitions and the validation of one household's answers against them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

LANGUAGES: tuple[str, ...] = ("vi", "en")
NO_OPINION = 0


class ScaleType(StrEnum):
    """Answer scales. The satisfied values follow the design notes' index definition."""

    BINARY = "binary"  # 1 satisfied, 2 not satisfied, 0 no opinion
    LIKERT5 = "likert5"  # 4-5 satisfied, 1-3 not satisfied, 0 no opinion

    @property
    def answer_values(self) -> frozenset[int]:
        """Values other than 'no opinion' that the scale must define."""
        return frozenset({1, 2}) if self is ScaleType.BINARY else frozenset(range(1, 6))

    @property
    def satisfied_values(self) -> frozenset[int]:
        return frozenset({1}) if self is ScaleType.BINARY else frozenset({4, 5})


class OverallRule(StrEnum):
    """How a response's overall satisfaction is decided."""

    OVERALL_ITEM = "overall_item"  # the answer to the item marked overall
    HALF_OF_VALID_ITEMS = "half_of_valid_items"  # satisfied on at least half of its valid items


Text = Mapping[str, str]


@dataclass(frozen=True)
class Option:
    value: int
    label: Text
    sms: str


@dataclass(frozen=True)
class Item:
    id: str
    text: Text
    sms: str
    overall: bool = False
    criterion: int | None = None
    sms_en: str | None = None  # the SMS question in English (older files have none)

    def sms_in(self, language: str) -> str:
        """The SMS question in `language` (Vietnamese when the file has no English one)."""
        if language == "en" and self.sms_en:
            return self.sms_en
        return self.sms


@dataclass(frozen=True)
class Survey:
    """One version of a questionnaire, as loaded from a file under surveys/."""

    id: str
    version: int
    title: Text
    description: Text
    sms_name: str
    scale_type: ScaleType
    options: tuple[Option, ...]
    overall_rule: OverallRule
    items: tuple[Item, ...]
    comment_max_length: int
    comment_label: Text
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    sms_name_en: str | None = None

    def sms_name_in(self, language: str) -> str:
        if language == "en" and self.sms_name_en:
            return self.sms_name_en
        return self.sms_name

    @property
    def key(self) -> str:
        return f"{self.id}@v{self.version}"

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def option_values(self) -> frozenset[int]:
        return frozenset(option.value for option in self.options)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def option(self, value: int) -> Option:
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(value)

    def is_satisfied(self, value: int) -> bool | None:
        """True/False for a valid answer, None for 'no opinion' (not counted in rates)."""
        if value == NO_OPINION:
            return None
        return value in self.scale_type.satisfied_values

    def overall_satisfied(self, answers: Mapping[str, int]) -> bool | None:
        """A complete response's overall satisfaction (None when it is not a valid answer)."""
        if self.overall_rule is OverallRule.OVERALL_ITEM:
            overall = next(item for item in self.items if item.overall)
            return self.is_satisfied(answers[overall.id])
        verdicts = [self.is_satisfied(answers[item.id]) for item in self.items]
        valid = [v for v in verdicts if v is not None]
        if not valid:
            return None
        return 2 * sum(valid) >= len(valid)


@dataclass(frozen=True)
class AnswerProblem:
    """One thing wrong with submitted answers; `item` is None for problems with the whole set."""

    code: str  # missing | invalid_value | unknown_item | comment_too_long
    item: str | None = None


def check_answers(
    survey: Survey, answers: Mapping[str, object], comment: str = ""
) -> tuple[dict[str, int], list[AnswerProblem]]:
    """Validate raw answers (item id -> value as submitted) against a survey.

    Returns the cleaned answers (every item, as an int) and the list of problems; the answers
    are usable only when the list is empty. Values may arrive as ints or digit strings.
    """
    problems: list[AnswerProblem] = []
    cleaned: dict[str, int] = {}
    known = set(survey.item_ids)
    for key in answers:
        if key not in known:
            problems.append(AnswerProblem("unknown_item", str(key)))
    allowed = survey.option_values
    for item in survey.items:
        raw = answers.get(item.id)
        if raw is None or raw == "":
            problems.append(AnswerProblem("missing", item.id))
            continue
        value = _as_int(raw)
        if value is None or value not in allowed:
            problems.append(AnswerProblem("invalid_value", item.id))
            continue
        cleaned[item.id] = value
    if len(comment) > survey.comment_max_length:
        problems.append(AnswerProblem("comment_too_long"))
    return cleaned, problems


def _as_int(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        return int(raw.strip())
    return None
