"""A campaign's life: which change of its dates is allowed in which state, and the dates it leaves.
Pure: the services (services.campaigns.life) turn a refusal into Refused and record the change.

Dates are inclusive days in Vietnam's local time (domain.campaign.window). A campaign is edited
only before it opens; it opens today; an open campaign is extended to a later closing date; it is
closed from now on (its last day becomes yesterday), never moving its opening date; a closed
campaign is reopened (or extended) to a closing date from today on, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .campaign import Window, window

# A campaign lasts at most this many days from its opening to its closing date (as the forms say).
MAX_CAMPAIGN_DAYS = 366
MAX_REASON = 1000


class Action:
    CREATED = "created"
    EDITED = "edited"
    OPENED = "opened"
    EXTENDED = "extended"
    CLOSED = "closed"
    REOPENED = "reopened"


ACTIONS = (Action.CREATED, Action.EDITED, Action.OPENED, Action.EXTENDED, Action.CLOSED, Action.REOPENED)


@dataclass(frozen=True)
class Dates:
    opens_on: date
    closes_on: date


class DateRefusal(ValueError):
    """Why a change of dates is not allowed: `reason` is the service's refusal code."""

    def __init__(self, reason: str, **data: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.data = data


def may_edit(dates: Dates, today: date) -> bool:
    """Title, dates, rules and communes are the officer's to change only before the campaign opens."""
    return window(dates.opens_on, dates.closes_on, today) is Window.NOT_OPEN


def edited(dates: Dates, new: Dates, today: date) -> Dates:
    """New dates for a campaign that has not opened: both from today on, in order, at most a year."""
    _require(dates, today, Window.NOT_OPEN)
    if new.opens_on < today:
        raise DateRefusal("campaign_opens_in_past", opens_on=new.opens_on, today=today)
    return _checked(new)


def opened(dates: Dates, today: date) -> Dates:
    """Open a campaign that has not opened: it opens today; its closing date stays."""
    _require(dates, today, Window.NOT_OPEN)
    return Dates(today, dates.closes_on)


def extended(dates: Dates, closes_on: date, today: date) -> Dates:
    """An open campaign's later closing date (the opening date stays)."""
    _require(dates, today, Window.OPEN)
    if closes_on <= dates.closes_on:
        raise DateRefusal("campaign_extend_earlier", closes_on=closes_on, current=dates.closes_on)
    return _checked(Dates(dates.opens_on, closes_on))


def closed(dates: Dates, today: date) -> Dates:
    """Close an open campaign from now on: its last day becomes yesterday, so it takes no answer
    any more. The opening date never moves; a campaign that never opened cannot be closed (its
    dates are edited instead). One that opened today keeps its opening date and ends the day before
    it: a window of no whole day, which `window` reads as closed."""
    state = window(dates.opens_on, dates.closes_on, today)
    if state is Window.NOT_OPEN:
        raise DateRefusal("campaign_never_opened", opens_on=dates.opens_on)
    _require(dates, today, Window.OPEN)
    return Dates(dates.opens_on, today - timedelta(days=1))


def reopened(dates: Dates, closes_on: date, today: date) -> Dates:
    """A closed campaign reopened until `closes_on` (today or later); the opening date stays."""
    _require(dates, today, Window.CLOSED)
    if closes_on < today:
        raise DateRefusal("campaign_reopen_past", closes_on=closes_on, today=today)
    return _checked(Dates(dates.opens_on, closes_on))


def checked_reason(reason: str | None, required: bool) -> str:
    """A reason as recorded: spaces collapsed, at most MAX_REASON printable characters; required
    for reopening a closed campaign."""
    text = " ".join((reason or "").split())
    if required and not text:
        raise DateRefusal("campaign_reason_required")
    if len(text) > MAX_REASON or not text.isprintable():
        raise DateRefusal("campaign_reason_invalid", maximum=MAX_REASON)
    return text


def _require(dates: Dates, today: date, expected: Window) -> None:
    state = window(dates.opens_on, dates.closes_on, today)
    if state is not expected:
        raise DateRefusal("campaign_state", state=state.value, expected=expected.value)


def _checked(dates: Dates) -> Dates:
    if dates.closes_on < dates.opens_on:
        raise DateRefusal("campaign_dates", opens_on=dates.opens_on, closes_on=dates.closes_on)
    if (dates.closes_on - dates.opens_on).days > MAX_CAMPAIGN_DAYS:
        raise DateRefusal("campaign_too_long", maximum=MAX_CAMPAIGN_DAYS)
    return dates
