"""The date rules of a campaign's life (domain.campaign_life): which change is allowed in which
state, and that closing never moves the opening date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from feedback_app.domain.campaign import Window, window
from feedback_app.domain.campaign_life import (
    MAX_REASON,
    DateRefusal,
    Dates,
    checked_reason,
    closed,
    edited,
    extended,
    may_edit,
    opened,
    reopened,
)

TODAY = date(2026, 12, 3)
DAY = timedelta(days=1)
NOT_OPEN = Dates(TODAY + 5 * DAY, TODAY + 25 * DAY)
OPEN = Dates(TODAY - 5 * DAY, TODAY + 10 * DAY)
CLOSED = Dates(TODAY - 30 * DAY, TODAY - 2 * DAY)


def _refused(reason: str, call, *args) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DateRefusal) as refusal:
        call(*args)
    assert refusal.value.reason == reason


def test_only_a_campaign_that_has_not_opened_is_edited() -> None:
    assert may_edit(NOT_OPEN, TODAY) and not may_edit(OPEN, TODAY) and not may_edit(CLOSED, TODAY)
    assert edited(NOT_OPEN, Dates(TODAY, TODAY + 3 * DAY), TODAY) == Dates(TODAY, TODAY + 3 * DAY)
    _refused("campaign_state", edited, OPEN, Dates(TODAY, TODAY + 3 * DAY), TODAY)
    _refused("campaign_state", edited, CLOSED, Dates(TODAY, TODAY + 3 * DAY), TODAY)


def test_an_edit_keeps_the_dates_in_order_from_today_and_within_a_year() -> None:
    _refused("campaign_opens_in_past", edited, NOT_OPEN, Dates(TODAY - DAY, TODAY + DAY), TODAY)
    _refused("campaign_dates", edited, NOT_OPEN, Dates(TODAY + 3 * DAY, TODAY + 2 * DAY), TODAY)
    _refused("campaign_too_long", edited, NOT_OPEN, Dates(TODAY, TODAY + 367 * DAY), TODAY)
    assert edited(NOT_OPEN, Dates(TODAY, TODAY + 366 * DAY), TODAY).closes_on == TODAY + 366 * DAY


def test_opening_makes_it_open_today_and_keeps_the_closing_date() -> None:
    after = opened(NOT_OPEN, TODAY)
    assert after == Dates(TODAY, NOT_OPEN.closes_on)
    assert window(after.opens_on, after.closes_on, TODAY) is Window.OPEN
    _refused("campaign_state", opened, OPEN, TODAY)
    _refused("campaign_state", opened, CLOSED, TODAY)


def test_extending_moves_only_the_closing_date_later() -> None:
    assert extended(OPEN, OPEN.closes_on + DAY, TODAY) == Dates(OPEN.opens_on, OPEN.closes_on + DAY)
    _refused("campaign_extend_earlier", extended, OPEN, OPEN.closes_on, TODAY)
    _refused("campaign_extend_earlier", extended, OPEN, TODAY, TODAY)
    _refused("campaign_too_long", extended, OPEN, OPEN.opens_on + 367 * DAY, TODAY)
    _refused("campaign_state", extended, NOT_OPEN, NOT_OPEN.closes_on + DAY, TODAY)
    _refused("campaign_state", extended, CLOSED, TODAY + DAY, TODAY)


@pytest.mark.parametrize("dates", [OPEN, Dates(TODAY, TODAY), Dates(TODAY, TODAY + 9 * DAY),
                                   Dates(TODAY - 9 * DAY, TODAY)])
def test_closing_ends_it_yesterday_and_never_moves_the_opening_date(dates: Dates) -> None:
    after = closed(dates, TODAY)
    assert after.opens_on == dates.opens_on
    assert after.closes_on == TODAY - DAY
    assert window(after.opens_on, after.closes_on, TODAY) is Window.CLOSED


def test_a_campaign_that_never_opened_is_not_closed() -> None:
    _refused("campaign_never_opened", closed, NOT_OPEN, TODAY)
    _refused("campaign_never_opened", closed, Dates(TODAY + DAY, TODAY + DAY), TODAY)
    _refused("campaign_state", closed, CLOSED, TODAY)


def test_reopening_a_closed_campaign_runs_from_today_to_the_new_date() -> None:
    after = reopened(CLOSED, TODAY, TODAY)
    assert after == Dates(CLOSED.opens_on, TODAY)
    assert window(after.opens_on, after.closes_on, TODAY) is Window.OPEN
    assert reopened(CLOSED, TODAY + 7 * DAY, TODAY).closes_on == TODAY + 7 * DAY
    _refused("campaign_reopen_past", reopened, CLOSED, TODAY - DAY, TODAY)
    _refused("campaign_too_long", reopened, CLOSED, CLOSED.opens_on + 367 * DAY, TODAY)
    _refused("campaign_state", reopened, OPEN, TODAY + 30 * DAY, TODAY)


def test_a_reason_is_required_to_reopen_and_kept_printable() -> None:
    _refused("campaign_reason_required", checked_reason, "  \n ", True)
    assert checked_reason("  ", False) == ""
    assert checked_reason(" Tỉnh  đề nghị\nlấy thêm ", True) == "Tỉnh đề nghị lấy thêm"
    _refused("campaign_reason_invalid", checked_reason, "x" * (MAX_REASON + 1), True)
    _refused("campaign_reason_invalid", checked_reason, "a\x00b", True)
