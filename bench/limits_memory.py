"""CPU spent by the in-memory rate-limit storage on forgetting expired counters, side by side:
limits' MemoryStorage (what Flask-Limiter's memory:// gives) and feedback_app's swept-memory://.

For each size, the storage first holds N live counters (a day's window, as RATELIMIT_SMS and
RATELIMIT_CODE_FAILURES keep one per sender or address and window), then counts one request every
few milliseconds (about 300 a second, a busy worker) for a few seconds; the figure is the whole
process's CPU time over that stretch divided by its length, i.e. the share of one core used.

    .venv/bin/python bench/limits_memory.py [--sizes 1000,20000,100000] [--seconds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from limits.storage import MemoryStorage

from bench import conditions
from feedback_app.adapters.limits_storage import SweptMemoryStorage


def core_share(storage: MemoryStorage, keys: int, seconds: float) -> float:
    for n in range(keys):
        storage.incr(f"sms-senders/{n}", 86400)
    began_cpu, began = time.process_time(), time.monotonic()
    while time.monotonic() - began < seconds:
        storage.incr("answer-submissions/10.0.0.1", 60)
        time.sleep(0.003)
    share = (time.process_time() - began_cpu) / (time.monotonic() - began)
    storage.timer.cancel()
    return share


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,20000,100000")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    conditions.print_line()
    print(f"{'counters held':>14}{'memory://':>14}{'swept-memory://':>18}   (share of one core)")
    for keys in (int(s) for s in args.sizes.split(",")):
        plain = core_share(MemoryStorage(), keys, args.seconds)
        swept = core_share(SweptMemoryStorage(), keys, args.seconds)
        print(f"{keys:>14,}{plain:>13.1%}{swept:>17.1%}")


if __name__ == "__main__":
    main()
