"""Engine settings that make both backends keep the one-transaction-per-request promise.

SQLite through Python's sqlite3 module starts a transaction only before INSERT/UPDATE/DELETE, so a
SAVEPOINT (session.begin_nested(), used by services.responses.record) opened outside a transaction
becomes the transaction itself, and releasing it commits: a response was stored even when the
request then failed and rolled back. The recipe from SQLAlchemy's SQLite documentation fixes it:
the driver emits no BEGIN of its own and SQLAlchemy emits BEGIN when a transaction starts.
Since every transaction now really begins, SQLite runs in WAL mode so that open reads do not block
writers.

A transaction that reads and then writes (an SMS step reads its conversation, then saves it) asks
for `writing()` first: on SQLite it then begins with BEGIN IMMEDIATE, taking the write lock before
its first read. With a plain BEGIN, a concurrent writer's commit between the read and the write
would leave the transaction on a stale snapshot, and SQLite refuses such an upgrade at once
(SQLITE_BUSY, not retried by the busy timeout). PostgreSQL needs nothing: its row locks do this.
"""

from __future__ import annotations

import sqlite3
from typing import TypeVar

from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.pool import ConnectionPoolEntry

_S = TypeVar("_S", bound=Session)


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _no_driver_transactions)
        event.listen(engine, "begin", _begin)


def _no_driver_transactions(dbapi_connection: sqlite3.Connection,
                            connection_record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None
    # Write-ahead log: readers never block a writer's commit (a long export, a dashboard or a
    # test's open read no longer makes residents' submissions wait and fail), and a commit costs
    # one fsync of the log instead of the rollback journal's several. FULL keeps every commit
    # durable across a power cut, as before.
    dbapi_connection.execute("PRAGMA journal_mode=WAL")
    dbapi_connection.execute("PRAGMA synchronous=FULL")


def _begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(WRITING, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


WRITING = "feedback_app_writing"


def writing(session: _S | scoped_session[_S]) -> Connection:
    """The session's connection, for a transaction that will write (see the module's docstring).
    It matters only when called before the transaction's first statement; later it is the
    transaction's connection as it is. The hot paths use it for their Core statements."""
    if isinstance(session, scoped_session):  # Flask-SQLAlchemy's db.session: its current Session
        session = session()
    if session.in_transaction():
        return session.connection()
    return session.connection(execution_options={WRITING: True})


DIALECTS = ("postgresql", "sqlite")


def dialect_insert(table: Table, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with the dialect's ON CONFLICT clauses (both backends have them): for the upserts
    and `DO NOTHING RETURNING` claims of the hot paths, built once per dialect."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"feedback_app supports SQLite and PostgreSQL, not {dialect}")
