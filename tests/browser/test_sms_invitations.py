"""A province officer sends SMS invitations from the browser: from the campaign's manage page to
the invitations page, a numbers file uploaded for a commune, the message and the counts on screen
(not under anything), the consent confirmed, the progress page until every invitation is sent;
at 390 px and 1280 px, in Vietnamese and English, with no console error."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import SmsInvitationRun

from ..committee_support import make_account
from .support import assert_readable
from .test_committee import sign_in

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/sms-web-shots"))
NUMBERS = b"sdt\n0912345678\n0912 345 678\nhello\n0987654321\n"
WORDS = {
    "vi": {"link": "Tin mời qua SMS", "check": "Kiểm tra tệp", "valid": "Số hợp lệ",
           "line": "Dòng 4", "done": "Mọi tin mời của lượt gửi này đã được xử lý."},
    "en": {"link": "SMS invitations", "check": "Check the file", "valid": "Valid numbers",
           "line": "Line 4", "done": "Every invitation of this run has been handled."},
}


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_officer_uploads_checks_sends_and_follows(browser, server, app, campaign, lang, width):  # type: ignore[no-untyped-def]
    words = WORDS[lang]
    make_account("tinh-lai-chau", "12")
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": 844})
    ctx.set_default_timeout(15_000)
    outbox = app.extensions["sms_sender"]
    outbox.reset()
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        sign_in(page, server, "tinh-lai-chau", "/committee/")
        page.goto(f"{server}/committee/campaigns/test-campaign/manage?lang={lang}")
        assert page.locator("#sms-invitations-link").inner_text() == words["link"]
        assert_readable(page, "#sms-invitations-link")
        page.locator("#sms-invitations-link").click()
        page.wait_for_load_state("load")
        page.screenshot(path=str(SHOTS / f"upload-{lang}-{width}.png"), full_page=True)
        page.select_option("#place", "03390")
        page.select_option("#language", lang)
        page.set_input_files("#file", files=[{"name": "so-dien-thoai.csv", "mimeType": "text/csv",
                                               "buffer": NUMBERS}])
        page.get_by_role("button", name=words["check"]).click()
        page.wait_for_load_state("load")
        page.screenshot(path=str(SHOTS / f"preview-{lang}-{width}.png"), full_page=True)
        text = page.locator("#sms-text").inner_text()
        if lang == "vi":
            assert text.startswith("Mat tran To quoc xa Binh Lu moi ong/ba")
        else:
            assert text.startswith("Fatherland Front of Binh Lu Commune")
        assert_readable(page, "#sms-text")
        assert "GSM-7" in page.locator("#sms-parts").inner_text()
        assert page.locator("#count-valid dd").inner_text() == "2"
        assert page.locator("#count-invalid dd").inner_text() == "1"
        assert page.locator("#count-duplicates dd").inner_text() == "1"
        assert words["line"] in page.locator("#line-problems").inner_text()
        page.locator("#statement").scroll_into_view_if_needed()
        page.fill("#statement", "Cac ho da dang ky so dien thoai tai cuoc hop thon ngay 3/3.")
        page.check("#confirm")
        button = page.locator("#invite-send-button")
        button.scroll_into_view_if_needed()
        assert_readable(page, "#invite-send-button")
        button.click()
        page.wait_for_load_state("load")
        deadline = time.monotonic() + 20
        while page.locator("#invite-progress").get_attribute("data-done") != "yes":
            assert time.monotonic() < deadline, "the invitations were not all sent"
            page.wait_for_timeout(300)
            page.reload()
        page.screenshot(path=str(SHOTS / f"progress-{lang}-{width}.png"), full_page=True)
        assert page.locator("#progress-sent dd").inner_text() == "2"
        assert words["done"] in page.locator("#invite-progress").inner_text()
        assert_readable(page, "#progress-sent")
        assert sorted(m.to for m in outbox.sent) == ["+84912345678", "+84987654321"]
        db.session.rollback()
        run = db.session.scalars(select(SmsInvitationRun)).one()
        assert run.sent == 2 and run.language == lang
        assert errors == []
    finally:
        outbox.reset()
        ctx.close()
