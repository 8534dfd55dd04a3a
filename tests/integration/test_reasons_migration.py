"""Migration 0013 adds answers.reason and the remarks table, and copies the comments stored before
into it (folded for search), so the committees' comments page lists them. Run on a database of its
own (a temporary SQLite file, or a scratch schema of TEST_DATABASE_URL's PostgreSQL database)."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from feedback_app.extensions import db

from ..support import migration_app, old_campaign


def test_comments_stored_before_become_remarks(database_url):
    app = migration_app(database_url)
    with app.app_context():
        campaign_id, commune_id = old_campaign()
        downgrade(revision="0017_country_level")
        with db.engine.begin() as conn:
            for n, comment in enumerate(("Đường làng hư hỏng", None, "")):
                conn.execute(text(
                    "INSERT INTO responses (uuid, campaign_id, commune_id, channel, comment, "
                    "content_hash, created_at) VALUES (:u, :c, :m, 'web', :t, :h, "
                    "'2026-03-02 01:30:00')"),
                    {"u": f"00000000-0000-4000-8000-00000000000{n}", "c": campaign_id, "m": commune_id,
                     "t": comment, "h": "0" * 64})
        upgrade()
        with db.engine.connect() as conn:
            remarks = conn.execute(text("SELECT * FROM remarks")).mappings().all()
            reasons = conn.execute(text("SELECT reason FROM answers")).all()
        downgrade(revision="0017_country_level")  # and back down cleanly
        upgrade()
        db.session.remove()
        db.engine.dispose()
    assert [(r["text"], r["folded"], r["item_id"], r["channel"]) for r in remarks] == [
        ("Đường làng hư hỏng", "duong lang hu hong", None, "web")]
    assert str(remarks[0]["created_at"]).startswith("2026-03-02 01:30")
    assert reasons == []
