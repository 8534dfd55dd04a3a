"""Migration 0007 scrubs what SMS tables stored before: clear replies (household code and answers),
ended conversations, and times of day next to a number hash. Run on a database of its own (a
temporary SQLite file, or a scratch schema of TEST_DATABASE_URL's PostgreSQL database)."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from feedback_app.extensions import db

from ..support import migration_app, old_campaign

CODE = "582019374462817"
HASH_FINISHED, HASH_RUNNING, HASH_STOPPED = "a" * 64, "b" * 64, "c" * 64


def _old_rows(conn, campaign_id: int, commune_id: int) -> None:  # type: ignore[no-untyped-def]
    replies = '["Cam on Ong/Ba! Da ghi nhan phieu ho 58201 93744 62817: 1 2 1 2 0"]'
    conn.execute(text("INSERT INTO sms_inbound (message_sid, replies, created_at) VALUES "
                      "('SM1', :r, '2026-03-01 18:30:12.345')"), {"r": replies})
    conn.execute(text("INSERT INTO sms_numbers (number_hash, opted_out, updated_at) VALUES "
                      f"('{HASH_STOPPED}', TRUE, '2026-03-01 18:30:12.345')"))
    for hashed, status, answers in ((HASH_FINISHED, "finished", "[]"),
                                    (HASH_RUNNING, "active", "[1, 2]"),
                                    (HASH_STOPPED, "stopped", "[]")):
        conn.execute(text(
            "INSERT INTO sms_conversations (number_hash, campaign_id, commune_id, status, "
            "position, answers, invalid_streak, started_at, updated_at) VALUES (:h, :c, :m, :s, "
            "0, :a, 0, '2026-03-01 18:20:00.5', '2026-03-01 18:30:12.345')"),
            {"h": hashed, "c": campaign_id, "m": commune_id, "s": status, "a": answers})
    conn.execute(text("INSERT INTO sms_open_answers (campaign_id, number_hash, created_at) VALUES "
                      f"(:c, '{HASH_FINISHED}', '2026-03-01 18:30:12.345')"), {"c": campaign_id})


def test_migration_scrubs_codes_answers_ended_conversations_and_times(database_url):
    app = migration_app(database_url)
    with app.app_context():
        campaign_id, commune_id = old_campaign()
        downgrade(revision="0006_reports")
        with db.engine.begin() as conn:
            _old_rows(conn, campaign_id, commune_id)
        upgrade()
        with db.engine.connect() as conn:
            inbound = conn.execute(text("SELECT * FROM sms_inbound")).mappings().all()
            numbers = {r["number_hash"]: r for r in conn.execute(
                text("SELECT * FROM sms_numbers")).mappings()}
            conversations = conn.execute(text("SELECT * FROM sms_conversations")).mappings().all()
            open_answers = conn.execute(text("SELECT * FROM sms_open_answers")).mappings().all()
        db.session.remove()
        db.engine.dispose()
    dump = repr([inbound, list(numbers.values()), conversations, open_answers])
    assert CODE not in dump and "58201 93744 62817" not in dump and "Cam on" not in dump
    assert "18:30" not in dump and "18:20" not in dump
    assert [bytes(r["sealed"]) for r in inbound] == [b""]
    assert [str(r["received_on"]) for r in inbound] == ["2026-03-02"]  # 01:30 in Vietnam
    assert [r["number_hash"] for r in conversations] == [HASH_RUNNING]  # ended ones are gone
    assert str(conversations[0]["started_on"]) == "2026-03-02"
    assert bool(numbers[HASH_FINISHED]["last_finished"]) and not numbers[HASH_STOPPED]["last_finished"]
    assert bool(numbers[HASH_STOPPED]["opted_out"]) and HASH_RUNNING not in numbers
    assert [str(r["created_on"]) for r in open_answers] == ["2026-03-02"]
