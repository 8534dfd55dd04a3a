"""Fixtures: one app per test session on SQLite (or TEST_DATABASE_URL), schema built by the
migrations, tables emptied before each test that uses the database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Generator, Iterator
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from feedback_app import create_app
from feedback_app.clock import local_today
from feedback_app.config import PROJECT_ROOT
from feedback_app.extensions import db, limiter
from feedback_app.models import Campaign
from feedback_app.services.campaigns.setup import NewCampaign, create_campaign, issue_codes
from feedback_app.services.surveys import find_survey
from feedback_app.services.units.importing import import_units

from .skips import PostgreSQLPassSkip, in_ci
from .support import PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN, UNITS_CSV


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """In CI every skip fails, except a PostgreSQL-only test's in the SQLite pass (tests/skips.py)."""
    report = yield
    if not report.skipped or hasattr(report, "wasxfail"):
        return report
    exc = call.excinfo.value if call.excinfo is not None else None
    if isinstance(exc, PostgreSQLPassSkip):
        if isinstance(report.longrepr, tuple):  # "Skipped: why", as for pytest.skip, not the class
            path, line, _ = report.longrepr
            report.longrepr = (path, line, f"Skipped: {exc.msg}")
    elif in_ci():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"CI=true and this test was skipped ({reason}): CI must run it"
    return report


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def _drop_everything() -> None:
    """Start from an empty database, also when a previous run left tables behind."""
    inspector = inspect(db.engine)
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            for name in inspector.get_table_names():
                conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))


@pytest.fixture(scope="session")
def _app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app(
        {
            "DATABASE_URL": _database_url(tmp_path_factory),
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "SURVEYS_DIR": str(PROJECT_ROOT / "surveys"),
            "SMS_BACKEND": "fake",
            "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
            "REDIS_URL": None,
            "SMS_RETRY_BASE_SECONDS": 0.001,
            # Invitation tests run at any hour: the sending window (Decree 91) has tests of its
            # own, which set it.
            "SMS_SEND_WINDOW": "",
        }
    )
    with app.app_context():
        _drop_everything()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()  # close the pooled connections (psycopg warns about any left open)


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The app with empty tables and an app context pushed."""
    with _app.app_context():
        _empty_tables()
        limiter.reset()  # rate-limit counters start from zero in every test
        yield _app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def units(app: Flask) -> None:
    import_units(StringIO(UNITS_CSV))
    db.session.commit()


@pytest.fixture
def make_campaign(app: Flask, units: None) -> Callable[..., Campaign]:
    """Create a committed campaign over Lai Châu; keyword arguments override NewCampaign fields.
    `codes` issues that many household codes per commune (default 3)."""

    def make(codes: int = 3, survey_id: str = "ntm-commune", **overrides: Any) -> Campaign:
        today = local_today()
        fields: dict[str, Any] = {
            "key": "test-campaign",
            "survey": find_survey(PROJECT_ROOT / "surveys", survey_id),
            "scheme": "vn-2025",
            "unit_code": "12",
            "opens_on": today - timedelta(days=1),
            "closes_on": today + timedelta(days=30),
            "min_coverage": Decimal("0.6"),
            "threshold": Decimal("0.9"),
            "household_codes": True,
            "open_link": True,
        }
        fields.update(overrides)
        campaign = create_campaign(NewCampaign(**fields))
        if codes and campaign.household_codes:
            for commune in campaign.communes:
                issue_codes(campaign, commune, codes)
        db.session.commit()
        return campaign

    return make


@pytest.fixture
def campaign(make_campaign: Callable[..., Campaign]) -> Campaign:
    return make_campaign()


@pytest.fixture
def outbox(app: Flask):  # type: ignore[no-untyped-def]
    """The app's test SMS sender, emptied before and after the test: what was sent."""
    sender = app.extensions["sms_sender"]
    sender.reset()
    yield sender
    sender.reset()


@pytest.fixture
def rq_queue(app: Flask, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The app's SMS queue on the real Redis (skipped without it), under a name of this test
    alone, removed afterwards."""
    from feedback_app.adapters.queue import RQQueue

    from .skips import require_redis

    redis_url = require_redis()
    name = f"test-feedback-sms-{uuid.uuid4().hex}"
    queue = RQQueue(redis_url, name)
    monkeypatch.setitem(app.extensions, "task_queue", queue)
    yield queue
    queue.queue.delete(delete_jobs=True)
    for key in queue.redis.scan_iter(f"{name}*"):
        queue.redis.delete(key)
