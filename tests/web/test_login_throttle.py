"""Password guessing is throttled per account and per address, and both count failures only:
many addresses cannot go on guessing one account's password, and one person's typos lock neither
their colleagues behind the same office address nor (beyond their own account) anyone else."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid

import pytest
from redis import Redis

from feedback_app.config import PROJECT_ROOT

from ..committee_support import PASSWORD, csrf_token, make_account
from ..skips import require_redis

OFFICE = {"REMOTE_ADDR": "198.51.100.20"}


@pytest.fixture
def limits(app):  # type: ignore[no-untyped-def]
    saved = {k: app.config[k] for k in app.config if k.startswith("RATELIMIT_")}
    yield app.config
    app.config.update(saved)


def _address(n: int) -> dict[str, str]:
    return {"REMOTE_ADDR": f"203.0.113.{n}"}


def _login(client, username: str, password: str, environ: dict[str, str], lang: str = ""):  # type: ignore[no-untyped-def]
    """One attempt from a browser of its own (its own cookies, and its own app context: the `app`
    fixture's would share flask_wtf's CSRF token on `g` between browsers)."""
    app = client.application
    with app.app_context():
        browser = app.test_client()
        page = browser.get("/committee/login", environ_base=environ)
        return browser.post("/committee/login" + lang, environ_base=environ, data={
            "username": username, "password": password, "csrf_token": csrf_token(page.text),
        })


def test_thirty_addresses_cannot_go_on_guessing_one_accounts_password(client, units, limits):  # type: ignore[no-untyped-def]
    limits["RATELIMIT_LOGIN_ACCOUNT"] = "5 per 15 minutes"
    make_account("binh-lu", "03390")
    statuses = [_login(client, "binh-lu", f"guess {n}", _address(n)).status_code for n in range(30)]
    assert statuses == [401] * 5 + [429] * 25

    # Locked: even the right password, from an address never seen, is refused, with when to retry.
    locked = _login(client, "Binh-Lu ", PASSWORD, _address(99))
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60 + 1
    assert "Tài khoản này đang bị khóa" in locked.text
    assert re.search(r"từ [0-9:/, ]+ trở đi", locked.text)
    assert client.get("/committee/", environ_base=_address(99)).status_code == 302  # not logged in
    assert 'href="/committee/login"' in locked.text  # back to the login, not to a household code
    assert "Nhập mã hộ" not in locked.text
    english = _login(client, "binh-lu", PASSWORD, _address(98), lang="?lang=en")
    assert "This account is locked for now" in english.text
    assert "not even with the right password" in english.text

    # Another account is not locked by it.
    make_account("xa-03390", "03390")
    assert _login(client, "xa-03390", PASSWORD, _address(97)).status_code == 303


def test_an_unknown_username_is_locked_the_same_way(client, units, limits):  # type: ignore[no-untyped-def]
    """The lock tells nobody whether a username exists."""
    limits["RATELIMIT_LOGIN_ACCOUNT"] = "2 per 15 minutes"
    statuses = [_login(client, "nobody-here", "guess", _address(n)).status_code for n in range(3)]
    assert statuses == [401, 401, 429]


def test_one_persons_typos_do_not_lock_out_the_office_address(client, units, limits):  # type: ignore[no-untyped-def]
    limits["RATELIMIT_LOGIN"] = "10 per minute"
    limits["RATELIMIT_LOGIN_ACCOUNT"] = "5 per 15 minutes"
    make_account("binh-lu", "03390")
    make_account("xa-03390", "03390")
    typos = [_login(client, "binh-lu", f"typo {n}", OFFICE).status_code for n in range(12)]
    assert typos == [401] * 5 + [429] * 7  # their own account is locked...
    colleague = _login(client, "xa-03390", PASSWORD, OFFICE)
    assert colleague.status_code == 303  # ...the colleague at the same address logs in


def test_successful_logins_do_not_use_up_the_address_allowance(client, units, limits):  # type: ignore[no-untyped-def]
    limits["RATELIMIT_LOGIN"] = "3 per minute"
    make_account("binh-lu", "03390")
    assert [_login(client, "binh-lu", PASSWORD, OFFICE).status_code for _ in range(6)] == [303] * 6


def test_one_address_guessing_many_accounts_is_still_stopped(client, units, limits):  # type: ignore[no-untyped-def]
    limits["RATELIMIT_LOGIN"] = "4 per minute"
    statuses = [_login(client, f"user-{n}", "guess", OFFICE).status_code for n in range(6)]
    assert statuses == [401] * 4 + [429] * 2
    make_account("binh-lu", "03390")
    blocked = _login(client, "binh-lu", PASSWORD, OFFICE)  # the address is held back: no check
    assert blocked.status_code == 429
    assert "Too many sign-in attempts came from your connection" in _login(
        client, "binh-lu", PASSWORD, OFFICE, lang="?lang=en").text


# A process of the app (as a gunicorn worker is) posting wrong logins for one username, each from
# an address of its own, and printing the statuses. Its database is its own and empty: the username
# is unknown there, which the throttle counts the same way.
PROCESS = """
import json, sys
from feedback_app import create_app
from feedback_app.extensions import db
app = create_app({
    "DATABASE_URL": "sqlite://", "SECRET_KEY": "k" * 32, "REDIS_URL": sys.argv[1],
    "RATELIMIT_KEY_PREFIX": sys.argv[2], "RATELIMIT_LOGIN_ACCOUNT": "5 per 15 minutes",
    "WTF_CSRF_ENABLED": False,
})
with app.app_context():
    db.create_all()
client = app.test_client()
statuses = [client.post("/committee/login", data={"username": "binh-lu", "password": "guess"},
                        environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}).status_code
            for n in range(int(sys.argv[3]))]
print(json.dumps(statuses))
"""


def _worker(redis_url: str, prefix: str, attempts: int) -> list[int]:
    result = subprocess.run([sys.executable, "-c", PROCESS, redis_url, prefix, str(attempts)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_workers_sharing_redis_lock_the_account_together():  # type: ignore[no-untyped-def]
    url = require_redis()
    redis = Redis.from_url(url, socket_connect_timeout=2)
    prefix = f"feedback-app-test-{uuid.uuid4().hex}"
    try:
        assert _worker(url, prefix, 3) == [401, 401, 401]
        assert _worker(url, prefix, 3) == [401, 401, 429]  # another worker: 5 failures in all
        assert any(redis.scan_iter(match=f"*{prefix}*committee-account-logins*"))
    finally:
        for key in redis.scan_iter(match=f"*{prefix}*"):
            redis.delete(key)
        redis.close()
