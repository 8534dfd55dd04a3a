"""The in-memory rate-limit storage: counts as limits' MemoryStorage does, sweeps once a second."""

from __future__ import annotations

import time

import pytest
from limits import parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from feedback_app.adapters import limits_storage
from feedback_app.adapters.limits_storage import SweptMemoryStorage


@pytest.fixture
def storage():  # type: ignore[no-untyped-def]
    store = storage_from_string("swept-memory://")
    yield store
    store.timer.cancel()


def test_the_scheme_names_this_storage(storage):  # type: ignore[no-untyped-def]
    assert isinstance(storage, SweptMemoryStorage) and isinstance(storage, MemoryStorage)


def test_it_counts_like_the_memory_storage(storage):  # type: ignore[no-untyped-def]
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("3 per minute")
    assert [limiter.hit(limit, "sender-a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(limit, "sender-b")  # another key has its own allowance
    assert not limiter.test(limit, "sender-a")


def test_an_expired_counter_reads_as_zero_before_any_sweep(storage):  # type: ignore[no-untyped-def]
    storage.incr("k", expiry=0.05)
    storage.incr("k", expiry=0.05)
    assert storage.get("k") == 2
    time.sleep(0.1)
    assert storage.get("k") == 0


def test_counting_starts_no_10_ms_sweeps(storage):  # type: ignore[no-untyped-def]
    """The base class restarts a 10 ms timer after every count; this one waits a second."""
    timers = set()
    for n in range(200):
        storage.incr(f"key-{n}", expiry=60)
        timers.add(id(storage.timer))
        assert storage.timer.interval == limits_storage.SWEEP_SECONDS
    assert len(timers) == 1  # the same pending sweep served all 200 counts


def test_expired_counters_are_swept(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(limits_storage, "SWEEP_SECONDS", 0.05)
    store = SweptMemoryStorage()
    try:
        store.incr("short", expiry=0.01)
        store.incr("long", expiry=60)
        deadline = time.monotonic() + 2
        while "short" in store.storage and time.monotonic() < deadline:
            time.sleep(0.02)
            store.incr("long", expiry=60)  # counting schedules the next sweep
        assert "short" not in store.storage and store.get("long") >= 1
    finally:
        store.timer.cancel()
