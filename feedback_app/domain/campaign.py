"""A campaign's answering window, and the defaults of the Front's recognition rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

DEFAULT_MIN_COVERAGE = Decimal("0.60")
DEFAULT_THRESHOLD = Decimal("0.90")
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
