"""A commune officer runs a household-code survey through its villages, in a real browser: adds the
villages, creates a campaign, issues the codes from the register, prints a village's slips (the
page has the slips), a resident answers with one of them, the dashboard shows the village, and the
officer extends the campaign, then closes it through its confirmation page.
Screenshots at 390 px and 1280 px go to /tmp/villages/ to be looked at."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from feedback_app.clock import local_today

from ..committee_support import make_account
from .support import answer_all, assert_readable, shoot
from .test_committee import sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/villages")
VILLAGES = "/committee/communes/03390/villages"


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shoot(page, SHOTS, name)


def _add_village(page, name: str, households: int) -> None:  # type: ignore[no-untyped-def]
    page.fill("#new-name", name)
    page.fill("#new-households", str(households))
    page.locator("#add-village button[type=submit]").click()
    page.wait_for_selector(f"#villages tr:has-text('{name}')")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_commune_officer_runs_the_survey_through_its_villages(browser, server, units, width):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": width, "height": 844})
    ctx.set_default_timeout(15_000)
    errors: list[str] = []
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    ctx.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    make_account("xa-binh-lu", "03390", "officer")
    sign_in(page, server, "xa-binh-lu", "/committee/")

    # The villages, from the committee's menu.
    page.get_by_role("link", name="Thôn, bản").click()
    page.wait_for_url(f"{server}{VILLAGES}")
    assert_readable(page, "#no-villages")
    _add_village(page, "Thôn Nà Sài", 4)
    _add_village(page, "Bản Hoàng Hồ", 3)
    assert "2 thôn, 7 hộ đăng ký" in page.inner_text("#register-total")
    page.locator("#villages tr[data-code='03390002'] th").scroll_into_view_if_needed()
    assert_readable(page, "#villages tr[data-code='03390002'] th")
    _shoot(page, "villages")

    # A campaign over the commune, then its codes from the register.
    page.goto(f"{server}/committee/campaigns/new")
    page.fill("[name=key]", "xa-binh-lu-2026")
    page.fill("[name=closes_on]", (local_today() + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Tạo đợt khảo sát").click()
    page.wait_for_url(re.compile(r".*/manage$"))
    assert "Chưa có mã hộ. Bước tiếp theo" in page.inner_text("#codes-03390")
    _shoot(page, "manage-before")
    page.locator("#codes-03390 .issue-codes button[type=submit]").click()
    page.wait_for_selector("text=Đã cấp 7 mã hộ.")
    row = page.locator("#codes-03390 tr[data-village='03390001'] td")
    assert row.all_inner_texts()[:4] == ["4", "4", "0", "0,0\xa0%"]
    page.locator("#codes-03390 tr[data-village='03390001'] th").scroll_into_view_if_needed()
    assert_readable(page, "#codes-03390 tr[data-village='03390001'] th")
    _shoot(page, "manage-after")

    # One village's slips: its cover with the name and the count, and its four slips.
    page.locator("#codes-03390 tr[data-village='03390001'] a", has_text="Phiếu").first.click()
    page.wait_for_url(re.compile(r".*/slips\?village=03390001$"))
    assert page.locator(".cover h1").inner_text() == "Thôn Nà Sài"
    assert page.locator(".cover .count").inner_text() == "4 phiếu"
    assert page.locator("article.slip").count() == 4
    assert page.locator("article.slip .village").all_inner_texts() == ["Thôn Nà Sài"] * 4
    assert page.locator("article.slip svg").count() == 4
    _shoot(page, "slips")
    code = re.sub(r"\D", "", page.locator("article.slip .code").first.inner_text())

    # A resident answers with that code.
    resident = ctx.new_page()
    resident.goto(f"{server}/h/{code}")
    answer_all(resident)
    resident.wait_for_url(re.compile(r".*/thanks/.*"))

    # The commune's dashboard shows the village.
    page.goto(f"{server}/committee/campaigns/xa-binh-lu-2026/units/03390")
    page.wait_for_selector("#villages-drilldown")
    cells = page.locator("#villages tr[data-code='03390001'] td").all_inner_texts()
    assert cells[0] == "1 / 4" and cells[1] == "25,0\xa0%"
    assert cells[3] == "Chưa đủ số hộ trả lời"  # 1 of 4 households: below the 70 % minimum coverage
    page.locator("#villages tr[data-code='03390001'] th").scroll_into_view_if_needed()
    assert_readable(page, "#villages tr[data-code='03390001'] th")
    _shoot(page, "dashboard")
    page.goto(f"{server}/committee/campaigns/xa-binh-lu-2026/units/03390?lang=en")
    page.locator("#villages-drilldown").scroll_into_view_if_needed()
    assert page.locator("#villages tr[data-code='03390001'] td").all_inner_texts()[1] == "25.0%"
    _shoot(page, "dashboard-en")

    # Extend the closing date, then close it through the page that says what closing means.
    page.goto(f"{server}/committee/campaigns/xa-binh-lu-2026/manage?lang=vi")
    page.locator("#extend-campaign").click()
    page.wait_for_url(re.compile(r".*/extend$"))
    page.fill("[name=closes_on]", (local_today() + timedelta(days=25)).isoformat())
    page.locator("#save-dates").click()
    page.wait_for_url(re.compile(r".*/manage$"))
    page.locator("#close-campaign").click()
    page.wait_for_url(re.compile(r".*/close$"))
    assert "chính thức để báo cáo" in page.inner_text("#close-confirm")
    page.locator("#confirm-close").scroll_into_view_if_needed()
    assert_readable(page, "#confirm-close")
    _shoot(page, "close")
    page.locator("#confirm-close").click()
    page.wait_for_url(re.compile(r".*/manage$"))
    assert page.inner_text("#state") == "đã kết thúc"
    actions = page.locator("#history-log li").evaluate_all("items => items.map(i => i.dataset.action)")
    assert actions[:2] == ["closed", "extended"]
    assert errors == []
    ctx.close()
