"""Throughput of the SMS webhook, side by side with a bare Flask endpoint on the same server.

One multi-threaded server process (werkzeug, 127.0.0.1, a free port) serves the app with three more
routes, each returning a constant TwiML reply:

- POST /bench/bare reads the form (the issue's comparison);
- POST /bench/insert also inserts one row in its own committed transaction (the floor of any
  webhook that stores what it received, as bench/load.py uses);
- POST /bench/required does the database work that no correct webhook can skip, and nothing else:
  the sender's keyed hash (numbers are never stored), its conversation state read and locked, the
  new state written, the MessageSid stored for idempotency, committed (three statements, on
  tables of its own). No signature check, rate limit, parsing or reply text.

The load loop (in this process, bounded in count and time) replays the same signed Twilio posts
against each route: for the webhook they are whole conversations (household code, then one answer
per message, each a new MessageSid), so every request runs a dialogue step and the last one
records a response. The server's CPU time per request is read from /proc for each route.

    .venv/bin/python bench/sms_webhook.py [--requests 1500] [--threads 4] [--database-url URL]

Prints requests/second for the four and the ratios (target: webhook >= 0.5 x bare). With
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

from bench import cpu

BASE = "https://bench.example.vn"
TOKEN = "bench-auth-token"
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'


FLOOR = "bench_sms_floor"
PHONES = 10_000  # the benchmark's phones: +8491 and seven digits


def _phone(n: int) -> str:
    return f"+8491{n:07d}"


def _tables():  # type: ignore[no-untyped-def]
    """The one-row floor's table, and the required work's: a state per phone, the MessageSids."""
    from sqlalchemy import JSON, Column, Integer, MetaData, String, Table

    metadata = MetaData()
    return (
        Table(FLOOR, metadata, Column("id", Integer, primary_key=True),
              Column("sid", String(64), nullable=False)),
        Table("bench_sms_state", metadata, Column("number_hash", String(64), primary_key=True),
              Column("position", Integer, nullable=False), Column("answers", JSON, nullable=False)),
        Table("bench_sms_seen", metadata, Column("message_sid", String(64), primary_key=True)),
    )


def _make_app(database_url: str):  # type: ignore[no-untyped-def]
    from flask import Response, request
    from sqlalchemy import bindparam, insert, select, update

    from feedback_app import create_app
    from feedback_app.database import DIALECTS, dialect_insert, writing
    from feedback_app.extensions import csrf, db
    from feedback_app.services.sms.numbers import hash_of

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "TESTING": False,
                      "PUBLIC_BASE_URL": BASE, "SMS_BACKEND": "fake", "REDIS_URL": None,
                      "TWILIO_AUTH_TOKEN": TOKEN})

    @app.post("/bench/bare")
    @csrf.exempt
    def bare() -> Response:
        request.form.get("Body")
        return Response(TWIML, mimetype="application/xml")

    floor, state, seen = _tables()

    @app.post("/bench/insert")
    @csrf.exempt
    def insert_one() -> Response:
        db.session.execute(insert(floor).values(sid=request.form.get("MessageSid", "")))
        db.session.commit()
        return Response(TWIML, mimetype="application/xml")

    read_state = (select(state.c.position, state.c.answers)
                  .where(state.c.number_hash == bindparam("hashed")).with_for_update())
    write_state = (update(state).where(state.c.number_hash == bindparam("hashed"))
                   .values(position=bindparam("position"), answers=bindparam("answers")))
    store_sid = {dialect: dialect_insert(seen, dialect).on_conflict_do_nothing()
                 .returning(seen.c.message_sid) for dialect in DIALECTS}

    @app.post("/bench/required")
    @csrf.exempt
    def required() -> Response:
        form = request.form
        hashed = hash_of(form.get("From", ""))
        connection = writing(db.session)
        row = connection.execute(read_state, {"hashed": hashed}).one()
        connection.execute(write_state, {"hashed": hashed, "position": row.position + 1,
                                         "answers": [*row.answers, 1]})
        connection.execute(store_sid[connection.dialect.name],
                           {"message_sid": form.get("MessageSid", "")}).first()
        db.session.commit()
        return Response(TWIML, mimetype="application/xml")

    return app


def _prepare(database_url: str) -> list[str]:
    """Migrate, create the demo campaign, return its unused household codes."""
    from flask_migrate import upgrade

    from feedback_app.clock import local_today
    from feedback_app.config import PROJECT_ROOT
    from feedback_app.extensions import db
    from feedback_app.services.campaigns.setup import code_rows
    from feedback_app.services.demo.province import ensure_demo
    from feedback_app.services.sms.numbers import hash_of

    app = _make_app(database_url)
    with app.app_context():
        upgrade()
        demo = ensure_demo(PROJECT_ROOT / "surveys", local_today())
        db.session.commit()
        floor, state, _ = _tables()
        floor.metadata.create_all(db.engine)
        with db.engine.begin() as conn:
            conn.execute(state.delete())
            conn.execute(state.insert(), [{"number_hash": hash_of(_phone(n)), "position": 0,
                                           "answers": []} for n in range(PHONES)])
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
    for n, code in enumerate(codes[:PHONES]):
        if total >= count:
            break
        phone = _phone(n)
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
        routes = {"bare": "/bench/bare", "insert": "/bench/insert", "required": "/bench/required",
                  "webhook": "/sms/twilio"}
        results: dict[str, list[float]] = {name: [] for name in routes}
        server_cpu = {name: cpu.Meter({"server": cpu.tree(server.pid)}) for name in routes}
        served = dict.fromkeys(routes, 0)
        for round_ in range(args.rounds):
            mine = conversations[round_ * per_round: (round_ + 1) * per_round]
            hook: list[list[tuple[str, bytes, dict[str, str]]]] = [[] for _ in range(args.threads)]
            for i, conversation in enumerate(mine):
                hook[i % args.threads].extend(_signed("/sms/twilio", p) for p in conversation)
            # The same posts (bytes and headers) to every route; the webhook's last, since it
            # moves the conversations on.
            sends = {name: [[(path, body, headers) for _, body, headers in s] for s in hook]
                     for name, path in routes.items()}
            if round_ == 0:
                for name in ("bare", "insert"):  # warm-up
                    _load(port, [s[:20] for s in sends[name]], args.time_limit)
            line = []
            for name in routes:
                server_cpu[name].start()
                rps, ok, errors = _load(port, sends[name], args.time_limit)
                server_cpu[name].stop()
                served[name] += ok + errors
                results[name].append(rps)
                line.append(f"{name} {rps:7.1f} req/s ({errors} errors)")
            print(f"round {round_ + 1}: " + "   ".join(line))
        mid = {name: median(values) for name, values in results.items()}
        per_request = {name: server_cpu[name].per_request_ms(served[name])["server"] for name in routes}
        showing_cpu = cpu.available()
        for name, title in (("bare", "bare Flask endpoint"), ("insert", "endpoint inserting one row"),
                            ("required", "the required work"), ("webhook", "SMS webhook")):
            extra = f"   server CPU {per_request[name]:.2f} ms/request" if showing_cpu else ""
            print(f"{title + ':':28}{mid[name]:7.1f} req/s (median of {args.rounds} rounds){extra}")
        ratio = mid["webhook"] / mid["bare"]
        print(f"ratio webhook/bare:          {ratio:.2f} (target >= 0.5: "
              f"{'met' if ratio >= 0.5 else 'NOT met'})")
        print(f"ratio webhook/insert-floor:  {mid['webhook'] / mid['insert']:.2f}")
        print(f"ratio webhook/required work: {mid['webhook'] / mid['required']:.2f}")
        print(f"ratio required work/bare:    {mid['required'] / mid['bare']:.2f} (the most any "
              "webhook doing this work could reach)")
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
