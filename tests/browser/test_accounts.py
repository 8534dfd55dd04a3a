"""Accounts in a real browser: the province's administrator creates an account for a commune
officer, and the officer logs in with the temporary password, is made to choose their own, then
reaches the committee pages. At 360 and 1280 px, in Vietnamese and in English."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from feedback_app.extensions import db
from feedback_app.services.accounts.users import find_account

from ..committee_support import PASSWORD, make_account
from .support import assert_readable
from .test_committee import _watch

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/accounts-shots"))
NEW_PASSWORD = "núi cao sông dài 2027"
WORDS = {
    "vi": {"accounts": "Tài khoản", "new": "Tài khoản mới", "create": "Tạo tài khoản",
           "login": "Đăng nhập", "change": "Đổi mật khẩu", "logout": "Đăng xuất"},
    "en": {"accounts": "Accounts", "new": "New account", "create": "Create the account",
           "login": "Log in", "change": "Change the password", "logout": "Log out"},
}


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the screen"


def _log_in(page, server: str, username: str, password: str, button: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/committee/login")
    page.fill("[name=username]", username)
    page.fill("[name=password]", password)
    page.get_by_role("button", name=button).click()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_administrator_creates_an_account_and_the_colleague_logs_in_with_it(
        browser, server, units, width, lang):  # type: ignore[no-untyped-def]
    words = WORDS[lang]
    make_account("tinh-admin", "12", "admin")
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = _watch(page)
    page.goto(f"{server}/committee/login?lang={lang}")  # the language sticks (cookie)
    _log_in(page, server, "tinh-admin", PASSWORD, words["login"])
    page.wait_for_url(f"{server}/committee/")

    nav_link = page.locator(".committee-nav a", has_text=words["accounts"])
    assert_readable(page, ".committee-nav a[href='/committee/accounts']")
    nav_link.click()
    page.wait_for_url(f"{server}/committee/accounts")
    assert page.locator("#accounts tr[data-username='tinh-admin']").count() == 1
    _no_horizontal_scroll(page)
    _shot(page, f"accounts-list-{width}-{lang}")
    page.get_by_role("link", name=words["new"]).click()
    page.wait_for_url(f"{server}/committee/accounts/new")

    page.fill("#full_name", "Lò Thị Mai")
    page.fill("#username", f"mai-{lang}-{width}")
    commune = page.locator("#unit option", has_text="Bình Lư" if lang == "vi" else "Binh Lu")
    page.select_option("#unit", commune.get_attribute("value"))
    page.select_option("#role", "officer")
    page.fill("#phone", "0912 345 678")
    _no_horizontal_scroll(page)
    _shot(page, f"account-new-{width}-{lang}")
    page.get_by_role("button", name=words["create"]).click()
    page.wait_for_selector("#secret")
    assert_readable(page, "#secret")
    temporary = page.locator("#secret").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", temporary)
    _no_horizontal_scroll(page)
    _shot(page, f"account-created-{width}-{lang}")
    db.session.rollback()
    account = find_account(f"mai-{lang}-{width}")
    assert account is not None and account.unit.code == "03390" and account.must_change_password

    page.get_by_role("button", name=words["logout"]).click()
    page.wait_for_url(re.compile(r".*/committee/login$"))
    _log_in(page, server, f"mai-{lang}-{width}", temporary, words["login"])
    page.wait_for_url(re.compile(r".*/committee/password.*"))
    assert_readable(page, "#forced")
    page.goto(f"{server}/committee/")  # anything else leads back to the change page
    page.wait_for_url(re.compile(r".*/committee/password.*"))
    _shot(page, f"password-forced-{width}-{lang}")
    page.fill("#current", temporary)
    page.fill("#new", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    assert_readable(page, "main button[type=submit]")
    page.get_by_role("button", name=words["change"]).click()
    page.wait_for_url(f"{server}/committee/")
    assert page.locator(".committee-nav .who").inner_text().startswith(f"mai-{lang}-{width}")
    assert page.locator(".committee-nav a[href='/committee/accounts']").count() == 0  # an officer
    _shot(page, f"after-change-{width}-{lang}")
    assert errors == []
    db.session.rollback()
    account = find_account(f"mai-{lang}-{width}")
    assert account is not None and not account.must_change_password
    context.close()


def test_the_account_page_and_its_log_on_a_phone(browser, server, units):  # type: ignore[no-untyped-def]
    make_account("tinh-admin", "12", "admin")
    make_account("xa-binh-lu", "03390", "viewer")
    for lang in ("vi", "en"):
        context = browser.new_context(viewport={"width": 360, "height": 800})
        page = context.new_page()
        errors = _watch(page)
        page.goto(f"{server}/committee/login?lang={lang}")
        _log_in(page, server, "tinh-admin", PASSWORD, WORDS[lang]["login"])
        page.wait_for_url(f"{server}/committee/")
        page.goto(f"{server}/committee/accounts/xa-binh-lu")
        page.locator("#reset-link").click()
        page.wait_for_selector("#secret")
        assert_readable(page, "#secret")
        _no_horizontal_scroll(page)
        _shot(page, f"account-reset-link-360-{lang}")
        page.goto(f"{server}/committee/accounts/xa-binh-lu")
        page.locator("#disable").click()
        page.wait_for_selector("#enable")
        _no_horizontal_scroll(page)
        _shot(page, f"account-page-360-{lang}")
        page.locator("#enable").click()
        page.wait_for_selector("#disable")
        assert page.locator("#log li").count() >= 3
        assert errors == []
        context.close()
        db.session.rollback()
