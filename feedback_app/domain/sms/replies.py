"""Reading an SMS: commands (STOP, START...), the message that starts a survey, and answers.

Everything here works on `fold(body)`, so case, diacritics, full-width characters, punctuation and
extra spaces never matter: "Hủy", "HUY" and "huy." are the same command.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ..survey import NO_OPINION, ScaleType, Survey
from .fold import fold

HOUSEHOLD_CODE_DIGITS = 15
COMMUNE_CODE_LENGTHS = range(4, 9)
# Leading words a household may put before its code: "HL 58201 93744 62817", "MA HO 58201...".
START_KEYWORDS = ("hl", "ks", "khao sat", "ma ho", "maho", "ma", "mh", "code", "survey")


class Command(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    RESUME = "resume"
    HELP = "help"
    ENGLISH = "english"
    VIETNAMESE = "vietnamese"
    ERASE = "erase"  # delete what is kept about this number (Law 91/2025/QH15)


COMMAND_WORDS: Mapping[str, Command] = {
    # Opt-out: Twilio's standard words and the Vietnamese ones (HỦY, TỪ CHỐI).
    **dict.fromkeys(
        ("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "huy", "huy dang ky",
         "huy dk", "tu choi", "tuchoi"),
        Command.OPT_OUT,
    ),
    **dict.fromkeys(("start", "unstop", "bat dau", "dang ky", "dang ky lai"), Command.OPT_IN),
    **dict.fromkeys(("tiep", "tiep tuc", "tieptuc", "continue", "resume"), Command.RESUME),
    **dict.fromkeys(("help", "info", "huong dan", "hd", "hl", "ks", "tro giup"), Command.HELP),
    **dict.fromkeys(("en", "english", "tieng anh"), Command.ENGLISH),
    **dict.fromkeys(("vi", "vn", "tieng viet", "viet"), Command.VIETNAMESE),
    **dict.fromkeys(("xoa", "xoa du lieu", "xoa so", "xoa so dien thoai", "delete", "erase",
                     "delete my data", "forget me"), Command.ERASE),
}


_QUESTION_MARKS = frozenset("?？¿")


def parse_command(body: str) -> Command | None:
    """The command a whole message is, if any (a command is never part of a longer message).
    A message of only question marks ("?", "??") asks for help."""
    stripped = "".join(body.split())
    if stripped and set(stripped) <= _QUESTION_MARKS:
        return Command.HELP
    return COMMAND_WORDS.get(fold(body))


# "SUA 3", "sửa câu 3", "SUA3 2" (change answer 3 to 2 at once); English "CHANGE 3", "EDIT 3".
CHANGE_WORDS = ("sua", "sua cau", "doi", "doi cau", "change", "edit", "fix", "correct")
_CHANGE = re.compile(r"^(?:" + "|".join(sorted(CHANGE_WORDS, key=len, reverse=True))
                     + r") ?(?P<number>\d{1,3})(?: (?P<rest>.+))?$")


@dataclass(frozen=True)
class ChangeRequest:
    """Change the answer to question `number` (1-based); `rest` answers it in the same message."""

    number: int
    rest: str | None = None


def parse_change(body: str) -> ChangeRequest | None:
    match = _CHANGE.match(fold(body))
    if match is None:
        return None
    return ChangeRequest(int(match.group("number")), match.group("rest"))


# Replies to "any other comment?" that mean "no comment".
NO_COMMENT_WORDS = frozenset((
    "k", "ko", "kg", "khong", "khong co", "khong co y kien", "khong y kien", "kyk", "het",
    "0", "no", "none", "nothing", "n", "skip", "bo qua", "xong", "done", "ok", "khong a",
))


def parse_comment(body: str) -> str:
    """The comment a household sends at the end ('' for none: K, KHONG, NO, 0, digits only)."""
    text = fold(body)
    if not text or text in NO_COMMENT_WORDS or text.replace(" ", "").isdigit():
        return ""
    return " ".join(body.split())


@dataclass(frozen=True)
class StartRequest:
    """A message that may start a survey: digits after an optional keyword.

    Which reading applies is decided against the database: a household code (the first 15 digits,
    however they are grouped) or, in campaigns open to it, a commune code (the first group of
    digits). The digits after either are a compact reply, one digit per question.
    """

    digits: str
    first_group: str
    keyword: bool

    @property
    def code(self) -> tuple[str, str] | None:
        """(household code digits, compact answers) when the message holds at least 15 digits."""
        if len(self.digits) < HOUSEHOLD_CODE_DIGITS:
            return None
        return self.digits[:HOUSEHOLD_CODE_DIGITS], self.digits[HOUSEHOLD_CODE_DIGITS:]

    @property
    def commune(self) -> tuple[str, str] | None:
        """(commune code, compact answers) when the first group of digits is as long as a code."""
        if len(self.first_group) not in COMMUNE_CODE_LENGTHS:
            return None
        return self.first_group, self.digits[len(self.first_group):]


_START = re.compile(r"^(?:(?P<keyword>" + "|".join(START_KEYWORDS) + r") ?)?(?P<digits>\d[\d ]*)$")


def parse_start(body: str) -> StartRequest | None:
    """A start request, or None when the message is not one (answers are read separately)."""
    match = _START.match(fold(body))
    if match is None:
        return None
    groups = match.group("digits").split()
    request = StartRequest("".join(groups), groups[0], match.group("keyword") is not None)
    if request.keyword or request.code or request.commune:
        return request
    return None


class ReplyProblem(StrEnum):
    """Why a reply is not an answer; each gets its own re-prompt."""

    EMPTY = "empty"  # nothing readable: blank, only punctuation or emoji
    SEVERAL = "several"  # more than one number in a message that answers one question
    OUT_OF_RANGE = "out_of_range"  # a number that is not one of the choices
    NOT_UNDERSTOOD = "not_understood"  # words that are not one of the choices
    NO_SUCH_ANSWER = "no_such_answer"  # SUA n for a question not answered yet (or none)
    COMMENT_TOO_LONG = "comment_too_long"  # a comment longer than the survey allows


@dataclass(frozen=True)
class ParsedAnswer:
    value: int | None
    problem: ReplyProblem | None = None
    number: str | None = None  # the out-of-range number, to quote it back


# Particles that a polite reply may end with ("hài lòng ạ", "có nhé").
_PARTICLES = ("a", "ah", "nhe", "nha", "nhe a", "a nhe", "ok")


# answer_words per survey, built once: a survey's scale does not change (a new version is a new
# object). Keyed by id(); the survey is kept in the value, so its id cannot be reused meanwhile.
_WORDS: dict[int, tuple[Survey, dict[str, int]]] = {}
_WORDS_KEPT = 64


def answer_words(survey: Survey) -> dict[str, int]:
    """Every word form accepted for each choice of a survey's scale (the same dict for the same
    survey: do not change it)."""
    known = _WORDS.get(id(survey))
    if known is not None and known[0] is survey:
        return known[1]
    words = _answer_words(survey)
    if len(_WORDS) >= _WORDS_KEPT:
        _WORDS.clear()
    _WORDS[id(survey)] = (survey, words)
    return words


def _answer_words(survey: Survey) -> dict[str, int]:
    words: dict[str, int] = {}
    for option in survey.options:
        for form in (option.sms, option.label.get("vi", ""), option.label.get("en", "")):
            if fold(form):
                words.setdefault(fold(form), option.value)
    values = survey.option_values
    if NO_OPINION in values:
        for form in ("kyk", "khong y kien", "khong biet", "kb", "no opinion", "dont know"):
            words.setdefault(form, NO_OPINION)
    if survey.scale_type is ScaleType.BINARY:
        for form in ("co", "yes", "y", "dong y"):
            words.setdefault(form, 1)
        # The Front's forms say "Không hài lòng" or "Chưa hài lòng": both mean the second choice,
        # whichever label the survey shows.
        for form in ("khong", "ko", "k", "kh", "no", "n", "chua", "khong hai long", "chua hai long",
                     "ko hai long", "not satisfied", "not yet satisfied", "unsatisfied", "dissatisfied"):
            words.setdefault(form, 2)
    return words


def _strip_particles(text: str) -> str:
    for particle in sorted(_PARTICLES, key=len, reverse=True):
        if text.endswith(" " + particle):
            return text[: -len(particle) - 1]
    return text


def parse_answer(body: str, survey: Survey) -> ParsedAnswer:
    """One answer: a digit (with any spaces or punctuation, full-width too) or the choice's words
    in Vietnamese with or without diacritics, or in English, in any case."""
    text = fold(body)
    if not text:
        return ParsedAnswer(None, ReplyProblem.EMPTY)
    words = answer_words(survey)
    tokens = text.split()
    numbers = [t for t in tokens if t.isdigit()]
    plain = " ".join(t for t in tokens if not t.isdigit())
    worded = words.get(plain)
    if worded is None:
        worded = words.get(_strip_particles(plain))
    if not numbers:
        if worded is not None:
            return ParsedAnswer(worded)
        return ParsedAnswer(None, ReplyProblem.NOT_UNDERSTOOD)
    if len(numbers) > 1 or int(numbers[0]) > 9:
        return ParsedAnswer(None, ReplyProblem.SEVERAL)
    value = int(numbers[0])
    if value not in survey.option_values:
        return ParsedAnswer(None, ReplyProblem.OUT_OF_RANGE, number=str(value))
    if worded is not None and worded != value:
        return ParsedAnswer(None, ReplyProblem.NOT_UNDERSTOOD)  # "1 khong hai long": which is it?
    return ParsedAnswer(value)


class CompactProblem(StrEnum):
    INVALID = "invalid"  # a digit that is not one of the choices
    MISSING = "missing"  # fewer answers than questions
    EXTRA = "extra"  # more answers than questions


@dataclass(frozen=True)
class CompactResult:
    answers: dict[str, int]
    problem: CompactProblem | None = None
    position: int | None = None  # 1-based position of the first wrong answer


def parse_compact(digits: str, survey: Survey) -> CompactResult:
    """Every answer in survey order, one digit each; refused as a whole at the first wrong place."""
    allowed = survey.option_values
    answers: dict[str, int] = {}
    for position, item in enumerate(survey.items, start=1):
        if position > len(digits):
            return CompactResult({}, CompactProblem.MISSING, position)
        value = int(digits[position - 1])
        if value not in allowed:
            return CompactResult({}, CompactProblem.INVALID, position)
        answers[item.id] = value
    if len(digits) > len(survey.items):
        return CompactResult({}, CompactProblem.EXTRA, len(survey.items) + 1)
    return CompactResult(answers)
