"""When an invitation may be sent: Decree 91/2020/ND-CP's rules for messages a person did not ask
for, as settings (SMS_SEND_WINDOW, SMS_MAX_PER_NUMBER).

- Only inside a daily window of Vietnam time (07:00-22:00 by default); a message due outside it
  waits for the next opening.
- At most N messages to one number in any 24 hours (3 by default); one more waits until the
  oldest of the last N is 24 hours old.

Replies to a message the household sent are answers, not invitations: these rules do not apply to
them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

PERIOD = timedelta(hours=24)
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class SendWindow:
    """A daily window [opens, closes) in local time; opens < closes (no window across midnight)."""

    opens: time
    closes: time

    @classmethod
    def parse(cls, text: str) -> SendWindow | None:
        """'07:00-22:00' -> a window; '' or 'always' -> None (no window). ValueError otherwise."""
        if not text.strip() or text.strip().lower() == "always":
            return None
        match = _WINDOW.match(text)
        if match is None:
            raise ValueError(f"a sending window is written HH:MM-HH:MM, e.g. 07:00-22:00, not {text!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise ValueError(f"not a time of day in {text!r}")
        closes = time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2)
        if time(h1, m1) >= closes:
            raise ValueError(f"the window {text!r} must open before it closes, on the same day")
        return cls(time(h1, m1), closes)

    def contains(self, local: datetime) -> bool:
        return self.opens <= local.timetz().replace(tzinfo=None) < self.closes

    def next_opening(self, local: datetime) -> datetime:
        """`local` itself when inside the window, else the next time it opens (same time zone)."""
        if self.contains(local):
            return local
        opening = local.replace(hour=self.opens.hour, minute=self.opens.minute, second=0,
                                microsecond=0)
        return opening if opening > local else opening + timedelta(days=1)


def due_time(now: datetime, window: SendWindow | None, recent: Sequence[datetime],
             limit: int) -> datetime:
    """The earliest time at or after `now` (aware, local time) at which one more message may go
    to a number that got messages at the times `recent` (aware); `limit` 0 means no limit."""
    due = now
    if limit > 0:
        last = sorted(t for t in recent if t > now - PERIOD)
        if len(last) >= limit:
            due = max(due, last[-limit] + PERIOD)
    if window is not None:
        due = window.next_opening(due.astimezone(now.tzinfo))
    return due
