"""No request body can switch the rate limits off.

The SMS webhook's limit reads the posted form in its key and exemption functions. A body that
cannot be read (larger than MAX_CONTENT_LENGTH, too many multipart parts) used to raise 413 inside
Flask-Limiter, which took that for its storage failing and counted in a fresh, empty in-memory
store from then on: an address at its limit was let through again. Each case here brings a limit
to its end, sends such a body, and checks that the limit still holds: in memory (this process) and
in the real Redis (an app process of its own, as a gunicorn worker).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid

import pytest
from redis import Redis

from feedback_app.config import PROJECT_ROOT

from ..skips import require_redis
from ..sms_support import INBOUND, Phone
from ..support import mistyped_code, unissued_code

ALICE = {"REMOTE_ADDR": "198.51.100.7"}
MAX_CONTENT_LENGTH = 256 * 1024

# (content type, body): bodies that reading request.form refuses with 413, or cannot parse.
HOSTILE_BODIES = {
    "larger than MAX_CONTENT_LENGTH": (
        "application/x-www-form-urlencoded", b"Body=" + b"x" * (MAX_CONTENT_LENGTH + 1)),
    "more multipart parts than allowed": (
        "multipart/form-data; boundary=b",
        b"".join(b'--b\r\nContent-Disposition: form-data; name="p%d"\r\n\r\n1\r\n' % n
                 for n in range(1100)) + b"--b--\r\n"),
    "broken multipart": ("multipart/form-data; boundary=b", b"--b\r\ngarbage"),
    "multipart without a boundary": ("multipart/form-data", b"garbage"),
}


@pytest.fixture
def limits(app):
    saved = {k: app.config[k] for k in app.config if k.startswith("RATELIMIT_")}
    yield app.config
    app.config.update(saved)


def _hostile_post(client, content_type: str, body: bytes):  # type: ignore[no-untyped-def]
    return client.post(INBOUND, data=body, content_type=content_type, environ_base=ALICE,
                       headers={"X-Twilio-Signature": "anything"})


@pytest.mark.parametrize("name", HOSTILE_BODIES)
def test_an_address_at_its_limit_stays_refused_after_a_hostile_body(client, campaign, limits, name):
    limits["RATELIMIT_CODE_FAILURES"] = "3 per hour"
    assert [client.get(f"/h/{unissued_code(n)}", environ_base=ALICE).status_code
            for n in range(3)] == [404, 404, 404]
    assert client.get(f"/h/{unissued_code(3)}", environ_base=ALICE).status_code == 429

    refused = _hostile_post(client, *HOSTILE_BODIES[name])
    assert refused.status_code in (400, 403, 413)

    # Still counted in the same store: every further guess is refused.
    assert [client.get(f"/h/{unissued_code(n)}", environ_base=ALICE).status_code
            for n in range(4, 9)] == [429] * 5


def test_a_number_at_its_limit_stays_dropped_after_a_hostile_body(client, campaign, limits):
    limits["RATELIMIT_SMS"] = "2 per hour"
    phone = Phone(client, "+84912000009")
    assert phone.send("HL").messages and phone.send("HL").messages
    assert phone.send("HL").messages == []  # over the limit: dropped
    for content_type, body in HOSTILE_BODIES.values():
        _hostile_post(client, content_type, body)
    assert [phone.send("HL").messages for _ in range(3)] == [[], [], []]


def test_the_login_limit_holds_after_a_hostile_body(client, limits):
    limits["RATELIMIT_LOGIN"] = "2 per hour"

    def attempt() -> int:
        page = client.get("/committee/login", environ_base=ALICE).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token
        return client.post("/committee/login", environ_base=ALICE, data={
            "username": "nobody", "password": "wrong", "csrf_token": token.group(1)}).status_code

    assert [attempt(), attempt(), attempt()] == [401, 401, 429]
    _hostile_post(client, *HOSTILE_BODIES["larger than MAX_CONTENT_LENGTH"])
    assert [attempt() for _ in range(3)] == [429, 429, 429]


def test_a_hostile_body_is_answered_413_and_logged_as_refused(client, campaign, caplog):
    from ..sms_support import enable_app_logs

    enable_app_logs()
    with caplog.at_level("WARNING"):
        refused = _hostile_post(client, *HOSTILE_BODIES["larger than MAX_CONTENT_LENGTH"])
    assert refused.status_code == 413
    assert "unreadable" in caplog.text
    assert "storage unreachable" not in caplog.text.lower()


# An app process on the real Redis: 3 mistyped codes allowed per hour; then the hostile bodies;
# then 5 more mistyped codes. Prints the statuses of the lookups and of the hostile posts.
PROCESS = """
import json, sys
from feedback_app import create_app
app = create_app({
    "DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 32, "REDIS_URL": sys.argv[1],
    "RATELIMIT_KEY_PREFIX": sys.argv[2], "RATELIMIT_CODE_FAILURES": "3 per hour",
    "TWILIO_AUTH_TOKEN": "t" * 32,
})
client = app.test_client()
codes, bodies = json.loads(sys.argv[3]), json.loads(sys.stdin.read())
before = [client.get("/h/" + code).status_code for code in codes[:4]]
hostile = [client.post("/sms/twilio", data=body.encode("latin-1"), content_type=kind,
                       headers={"X-Twilio-Signature": "anything"}).status_code
           for kind, body in bodies]
after = [client.get("/h/" + code).status_code for code in codes[4:]]
print(json.dumps({"before": before, "hostile": hostile, "after": after}))
"""


@pytest.fixture
def redis_prefix():
    url = require_redis()
    client = Redis.from_url(url, socket_connect_timeout=2)
    prefix = f"feedback-app-test-bodies-{uuid.uuid4().hex}"
    yield url, prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


def test_on_redis_an_address_at_its_limit_stays_refused_after_hostile_bodies(redis_prefix):
    url, prefix = redis_prefix
    codes = [mistyped_code(n) for n in range(9)]
    bodies = [(kind, body.decode("latin-1")) for kind, body in HOSTILE_BODIES.values()]
    result = subprocess.run(
        [sys.executable, "-c", PROCESS, url, prefix, json.dumps(codes)], input=json.dumps(bodies),
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert statuses["before"] == [400, 400, 400, 429]
    assert all(status in (400, 403, 413) for status in statuses["hostile"])
    assert statuses["after"] == [429] * 5
    assert "storage unreachable" not in result.stderr.lower()
