"""Background jobs, with a shared rate limit and progress counters: RQ on Redis when REDIS_URL is
set, a worker thread in this process otherwise.

A job is a module-level function and plain arguments; it runs inside an app context (the RQ worker
is started by `flask --app wsgi worker`; the in-process worker thread pushes one itself).
"""

from __future__ import annotations

import queue as stdlib_queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from flask import Flask, current_app, has_app_context

if TYPE_CHECKING:
    from rq import SimpleWorker

JOB_TIMEOUT = 600  # seconds one job may take (retries with backoff included)
FAILED_JOB_TTL = 3600  # failed RQ jobs (their arguments hold phone numbers) are kept one hour
PROGRESS_TTL = 7 * 24 * 3600


class RateLimiter(Protocol):
    def wait(self) -> None:
        """Block until the next message may go out."""
        ...


class Progress(Protocol):
    def add(self, outcome: str) -> None: ...

    def snapshot(self) -> dict[str, int]: ...


class TaskQueue(Protocol):
    kind: str

    def enqueue(self, func: Callable[..., Any], *args: Any, description: str) -> None:
        """Queue func(*args); `description` is what logs show (never the arguments, which may
        hold phone numbers)."""
        ...

    def enqueue_at(self, when: datetime, func: Callable[..., Any], *args: Any,
                   description: str) -> None:
        """Run the job at `when` (an aware time), not before: an invitation that must wait for
        the sending window or for a number's daily allowance."""
        ...

    def enqueue_once(self, key: str, ttl: int, func: Callable[..., Any], *args: Any,
                     description: str) -> bool:
        """Queue func(*args) unless a job was queued under `key` in the last `ttl` seconds, ahead
        of the rate-limited invitations (a job that a page waits for); whether it was queued."""
        ...

    def rate_limiter(self, rate: float) -> RateLimiter: ...

    def progress(self, run_key: str) -> Progress: ...

    def check(self) -> None:
        """Raise when jobs cannot be queued (e.g. Redis is down)."""
        ...

    def remember(self, key: str, value: str, ttl: int) -> None:
        """Keep a short note (a sent message's id -> its invitation run) for `ttl` seconds."""
        ...

    def take(self, key: str) -> str | None:
        """The note kept under `key`, deleted as it is read (None when absent or expired)."""
        ...


class LocalRateLimiter:
    """At most `rate` calls of wait() per second in this process."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock, self._sleep = clock, sleep

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self._sleep(slot - now)


class LocalProgress:
    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add(self, outcome: str) -> None:
        with self._lock:
            self._counts[outcome] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)


class InProcessQueue:
    """Jobs run one after the other in a daemon thread of this process, each in an app context.
    The process must wait for them (the `sms invite` command does, with a progress bar)."""

    kind = "in-process"

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._jobs: stdlib_queue.Queue[tuple[Callable[..., Any], tuple[Any, ...]]]
        self._jobs = stdlib_queue.Queue()
        self._thread: threading.Thread | None = None
        self._limiters: dict[float, LocalRateLimiter] = {}
        self._progress: dict[str, LocalProgress] = {}
        self._notes: dict[str, tuple[str, float]] = {}
        self._once: dict[str, float] = {}
        self._lock = threading.Lock()

    def enqueue(self, func: Callable[..., Any], *args: Any, description: str) -> None:
        self._jobs.put((func, args))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="sms-jobs", daemon=True)
                self._thread.start()

    def enqueue_at(self, when: datetime, func: Callable[..., Any], *args: Any,
                   description: str) -> None:
        """A timer thread queues it at `when`: this process must still be running then (the
        `sms invite` command waits for its invitations, deferred ones too)."""
        delay = max((when - datetime.now(UTC)).total_seconds(), 0.0)
        timer = threading.Timer(delay, self.enqueue, args=(func, *args),
                                kwargs={"description": description})
        timer.daemon = True
        timer.start()

    def enqueue_once(self, key: str, ttl: int, func: Callable[..., Any], *args: Any,
                     description: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._once.get(key, 0.0) > now:
                return False
            self._once = {k: until for k, until in self._once.items() if until > now}
            self._once[key] = now + ttl
        self.enqueue(func, *args, description=description)
        return True

    def _work(self) -> None:
        while True:
            try:
                func, args = self._jobs.get(timeout=1)
            except stdlib_queue.Empty:
                return
            try:
                with self._app.app_context():
                    func(*args)
            except Exception:  # the job logs its own failures; keep the worker alive
                self._app.logger.exception("background job failed")
            finally:
                self._jobs.task_done()

    def join(self) -> None:
        self._jobs.join()

    def rate_limiter(self, rate: float) -> RateLimiter:
        with self._lock:
            return self._limiters.setdefault(rate, LocalRateLimiter(rate))

    def progress(self, run_key: str) -> Progress:
        with self._lock:
            return self._progress.setdefault(run_key, LocalProgress())

    def check(self) -> None:
        return None

    def remember(self, key: str, value: str, ttl: int) -> None:
        with self._lock:
            self._notes[key] = (value, time.monotonic() + ttl)

    def take(self, key: str) -> str | None:
        with self._lock:
            value, until = self._notes.pop(key, (None, 0.0))
            now = time.monotonic()
            for stale in [k for k, (_, t) in self._notes.items() if t < now]:
                del self._notes[stale]
        return value if until >= now else None


# Redis-side token spacing: every caller reserves the next free slot, 1/rate apart, on the
# server's clock (so that several workers on several machines share one rate).
_RESERVE_SLOT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
if slot < now then slot = now end
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX',
           60000 + math.ceil((slot + interval - now) / 1000))
return slot - now
"""


class RedisRateLimiter:
    def __init__(self, redis: Any, key: str, rate: float,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._reserve = redis.register_script(_RESERVE_SLOT)
        self._key, self._interval_us, self._sleep = key, int(1_000_000 / rate), sleep

    def wait(self) -> None:
        delay_us = int(self._reserve(keys=[self._key], args=[self._interval_us]))
        if delay_us > 0:
            self._sleep(delay_us / 1_000_000)


class RedisProgress:
    def __init__(self, redis: Any, key: str) -> None:
        self._redis, self._key = redis, key

    def add(self, outcome: str) -> None:
        pipe = self._redis.pipeline()
        pipe.hincrby(self._key, outcome, 1)
        pipe.expire(self._key, PROGRESS_TTL)
        pipe.execute()

    def snapshot(self) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self._redis.hgetall(self._key).items()}


class RQQueue:
    """RQ on Redis. Keys of this app start with the queue name, so two apps can share a Redis.

    `export_name` is the queue of the export jobs (adapters.export_store), on the same Redis: a
    queue of its own, so that a file a committee member waits for is not queued behind hours of
    rate-limited invitations; the worker takes it first.
    """

    kind = "rq"

    def __init__(self, redis_url: str, name: str, export_name: str | None = None) -> None:
        from redis import Redis
        from rq import Queue

        self.redis = Redis.from_url(redis_url)
        self.name = name
        self.queue = Queue(name, connection=self.redis)
        self.exports = Queue(export_name, connection=self.redis) if export_name else None

    def enqueue(self, func: Callable[..., Any], *args: Any, description: str) -> None:
        self.queue.enqueue(func, *args, job_timeout=JOB_TIMEOUT, result_ttl=0,
                           failure_ttl=FAILED_JOB_TTL, description=description)

    def enqueue_at(self, when: datetime, func: Callable[..., Any], *args: Any,
                   description: str) -> None:
        """RQ's scheduled jobs: the worker's scheduler (`flask --app wsgi worker` starts it)
        moves the job to the queue at `when`."""
        self.queue.enqueue_at(when, func, *args, job_timeout=JOB_TIMEOUT, result_ttl=0,
                              failure_ttl=FAILED_JOB_TTL, description=description)

    def enqueue_once(self, key: str, ttl: int, func: Callable[..., Any], *args: Any,
                     description: str) -> bool:
        """A Redis key set only if absent (SET NX EX) claims the slot, so that one job is queued
        whichever web worker asks first; the job goes to the export queue, which the worker
        takes first."""
        if not self.redis.set(f"{self.name}:once:{key}", "1", nx=True, ex=ttl):
            return False
        (self.exports or self.queue).enqueue(func, *args, job_timeout=JOB_TIMEOUT, result_ttl=0,
                                             failure_ttl=FAILED_JOB_TTL, description=description)
        return True

    def rate_limiter(self, rate: float) -> RateLimiter:
        return RedisRateLimiter(self.redis, f"{self.name}:rate", rate)

    def progress(self, run_key: str) -> Progress:
        return RedisProgress(self.redis, f"{self.name}:progress:{run_key}")

    def check(self) -> None:
        self.redis.ping()

    def remember(self, key: str, value: str, ttl: int) -> None:
        self.redis.set(f"{self.name}:note:{key}", value, ex=ttl)

    def take(self, key: str) -> str | None:
        pipe = self.redis.pipeline()
        pipe.get(f"{self.name}:note:{key}")
        pipe.delete(f"{self.name}:note:{key}")
        value, _ = pipe.execute()
        return value.decode() if value is not None else None

    def worker(self) -> SimpleWorker:
        """An RQ worker that runs jobs in this process (no fork: the app and its database pool
        stay usable), for `flask --app wsgi worker` and tests. It listens to the export queue
        first (RQ takes the queues in order), then to the SMS queue."""
        from rq import SimpleWorker

        queues = [self.exports, self.queue] if self.exports is not None else [self.queue]
        return SimpleWorker(queues, connection=self.redis)


ENQUEUE_RETRY_FIRST, ENQUEUE_RETRY_MAX = 1.0, 30.0  # seconds between tries while it is down
_sleep, _clock = time.sleep, time.monotonic


def enqueue_deadline(patience: float) -> float:
    """The `deadline` for enqueue_patiently: `patience` seconds from now."""
    return _clock() + patience


def enqueue_patiently(queue: TaskQueue, func: Callable[..., Any], *args: Any, description: str,
                      deadline: float) -> None:
    """queue.enqueue, tried again while the queue is unreachable (Redis down or restarting):
    waits 1 s, then twice as long each time up to 30 s, until `deadline` (a time.monotonic()
    value); then the last error is raised. Nothing is dropped silently."""
    delay = ENQUEUE_RETRY_FIRST
    while True:
        try:
            queue.enqueue(func, *args, description=description)
            return
        except Exception:
            remaining = deadline - _clock()
            if remaining <= 0:
                raise
            current_app.logger.warning("job queue unreachable; %s tried again in %.0f s",
                                       description, min(delay, remaining))
            _sleep(min(delay, remaining))
            delay = min(delay * 2, ENQUEUE_RETRY_MAX)


@contextmanager
def job_app_context() -> Iterator[None]:
    """Jobs run in `flask worker`'s app context; a bare `rq worker` gets an app of its own."""
    if has_app_context():
        yield
        return
    from .. import create_app

    with create_app().app_context():
        yield


def build_queue(app: Flask, config: Mapping[str, Any]) -> TaskQueue:
    if config.get("REDIS_URL"):
        return RQQueue(config["REDIS_URL"], config["SMS_QUEUE"], config["EXPORT_QUEUE"])
    return InProcessQueue(app)


def init_app(app: Flask) -> None:
    from .export_store import RedisExportStore

    queue = build_queue(app, app.config)
    app.extensions["task_queue"] = queue
    # Export files are prepared by the worker only with Redis; without it they are built in the request.
    store = None
    if isinstance(queue, RQQueue) and queue.exports is not None:
        store = RedisExportStore(queue.redis, queue.exports, app.config["EXPORT_TTL"])
    app.extensions["export_store"] = store


def task_queue() -> TaskQueue:
    queue: TaskQueue = current_app.extensions["task_queue"]
    return queue
