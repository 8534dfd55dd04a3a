"""Account pages as an administrator and a new colleague use them: create an account, log in with
its temporary password (forced to change it first), reset by link or temporary password, disable
and enable again, change one's own password; each change in the account's log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from feedback_app.clock import utcnow
from feedback_app.extensions import db
from feedback_app.models import Account, AccountEvent, Unit
from feedback_app.models.accounts import ImmutableAccountEvent
from feedback_app.services.accounts import users

from ..committee_support import PASSWORD, csrf_token, login, make_account

NEW_PASSWORD = "núi cao sông dài 2027"


def find_account(username: str) -> Account | None:
    """The account as the last request left it (the test's own transaction would read an older
    snapshot of the database)."""
    db.session.rollback()
    return users.find_account(username)


class Browser:
    """One browser: its own cookies, and each request in an app context of its own (flask_wtf keeps
    the request's CSRF token on `g`, which the `app` fixture's context would share)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()

    def get(self, url: str):  # type: ignore[no-untyped-def]
        with self.app.app_context():
            return self.client.get(url)

    def post(self, url: str, data: dict[str, str], token_from: str | None = None):  # type: ignore[no-untyped-def]
        with self.app.app_context():
            page = self.client.get(token_from or url)
            return self.client.post(url, data={"csrf_token": csrf_token(page.text), **data})

    def login(self, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        with self.app.app_context():
            return login(self.client, username, password)


@pytest.fixture
def admin(app, units) -> Browser:  # type: ignore[no-untyped-def]
    make_account("tinh-admin", "12", "admin")
    browser = Browser(app)
    assert browser.login("tinh-admin").status_code == 303
    return browser


def commune_id(code: str = "03390") -> int:
    found = db.session.scalar(select(Unit.id).filter_by(scheme="vn-2025", code=code))
    assert found is not None
    return found


def secret_on(page: str) -> str:
    found = re.search(r'<p class="secret[^"]*" id="secret">([^<]+)</p>', page)
    assert found, "no password or link shown"
    return found.group(1).strip()


def actions_of(username: str) -> list[tuple[str, str]]:
    account = find_account(username)
    assert account is not None
    return [(e.action, e.actor_username) for e in db.session.scalars(
        select(AccountEvent).where(AccountEvent.account_id == account.id).order_by(AccountEvent.id))]


def create(admin: Browser, **fields: str):  # type: ignore[no-untyped-def]
    data = {"full_name": "Lò Thị Mai", "username": "mai.lt-binhlu", "unit": str(commune_id()),
            "role": "officer", "phone": "0912 345 678", "email": "Mai.LT@MTTQ.LaiChau.vn"}
    data.update(fields)
    return admin.post("/committee/accounts/new", data)


def test_a_new_colleague_logs_in_with_the_temporary_password_and_must_choose_their_own(app, admin):  # type: ignore[no-untyped-def]
    created = create(admin)
    assert created.status_code == 200, created.text
    temporary = secret_on(created.text)
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", temporary)
    account = find_account("mai.lt-binhlu")
    assert account is not None and account.must_change_password and account.role == "officer"
    assert (account.full_name, account.phone, account.email) == (
        "Lò Thị Mai", "+84912345678", "Mai.LT@mttq.laichau.vn")
    assert account.unit.code == "03390"
    assert temporary not in account.password_hash

    mai = Browser(app)
    first = mai.login("mai.lt-binhlu", temporary)
    assert first.status_code == 303 and first.headers["Location"].startswith("/committee/password")
    for page in ("/committee/", "/committee/campaigns/new", "/committee/accounts"):
        response = mai.get(page)  # nothing else until the password is changed
        assert response.status_code == 302, page
        assert response.headers["Location"].startswith("/committee/password"), page
    forced = mai.get("/committee/password")
    assert forced.status_code == 200 and 'id="forced"' in forced.text

    wrong = mai.post("/committee/password", {"current": "not-it", "new": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD})
    assert wrong.status_code == 401 and "không phải mật khẩu hiện tại" in wrong.text
    differ = mai.post("/committee/password", {"current": temporary, "new": NEW_PASSWORD,
                                              "confirm": NEW_PASSWORD + "x"})
    assert differ.status_code == 422
    changed = mai.post("/committee/password", {"current": temporary, "new": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert changed.status_code == 303
    assert mai.get("/committee/").status_code == 200  # this browser stays signed in
    assert find_account("mai.lt-binhlu").must_change_password is False  # type: ignore[union-attr]
    assert Browser(app).login("mai.lt-binhlu", temporary).status_code == 401
    assert Browser(app).login("mai.lt-binhlu", NEW_PASSWORD).status_code == 303
    assert actions_of("mai.lt-binhlu") == [("created", "tinh-admin"),
                                           ("password_changed", "mai.lt-binhlu")]


def test_the_form_says_what_to_fix(admin):  # type: ignore[no-untyped-def]
    bad_phone = create(admin, phone="12345")
    assert bad_phone.status_code == 422 and "không phải số điện thoại" in bad_phone.text
    bad_email = create(admin, email="mai at mttq")
    assert bad_email.status_code == 422 and "không phải địa chỉ thư điện tử" in bad_email.text
    bad_name = create(admin, username="Mai Lò")
    assert bad_name.status_code == 422
    assert find_account("mai.lt-binhlu") is None
    assert create(admin, phone="", email="").status_code == 200
    taken = create(admin, full_name="Another Mai")
    assert taken.status_code == 422 and "đã có tài khoản khác dùng" in taken.text


def test_a_reset_link_works_once_and_keeps_the_old_password_until_then(app, admin):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "viewer")
    page = "/committee/accounts/xa-binh-lu"
    issued = admin.post(f"{page}/reset", {"kind": "link"}, token_from=page)
    assert issued.status_code == 200
    link = secret_on(issued.text)
    assert link.startswith("https://") and "/committee/password/reset/" in link
    path = link[link.index("/committee/"):]
    assert Browser(app).login("xa-binh-lu").status_code == 303  # the old password still works

    person = Browser(app)
    opened = person.get(path)
    assert opened.status_code == 200 and "xa-binh-lu" in opened.text
    assert person.post(path, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303
    assert Browser(app).login("xa-binh-lu").status_code == 401
    assert Browser(app).login("xa-binh-lu", NEW_PASSWORD).status_code == 303
    again = Browser(app).get(path)
    assert again.status_code == 404 and "Liên kết này không còn dùng được" in again.text
    assert actions_of("xa-binh-lu") == [("created", "shell"), ("reset_link_issued", "tinh-admin"),
                                        ("password_reset_by_link", "xa-binh-lu")]


def test_a_reset_link_expires_and_a_newer_one_replaces_it(app, admin):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "viewer")
    page = "/committee/accounts/xa-binh-lu"
    first = secret_on(admin.post(f"{page}/reset", {"kind": "link"}, token_from=page).text)
    second = secret_on(admin.post(f"{page}/reset", {"kind": "link"}, token_from=page).text)
    first_path, second_path = (link[link.index("/committee/"):] for link in (first, second))
    assert Browser(app).get(first_path).status_code == 404
    assert Browser(app).get(second_path).status_code == 200
    account = find_account("xa-binh-lu")
    assert account is not None
    account.reset_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert Browser(app).get(second_path).status_code == 404
    assert Browser(app).get("/committee/password/reset/made-up").status_code == 404


def test_a_temporary_password_ends_the_old_one_and_every_session(app, admin):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    holder = Browser(app)
    assert holder.login("xa-binh-lu").status_code == 303
    page = "/committee/accounts/xa-binh-lu"
    temporary = secret_on(admin.post(f"{page}/reset", {"kind": "temporary"}, token_from=page).text)
    assert holder.get("/committee/").status_code == 302  # its open session ended
    assert Browser(app).login("xa-binh-lu").status_code == 401
    again = Browser(app)
    assert again.login("xa-binh-lu", temporary).headers["Location"].startswith("/committee/password")


def test_disable_and_enable_again(app, admin):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    holder = Browser(app)
    assert holder.login("xa-binh-lu").status_code == 303
    page = "/committee/accounts/xa-binh-lu"
    assert admin.post(f"{page}/disable", {}, token_from=page).status_code == 303
    assert holder.get("/committee/").status_code == 302
    assert Browser(app).login("xa-binh-lu").status_code == 401
    assert "Đã vô hiệu hóa" in admin.get("/committee/accounts").text
    reset = admin.post(f"{page}/reset", {"kind": "link"}, token_from=page)
    assert reset.status_code == 409  # enable it first
    assert admin.post(f"{page}/enable", {}, token_from=page).status_code == 303
    assert Browser(app).login("xa-binh-lu").status_code == 303
    assert holder.get("/committee/").status_code == 302  # the old sessions do not come back
    assert [a for a, _ in actions_of("xa-binh-lu")] == ["created", "disabled", "enabled"]


def test_details_and_role_change_are_logged_field_by_field(app, admin):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "viewer")
    page = "/committee/accounts/xa-binh-lu"
    saved = admin.post(page, {"full_name": "  Giàng  A Páo ", "role": "admin", "phone": "+84 912 345 678",
                              "email": ""})
    assert saved.status_code == 303
    account = find_account("xa-binh-lu")
    assert account is not None
    db.session.refresh(account)
    assert (account.full_name, account.role, account.phone) == ("Giàng A Páo", "admin", "+84912345678")
    entry = db.session.scalars(select(AccountEvent).filter_by(action="updated")).one()
    assert '"fields": ["full_name", "phone", "role"]' in entry.detail and '"role": "admin"' in entry.detail
    shown = admin.get(f"{page}?lang=en").text
    assert "Details changed" in shown and "Full name, Phone, Role" in shown and "0912 345 678" in shown
    # Nothing changed: nothing logged.
    assert admin.post(page, {"full_name": "Giàng A Páo", "role": "admin", "phone": "0912345678"}
                      ).status_code == 303
    assert [a for a, _ in actions_of("xa-binh-lu")] == ["created", "updated"]


def test_everyone_changes_their_own_password_and_other_sessions_end(app, units):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "viewer")
    office, phone = Browser(app), Browser(app)
    assert office.login("xa-binh-lu").status_code == 303
    assert phone.login("xa-binh-lu").status_code == 303
    assert 'href="/committee/password"' in office.get("/committee/").text  # reached from the nav
    changed = office.post("/committee/password", {"current": PASSWORD, "new": NEW_PASSWORD,
                                                  "confirm": NEW_PASSWORD})
    assert changed.status_code == 303
    assert office.get("/committee/").status_code == 200
    assert phone.get("/committee/").status_code == 302
    same = office.post("/committee/password", {"current": NEW_PASSWORD, "new": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert same.status_code == 422


def test_wrong_current_passwords_are_throttled(app, units):  # type: ignore[no-untyped-def]
    app.config["RATELIMIT_PASSWORD"], saved = "3 per minute", app.config["RATELIMIT_PASSWORD"]
    try:
        make_account("xa-binh-lu", "03390", "viewer")
        browser = Browser(app)
        assert browser.login("xa-binh-lu").status_code == 303
        token = csrf_token(browser.get("/committee/password").text)

        def change(current: str):  # type: ignore[no-untyped-def]
            with app.app_context():
                return browser.client.post("/committee/password", data={
                    "csrf_token": token, "current": current, "new": NEW_PASSWORD,
                    "confirm": NEW_PASSWORD})

        assert [change(f"guess {n}").status_code for n in range(5)] == [401, 401, 401, 429, 429]
        right = change(PASSWORD)
        assert right.status_code == 429 and "Retry-After" in right.headers
        assert browser.get("/committee/password").status_code == 200  # the page itself still opens
        guesses = [Browser(app).get(f"/committee/password/reset/guess-{n}").status_code for n in range(2)]
        assert guesses == [429, 429]  # the same count for reset links from this address
    finally:
        app.config["RATELIMIT_PASSWORD"] = saved


def test_the_accounts_log_is_append_only(admin):  # type: ignore[no-untyped-def]
    create(admin)
    entry = db.session.scalars(select(AccountEvent)).first()
    assert entry is not None
    entry.actor_username = "someone-else"
    with pytest.raises(ImmutableAccountEvent):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AccountEvent)).first())
    with pytest.raises(ImmutableAccountEvent):
        db.session.flush()
    db.session.rollback()


def test_the_cli_shares_the_services_and_names_the_operator(runner, units):  # type: ignore[no-untyped-def]
    created = runner.invoke(args=["users", "create", "--username", "xa-03390", "--unit", "03390",
                                  "--role", "admin", "--full-name", "Vàng Thị Dua", "--phone",
                                  "0212 3875 555", "--temporary", "--password", "first-one-123"])
    assert created.exit_code == 0, created.output
    account = find_account("xa-03390")
    assert account is not None and account.must_change_password and account.phone == "+842123875555"
    link = runner.invoke(args=["users", "reset-link", "xa-03390"])
    assert link.exit_code == 0 and "/committee/password/reset/" in link.output
    assert runner.invoke(args=["users", "disable", "xa-03390"]).exit_code == 0
    assert "disabled" in runner.invoke(args=["users", "list"]).output
    bad = runner.invoke(args=["users", "create", "--username", "xa-2", "--unit", "03390",
                              "--phone", "123", "--password", "first-one-123"])
    assert bad.exit_code == 1 and "phone invalid" in bad.output
    actions = actions_of("xa-03390")
    assert [a for a, _ in actions] == ["created", "reset_link_issued", "disabled"]
    assert all(who.startswith("shell:") for _, who in actions)


def test_postgresql_refuses_changes_to_the_accounts_log(admin):  # type: ignore[no-untyped-def]
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from ..skips import postgresql_only

    postgresql_only("database triggers exist on PostgreSQL only")
    create(admin)
    for statement in ("UPDATE account_events SET actor_username = 'x'", "DELETE FROM account_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert actions_of("mai.lt-binhlu") == [("created", "tinh-admin")]
