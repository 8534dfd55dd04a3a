"""With REDIS_URL the rate-limit counters live in Redis, shared by every process (gunicorn workers,
several machines); when Redis is unreachable the app keeps answering and counts in memory.

Each case runs the app in its own process, as gunicorn workers do; the real Redis at
127.0.0.1:6379 is used with a key prefix of this test's own, removed afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from redis import Redis

from feedback_app.config import PROJECT_ROOT

from ..skips import require_redis
from ..support import mistyped_code

# A process of the app sends the given (mistyped) household codes and prints the statuses.
# Mistyped codes are refused before any query, so the process needs no database tables.
PROCESS = """
import json, sys
from feedback_app import create_app
app = create_app({
    "DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 32, "REDIS_URL": sys.argv[1],
    "RATELIMIT_KEY_PREFIX": sys.argv[2], "RATELIMIT_CODE_FAILURES": "3 per hour",
})
client = app.test_client()
print(json.dumps([client.get("/h/" + code).status_code for code in sys.argv[3:]]))
"""


def _app_process(redis_url: str, prefix: str, codes: list[str]) -> tuple[list[int], str]:
    """The statuses, and what the process logged (its stderr)."""
    result = subprocess.run(
        [sys.executable, "-c", PROCESS, redis_url, prefix, *codes],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


@pytest.fixture
def redis_prefix():
    url = require_redis()
    client = Redis.from_url(url, socket_connect_timeout=2)
    prefix = f"feedback-app-test-{uuid.uuid4().hex}"
    yield url, client, prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


def test_counters_in_redis_are_shared_by_every_process(redis_prefix):
    url, client, prefix = redis_prefix
    codes = [mistyped_code(n) for n in range(4)]
    assert _app_process(url, prefix, codes[:2])[0] == [400, 400]
    assert list(client.scan_iter(match=f"*{prefix}*"))  # the counter is in Redis
    # Another process (another gunicorn worker, another machine) sees the same count.
    statuses, logged = _app_process(url, prefix, codes[2:])
    assert statuses == [400, 429]
    assert "storage unreachable" not in logged


def test_redis_down_still_answers_and_limits_in_memory():
    unreachable = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there
    codes = [mistyped_code(n) for n in range(4)]
    statuses, logged = _app_process(unreachable, f"down-{uuid.uuid4().hex}", codes)
    assert statuses == [400, 400, 400, 429]
    # The operator is told, in the app's log (no logging set up: as under gunicorn).
    assert "Rate limit storage unreachable - falling back to in-memory storage" in logged
