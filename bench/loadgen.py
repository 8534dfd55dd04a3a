"""A bounded load generator: threads that send requests for a fixed time over plain HTTP/1.1 on
127.0.0.1 and record each request's latency and outcome. Standard library only."""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    expect: int  # the status of a success
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    """One line of a traffic mix: what a request of this kind is, and its share of the traffic."""

    name: str
    weight: float
    build: Callable[[], Request | None]  # None: nothing left to send (e.g. no unused code)
    on_success: Callable[[Request], None] | None = None


@dataclass
class Stats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    successes_total: int = 0  # warm-up included: what the database must hold afterwards

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


@dataclass
class Result:
    seconds: float
    per_kind: dict[str, Stats]

    @property
    def requests(self) -> int:
        return sum(len(s.latencies_ms) for s in self.per_kind.values())

    @property
    def errors(self) -> int:
        return sum(s.errors for s in self.per_kind.values())

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def overall(self) -> Stats:
        merged = Stats()
        for s in self.per_kind.values():
            merged.latencies_ms.extend(s.latencies_ms)
            merged.errors += s.errors
        return merged


def merge(results: Sequence[Result]) -> Result:
    """Rounds of the same side as one result."""
    merged: dict[str, Stats] = {}
    for result in results:
        for name, s in result.per_kind.items():
            m = merged.setdefault(name, Stats())
            m.latencies_ms.extend(s.latencies_ms)
            m.errors += s.errors
            m.error_samples.extend(s.error_samples[: 5 - len(m.error_samples)])
            m.successes_total += s.successes_total
    return Result(seconds=sum(r.seconds for r in results), per_kind=merged)


def send(port: int, request: Request) -> tuple[int, str]:
    """One request on a fresh connection: its status and the start of its body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(request.method, request.path, body=request.body, headers=request.headers)
        reply = conn.getresponse()
        body = reply.read()
        return reply.status, body[:200].decode("utf-8", "replace")
    finally:
        conn.close()


def run(port: int, mix: Sequence[Kind], clients: int, warmup: float, duration: float) -> Result:
    """Send the mix from `clients` threads: `warmup` seconds unrecorded, `duration` recorded."""
    stats = {kind.name: Stats() for kind in mix}
    lock = threading.Lock()
    start = time.monotonic()
    measure_from, end = start + warmup, start + warmup + duration
    weights = [kind.weight for kind in mix]

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while (now := time.monotonic()) < end:
            kind = rng.choices(mix, weights)[0]
            request = kind.build()
            if request is None:
                continue
            began = time.perf_counter()
            try:
                status, text = send(port, request)
                error = None if status == request.expect else f"{status}: {text[:120]!r}"
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
            elapsed_ms = (time.perf_counter() - began) * 1000
            if error is None and kind.on_success is not None:
                kind.on_success(request)
            with lock:
                s = stats[kind.name]
                if error is None:
                    s.successes_total += 1
                if now < measure_from:
                    continue
                s.latencies_ms.append(elapsed_ms)
                if error is not None:
                    s.errors += 1
                    if len(s.error_samples) < 5:
                        s.error_samples.append(error)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Result(seconds=duration, per_kind=stats)
