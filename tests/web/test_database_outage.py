"""The database unavailable for a moment: a resident's submission gets a clear 503 with
Retry-After, nothing is half-stored, and the same form post (same rid) succeeds once it is back.

The outage is real on both backends. PostgreSQL: the app's server process is terminated in the
middle of the transaction (right after the response row, or when the transaction commits, after
every row was written) and the database refuses new connections for the moment. SQLite: another
connection holds the write lock (the first INSERT fails), or the COMMIT fails with a disk error
after every row was written in the transaction (injected: in WAL mode no other connection can make
a commit fail).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from feedback_app.extensions import db
from feedback_app.models import Answer, Response

from ..support import codes_of, form_fields

BUSY = "Hệ thống đang bận"


def _counts() -> tuple[int, int]:
    db.session.remove()
    return (db.session.scalar(select(func.count(Response.id))),
            db.session.scalar(select(func.count()).select_from(Answer)))


@contextmanager
def _sqlite_outage(stage: str) -> Iterator[None]:
    path = make_url(str(db.engine.url)).database
    # Wait 0.2 s for a lock instead of SQLite's default 5 s, to keep the test short.
    def short_wait(dbapi_connection, record, proxy) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA busy_timeout = 200")

    def commit_fails(conn) -> None:  # type: ignore[no-untyped-def]
        # In WAL mode no other connection can make a COMMIT fail once the rows are written, so
        # the disk failing at that moment is injected (as the driver would report it).
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("disk I/O error"))

    event.listen(db.engine, "checkout", short_wait)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a writer holds the lock: our next INSERT cannot get it
    if stage == "commit":
        other.execute("ROLLBACK")  # our rows get written; the COMMIT itself fails
        event.listen(db.engine, "commit", commit_fails)
    try:
        yield
    finally:
        if stage == "commit":
            event.remove(db.engine, "commit", commit_fails)
        else:
            other.execute("ROLLBACK")
        other.close()
        event.remove(db.engine, "checkout", short_wait)
        db.engine.dispose()


@contextmanager
def _postgresql_outage(stage: str) -> Iterator[None]:
    url = db.engine.url
    name = url.database
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    fired = []

    def outage_starts(conn) -> None:  # type: ignore[no-untyped-def]
        fired.append(True)
        pid = conn.connection.dbapi_connection.info.backend_pid
        with admin.connect() as sql:
            sql.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            sql.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})

    def after_response_row(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if not fired and statement.lstrip().startswith("INSERT INTO responses"):
            outage_starts(conn)

    def before_commit(conn) -> None:  # type: ignore[no-untyped-def]
        if not fired:
            outage_starts(conn)

    hook = ("after_cursor_execute", after_response_row) if stage == "flush" else (
        "commit", before_commit)
    event.listen(db.engine, *hook)
    try:
        yield
        assert fired, "the outage never happened"
    finally:
        event.remove(db.engine, *hook)
        with admin.connect() as sql:
            sql.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
        db.engine.dispose()


def _outage(stage: str):  # type: ignore[no-untyped-def]
    if db.engine.dialect.name == "sqlite":
        return _sqlite_outage(stage)
    if db.engine.dialect.name == "postgresql":
        return _postgresql_outage(stage)
    pytest.skip(f"no outage recipe for {db.engine.dialect.name}")


@pytest.mark.parametrize("stage", ["flush", "commit"])
def test_database_outage_gives_503_then_the_same_post_succeeds(client, campaign, stage):
    code = codes_of(campaign, "03390")[0]
    html = client.get(f"/h/{code}").get_data(as_text=True)
    data = form_fields(html)
    data.update({name: "1" for name in set(re.findall(r'name="(q_\w+)"', html))})
    data["comment"] = "Cần thêm đèn đường"

    with _outage(stage):
        for _attempt in range(2):  # the first fails mid-transaction, a retry fails to connect
            busy = client.post(f"/h/{code}", data=data)
            assert busy.status_code == 503
            assert int(busy.headers["Retry-After"]) > 0
            assert BUSY in busy.get_data(as_text=True)
            assert busy.headers["Content-Security-Policy"]  # still a normal page of the app

    assert _counts() == (0, 0), "a failed submission left rows behind"

    sent = client.post(f"/h/{code}", data=data)
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(f"/thanks/{data['rid']}")
    assert client.get(sent.headers["Location"]).status_code == 200
    assert _counts() == (1, 20)
    stored = db.session.scalar(select(Response))
    assert stored.uuid == data["rid"] and stored.comment == "Cần thêm đèn đường"
    # Sending it once more (a double tap after the outage) changes nothing.
    assert client.post(f"/h/{code}", data=data).status_code == 303
    assert _counts() == (1, 20)
