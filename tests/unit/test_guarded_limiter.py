"""GuardedLimiter: a limit whose key or exemption function raises still counts.

Flask-Limiter takes an exception raised while it evaluates a request's limits for its storage
failing and then counts in a fresh in-memory store; a request could reset every counter that way.
"""

from __future__ import annotations

import pytest
from flask import Flask, request
from flask_limiter import Limiter

from feedback_app.extensions import GuardedLimiter


def _raising() -> str:
    return request.form["missing"]  # a KeyError (400), as a body that cannot be read would raise


def _app(limiter_class: type[Limiter]) -> tuple[Flask, Limiter]:
    app = Flask(__name__)
    app.config.update(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
                      RATELIMIT_SWALLOW_ERRORS=True)
    limiter = limiter_class(key_func=lambda: request.remote_addr or "")
    limiter.init_app(app)

    @app.get("/counted")
    @limiter.limit("2 per hour")
    def counted() -> str:
        return "ok"

    @app.post("/hostile")
    @limiter.limit(lambda: app.config.get("HOSTILE_LIMIT", "100 per hour"), key_func=_raising,
                   exempt_when=lambda: bool(_raising()))
    def hostile() -> str:
        return "ok"

    return app, limiter


@pytest.mark.parametrize(("limiter_class", "after"), [(Limiter, 200), (GuardedLimiter, 429)])
def test_a_raising_key_function_does_not_reset_the_counters(limiter_class, after):
    app, _ = _app(limiter_class)
    client = app.test_client()
    assert [client.get("/counted").status_code for _ in range(3)] == [200, 200, 429]
    client.post("/hostile")
    # Flask-Limiter alone now counts in an empty store (the bug this class exists for).
    assert client.get("/counted").status_code == after


def test_requests_whose_key_cannot_be_computed_are_counted_by_address():
    app, _ = _app(GuardedLimiter)
    app.config["HOSTILE_LIMIT"] = "2 per hour"
    client = app.test_client()
    assert [client.post("/hostile").status_code for _ in range(3)] == [200, 200, 429]
