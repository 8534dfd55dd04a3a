"""When a test may be skipped, and why CI never lets one pass silently.

On a developer's machine a test that needs a missing service (Redis, PostgreSQL, Chromium,
Playwright) is skipped, saying what is missing. In CI (CI=true) the same test fails: a green run
must mean that everything was tested. The one skip CI allows is a PostgreSQL-only test in the
SQLite pass of `make test` when the PostgreSQL pass follows (`make test` then sets
TEST_POSTGRESQL_PASS_FOLLOWS=1 for the SQLite pass; .ci/run sets TEST_DATABASE_URL).

tests/conftest.py fails in CI any other skip too (a plain pytest.skip, importorskip or skipif),
so a new test cannot bring back a silent skip by not using these helpers.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest
from _pytest.outcomes import Skipped  # = pytest.skip.Exception, by a name a type checker can subclass

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


class PostgreSQLPassSkip(Skipped):
    """A PostgreSQL-only test skipped in the SQLite pass: the PostgreSQL pass runs it."""


def require_service(reason: str) -> NoReturn:
    """The service this test needs is not there: skip, or fail in CI."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}: CI must run this test, not skip it", pytrace=False)
    raise Skipped(reason, _use_item_location=True)  # (pytest's own keyword) reported at the test


def require_module(name: str) -> ModuleType:
    """`pytest.importorskip`, failing in CI."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        require_service(f"{name} cannot be imported ({exc})")


def require_redis() -> str:
    """The URL of the test Redis (TEST_REDIS_URL, by default 127.0.0.1:6379 db 0), once it answers."""
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except RedisError:
        require_service(f"no Redis at {REDIS_URL}")
    finally:
        client.close()
    return REDIS_URL


def postgresql_only(reason: str) -> None:
    """Skip unless the test database is PostgreSQL; in CI only when the PostgreSQL pass follows."""
    from feedback_app.extensions import db

    if db.engine.dialect.name == "postgresql":
        return
    if in_ci() and os.environ.get("TEST_POSTGRESQL_PASS_FOLLOWS") != "1":
        pytest.fail(f"CI=true and no PostgreSQL pass runs this test ({reason}): set TEST_DATABASE_URL "
                    "to a PostgreSQL database and run `make test`", pytrace=False)
    raise PostgreSQLPassSkip(f"{reason}: the PostgreSQL pass of `make test` runs it",
                             _use_item_location=True)
