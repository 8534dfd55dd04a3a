"""Throughput of the SMS webhook against the work it must do, on the same server, in one run.

One multi-threaded server process (werkzeug, 127.0.0.1, a free port) serves the app with three more
routes, each returning a constant TwiML reply:

- POST /bench/bare reads the form (printed for reference);
- POST /bench/insert also inserts one row in its own committed transaction (the floor of any
  webhook that stores what it received, as bench/load.py uses);
- POST /bench/required does the database work that no correct webhook can skip, and nothing else:
  the sender's keyed hash (numbers are never stored), its conversation state read and locked, the
  new state written, the MessageSid stored for idempotency (three statements, on tables of its
  own), and on a conversation's last message the response recorded in the demo campaign with its
  answers and the commune's, questions' and day's counters (five statements on the app's tables),
  committed. No signature check, rate limit, parsing or reply text.

The load loop (in this process, bounded in time) sends the same signed Twilio posts to each route,
the routes taking turns in rounds: for the webhook they are whole conversations of the demo
campaign (household code, 20 answers with one asked again, K for no comment), each post a new
MessageSid and each phone's next message sent after the reply to its previous one, so every
request runs a dialogue step and the last of each conversation records a response; the other
routes replay the same posts. The server's CPU time per request is read from /proc for each route.
Afterwards the database must hold one SMS response per conversation whose every message got its
200 reply, and no other.

    .venv/bin/python bench/sms_webhook.py [--duration 30] [--rounds 3] [--threads 4] [--database-url URL]

Prints requests/second for the four and the ratios; the target (issue 21): webhook >= 0.8 x the
required work, with zero errors (the 5-minute run: --duration 300). With --database-url give an
empty database.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import math
import multiprocessing
import os
import socket
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import conditions, cpu
from bench.load import count
from bench.loadgen import Request, send
from bench.sms_traffic import replies

BASE = "https://bench.example.vn"
TOKEN = "bench-auth-token"
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>'


FLOOR = "bench_sms_floor"
TARGET = 0.8  # webhook / required work


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

    record = _recording()
    target: dict[str, Any] = {}

    @app.post("/bench/required")
    @csrf.exempt
    def required() -> Response:
        form = request.form
        hashed = hash_of(form.get("From", ""))
        connection = writing(db.session)
        if not target:
            target.update(_demo_target(connection))
        row = connection.execute(read_state, {"hashed": hashed}).one()
        answers = [*row.answers, 1][-len(target["items"]):]
        connection.execute(write_state, {"hashed": hashed, "position": row.position + 1,
                                         "answers": answers})
        connection.execute(store_sid[connection.dialect.name],
                           {"message_sid": form.get("MessageSid", "")}).first()
        if (row.position + 1) % (len(target["items"]) + 3) == 0:  # the conversation's last message
            record(connection, target)
        db.session.commit()
        return Response(TWIML, mimetype="application/xml")

    return app


def _demo_target(connection):  # type: ignore[no-untyped-def]
    """The demo campaign's id, communes and question ids: where the required work records."""
    from sqlalchemy import text

    from feedback_app.services.demo.province import DEMO_CAMPAIGN

    campaign = connection.execute(text("SELECT id FROM campaigns WHERE key = :key"),
                                  {"key": DEMO_CAMPAIGN}).scalar_one()
    communes = list(connection.execute(text(
        "SELECT unit_id FROM campaign_communes WHERE campaign_id = :c"), {"c": campaign}).scalars())
    items = list(connection.execute(text(
        "SELECT DISTINCT item_id FROM counter_items WHERE campaign_id = :c ORDER BY item_id"),
        {"c": campaign}).scalars())
    return {"campaign": campaign, "communes": communes, "items": items}


def _recording():  # type: ignore[no-untyped-def]
    """A response's required writes, in the statements the app needs at least: the response, its
    answers (one multi-row INSERT), the commune's and the questions' counters, the day's (upsert).
    Recorded without a household code, so the database check below does not count it."""
    import hashlib
    import random

    from sqlalchemy import bindparam, case, insert, update

    from feedback_app.clock import local_today, utcnow
    from feedback_app.database import DIALECTS, dialect_insert
    from feedback_app.models import Answer, CommuneCounter, DailyCounter, ItemCounter
    from feedback_app.models import Response as ResponseRow

    responses, answers = ResponseRow.__table__, Answer.__table__
    communes, items, daily = (CommuneCounter.__table__, ItemCounter.__table__,
                              DailyCounter.__table__)
    add_response = insert(responses).returning(responses.c.id)
    count_commune = (update(communes).where(communes.c.campaign_id == bindparam("c"),
                                            communes.c.commune_id == bindparam("m"))
                     .values(respondents=communes.c.respondents + 1, via_sms=communes.c.via_sms + 1,
                             overall_valid=communes.c.overall_valid + 1,
                             overall_satisfied=communes.c.overall_satisfied + 1))
    count_items = (update(items).where(items.c.campaign_id == bindparam("c"),
                                       items.c.commune_id == bindparam("m"))
                   .values(satisfied=items.c.satisfied + case((items.c.item_id.in_(
                       bindparam("satisfied", expanding=True)), 1), else_=0),
                           valid=items.c.valid + 1))
    count_day = {dialect: dialect_insert(daily, dialect).on_conflict_do_update(
        index_elements=["campaign_id", "commune_id", "day", "channel"],
        set_={"responses": daily.c.responses + 1}) for dialect in DIALECTS}

    def record(connection, target: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
        rid = str(uuid.uuid4())
        commune = random.choice(target["communes"])
        response_id = connection.execute(add_response, {
            "uuid": rid, "campaign_id": target["campaign"], "commune_id": commune,
            "channel": "sms", "content_hash": hashlib.sha256(rid.encode()).hexdigest(),
            "created_at": utcnow()}).scalar_one()
        connection.execute(insert(answers), [{"response_id": response_id, "item_id": item,
                                              "value": 1} for item in target["items"]])
        connection.execute(count_commune, {"c": target["campaign"], "m": commune})
        connection.execute(count_items, {"c": target["campaign"], "m": commune,
                                         "satisfied": target["items"]})
        connection.execute(count_day[connection.dialect.name], {
            "campaign_id": target["campaign"], "commune_id": commune, "day": local_today(),
            "channel": "sms", "responses": 1})

    return record


def _prepare(database_url: str, conversations: int) -> tuple[list[str], int]:
    """Migrate, create the demo campaign with at least `conversations` unused household codes and
    a required-work state for as many phones; return the codes and the survey's question count."""
    from flask_migrate import upgrade

    from feedback_app.clock import local_today
    from feedback_app.config import PROJECT_ROOT
    from feedback_app.extensions import db
    from feedback_app.services.campaigns.setup import code_rows, issue_codes
    from feedback_app.services.demo.province import ensure_demo
    from feedback_app.services.sms.numbers import hash_of
    from feedback_app.services.surveys import survey_of

    app = _make_app(database_url)
    with app.app_context():
        upgrade()
        demo = ensure_demo(PROJECT_ROOT / "surveys", local_today())
        db.session.commit()
        unused = sum(1 for _ in code_rows(demo.campaign, unused_only=True))
        if unused < conversations:
            communes = demo.campaign.communes
            for commune in communes:
                issue_codes(demo.campaign, commune, -(-(conversations - unused) // len(communes)))
            db.session.commit()
        floor, state, _ = _tables()
        floor.metadata.create_all(db.engine)
        with db.engine.begin() as conn:
            conn.execute(state.delete())
            conn.execute(state.insert(), [{"number_hash": hash_of(_phone(n)), "position": 0,
                                           "answers": []} for n in range(conversations)])
        items = len(survey_of(demo.campaign.survey_version).item_ids)
        return [row.code for row in code_rows(demo.campaign, unused_only=True)][:conversations], items


def _sms_responses(database_url: str) -> int:
    """SMS responses with a household code in the database: the webhook's (the required work
    records none with a code)."""
    return count(database_url, "SELECT count(*) FROM responses WHERE channel = 'sms' "
                 "AND household_code_id IS NOT NULL")


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


def _signed(path: str, params: dict[str, str]) -> tuple[str, str, dict[str, str]]:
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(TOKEN).compute_signature(BASE + path, params)
    headers = {"X-Twilio-Signature": signature,
               "Content-Type": "application/x-www-form-urlencoded"}
    return path, urlencode(params), headers


Post = tuple[str, str, dict[str, str]]


def _conversations(codes: list[str], items: int) -> list[list[dict[str, str]]]:
    """Form posts of whole conversations: code, an answer to each question (one asked again), K
    for no comment, from one phone each."""
    return [[{"MessageSid": "SM" + uuid.uuid4().hex, "From": _phone(n), "To": "+84900000000",
              "Body": body} for body in [f"HL {code}", *replies(items)]]
            for n, code in enumerate(codes)]


@dataclass
class Measured:
    seconds: float = 0.0
    ok: int = 0
    errors: int = 0
    completed: int = 0  # conversations whose every message got its 200 reply
    samples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return self.ok + self.errors

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def add(self, other: Measured) -> None:
        self.seconds += other.seconds
        self.ok += other.ok
        self.errors += other.errors
        self.completed += other.completed
        self.samples.extend(other.samples[: 5 - len(self.samples)])


def _load(port: int, slices: list[list[list[Post]]], seconds: float, replay: bool,
          total: Measured) -> float:
    """Each client thread sends its slice of conversations, in order, for `seconds`; with `replay`
    it starts its slice again when done (the routes that keep no conversation). Adds to `total`;
    returns this turn's requests per second."""
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    turn = Measured()

    def client(mine: list[list[Post]]) -> None:
        mine_turn = Measured()
        for conversation in itertools.cycle(mine) if replay and mine else mine:
            if time.monotonic() > deadline:
                break
            answered = 0
            for path, body, headers in conversation:
                if time.monotonic() > deadline:
                    break
                try:
                    status, text = send(port, Request("POST", path, 200, body, headers))
                except (OSError, http.client.HTTPException) as exc:
                    status, text = 0, str(exc)
                if status == 200:
                    answered += 1
                elif len(mine_turn.samples) < 3:
                    mine_turn.samples.append(f"{status}: {text[:120]!r}")
                mine_turn.errors += status != 200
            mine_turn.ok += answered
            mine_turn.completed += answered == len(conversation)
        with lock:
            turn.add(mine_turn)

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(s,)) for s in slices]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    turn.seconds = time.perf_counter() - started
    total.add(turn)
    return turn.throughput


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0,
                        help="measured seconds per route, over all rounds (the issue's run: 300)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-rate", type=float, default=1000.0,
                        help="webhook requests per second to prepare conversations for")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    conditions.print_line()
    workdir = tempfile.mkdtemp(prefix="bench-sms-")
    database_url = args.database_url or f"sqlite:///{workdir}/bench.sqlite"
    # A conversation is at most 1 + 20 + 2 messages (the code, the answers, one asked again, K).
    per_round = math.ceil(args.max_rate * args.duration / args.rounds / 23)
    codes, items = _prepare(database_url, per_round * args.rounds)
    before = _sms_responses(database_url)
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
        conversations = _conversations(codes, items)
        print(f"server: werkzeug threaded, 1 process; clients: {args.threads} threads; "
              f"database: {database_url.split(':')[0]}; {args.duration:g} s per route in "
              f"{args.rounds} rounds; {len(codes)} conversations prepared, {items + 3} messages "
              "each")
        routes = {"bare": "/bench/bare", "insert": "/bench/insert", "required": "/bench/required",
                  "webhook": "/sms/twilio"}
        totals = {name: Measured() for name in routes}
        server_cpu = {name: cpu.Meter({"server": cpu.tree(server.pid)}) for name in routes}
        for round_ in range(args.rounds):
            mine = conversations[round_ * per_round: (round_ + 1) * per_round]
            hook: list[list[list[Post]]] = [[] for _ in range(args.threads)]
            for i, conversation in enumerate(mine):
                hook[i % args.threads].append([_signed("/sms/twilio", p) for p in conversation])
            # The same posts (bytes and headers) to every route; the webhook's last, since it
            # moves the conversations on.
            sends = {name: [[[(path, body, headers) for _, body, headers in c] for c in s]
                            for s in hook] for name, path in routes.items()}
            if round_ == 0:
                for name in ("bare", "insert", "required"):  # warm-up
                    _load(port, [s[:1] for s in sends[name]], 2, False, Measured())
            line = []
            for name in routes:
                server_cpu[name].start()
                rps = _load(port, sends[name], args.duration / args.rounds, name != "webhook",
                            totals[name])
                server_cpu[name].stop()
                line.append(f"{name} {rps:7.1f} req/s")
            print(f"round {round_ + 1}: " + "   ".join(line), flush=True)
        rate = {name: total.throughput for name, total in totals.items()}
        per_request = {name: server_cpu[name].per_request_ms(totals[name].requests)["server"]
                       for name in routes}
        showing_cpu = cpu.available()
        print(f"{'':28}{'req/s':>8}{'requests':>10}{'errors':>8}"
              f"{'server CPU ms/request' if showing_cpu else '':>24}")
        for name, title in (("bare", "bare Flask endpoint"), ("insert", "endpoint inserting one row"),
                            ("required", "the required work"), ("webhook", "SMS webhook")):
            total = totals[name]
            extra = f"{per_request[name]:>24.2f}" if showing_cpu else ""
            print(f"{title + ':':28}{rate[name]:8.1f}{total.requests:>10}{total.errors:>8}{extra}")
        errors = sum(total.errors for total in totals.values())
        ratio = rate["webhook"] / rate["required"]
        met = ratio >= TARGET and errors == 0
        print(f"ratio webhook/bare:          {rate['webhook'] / rate['bare']:.2f}")
        print(f"ratio webhook/insert-floor:  {rate['webhook'] / rate['insert']:.2f}")
        print(f"ratio required work/bare:    {rate['required'] / rate['bare']:.2f} (the most any "
              "webhook doing this work could reach)")
        print(f"ratio webhook/required work: {ratio:.2f} (target >= {TARGET} with zero errors: "
              f"{'met' if met else 'NOT met'})")
        for name, total in totals.items():
            for sample in total.samples:
                print(f"  error in {name}: {sample}")
    finally:
        server.terminate()
        server.join()
    stored = _sms_responses(database_url) - before
    completed = totals["webhook"].completed
    consistent = stored == completed
    print(f"database: {stored} SMS responses recorded for {completed} conversations whose every "
          f"message got its reply: {'consistent' if consistent else 'MISMATCH'}")
    return 0 if met and consistent else 1


if __name__ == "__main__":
    sys.exit(main())
