"""Rate-limit counters in the worker's memory (no Redis), swept once a second.

Flask-Limiter's in-memory storage (limits' MemoryStorage) forgets expired counters with a thread
that it starts again 10 ms after every counted request and that scans every counter it holds. A
counter lives as long as its window (a day for RATELIMIT_CODE_FAILURES and RATELIMIT_SMS), one per
client address or sender and window, so by the end of a busy day a district's worker holds some
100,000 of them and spends half a core scanning them a hundred times a second
(bench/limits_memory.py measures it). Counting is right either way: a counter past its expiry
reads as zero whether or not it has been swept; sweeping only frees memory. So this storage sweeps
at most once every SWEEP_SECONDS.

It is what `RATELIMIT_STORAGE_URI` defaults to without REDIS_URL (`swept-memory://`). It relies on
two private names of limits' MemoryStorage (tests/unit/test_limits_storage.py fails if limits
changes them).
"""

from __future__ import annotations

import threading

from limits.storage import MemoryStorage

SCHEME = "swept-memory"
SWEEP_SECONDS = 1.0


class SweptMemoryStorage(MemoryStorage):
    """limits' MemoryStorage with a sweep of expired counters at most once every SWEEP_SECONDS."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012  (limits reads it once, to register the scheme)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the base class started its 10 ms timer
        self.timer = self._sweep_timer()

    def _sweep_timer(self) -> threading.Timer:
        # limits' private, name-mangled sweep (see the module's docstring): not in its types.
        timer = threading.Timer(SWEEP_SECONDS, self._MemoryStorage__expire_events)  # type: ignore[attr-defined]
        timer.daemon = True
        timer.start()
        return timer

    def _MemoryStorage__schedule_expiry(self) -> None:  # overrides the base class's private method
        if not self.timer.is_alive():
            self.timer = self._sweep_timer()
