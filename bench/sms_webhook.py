"""Throughput of the SMS webhook, side by side with a bare Flask endpoint on the same server.

One multi-threaded server process (werkzeug, 127.0.0.1, a free port) serves the app with two more
routes: POST /bench/bare reads the form and returns a constant TwiML reply (the issue's
comparison), and POST /bench/insert does the same after inserting one row in its own committed
transaction (the floor of any webhook that stores what it received, as bench/load.py uses). The load loop (in
this process, bounded in count and time) replays the same signed Twilio posts against both routes:
for the webhook they are whole conversations (household code, then one answer per message, each a
new MessageSid), so every request runs a dialogue step and the last one records a response.

    .venv/bin/python bench/sms_webhook.py [--requests 1500] [--threads 4] [--database-url URL]

Prints requests/second for the three and the ratios (target: webhook >= 0.5 x bare). With
--database-url give an empty database (the demo campaign's unused codes are the conversations).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BASE = "https://bench.example.vn"
TOKEN = "bench-auth-token"
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'


FLOOR = "bench_sms_floor"


def _floor_table():  # type: ignore[no-untyped-def]
    from sqlalchemy import Column, Integer, MetaData, String, Table

    return Table(FLOOR, MetaData(), Column("id", Integer, primary_key=True),
                 Column("sid", String(64), nullable=False))


def _make_app(database_url: str):  # type: ignore[no-untyped-def]
    from flask import Response, request
    from sqlalchemy import insert

    from feedback_app import create_app
    from feedback_app.extensions import csrf, db

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "TESTING": False,
                      "PUBLIC_BASE_URL": BASE, "SMS_BACKEND": "fake", "REDIS_URL": None,
                      "TWILIO_AUTH_TOKEN": TOKEN})

    @app.post("/bench/bare")
    @csrf.exempt
    def bare() -> Response:
        request.form.get("Body")
        return Response(TWIML, mimetype="application/xml")

    floor = _floor_table()

    @app.post("/bench/insert")
    @csrf.exempt
    def insert_one() -> Response:
        db.session.execute(insert(floor).values(sid=request.form.get("MessageSid", "")))
        db.session.commit()
        return Response(TWIML, mimetype="application/xml")

    return app


def _prepare(database_url: str) -> list[str]:
    """Migrate, create the demo campaign, return its unused household codes."""
    from flask_migrate import upgrade

    from feedback_app.config import PROJECT_ROOT
    from feedback_app.extensions import db
    from feedback_app.services.campaigns import code_rows
    from feedback_app.services.demo import ensure_demo
    from feedback_app.services.responses import local_today

    app = _make_app(database_url)
    with app.app_context():
        upgrade()
        demo = ensure_demo(PROJECT_ROOT / "surveys", local_today())
        db.session.commit()
        _floor_table().create(db.engine, checkfirst=True)
        return [row.code for row in code_rows(demo.campaign, unused_only=True)]


def _serve(database_url: str, port: int) -> None:
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("feedback_app").setLevel(logging.WARNING)
    make_server("127.0.0.1", port, _make_app(database_url), threaded=True).serve_forever()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _signed(path: str, params: dict[str, str]) -> tuple[str, bytes, dict[str, str]]:
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(TOKEN).compute_signature(BASE + path, params)
    headers = {"X-Twilio-Signature": signature,
               "Content-Type": "application/x-www-form-urlencoded"}
    return path, urlencode(params).encode(), headers


def _conversations(codes: list[str], count: int) -> list[list[dict[str, str]]]:
    """Form posts of whole conversations: code, then 20 answers, from one phone each."""
    answers = ["1", "2", "hai long", "khong", "0", "1", "1", "2", "1", "1",
               "1", "1", "x", "1", "1", "2", "1", "1", "1", "1", "1"]
    batches: list[list[dict[str, str]]] = []
    total = 0
    for n, code in enumerate(codes):
        if total >= count:
            break
        phone = f"+8491{n:07d}"
        bodies = [f"HL {code}", *answers]
        batches.append([{"MessageSid": "SM" + uuid.uuid4().hex, "From": phone, "To": "+84900000000",
                         "Body": body} for body in bodies])
        total += len(bodies)
    return batches


def _load(port: int, slices: list[list[tuple[str, bytes, dict[str, str]]]],
          time_limit: float) -> tuple[float, int, int]:
    """Each slice is sent in order by its own client thread; returns (req/s, ok, errors)."""
    ok = errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit

    def client(mine: list[tuple[str, bytes, dict[str, str]]]) -> None:
        nonlocal ok, errors
        good = bad = 0
        for path, body, headers in mine:
            if time.monotonic() > deadline:
                break
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            good, bad = (good + 1, bad) if response.status == 200 else (good, bad + 1)
        with lock:
            ok += good
            errors += bad

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(s,)) for s in slices]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    return (ok + errors) / elapsed, ok, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per measurement")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-sms-")
    database_url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    codes = _prepare(database_url)
    port = _free_port()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(database_url, port), daemon=True)
    server.start()
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        conversations = _conversations(codes, args.requests * args.rounds)
        per_round = max(1, len(conversations) // args.rounds)
        print(f"server: werkzeug threaded, 1 process; clients: {args.threads} threads; "
              f"database: {database_url.split(':')[0]}; {len(codes)} household codes")
        results: dict[str, list[float]] = {"bare": [], "insert": [], "webhook": []}
        for round_ in range(args.rounds):
            mine = conversations[round_ * per_round: (round_ + 1) * per_round]
            hook: list[list[tuple[str, bytes, dict[str, str]]]] = [[] for _ in range(args.threads)]
            for i, conversation in enumerate(mine):
                hook[i % args.threads].extend(_signed("/sms/twilio", p) for p in conversation)
            bare = [[("/bench/bare", body, headers) for _, body, headers in s] for s in hook]
            floor = [[("/bench/insert", body, headers) for _, body, headers in s] for s in hook]
            if round_ == 0:
                _load(port, [s[:20] for s in bare], args.time_limit)  # warm-up
                _load(port, [s[:20] for s in floor], args.time_limit)
            rps_bare, _, bare_errors = _load(port, bare, args.time_limit)
            rps_floor, _, floor_errors = _load(port, floor, args.time_limit)
            rps_hook, ok, hook_errors = _load(port, hook, args.time_limit)
            results["bare"].append(rps_bare)
            results["insert"].append(rps_floor)
            results["webhook"].append(rps_hook)
            print(f"round {round_ + 1}: bare {rps_bare:7.1f} req/s ({bare_errors} errors)   "
                  f"insert {rps_floor:7.1f} req/s ({floor_errors} errors)   "
                  f"webhook {rps_hook:7.1f} req/s ({hook_errors} errors, {ok} ok)")
        bare_mid, floor_mid = median(results["bare"]), median(results["insert"])
        hook_mid = median(results["webhook"])
        print(f"bare Flask endpoint:        {bare_mid:.1f} req/s (median of {args.rounds} rounds)")
        print(f"endpoint inserting one row: {floor_mid:.1f} req/s")
        print(f"SMS webhook:                {hook_mid:.1f} req/s")
        print(f"ratio webhook/bare:         {hook_mid / bare_mid:.2f} (target >= 0.5: "
              f"{'met' if hook_mid / bare_mid >= 0.5 else 'NOT met'})")
        print(f"ratio webhook/insert-floor: {hook_mid / floor_mid:.2f}")
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
