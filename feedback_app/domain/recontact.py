"""Verification by re-contact and the posting of results: the pure rules. No Flask, no database.

The verifier (the committee above a commune, the one that accepts or returns its report) draws a
random sample of the commune's USED household codes, village by village, calls or visits those
households and records whether each confirms it answered. The draw is reproducible: the same
population, sizes and seed always give the same sample, so anyone holding the seed can check that
the list was not picked by hand.

The commune then posts its results (niêm yết) at the village cultural houses and the commune
office, by default for the campaign's posting days (10), from a start date it records.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

MAX_PER_VILLAGE = 50  # a verifier calls a handful of households per village, not the whole register
MAX_SEED = 2**63 - 1  # fits a signed 64-bit column
MAX_POSTING_DAYS = 90
T = TypeVar("T")
NO_VILLAGE = ""  # the group of codes issued for the commune as a whole (no village)


class Outcome(StrEnum):
    """What re-contacting one household found."""

    CONFIRMED = "confirmed"  # the household says it answered
    NOT_CONFIRMED = "not_confirmed"  # reached, and says it did not answer (or denies the code)
    UNREACHABLE = "unreachable"  # not reached after trying


@dataclass(frozen=True, order=True)
class Candidate:
    """A used household code, as the draw sees it: its village group and its code."""

    group: str  # the village's code, NO_VILLAGE for a code issued to the whole commune
    code: str


class SampleRefused(ValueError):
    """The sizes or seed cannot make a draw: `reason` is a code the channels word."""

    def __init__(self, reason: str, **data: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.data = data


def check_sizes(sizes: Mapping[str, int], groups: Iterable[str]) -> dict[str, int]:
    """The sizes per village group, checked: only known groups, each 0..MAX_PER_VILLAGE, and at
    least one household in all. Groups left out get 0."""
    known = set(groups)
    unknown = sorted(set(sizes) - known)
    if unknown:
        raise SampleRefused("sample_unknown_village", village=", ".join(unknown))
    for group, size in sizes.items():
        if not 0 <= size <= MAX_PER_VILLAGE:
            raise SampleRefused("sample_size_invalid", village=group, maximum=MAX_PER_VILLAGE)
    checked = {group: sizes.get(group, 0) for group in sorted(known)}
    if sum(checked.values()) == 0:
        raise SampleRefused("sample_empty")
    return checked


def check_seed(seed: int) -> int:
    if not 0 <= seed <= MAX_SEED:
        raise SampleRefused("sample_seed_invalid", maximum=MAX_SEED)
    return seed


def draw(population: Iterable[Candidate], sizes: Mapping[str, int], seed: int) -> list[Candidate]:
    """A simple random sample without replacement in each village group, of the size asked (all
    of the group's codes when it has fewer), in village then code order.

    Reproducible: the population is sorted first (the order rows came from the database does not
    matter), and each group gets its own random.Random seeded with the seed and the group, so the
    sample of one village does not change when another village's size does."""
    groups: dict[str, list[Candidate]] = {}
    for candidate in sorted(set(population)):
        groups.setdefault(candidate.group, []).append(candidate)
    sample: list[Candidate] = []
    for group in sorted(groups):
        size = min(sizes.get(group, 0), len(groups[group]))
        if size <= 0:
            continue
        rng = random.Random(f"{seed}/{group}")
        sample.extend(sorted(rng.sample(groups[group], size)))
    return sample


@dataclass(frozen=True)
class Tally:
    """How many of a sample's households gave each outcome, and how many are still to contact."""

    drawn: int
    confirmed: int = 0
    not_confirmed: int = 0
    unreachable: int = 0

    @property
    def pending(self) -> int:
        return self.drawn - self.confirmed - self.not_confirmed - self.unreachable

    @property
    def reached(self) -> int:
        return self.confirmed + self.not_confirmed


def tally(drawn: int, outcomes: Iterable[Outcome]) -> Tally:
    """The counts of the current outcomes (one per household at most)."""
    found = list(outcomes)
    return Tally(drawn, found.count(Outcome.CONFIRMED), found.count(Outcome.NOT_CONFIRMED),
                 found.count(Outcome.UNREACHABLE))


def latest(records: Sequence[tuple[int, T]]) -> dict[int, T]:
    """The current record per entry from append-only records (entry id, record), oldest first:
    the last word on a household wins."""
    return {entry: outcome for entry, outcome in records}


class PostingRefused(ValueError):
    def __init__(self, reason: str, **data: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.data = data


def posting_window(start: date, end: date | None, days: int, earliest: date) -> tuple[date, date]:
    """The posting's first and last day: `end` defaults to start + `days` (the campaign's posting
    days, 10 by default, as in the Front's plans). Refused: a start before `earliest` (the
    campaign's opening), an end before the start, or a posting longer than MAX_POSTING_DAYS."""
    if start < earliest:
        raise PostingRefused("posting_before_campaign", earliest=earliest)
    last = end if end is not None else start + timedelta(days=days)
    if last < start:
        raise PostingRefused("posting_end_before_start")
    if (last - start).days > MAX_POSTING_DAYS:
        raise PostingRefused("posting_too_long", maximum=MAX_POSTING_DAYS)
    return start, last
