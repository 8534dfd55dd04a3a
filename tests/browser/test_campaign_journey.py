"""A commune officer runs a campaign's life in a real browser: creates a campaign that opens
tomorrow, edits it, opens it today, extends it, closes it through the confirmation page, reopens it
with a reason; the History shows every step with the officer's name. Screenshots at 390 px and
1280 px, Vietnamese and English, go to /tmp/campaign-life/ to be looked at."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.i18n import fmt_date
from feedback_app.models import Campaign

from ..committee_support import make_account
from .support import assert_readable, shoot
from .test_committee import sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/campaign-life")
MANAGE = "/committee/campaigns/xa-binh-lu-2026/manage"


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shoot(page, SHOTS, name)


def _stored() -> Campaign:
    db.session.rollback()  # a new transaction: the server committed in its own
    return db.session.query(Campaign).filter_by(key="xa-binh-lu-2026").one()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_commune_officer_runs_the_campaigns_life(browser, server, units, width):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": width, "height": 844})
    ctx.set_default_timeout(15_000)
    errors: list[str] = []
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    ctx.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    make_account("xa-binh-lu", "03390", "officer", full_name="Nguyễn Văn An")
    sign_in(page, server, "xa-binh-lu", "/committee/")
    today = local_today()

    # Create a campaign that opens tomorrow.
    page.goto(f"{server}/committee/campaigns/new")
    page.fill("[name=key]", "xa-binh-lu-2026")
    page.fill("[name=opens_on]", (today + timedelta(days=1)).isoformat())
    page.fill("[name=closes_on]", (today + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Tạo đợt khảo sát").click()
    page.wait_for_url(f"{server}{MANAGE}")
    assert page.inner_text("#state") == "chưa mở"
    assert_readable(page, "#edit-campaign")
    assert page.locator("#history-log li").count() == 1  # created

    # Edit it: a title, a higher threshold, a later closing date.
    page.locator("#edit-campaign").click()
    page.wait_for_url(re.compile(r".*/edit$"))
    assert page.input_value("[name=threshold]") == "90"
    page.fill("[name=title]", "Lấy ý kiến sự hài lòng xã Bình Lư năm 2026")
    page.fill("[name=threshold]", "95")
    page.fill("[name=closes_on]", (today + timedelta(days=25)).isoformat())
    page.locator("#save-settings").scroll_into_view_if_needed()
    assert_readable(page, "#save-settings")
    _shoot(page, "edit")
    page.locator("#save-settings").click()
    page.wait_for_url(f"{server}{MANAGE}")
    assert page.inner_text("h1") == "Lấy ý kiến sự hài lòng xã Bình Lư năm 2026"
    edited = page.locator("#history-log li[data-action='edited']")
    assert "90\xa0% → 95\xa0%" in edited.inner_text()
    assert "Nguyễn Văn An (xa-binh-lu)" in edited.inner_text()
    assert _stored().threshold * 100 == 95

    # Open it today.
    page.locator("#open-campaign").click()
    page.wait_for_selector("text=Đợt khảo sát mở từ hôm nay.")
    assert page.inner_text("#state") == "đang mở"
    assert _stored().opens_on == today

    # Extend it by five days, with a reason.
    page.locator("#extend-campaign").click()
    page.wait_for_url(re.compile(r".*/extend$"))
    page.fill("[name=closes_on]", (today + timedelta(days=30)).isoformat())
    page.fill("[name=reason]", "Thôn Nà Sài xin thêm thời gian")
    _shoot(page, "extend")
    page.locator("#save-dates").click()
    page.wait_for_url(f"{server}{MANAGE}")
    assert _stored().closes_on == today + timedelta(days=30)
    assert "Thôn Nà Sài xin thêm thời gian" in page.inner_text("#history-log li[data-action='extended']")

    # Close it: the confirmation page says what closing means before anything changes.
    page.locator("#close-campaign").click()
    page.wait_for_url(re.compile(r".*/close$"))
    meaning = page.inner_text("#close-confirm")
    assert "Không nhận thêm phiếu" in meaning or "không nhận thêm phiếu" in meaning
    assert "chính thức để báo cáo" in meaning
    assert fmt_date(today, "vi") in meaning  # the opening date stays
    assert _stored().closes_on == today + timedelta(days=30)  # nothing changed yet
    assert_readable(page, "#confirm-close")
    _shoot(page, "close")
    page.locator("#confirm-close").click()
    page.wait_for_url(f"{server}{MANAGE}")
    assert page.inner_text("#state") == "đã kết thúc"
    stored = _stored()
    assert stored.opens_on == today and stored.closes_on == today - timedelta(days=1)

    # Reopen it: the reason is required.
    page.locator("#reopen-campaign").click()
    page.wait_for_url(re.compile(r".*/reopen$"))
    page.fill("[name=closes_on]", (today + timedelta(days=3)).isoformat())
    page.locator("#save-dates").click()
    page.wait_for_selector("text=Hãy nêu lý do mở lại đợt")
    assert _stored().closes_on == today - timedelta(days=1)
    errors.clear()  # the 422 of the refused form is expected
    page.fill("[name=reason]", "Tỉnh đề nghị lấy thêm ý kiến")
    page.locator("#save-dates").click()
    page.wait_for_url(f"{server}{MANAGE}")
    assert page.inner_text("#state") == "đang mở"

    actions = page.locator("#history-log li").evaluate_all("items => items.map(i => i.dataset.action)")
    assert actions == ["reopened", "closed", "extended", "opened", "edited", "created"]
    page.locator("#history-heading").scroll_into_view_if_needed()
    assert_readable(page, "#history-heading")
    _shoot(page, "manage")
    page.goto(f"{server}{MANAGE}?lang=en")
    assert "Reopened" in page.inner_text("#history-log li[data-action='reopened']")
    _shoot(page, "manage-en")
    page.goto(f"{server}/committee/campaigns/xa-binh-lu-2026/extend?lang=en")
    _shoot(page, "extend-en")
    assert errors == []
    ctx.close()
