#!/usr/bin/env python3
"""Load benchmark: the app under gunicorn on PostgreSQL against the work it must do, in one run.

Three sides are served by gunicorn with the same gunicorn.conf.py settings and the same database,
in alternating rounds, and driven by the same bounded load generator (bench/loadgen.py):

- floor: a bare Flask endpoint that inserts one row (bench/floor_app.py), printed for reference;
- required work: bench/required_app.py, a bare Flask app doing only the database work the app's
  mix requires, in the fewest statements (bench/required_work.py), in a campaign of its own;
- app: the mix below: web submissions with household codes issued for a benchmark campaign of
  its own, each simulated household coming from its own address (X-Forwarded-For through one
  trusted proxy, so the rate limits count real-looking clients), and SMS webhooks (signed Twilio
  posts of whole conversations, bench/sms_traffic.py; --sms-share 0 leaves them out).

It prints throughput and p50/p99 latency side by side with each side's machine time per request
by component (bench/cpu.py), checks that the database holds exactly the answers that got a success
reply (and the required app's and the floor's rows), and says whether the app reaches 50 % of the
required work's throughput with zero errors (the target of issue 21). Installs nothing.
Typical use (the issue's 5-minute run: --duration 300):

    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1/feedback_bench
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import conditions, cpu  # noqa: E402
from bench.loadgen import Kind, Request, Result, merge, run  # noqa: E402
from bench.sms_traffic import BASE_URL, TOKEN, SmsTraffic  # noqa: E402

TARGET = 0.5
FLOOR_TABLE = "CREATE TABLE IF NOT EXISTS bench_floor (id BIGSERIAL PRIMARY KEY, rid TEXT NOT NULL)"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Traffic:
    """What the resident web mix sends: fresh household codes for answers, a pool for viewing."""

    def __init__(self, campaign: str, communes: list[str], codes: list[str], items: list[str],
                 view_codes: int = 200) -> None:
        self.campaign, self.communes, self.items = campaign, communes, items
        self.view_codes = codes[:view_codes]
        self._fresh = iter(codes[view_codes:])
        self._lock = threading.Lock()
        self._views = itertools.cycle(self.view_codes)
        self.ran_out = False
        self.stored_rids: list[str] = []  # answers that got their success reply

    def _next(self, it) -> str | None:  # type: ignore[no-untyped-def]
        with self._lock:
            value = next(it, None)
            self.ran_out = self.ran_out or value is None
            return value

    def _answer(self) -> str:
        return urlencode({"rid": str(uuid.uuid4()),
                          **{f"q_{i}": random.choice("0112") for i in self.items}})

    @staticmethod
    def _client() -> dict[str, str]:
        return {"X-Forwarded-For": f"10.{random.randrange(256)}.{random.randrange(256)}."
                                   f"{random.randrange(1, 255)}"}

    def open_form(self) -> Request:
        with self._lock:
            code = next(self._views)
        return Request("GET", f"/h/{code}", 200, headers=self._client())

    def answer_with_code(self) -> Request | None:
        code = self._next(self._fresh)
        if code is None:
            return None
        return Request("POST", f"/h/{code}", 303, self._answer(), {**FORM, **self._client()})

    def answer_by_link(self) -> Request:
        path = f"/c/{self.campaign}/{random.choice(self.communes)}"
        return Request("POST", path, 303, self._answer(), {**FORM, **self._client()})

    def answered(self, request: Request) -> None:
        rid = request.body.split("&", 1)[0].removeprefix("rid=") if request.body else ""
        with self._lock:
            self.stored_rids.append(rid)

    def thanks(self) -> Request | None:
        with self._lock:
            if not self.stored_rids:
                return None
            rid = random.choice(self.stored_rids[-1000:])
        return Request("GET", f"/thanks/{rid}", 200, headers=self._client())


def resident_mix(traffic: Traffic, pages: bool, sms: SmsTraffic | None,
                 sms_share: float) -> list[Kind]:
    """The mix table: (name, share of requests, request builder[, on success]).

    By default the issue's mix: web submissions (most with a household code, some by the
    commune's open link) and, for `sms_share` of the requests, SMS webhooks: one message of a
    conversation each (21 messages record one answer). With --pages, also the two pages a browser
    loads around each submission (the form before, the thank-you page after).
    """
    answered = traffic.answered
    web = 1 - sms_share
    mix = [
        Kind("POST /h/<code> (answer, household code)", 0.8 * web, traffic.answer_with_code,
             answered),
        Kind("POST /c/<campaign>/<commune> (answer, open link)", 0.2 * web, traffic.answer_by_link,
             answered),
    ]
    if sms is not None and sms_share > 0:
        mix.append(Kind("POST /sms/twilio (one SMS of a conversation)", sms_share, sms.message,
                        sms.replied))
    if pages:
        mix += [
            Kind("GET /h/<code> (open the form)", 1, traffic.open_form),
            Kind("GET /thanks/<rid> (after the answer)", 1, traffic.thanks),
        ]
    return mix


def floor_mix() -> list[Kind]:
    return [Kind("POST /floor (insert one row)", 1, lambda: Request(
        "POST", "/floor", 201, urlencode({"rid": str(uuid.uuid4())}), FORM))]


def ensure_database(database_url: str) -> None:
    """Create the benchmark database when it does not exist yet."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from feedback_app.config import normalise_database_url

    url = make_url(normalise_database_url(database_url))
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                              {"name": url.database}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()


def prepare(database_url: str, codes_needed: int) -> tuple[Traffic, str]:
    """Migrate the benchmark database, create a campaign with enough codes, the floor's table."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from feedback_app import create_app
    from feedback_app.clock import local_today
    from feedback_app.config import PROJECT_ROOT
    from feedback_app.extensions import db
    from feedback_app.services.campaigns.setup import NewCampaign, code_rows, create_campaign, issue_codes
    from feedback_app.services.demo.province import DEMO_FILE
    from feedback_app.services.surveys import find_survey, survey_of
    from feedback_app.services.units.importing import import_units

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "b" * 64})
    key = f"bench-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    with app.app_context():
        upgrade()
        with (PROJECT_ROOT / "feedback_app" / "demo_data" / DEMO_FILE).open(encoding="utf-8") as f:
            import_units(f)
        today = local_today()
        campaign = create_campaign(NewCampaign(
            key=key, survey=find_survey(PROJECT_ROOT / "surveys", "ntm-commune"),
            scheme="vn-2025", unit_code="12", opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=30), household_codes=True, open_link=True))
        per_commune = math.ceil(codes_needed / len(campaign.communes))
        for commune in campaign.communes:
            issue_codes(campaign, commune, per_commune)
        db.session.commit()
        codes = [row.code for row in code_rows(campaign)]
        random.shuffle(codes)
        communes = [c.unit.code for c in campaign.communes]
        items = list(survey_of(campaign.survey_version).item_ids)
        with db.engine.begin() as conn:
            conn.execute(text(FLOOR_TABLE))
            conn.execute(text("TRUNCATE bench_floor"))
        db.engine.dispose()
    return Traffic(key, communes, codes, items), key


def count(database_url: str, sql: str, **params: object) -> int:
    """One `SELECT count(*) ...` on its own connection: the benchmarks' checks of what was stored."""
    from sqlalchemy import create_engine, text

    from feedback_app.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        counted = conn.execute(text(sql), params).scalar_one()
    engine.dispose()
    return int(counted)


def stored(database_url: str, campaign: str) -> tuple[set[str], int, int]:
    """The web answers' rids stored for the benchmark campaign, its SMS answers, and the rows in
    the floor's table."""
    from sqlalchemy import create_engine, text

    from feedback_app.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        rids = set(conn.execute(text(
            "SELECT r.uuid FROM responses r JOIN campaigns c ON c.id = r.campaign_id "
            "WHERE c.key = :key AND r.channel = 'web'"), {"key": campaign}).scalars())
        sms = conn.execute(text(
            "SELECT count(*) FROM responses r JOIN campaigns c ON c.id = r.campaign_id "
            "WHERE c.key = :key AND r.channel = 'sms'"), {"key": campaign}).scalar_one()
        floor = conn.execute(text("SELECT count(*) FROM bench_floor")).scalar_one()
    engine.dispose()
    return rids, sms, floor


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py, on 127.0.0.1, for the length of a `with`."""

    def __init__(self, target: str, env: dict[str, str], workers: int, log_dir: Path) -> None:
        self.port = free_port()
        self.env = dict(os.environ, **env, GUNICORN_BIND=f"127.0.0.1:{self.port}",
                        GUNICORN_WORKERS=str(workers),
                        GUNICORN_ACCESS_LOG=str(log_dir / f"{target.split(':')[0]}.access.log"),
                        GUNICORN_ERROR_LOG=str(log_dir / f"{target.split(':')[0]}.error.log"))
        self.target = target

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", self.target],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn {self.target} exited; "
                                 f"see {self.env['GUNICORN_ERROR_LOG']}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                time.sleep(1)  # let every worker boot
                return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"gunicorn {self.target} did not start")

    def __exit__(self, *exc: object) -> None:
        code = self.process.poll()
        if code is not None:  # the server went away during the run: say so, with its last words
            log = Path(self.env["GUNICORN_ERROR_LOG"])
            tail = log.read_text(errors="replace").splitlines()[-15:] if log.exists() else []
            print(f"gunicorn {self.target} exited during the run (code {code}); the end of its "
                  "error log:\n  " + "\n  ".join(tail), file=sys.stderr)
            return
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def meter(server: Gunicorn) -> cpu.Meter:
    """CPU time of one side: its gunicorn master and workers, the database, Redis, this process."""
    return cpu.Meter({"gunicorn": cpu.tree(server.process.pid),
                      "postgres": cpu.by_command("postgres"),
                      "redis": cpu.by_command("redis-server"),
                      "load generator": cpu.this_process})


def measured(server: Gunicorn, machine: cpu.Meter, mix: list[Kind], args: argparse.Namespace,
             seconds: float) -> Result:
    machine.start()
    result = run(server.port, mix, args.clients, 0, seconds)
    machine.stop()
    return result


def report(sides: dict[str, Result], workers: int, args: argparse.Namespace,
           machine: dict[str, cpu.Meter] | None = None) -> bool:
    print(f"\nfeedback_app load benchmark: gunicorn, {workers} sync workers, PostgreSQL; "
          f"{args.clients} clients on 127.0.0.1; {args.duration:g} s per side after "
          f"{args.warmup:g} s warm-up, in rounds of {args.duration / args.rounds:g} s; mix: "
          f"{'web submissions and pages' if args.pages else 'web submissions'}"
          f"{f' and SMS webhooks ({args.sms_share:.0%} of requests)' if args.sms_share else ''}")
    print(f"{'':54}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")

    def line(name: str, n: int, seconds: float, s) -> None:  # type: ignore[no-untyped-def]
        print(f"{name:54}{n:>9}{n / seconds:>9.1f}{s.percentile(50):>9.1f}"
              f"{s.percentile(99):>9.1f}{s.errors:>8}")

    titles = {"floor": "floor: bare Flask endpoint, 1 INSERT",
              "required": "required work: bare Flask, the writes only", "app": "app: resident mix"}
    for side, result in sides.items():
        line(titles[side], result.requests, result.seconds, result.overall())
        if len(result.per_kind) > 1:
            for name, s in result.per_kind.items():
                line(f"  {name}", len(s.latencies_ms), result.seconds, s)
    if machine and cpu.available():
        print("machine time per request (CPU ms, every side measured in the same rounds):")
        for side, result in sides.items():
            print(f"  {side:9}" + cpu.format_per_request(
                machine[side].per_request_ms(result.requests)))
    floor, required, app = sides["floor"], sides["required"], sides["app"]
    ratio = app.throughput / required.throughput
    met = ratio >= TARGET and all(result.errors == 0 for result in sides.values())
    print(f"app / floor throughput: {app.throughput / floor.throughput:.0%}; required work / floor: "
          f"{required.throughput / floor.throughput:.0%} (the most an app doing this work could "
          "reach)")
    print(f"app / required work throughput: {ratio:.0%} (target >= {TARGET:.0%} with zero errors): "
          f"{'met' if met else 'NOT met'}")
    for result in sides.values():
        for name, s in result.per_kind.items():
            for sample in s.error_samples:
                print(f"  error in {name}: {sample}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/feedback_bench"))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL"),
                        help="rate-limit storage of the app side (default REDIS_URL; else memory)")
    parser.add_argument("--duration", type=float, default=30, help="measured seconds per side")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds per side")
    parser.add_argument("--round", type=float, default=10,
                        help="the sides alternate in rounds of about this many seconds")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--clients", type=int, default=None, help="default: 2 x workers")
    parser.add_argument("--pages", action="store_true",
                        help="add the form and thank-you pages around each submission to the mix")
    parser.add_argument("--max-rate", type=float, default=400,
                        help="answers per second to issue household codes for")
    parser.add_argument("--sms-share", type=float, default=0.5,
                        help="share of the app's requests that are SMS webhooks (0 to 1)")
    args = parser.parse_args()
    args.clients = args.clients or 2 * args.workers
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the benchmark runs on PostgreSQL (--database-url postgresql+psycopg://...)")

    from bench.required_work import required_mix, setup, stored_answers  # (it imports this file)

    conditions.print_line()
    ensure_database(args.database_url)
    codes_needed = int(args.max_rate * (args.duration + args.warmup))
    traffic, campaign = prepare(args.database_url, codes_needed)
    yardstick, yardstick_campaign = prepare(args.database_url, codes_needed=1)
    required_env = setup(args.database_url, yardstick_campaign, yardstick.items)
    prefix = f"{campaign}-limits"
    common = {"DATABASE_URL": args.database_url, "SECRET_KEY": uuid.uuid4().hex * 2}
    app_env = {**common, "FEEDBACK_ENV": "production", "TRUSTED_PROXIES": "1",
               "RATELIMIT_KEY_PREFIX": prefix, "REDIS_URL": args.redis_url or ""}
    app_env.update(PUBLIC_BASE_URL=BASE_URL, TWILIO_AUTH_TOKEN=TOKEN, SMS_BACKEND="console")
    sms = SmsTraffic(lambda: traffic._next(traffic._fresh), concurrent=4 * args.clients,
                     items=len(traffic.items))
    mixes = {"floor": floor_mix(), "required": required_mix(yardstick.items, args.sms_share),
             "app": resident_mix(traffic, args.pages, sms, args.sms_share)}
    rounds = args.rounds = max(1, round(args.duration / args.round))
    measured_rounds: dict[str, list[Result]] = {side: [] for side in mixes}
    warmups: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="feedback-bench-") as logs, \
            Gunicorn("bench.floor_app:app", common, args.workers, Path(logs)) as floor_server, \
            Gunicorn("bench.required_app:app", {**common, **required_env}, args.workers,
                     Path(logs)) as required_server, \
            Gunicorn("wsgi:app", app_env, args.workers, Path(logs)) as app_server:
        servers = {"floor": floor_server, "required": required_server, "app": app_server}
        for side, server in servers.items():
            warmups[side] = run(server.port, mixes[side], args.clients, args.warmup, 0)
        machine = {side: meter(server) for side, server in servers.items()}
        # Alternate short rounds, so that whatever else the machine does weighs on every side.
        for _ in range(rounds):
            for side, server in servers.items():
                measured_rounds[side].append(measured(server, machine[side], mixes[side], args,
                                                      args.duration / rounds))
    sides = {side: merge(results) for side, results in measured_rounds.items()}
    report(sides, args.workers, args, machine)
    floor, required, app = sides["floor"], sides["required"], sides["app"]

    rids, sms_stored, floor_rows = stored(args.database_url, campaign)
    floor_ok = merge([warmups["floor"], *measured_rounds["floor"]]).per_kind[
        floor_mix()[0].name].successes_total
    required_answers = stored_answers(args.database_url, yardstick_campaign)
    required_ok = merge([warmups["required"], *measured_rounds["required"]]).per_kind[
        mixes["required"][0].name].successes_total
    consistent = (rids == set(traffic.stored_rids) and floor_rows == floor_ok
                  and sms_stored == sms.completed and required_answers == required_ok)
    print(f"database: {len(rids)} web answers stored for {len(traffic.stored_rids)} success replies "
          f"(the same rids: {rids == set(traffic.stored_rids)}); {sms_stored} SMS answers for "
          f"{sms.completed} conversations completed; required work: {required_answers} answers "
          f"for {required_ok} replies; floor: {floor_rows} rows for {floor_ok} replies: "
          f"{'consistent' if consistent else 'MISMATCH'}")
    print(f"rate limits counted in {'Redis' if args.redis_url else 'worker memory'}"
          + (f" (keys {prefix}*)" if args.redis_url else ""))
    if traffic.ran_out:
        print("warning: the household codes ran out; raise --max-rate")
    if args.redis_url:
        import redis

        client = redis.Redis.from_url(args.redis_url)
        for key in client.scan_iter(match=f"*{prefix}*"):
            client.delete(key)
    errors = app.errors + floor.errors + required.errors
    return 0 if consistent and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
