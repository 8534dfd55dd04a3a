"""What a benchmark's figures were measured under, printed first by every script in bench/: the
date (UTC), the commit (and whether the tree had uncommitted changes), the machine's load average
when the run started, its cores and Python. BENCHMARKS.md records this line with the figures."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commit() -> str:
    """The checked-out commit, "+ changes" when the tree differs from it; "unknown" outside git."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes" if dirty else "")


def load_average() -> str:
    try:
        return "/".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def line() -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f"measured {now}, commit {commit()}, load average {load_average()} (1/5/15 min) at "
            f"the start, {os.cpu_count()} cores, Python {platform.python_version()}")


def print_line() -> None:
    print(line(), flush=True)
