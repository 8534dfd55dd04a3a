"""The database work the app cannot avoid, in a bare Flask app: bench/required_work.py's yardstick.

Two endpoints do what the issues require of every answer and every SMS step, and nothing else (no
validation, no rate limit, no signature check, no page), in the fewest statements PostgreSQL allows:

- POST /answer: one household's answers stored with the index counters in the same transaction
  (issue 4): the response row, its 20 answers, the commune's (its household-code answers apart
  too), questions' and day's counters, all in ONE statement (data-modifying CTEs).
- POST /sms: one SMS step: the sender's keyed hash (issue 3: numbers are never stored), the
  running conversation read and locked, its new state saved and the MessageSid stored with its
  reply (idempotency), in two statements; on a conversation's last message (every
  REQUIRED_CONVERSATION-th step of a phone) also the response, like /answer's, in one more.

Same engine settings as the app (psycopg 3, pool_pre_ping). Configured by bench/required_work.py
through the environment: DATABASE_URL, REQUIRED_CAMPAIGN (campaign id), REQUIRED_COMMUNES (unit
ids), REQUIRED_ITEMS (question ids), REQUIRED_KEY (the number-hash key).

    DATABASE_URL=postgresql+psycopg://... gunicorn -c gunicorn.conf.py bench.required_app:app
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import uuid

from flask import Flask, request
from sqlalchemy import create_engine, text

from feedback_app.config import normalise_database_url

engine = create_engine(normalise_database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True)
app = Flask(__name__)
CAMPAIGN = int(os.environ.get("REQUIRED_CAMPAIGN", "0"))
COMMUNES = [int(c) for c in os.environ.get("REQUIRED_COMMUNES", "0").split(",")]
ITEMS = os.environ.get("REQUIRED_ITEMS", "overall").split(",")
# Messages in a conversation: the household code, an answer per question, one asked again, K.
MESSAGES = int(os.environ.get("REQUIRED_CONVERSATION", str(len(ITEMS) + 3)))
KEY = os.environ.get("REQUIRED_KEY", "bench").encode()

ANSWER_SQL = """
WITH r AS (
    INSERT INTO responses (uuid, campaign_id, commune_id, channel, content_hash, created_at)
    VALUES (:uuid, :campaign, :commune, 'web', :hash, now() AT TIME ZONE 'utc') RETURNING id),
a AS (
    INSERT INTO answers (response_id, item_id, value)
    SELECT r.id, t.item, t.value FROM r,
           unnest(CAST(:items AS varchar[]), CAST(:answer_values AS smallint[])) AS t(item, value)),
c AS (
    UPDATE counter_communes SET respondents = respondents + 1, via_web = via_web + 1,
           overall_valid = overall_valid + :overall_valid,
           overall_satisfied = overall_satisfied + :overall_satisfied,
           coded_respondents = coded_respondents + :coded,
           coded_overall_valid = coded_overall_valid + :coded_valid,
           coded_overall_satisfied = coded_overall_satisfied + :coded_satisfied
    WHERE campaign_id = :campaign AND commune_id = :commune),
q AS (
    UPDATE counter_items SET
           satisfied = satisfied + CASE WHEN item_id = ANY(CAST(:satisfied AS varchar[])) THEN 1 ELSE 0 END,
           valid = valid + CASE WHEN item_id = ANY(CAST(:valid AS varchar[])) THEN 1 ELSE 0 END,
           no_opinion = no_opinion + CASE WHEN item_id = ANY(CAST(:no_opinion AS varchar[])) THEN 1 ELSE 0 END
    WHERE campaign_id = :campaign AND commune_id = :commune AND item_id = ANY(CAST(:items AS varchar[]))),
d AS (
    INSERT INTO counter_daily (campaign_id, commune_id, day, channel, responses)
    VALUES (:campaign, :commune, CAST(now() AT TIME ZONE 'Asia/Ho_Chi_Minh' AS date), 'web', 1)
    ON CONFLICT (campaign_id, commune_id, day, channel)
    DO UPDATE SET responses = counter_daily.responses + 1)
SELECT id FROM r
"""
ANSWER = text(ANSWER_SQL)
# The same for an SMS conversation's response (its channel and its counter).
SMS_ANSWER = text(ANSWER_SQL.replace("'web'", "'sms'").replace("via_web", "via_sms"))
CONVERSATION = text("""
SELECT id, position FROM sms_conversations
WHERE number_hash = :hashed AND status IN ('active', 'paused')
ORDER BY id DESC LIMIT 1 FOR UPDATE
""")
STEP = text("""
WITH s AS (
    UPDATE sms_conversations SET position = position + 1, invalid_streak = 0,
           answers = CAST(:answers AS json)
    WHERE id = :conversation)
INSERT INTO sms_inbound (message_sid, sealed, received_on)
VALUES (:sid, :sealed, CAST(now() AT TIME ZONE 'Asia/Ho_Chi_Minh' AS date))
ON CONFLICT (message_sid) DO NOTHING RETURNING message_sid
""")


def _answer_params(rid: str, values: dict[str, int], coded: bool) -> dict[str, object]:
    overall = values[ITEMS[0]]
    valid, satisfied = int(overall != 0), int(overall == 1)
    return {
        "uuid": rid, "campaign": CAMPAIGN, "commune": random.choice(COMMUNES),
        "hash": hashlib.sha256(rid.encode()).hexdigest(),
        "items": ITEMS, "answer_values": list(values.values()),
        "overall_valid": valid, "overall_satisfied": satisfied,
        # An answer with a household code is counted apart too (the dashboard's two kinds).
        "coded": int(coded), "coded_valid": valid * coded, "coded_satisfied": satisfied * coded,
        "satisfied": [i for i, v in values.items() if v == 1],
        "valid": [i for i, v in values.items() if v != 0],
        "no_opinion": [i for i, v in values.items() if v == 0],
    }


@app.post("/answer")
def answer() -> tuple[str, int]:
    form = request.form
    values = {item: int(form.get(f"q_{item}", "0")) for item in ITEMS}
    with engine.begin() as conn:
        conn.execute(ANSWER, _answer_params(form["rid"], values, form.get("coded") == "1"))
    return "stored", 201


@app.post("/sms")
def sms() -> tuple[str, int]:
    form = request.form
    hashed = hmac.new(KEY, form["From"].encode(), hashlib.sha256).hexdigest()
    with engine.begin() as conn:
        row = conn.execute(CONVERSATION, {"hashed": hashed}).first()
        if row is None:
            return "no conversation", 404
        stored = conn.execute(STEP, {
            "conversation": row.id,
            "answers": json.dumps([1] * min(len(ITEMS), row.position % MESSAGES + 1)),
            "sid": form["MessageSid"], "sealed": bytes(1040),  # the size of a sealed reply
        }).first()
        if (row.position + 1) % MESSAGES == 0:  # the last message: the response is recorded
            conn.execute(SMS_ANSWER, _answer_params(str(uuid.uuid4()), dict.fromkeys(ITEMS, 1),
                                                    coded=True))
    return ("stored", 200) if stored else ("repeat", 200)
