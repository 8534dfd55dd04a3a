"""Plausibility flags for the verifier (thẩm tra): signals, never a verdict, never public. Pure.

The upper Front verifies a commune's survey before its result counts; published results show why
(communes at exactly 100 %, more answers than households, bursts of answers, forms given only to
those who said yes). Each rule here looks at one unit's figures and, where it needs them, at its
responses as plain facts (`Answered`), and returns a `Flag` that carries the rule, the figure that
raised it and the limit it was compared with, so that the wording layer can explain it in a
sentence and the verifier can judge. Every limit is a setting (`Settings`); fractions are exact.

A rule whose facts are unknown (no completion times recorded, no register) raises nothing: a flag
is a reason to look, and an unknown is not one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from statistics import median
from typing import Any


class FlagRule(StrEnum):
    ALL_SATISFIED = "all_satisfied"  # 100 % satisfied on the overall question with many answers
    ABOVE_REGISTER = "above_register"  # more answers than registered households
    BURST = "burst"  # many answers within minutes from one device, address or cadre account
    ASSISTED_BY_ONE = "assisted_by_one"  # one cadre collected a large share of the answers
    STRAIGHT_LINING = "straight_lining"  # every item the same answer, in a large share of answers
    FAST_COMPLETION = "fast_completion"  # the median completion time is very short
    COVERAGE_AT_MINIMUM = "coverage_at_minimum"  # coverage just above the minimum
    OPEN_LINK_SHARE = "open_link_share"  # a large share of answers through the open link
    OUTSIDE_WINDOW = "outside_window"  # answers dated outside the campaign's field window


class Source(StrEnum):
    """What a burst was counted by."""

    DEVICE = "device"
    ADDRESS = "address"
    CADRE = "cadre"


@dataclass(frozen=True)
class Settings:
    """The limits of every rule; the defaults are the product's, a campaign may set its own."""

    all_satisfied_min_answers: int = 30
    burst_answers: int = 10  # more than this many answers ...
    burst_minutes: int = 10  # ... within this many minutes from one source
    assisted_share: Fraction = Fraction(1, 2)  # one cadre's share of a unit's answers, above
    assisted_min_answers: int = 20
    straight_lining_share: Fraction = Fraction(9, 10)  # share of answers with one answer throughout
    straight_lining_min_answers: int = 20
    fast_median_seconds: int = 60  # median completion time below this
    fast_min_answers: int = 10
    coverage_margin: Fraction = Fraction(1, 100)  # coverage within this above the minimum
    open_link_share: Fraction = Fraction(3, 10)  # open-link answers' share, above
    open_link_min_answers: int = 20


@dataclass(frozen=True)
class Answered:
    """One response as the rules see it: when, how, and by whom it came (keys are opaque)."""

    at: datetime  # when it was recorded (any one time zone for all responses)
    day: date  # its day in Vietnam time, for the field window
    open_link: bool = False  # answered through the commune's open link (no household code)
    straight: bool = False  # every item answered, and all with the same answer
    seconds: int | None = None  # time from opening the form to sending it, when known
    device: str | None = None
    address: str | None = None
    cadre: str | None = None  # the account that collected it (assisted answers)


@dataclass(frozen=True)
class UnitFacts:
    unit: int
    respondents: int
    households: int | None
    overall_satisfied: int
    overall_valid: int
    min_coverage: Fraction
    opens_on: date
    closes_on: date
    responses: Sequence[Answered] = field(default_factory=tuple)


@dataclass(frozen=True)
class Flag:
    """A signal: `value` is the figure that raised it, `limit` what it was compared with, `count`
    how many answers it concerns; `source`/`key` say which device, address or cadre (bursts, the
    assisted share)."""

    rule: FlagRule
    unit: int
    value: Fraction | int
    limit: Fraction | int
    count: int
    source: Source | None = None
    key: str | None = None


def all_satisfied(facts: UnitFacts, settings: Settings) -> Flag | None:
    valid = facts.overall_valid
    if valid >= settings.all_satisfied_min_answers and facts.overall_satisfied == valid:
        return Flag(FlagRule.ALL_SATISFIED, facts.unit, Fraction(1), settings.all_satisfied_min_answers,
                    valid)
    return None


def above_register(facts: UnitFacts) -> Flag | None:
    if facts.households is not None and facts.respondents > facts.households:
        return Flag(FlagRule.ABOVE_REGISTER, facts.unit, facts.respondents, facts.households,
                    facts.respondents - facts.households)
    return None


def coverage_at_minimum(facts: UnitFacts, settings: Settings) -> Flag | None:
    """Coverage at or above the minimum but less than `coverage_margin` above it."""
    if not facts.households:
        return None
    covered = Fraction(facts.respondents, facts.households)
    if facts.min_coverage <= covered < facts.min_coverage + settings.coverage_margin:
        return Flag(FlagRule.COVERAGE_AT_MINIMUM, facts.unit, covered, facts.min_coverage,
                    facts.respondents)
    return None


def _share_above(part: int, whole: int, limit: Fraction, minimum: int) -> Fraction | None:
    if whole < max(minimum, 1):
        return None
    share = Fraction(part, whole)
    return share if share > limit else None


def open_link_share(facts: UnitFacts, settings: Settings) -> Flag | None:
    responses = facts.responses
    opened = sum(1 for r in responses if r.open_link)
    share = _share_above(opened, len(responses), settings.open_link_share,
                         settings.open_link_min_answers)
    if share is None:
        return None
    return Flag(FlagRule.OPEN_LINK_SHARE, facts.unit, share, settings.open_link_share, opened)


def straight_lining(facts: UnitFacts, settings: Settings) -> Flag | None:
    responses = facts.responses
    straight = sum(1 for r in responses if r.straight)
    share = _share_above(straight, len(responses), settings.straight_lining_share,
                         settings.straight_lining_min_answers)
    if share is None:
        return None
    return Flag(FlagRule.STRAIGHT_LINING, facts.unit, share, settings.straight_lining_share, straight)


def assisted_by_one(facts: UnitFacts, settings: Settings) -> Flag | None:
    """The cadre with the most collected answers, when their share of all answers is above the limit."""
    by_cadre = Counter(r.cadre for r in facts.responses if r.cadre is not None)
    if not by_cadre:
        return None
    cadre, collected = min(by_cadre.items(), key=lambda pair: (-pair[1], pair[0]))
    share = _share_above(collected, len(facts.responses), settings.assisted_share,
                         settings.assisted_min_answers)
    if share is None:
        return None
    return Flag(FlagRule.ASSISTED_BY_ONE, facts.unit, share, settings.assisted_share, collected,
                Source.CADRE, cadre)


def fast_completion(facts: UnitFacts, settings: Settings) -> Flag | None:
    times = [r.seconds for r in facts.responses if r.seconds is not None]
    if len(times) < max(settings.fast_min_answers, 1):
        return None
    middle = Fraction(median(times))
    if middle < settings.fast_median_seconds:
        return Flag(FlagRule.FAST_COMPLETION, facts.unit, middle, settings.fast_median_seconds,
                    len(times))
    return None


def outside_window(facts: UnitFacts) -> Flag | None:
    outside = sum(1 for r in facts.responses if not facts.opens_on <= r.day <= facts.closes_on)
    if outside:
        return Flag(FlagRule.OUTSIDE_WINDOW, facts.unit, outside, 0, outside)
    return None


def densest_window(times: Iterable[datetime], minutes: int) -> int:
    """The largest number of the times that fall within any `minutes`-long window (both ends in)."""
    ordered = sorted(times)
    span = timedelta(minutes=minutes)
    best = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] > span:
            start += 1
        best = max(best, end - start + 1)
    return best


def bursts(facts: UnitFacts, settings: Settings) -> list[Flag]:
    """Per source kind, the one key with the densest burst above the limit (ties: the smallest key)."""
    flags = []
    for source in Source:
        times: dict[str, list[datetime]] = defaultdict(list)
        for r in facts.responses:
            key = getattr(r, source.value)
            if key is not None:
                times[key].append(r.at)
        worst: tuple[int, str] | None = None
        for key in sorted(times):
            densest = densest_window(times[key], settings.burst_minutes)
            if densest > settings.burst_answers and (worst is None or densest > worst[0]):
                worst = (densest, key)
        if worst is not None:
            flags.append(Flag(FlagRule.BURST, facts.unit, worst[0], settings.burst_answers, worst[0],
                              source, worst[1]))
    return flags


def flags_of(facts: UnitFacts, settings: Settings = Settings()) -> list[Flag]:
    """Every flag one unit raises, in the order of FlagRule."""
    found: list[Flag | None] = [
        all_satisfied(facts, settings),
        above_register(facts),
        *bursts(facts, settings),
        assisted_by_one(facts, settings),
        straight_lining(facts, settings),
        fast_completion(facts, settings),
        coverage_at_minimum(facts, settings),
        open_link_share(facts, settings),
        outside_window(facts),
    ]
    return [flag for flag in found if flag is not None]


class SettingError(ValueError):
    """A limit that is not a setting, or a value it cannot take: `name` says which."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem  # unknown | not_a_number | out_of_range


SHARES = frozenset(name for name, kind in Settings.__annotations__.items() if kind == "Fraction")
COUNTS = frozenset(name for name in Settings.__annotations__ if name not in SHARES)


def _share(name: str, raw: object) -> Fraction:
    """A share from 0.5, "0.5", "50%", "50 %" or "1/2"; it must lie in [0, 1]."""
    try:
        if isinstance(raw, str) and raw.strip().endswith("%"):
            value = Fraction(raw.strip()[:-1].strip().replace(",", ".")) / 100
        elif isinstance(raw, bool):
            raise ValueError
        else:
            value = Fraction(str(raw).strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise SettingError(name, "not_a_number") from None
    if not 0 <= value <= 1:
        raise SettingError(name, "out_of_range")
    return value


def _count(name: str, raw: object) -> int:
    if isinstance(raw, bool):
        raise SettingError(name, "not_a_number")
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise SettingError(name, "not_a_number") from None
    if not 0 <= value <= 1_000_000 or (name == "burst_minutes" and value < 1):
        raise SettingError(name, "out_of_range")
    return value


def settings_from(values: Mapping[str, object], base: Settings | None = None) -> Settings:
    """`base` (default: the product's) with the limits named in `values` changed, checked: shares
    in [0, 1] (0.5, "50 %" or "1/2"), counts whole numbers from 0 (minutes from 1)."""
    changes: dict[str, Any] = {}
    for name, raw in values.items():
        if name in SHARES:
            changes[name] = _share(name, raw)
        elif name in COUNTS:
            changes[name] = _count(name, raw)
        else:
            raise SettingError(str(name), "unknown")
    return replace(base or Settings(), **changes)


def settings_values(settings: Settings) -> dict[str, str | int]:
    """The limits as JSON values (a share as its exact fraction text: "1/2")."""
    return {name: (str(getattr(settings, name)) if name in SHARES else int(getattr(settings, name)))
            for name in Settings.__annotations__}
