"""A campaign's answering window, and the defaults of the Front's recognition rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

# The Front's defaults (guidance 90/HD-MTTW-BTT): at least 70 % of households answer; an overall
# threshold; no item rule and no per-commune floor unless the plan sets them; results posted 10 days.
DEFAULT_MIN_COVERAGE = Decimal("0.70")
DEFAULT_THRESHOLD = Decimal("0.90")  # the overall threshold
DEFAULT_POSTING_DAYS = 10
# A field window longer than this many working days gets a warning (not a refusal).
FIELD_WINDOW_WORKING_DAYS = 20
# The survey of the criteria in force (Decision 51/2025/QĐ-TTg, from 15 February 2026) that a new
# campaign uses unless it names another; ntm-commune (Decision 318, 19 criteria) stays for 2021–2025.
DEFAULT_SURVEY = "ntm-xa-2026"


class Window(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


def window(opens_on: date, closes_on: date, today: date) -> Window:
    """Both dates are inclusive, in Vietnam's local time."""
    if today < opens_on:
        return Window.NOT_OPEN
    if today > closes_on:
        return Window.CLOSED
    return Window.OPEN


def working_days(opens_on: date, closes_on: date) -> int:
    """Monday to Friday from opens_on to closes_on, both inclusive (public holidays are not known
    here, so this is an upper bound)."""
    if closes_on < opens_on:
        return 0
    days = (closes_on - opens_on).days + 1
    weeks, rest = divmod(days, 7)
    extra = sum(1 for i in range(rest) if (opens_on + timedelta(days=7 * weeks + i)).weekday() < 5)
    return 5 * weeks + extra


def field_window_too_long(opens_on: date, closes_on: date) -> bool:
    """Whether the answering window is longer than the Front's 20 working days (a warning)."""
    return working_days(opens_on, closes_on) > FIELD_WINDOW_WORKING_DAYS
