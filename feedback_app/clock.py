"""Time, in one place: UTC instants for what is stored, Vietnam's calendar for what people read
(campaign dates are inclusive days in Vietnam time, answers are counted per Vietnam day)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VIETNAM_TZ_NAME = "Asia/Ho_Chi_Minh"
VIETNAM = ZoneInfo(VIETNAM_TZ_NAME)


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """An instant read from the database as an aware UTC datetime (SQLite returns it naive)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local_today(now: datetime | None = None) -> date:
    """Today in Vietnam (or the Vietnam day of `now`)."""
    return (now or datetime.now(VIETNAM)).astimezone(VIETNAM).date()


def local_day(moment: datetime) -> date:
    """The Vietnam day of an instant; a naive one (as SQLite returns it) is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM).date()
