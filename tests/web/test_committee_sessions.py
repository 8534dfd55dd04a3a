"""Sessions end on the server: after a logout, a new password or disabling, the account's session
cookies (a copied one, another browser's) open nothing, for the rest of their 12 hours too."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from feedback_app.extensions import db
from feedback_app.services.accounts.users import find_account, set_password

from ..committee_support import PASSWORD, csrf_token, logged_in, login, make_account

DASHBOARD = "/committee/"


# The `app` fixture keeps one app context for the whole test, so `g` (where flask_wtf keeps the
# CSRF token of the request) would be shared by the browsers of a test: each browser's requests
# run in an app context of their own here, as each request has in production.
def _in_own_context(app: Flask, client: FlaskClient, path: str) -> int:
    with app.app_context():
        return client.get(path).status_code


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _with_cookie(app: Flask, value: str) -> FlaskClient:
    """A browser (or an attacker) that holds a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie("session", value, domain="localhost")
    return other


def _logout(client: FlaskClient) -> None:
    page = client.get(DASHBOARD)
    assert client.post("/committee/logout", data={"csrf_token": csrf_token(page.text)}).status_code == 303


def test_a_copied_cookie_stops_working_after_logout(app, client, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    logged_in(client, "binh-lu")
    copied = _session_cookie(client)
    assert _in_own_context(app, _with_cookie(app, copied), DASHBOARD) == 200
    _logout(client)
    with app.app_context():
        replay = _with_cookie(app, copied).get(DASHBOARD)
    assert replay.status_code == 302
    assert replay.headers["Location"].startswith("/committee/login")


def test_logout_ends_the_accounts_session_in_another_browser(app, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    make_account("xa-03390", "03390")
    office, phone, colleague = app.test_client(), app.test_client(), app.test_client()
    for browser, username in ((office, "binh-lu"), (phone, "binh-lu"), (colleague, "xa-03390")):
        with app.app_context():
            logged_in(browser, username)
    with app.app_context():
        _logout(office)
    assert _in_own_context(app, phone, DASHBOARD) == 302
    assert _in_own_context(app, colleague, DASHBOARD) == 200  # another account's session goes on
    with app.app_context():
        logged_in(phone, "binh-lu")  # logging in again opens a new session
    assert _in_own_context(app, phone, DASHBOARD) == 200


def test_a_new_password_ends_every_session(app, client, runner, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    logged_in(client, "binh-lu")
    result = runner.invoke(args=["users", "set-password", "binh-lu", "--password", "a new password"])
    assert result.exit_code == 0, result.output
    assert client.get(DASHBOARD).status_code == 302
    assert login(client, "binh-lu", PASSWORD).status_code == 401
    assert login(client, "binh-lu", "a new password").status_code == 303


def test_the_password_service_ends_sessions_whoever_calls_it(app, client, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    logged_in(client, "binh-lu")
    set_password("binh-lu", "another password")
    db.session.commit()
    assert client.get(DASHBOARD).status_code == 302


def test_a_reenabled_account_does_not_get_its_old_sessions_back(app, client, runner, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    logged_in(client, "binh-lu")
    copied = _session_cookie(client)
    assert runner.invoke(args=["users", "disable", "binh-lu"]).exit_code == 0
    assert runner.invoke(args=["users", "enable", "binh-lu"]).exit_code == 0
    assert _with_cookie(app, copied).get(DASHBOARD).status_code == 302


def test_set_password_refuses_a_short_one_and_an_unknown_account(runner, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    generation = find_account("binh-lu").session_generation
    short = runner.invoke(args=["users", "set-password", "binh-lu", "--password", "short"])
    assert short.exit_code == 1 and "password length" in short.output
    unknown = runner.invoke(args=["users", "set-password", "nobody", "--password", "long enough"])
    assert unknown.exit_code == 1 and "unknown account" in unknown.output
    db.session.expire_all()
    assert find_account("binh-lu").session_generation == generation  # nothing ended
