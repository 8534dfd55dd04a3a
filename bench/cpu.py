"""Where a benchmark's machine time goes: CPU seconds of groups of processes, read from /proc.

A run is measured by reading each group's CPU time (user + system, in clock ticks) before and
after it; dividing by the requests served gives milliseconds of machine time per request, for
each group (the web server's workers, PostgreSQL, Redis, the load generator). Linux only; on
another system every figure is None and the benchmarks print none of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def available() -> bool:
    return (PROC / "self" / "stat").exists()


def _seconds(pid: int | str) -> tuple[float, float]:
    """User + system CPU seconds of one process, and of its children that have exited and been
    reaped ((0, 0) if it is gone)."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0, 0.0
    # After the command: state is field 0, utime 11, stime 12, cutime 13, cstime 14.
    return (int(fields[11]) + int(fields[12])) / TICK, (int(fields[13]) + int(fields[14])) / TICK


def _command(pid: str) -> str:
    try:
        return (PROC / pid / "comm").read_text().strip()
    except OSError:
        return ""


def by_command(prefix: str) -> Callable[[], list[str]]:
    """Every process whose command name starts with `prefix` (postgres, redis-server...)."""
    def pids() -> list[str]:
        return [p.name for p in PROC.iterdir() if p.name.isdigit() and _command(p.name).startswith(prefix)]
    return pids


def tree(root: int) -> Callable[[], list[str]]:
    """A process and its live descendants (a gunicorn master and its workers)."""
    def pids() -> list[str]:
        parents: dict[str, list[str]] = {}
        for p in PROC.iterdir():
            if not p.name.isdigit():
                continue
            try:
                ppid = (p / "stat").read_text().rsplit(")", 1)[1].split()[1]
            except (OSError, IndexError):
                continue
            parents.setdefault(ppid, []).append(p.name)
        found, todo = [], [str(root)]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(parents.get(pid, []))
        return found
    return pids


def this_process() -> list[str]:
    return [str(os.getpid())]


class Meter:
    """CPU seconds used by named groups of processes between `start()` and `stop()`.

    Processes that start during the run count from zero. A process that exits during it (a
    recycled gunicorn worker, a closed database connection) is counted through its parent, whose
    reaped-children time grows by the child's whole life: what the child had used before the run
    is taken off again."""

    def __init__(self, groups: dict[str, Callable[[], Iterable[str]]]) -> None:
        self.groups = groups
        self._before: dict[str, dict[str, tuple[float, float]]] = {}
        self.used: dict[str, float] = {name: 0.0 for name in groups}

    def _read(self) -> dict[str, dict[str, tuple[float, float]]]:
        return {name: {pid: _seconds(pid) for pid in pids()} for name, pids in self.groups.items()}

    def start(self) -> None:
        self._before = self._read()

    def stop(self) -> None:
        after = self._read()
        for name, pids in after.items():
            before = self._before.get(name, {})
            used = 0.0
            for pid, (own, children) in pids.items():
                own_before, children_before = before.get(pid, (0.0, 0.0))
                used += (own - own_before) + (children - children_before)
            used -= sum(own for pid, (own, _) in before.items() if pid not in pids)
            self.used[name] += max(0.0, used)

    def per_request_ms(self, requests: int) -> dict[str, float]:
        return {name: 1000 * seconds / max(1, requests) for name, seconds in self.used.items()}


def format_per_request(ms: dict[str, float]) -> str:
    parts = [f"{name} {value:.2f}" for name, value in ms.items()]
    return ", ".join(parts) + f"; total {sum(ms.values()):.2f} ms"


def memory_mb(field: str) -> float:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), in MB, from
    /proc/self/status: unlike ru_maxrss, the peak starts afresh at exec (a child started by a
    benchmark does not inherit the parent's size). NaN where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
