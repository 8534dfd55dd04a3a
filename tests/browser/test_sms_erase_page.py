"""The committee deletes a typed number's SMS data: on a phone, the refusal of a wrong number and
the confirmation are on screen, not under anything, in both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import SmsNumber

from ..committee_support import make_account
from .support import assert_readable, phone
from .test_committee import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "refusal", "done"), [
    ("vi", "không phải số di động Việt Nam", "Đã xóa mọi dữ liệu kênh SMS lưu về số +849******78"),
    ("en", "not a Vietnamese mobile number", "Everything the SMS channel kept about +849******78"),
])
def test_erasing_a_typed_number_on_a_phone(browser, server, campaign, lang, refusal, done):  # type: ignore[no-untyped-def]
    make_account("xa-officer", "03390")
    ctx = phone(browser)
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, server, "xa-officer", "/committee/")
        page.goto(f"{server}/committee/sms/erase?lang={lang}")
        page.fill("#number", "12345")
        page.locator("#erase-number button[type=submit], #erase-number input[type=submit]").click()
        page.wait_for_load_state("load")
        assert refusal in page.locator("#number-error").inner_text()
        assert_readable(page, "#number-error")
        page.fill("#number", "0912 345 678")
        page.locator("#erase-number button[type=submit], #erase-number input[type=submit]").click()
        page.wait_for_load_state("load")
        notice = page.locator("p.notice", has_text=done)
        assert notice.count() == 1
        assert_readable(page, "p.notice")
        assert errors == []
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(SmsNumber)) == 1
    finally:
        ctx.close()
