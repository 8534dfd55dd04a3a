#!/usr/bin/env python3
"""How close can any implementation get to the one-row floor? The required work against the floor.

bench/load.py compares the app with a bare Flask endpoint that inserts one row. This benchmark
serves, side by side and in the same alternating rounds, that floor and bench/required_app.py: a
bare Flask app doing only the database work that the issues require of the app's traffic, in the
fewest statements (a web answer: the response, its 20 answers and the index counters in one
transaction and one statement; an SMS step: the locked conversation, its new state and the stored
MessageSid, and on a conversation's last message its response as a web answer's). The traffic
is load.py's default mix: half web answers, half SMS steps.

Whatever the app adds to that (rate limits, the entry check, validation, the Twilio signature,
the dialogue, pages) can only lower its throughput, so the required work's share of the floor is
the most an app doing this work could reach.

    .venv/bin/python bench/required_work.py [--duration 30] [--sms-share 0.5] \\
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/feedback_bench]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import random
import sys
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import conditions, cpu  # noqa: E402
from bench.load import (  # noqa: E402
    FORM,
    Gunicorn,
    count,
    ensure_database,
    floor_mix,
    measured,
    meter,
    prepare,
)
from bench.loadgen import Kind, Request, merge, run  # noqa: E402
from bench.sms_traffic import replies  # noqa: E402

KEY = "required-work-bench"
PHONES = 2000


def _hash(phone: str) -> str:
    return hmac.new(KEY.encode(), phone.encode(), hashlib.sha256).hexdigest()


def setup(database_url: str, campaign: str, items: list[str]) -> dict[str, str]:
    """One running SMS conversation per benchmark phone in `campaign` (a campaign of its own, made
    by load.prepare, so that what the required app writes is never counted as the app's); the
    required app's settings."""
    from sqlalchemy import create_engine, text

    from feedback_app.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.begin() as conn:
        campaign_id = conn.execute(text("SELECT id FROM campaigns WHERE key = :k"),
                                   {"k": campaign}).scalar_one()
        communes = list(conn.execute(text(
            "SELECT unit_id FROM campaign_communes WHERE campaign_id = :c ORDER BY unit_id"),
            {"c": campaign_id}).scalars())
        conn.execute(text(
            "INSERT INTO sms_conversations (number_hash, campaign_id, commune_id, status, position, "
            "answers, invalid_streak, started_on) VALUES (:h, :c, :m, 'active', 0, "
            "'[]', 0, CURRENT_DATE)"),
            [{"h": _hash(f"+8492{n:07d}"), "c": campaign_id, "m": random.choice(communes)}
             for n in range(PHONES)])
    engine.dispose()
    return {"REQUIRED_CAMPAIGN": str(campaign_id),
            "REQUIRED_COMMUNES": ",".join(str(c) for c in communes),
            "REQUIRED_ITEMS": ",".join(items), "REQUIRED_KEY": KEY,
            "REQUIRED_CONVERSATION": str(len(replies(len(items))) + 1)}


def stored_answers(database_url: str, campaign: str) -> int:
    """The web responses the required app stored in its campaign (its SMS ones are not counted:
    they depend on how the random senders' steps fell)."""
    return count(database_url, "SELECT count(*) FROM responses r JOIN campaigns c ON "
                 "c.id = r.campaign_id WHERE c.key = :key AND r.channel = 'web'", key=campaign)


def required_mix(items: list[str], sms_share: float) -> list[Kind]:
    def answer() -> Request:
        # Four in five with a household code, as load.py's mix (the rest by the open link).
        body = urlencode({"rid": str(uuid.uuid4()), "coded": "1" if random.random() < 0.8 else "0",
                          **{f"q_{i}": random.choice("0112") for i in items}})
        return Request("POST", "/answer", 201, body, FORM)

    def sms() -> Request:
        body = urlencode({"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                          "From": f"+8492{random.randrange(PHONES):07d}", "To": "+84900000000",
                          "Body": "1", "NumMedia": "0"})
        return Request("POST", "/sms", 200, body, FORM)

    return [Kind("POST /answer (a web answer's database work)", 1 - sms_share, answer),
            Kind("POST /sms (an SMS step's database work)", sms_share, sms)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/feedback_bench"))
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--round", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--sms-share", type=float, default=0.5)
    args = parser.parse_args()
    args.clients = args.clients or 2 * args.workers
    conditions.print_line()
    ensure_database(args.database_url)
    traffic, campaign = prepare(args.database_url, codes_needed=1)
    items = traffic.items
    settings = setup(args.database_url, campaign, items)
    common = {"DATABASE_URL": args.database_url}
    mix = required_mix(items, args.sms_share)
    rounds = max(1, round(args.duration / args.round))
    floors, required = [], []
    with tempfile.TemporaryDirectory(prefix="feedback-bench-") as logs, \
            Gunicorn("bench.floor_app:app", common, args.workers, Path(logs)) as floor_server, \
            Gunicorn("bench.required_app:app", {**common, **settings}, args.workers,
                     Path(logs)) as required_server:
        run(floor_server.port, floor_mix(), args.clients, args.warmup, 0)
        run(required_server.port, mix, args.clients, args.warmup, 0)
        machine = {"floor": meter(floor_server), "required": meter(required_server)}
        for _ in range(rounds):
            floors.append(measured(floor_server, machine["floor"], floor_mix(), args,
                                   args.duration / rounds))
            required.append(measured(required_server, machine["required"], mix, args,
                                     args.duration / rounds))
    floor, work = merge(floors), merge(required)
    print(f"\nrequired database work against the one-row floor: gunicorn, {args.workers} sync "
          f"workers, PostgreSQL; {args.clients} clients; {args.duration:g} s per side in rounds "
          f"of {args.duration / rounds:g} s; SMS steps {args.sms_share:.0%} of the requests")
    print(f"{'':50}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for title, result in (("floor: bare Flask endpoint, 1 INSERT", floor),
                          ("required work: bare Flask, the writes only", work)):
        s = result.overall()
        print(f"{title:50}{result.requests:>9}{result.throughput:>9.1f}{s.percentile(50):>9.1f}"
              f"{s.percentile(99):>9.1f}{s.errors:>8}")
        for name, k in result.per_kind.items() if len(result.per_kind) > 1 else ():
            print(f"  {name:48}{len(k.latencies_ms):>9}")
    if cpu.available():
        print("machine time per request (CPU ms):")
        for title, result in (("floor", floor), ("required", work)):
            print(f"  {title:9}" + cpu.format_per_request(
                machine[title].per_request_ms(result.requests)))
    print(f"required work / floor throughput: {work.throughput / floor.throughput:.0%}: the most "
          "an app doing this work could reach")
    for result in (floor, work):
        for name, s in result.per_kind.items():
            for sample in s.error_samples:
                print(f"  error in {name}: {sample}")
    return 0 if floor.errors == 0 and work.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
