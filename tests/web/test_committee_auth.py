"""Committee login: CSRF on the form, wrong passwords, disabled accounts, safe redirects, logout,
and `flask users create`."""

from __future__ import annotations

from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Account

from ..committee_support import PASSWORD, csrf_token, login, make_account

DASHBOARD = "/committee/"


def test_pages_send_anonymous_visitors_to_the_login_page(client, units):  # type: ignore[no-untyped-def]
    response = client.get("/committee/campaigns/any/units/12")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/committee/login?next=")


def test_login_then_logout(client, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    response = login(client, "binh-lu")
    assert response.status_code == 303
    assert response.headers["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    page = client.get(DASHBOARD)
    assert client.post("/committee/logout", data={"csrf_token": csrf_token(page.text)}).status_code == 303
    assert client.get(DASHBOARD).status_code == 302


def test_login_without_csrf_token_is_refused(client, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    response = client.post("/committee/login", data={"username": "binh-lu", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get(DASHBOARD).status_code == 302


def test_logout_needs_a_csrf_token(client, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    login(client, "binh-lu")
    assert client.post("/committee/logout").status_code == 400
    assert client.get(DASHBOARD).status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(client, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    wrong = login(client, "binh-lu", "not the password")
    unknown = login(client, "nobody", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Sai tên đăng nhập hoặc mật khẩu" in response.text
    assert client.get(DASHBOARD).status_code == 302


def test_disabled_account_cannot_log_in_and_its_session_ends(client, runner, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    login(client, "binh-lu")
    assert client.get(DASHBOARD).status_code == 200
    assert runner.invoke(args=["users", "disable", "binh-lu"]).exit_code == 0
    assert client.get(DASHBOARD).status_code == 302
    assert login(client, "binh-lu").status_code == 401


def test_login_never_redirects_to_another_site(client, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    page = client.get("/committee/login?next=//evil.example/x")
    response = client.post("/committee/login", data={
        "username": "binh-lu", "password": PASSWORD, "csrf_token": csrf_token(page.text),
        "next": "//evil.example/x",
    })
    assert response.headers["Location"] == DASHBOARD


def test_users_create_stores_only_a_hash(runner, client, units):  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["users", "create", "--username", "Tinh-12", "--unit", "12",
                                 "--role", "admin", "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    account = db.session.scalar(select(Account).filter_by(username="tinh-12"))
    assert account.role == "admin" and account.unit.code == "12"
    assert "s3cret-pass" not in account.password_hash
    assert login(client, "tinh-12", "s3cret-pass").status_code == 303


def test_users_create_records_the_person_s_full_name(runner, units):  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["users", "create", "--username", "xa-an", "--unit", "03390",
                                 "--full-name", "  Nguyễn   Văn An ", "--password", "long-enough"])
    assert result.exit_code == 0, result.output
    account = db.session.scalar(select(Account).filter_by(username="xa-an"))
    assert account.full_name == "Nguyễn Văn An"
    assert "xa-an\tNguyễn Văn An\tviewer" in runner.invoke(args=["users", "list"]).output
    too_long = runner.invoke(args=["users", "create", "--username", "xa-long", "--unit", "03390",
                                   "--full-name", "A" * 121, "--password", "long-enough"])
    assert too_long.exit_code == 1 and "full name too long" in too_long.output


def test_users_create_prompts_for_the_password_and_refuses_duplicates(runner, units):  # type: ignore[no-untyped-def]
    args = ["users", "create", "--username", "xa-03390", "--unit", "03390", "--role", "viewer"]
    result = runner.invoke(args=args, input="long-enough\nlong-enough\n")
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=[*args, "--password", "another-one"])
    assert again.exit_code == 1 and "username taken" in again.output
    short = runner.invoke(args=["users", "create", "--username", "x-short", "--unit", "12",
                                "--password", "short"])
    assert short.exit_code == 1 and "password length" in short.output
    unknown_unit = runner.invoke(args=["users", "create", "--username", "x-unit", "--unit", "99999",
                                       "--password", "long-enough"])
    assert unknown_unit.exit_code == 1 and "unknown unit" in unknown_unit.output


def test_session_cookie_is_secure_httponly_and_samesite(client, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    response = login(client, "binh-lu")  # PUBLIC_BASE_URL is https in the tests
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_control_character_in_the_username_is_a_clear_422(client, units):  # type: ignore[no-untyped-def]
    """PostgreSQL refuses NUL in text: the username "mttq\\x00x" gave a 500 there. The form refuses
    control characters before any query, on every database."""
    make_account("mttq-03390", "03390")
    for username in ("mttq-03390\x00", "mttq\x00x", "mttq-03390\n\r", "\x1b[2J"):
        refused = login(client, username)
        assert refused.status_code == 422, refused.text[:300]
        assert "không có ký tự điều khiển" in refused.text  # Vietnamese by default
    assert login(client, "mttq-03390").status_code == 303  # the account itself still signs in


def test_a_refusal_on_a_committee_page_leads_back_to_the_committee(client, campaign):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    login(client, "binh-lu")
    refused = client.get("/committee/campaigns/test-campaign/units/03430")  # a sibling commune
    assert refused.status_code == 403
    assert 'href="/committee/"' in refused.text and "Nhập mã hộ" not in refused.text
