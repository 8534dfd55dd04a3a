"""Invitations go out at a set rate and retry provider errors with exponential backoff."""

from __future__ import annotations

import pytest

from feedback_app.adapters.queue import LocalRateLimiter
from feedback_app.adapters.sms import SmsError
from feedback_app.services.sms.invites import send_with_retry


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_local_rate_limiter_spaces_calls():
    clock = Clock()
    limiter = LocalRateLimiter(4, clock=lambda: clock.now, sleep=clock.sleep)
    for _ in range(4):
        limiter.wait()
    assert clock.slept == [0.25, 0.25, 0.25]
    clock.now += 10  # idle time is not banked into a burst
    limiter.wait()
    limiter.wait()
    assert clock.slept[-1] == 0.25 and len(clock.slept) == 4


def test_transient_errors_back_off_exponentially_then_succeed():
    clock = Clock()
    errors = [SmsError("429", 20429, True), SmsError("503", None, True),
              SmsError("503", None, True)]

    def send() -> str:
        if errors:
            raise errors.pop(0)
        return "SM1"

    assert send_with_retry(send, attempts=5, base_delay=2, sleep=clock.sleep) == "SM1"
    assert clock.slept == [2, 4, 8]


def test_gives_up_after_the_last_attempt_and_never_retries_permanent_errors():
    clock = Clock()
    calls = []

    def always_busy() -> str:
        calls.append(1)
        raise SmsError("busy", None, True)

    with pytest.raises(SmsError):
        send_with_retry(always_busy, attempts=3, base_delay=1, sleep=clock.sleep)
    assert len(calls) == 3 and clock.slept == [1, 2]

    def invalid_number() -> str:
        calls.append(1)
        raise SmsError("invalid To", 21211, False)

    calls.clear()
    with pytest.raises(SmsError):
        send_with_retry(invalid_number, attempts=3, base_delay=1, sleep=clock.sleep)
    assert len(calls) == 1
