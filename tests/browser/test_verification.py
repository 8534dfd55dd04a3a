"""Verification and posting in a real browser: the province's officer opens a commune's submitted
report, draws the re-contact sample, records an outcome and prints the call list; the commune's
officer records the posting dates, opens the sheets and downloads the PDF (read back with
pdftotext); the public page says when the results are posted. Screenshots at 390 px and 1280 px,
in Vietnamese and English, go to /tmp/verification/ to be looked at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from feedback_app.extensions import db
from feedback_app.services.reports import workflow as reports

from ..committee_support import make_account
from ..verification_support import PROVINCE, verified_commune
from .support import assert_readable, shoot
from .test_committee import sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/verification")
UNIT = "/committee/campaigns/verify/units/03390"


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shoot(page, SHOTS, name)


def _watch(ctx, page) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    ctx.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return errors


@pytest.mark.parametrize("width", [390, 1280])
def test_verify_by_recontact_then_post_the_results(browser, server, make_campaign, width, tmp_path):  # type: ignore[no-untyped-def]
    verified_commune(make_campaign)
    make_account("tinh-lai-chau", "12", full_name="Nguyễn Văn Tỉnh")
    make_account("xa-binh-lu", "03390", full_name="Lò Thị Mai")

    # The verifier: from the commune's report to its re-contact page.
    ctx = browser.new_context(viewport={"width": width, "height": 844}, accept_downloads=True)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    errors = _watch(ctx, page)
    sign_in(page, server, "tinh-lai-chau", f"{UNIT}/report")
    page.locator("#recontact-link").click()
    page.wait_for_url(f"{server}{UNIT}/recontact")
    assert_readable(page, "#draw-button") if width >= 1280 else None
    _shoot(page, "recontact-draw")
    page.locator("#draw-button").scroll_into_view_if_needed()
    assert_readable(page, "#draw-button")
    page.locator("#draw-button").click()
    page.wait_for_selector("text=Đã chọn ngẫu nhiên 7 hộ để liên hệ lại.")
    assert page.locator("#lines tbody tr").count() == 7  # 3 + 3 + 1 (Ấp Ba has one used code)
    page.select_option("#outcome-1", "confirmed")
    page.select_option("#outcome-2", "unreachable")
    page.fill("#note-2", "Đi nương, gọi lại sau")
    page.locator("#save-outcomes").scroll_into_view_if_needed()
    assert_readable(page, "#save-outcomes")
    page.locator("#save-outcomes").click()
    page.wait_for_selector("text=Đã ghi 2 kết quả.")
    assert "1 xác nhận" in page.inner_text("#tally") and "5 chưa liên hệ" in page.inner_text("#tally")
    page.locator("#lines tbody tr").nth(1).scroll_into_view_if_needed()
    assert_readable(page, "#lines tbody tr:nth-child(2) td.outcome")
    _shoot(page, "recontact-outcomes")
    first_code = page.locator("#lines tbody tr").first.get_attribute("data-code")
    page.locator("#print-link").click()
    page.wait_for_selector("#call-list")
    assert first_code in page.inner_text("#call-list")
    assert "Hài lòng" not in page.inner_text("#call-list")  # never an answer
    assert_readable(page, "#call-list tbody tr:first-child td.mono")
    _shoot(page, "recontact-print")
    page.goto(f"{server}{UNIT}/recontact?lang=en")
    page.wait_for_selector("#outcomes")
    _shoot(page, "recontact-outcomes-en")
    page.goto(f"{server}{UNIT}/recontact?lang=vi")
    assert errors == []
    ctx.close()

    # The commune: its posting dates, the sheets and their PDF.
    ctx = browser.new_context(viewport={"width": width, "height": 844}, accept_downloads=True)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    errors = _watch(ctx, page)
    sign_in(page, server, "xa-binh-lu", f"{UNIT}/report")
    assert page.locator("#recontact-link").count() == 0  # the commune never sees its sample
    page.locator("#posting-link").click()
    page.wait_for_url(f"{server}{UNIT}/posting")
    page.fill("#contact", "Chị Lò Thị Mai, Ban Thường trực MTTQ xã, 0912 345 678")
    page.locator("#posting-save").scroll_into_view_if_needed()
    assert_readable(page, "#posting-save")
    page.locator("#posting-save").click()
    page.wait_for_selector("#posting-current")
    assert "Niêm yết từ ngày" in page.inner_text("#posting-current")
    _shoot(page, "posting")
    page.goto(f"{server}{UNIT}/posting?lang=en")
    _shoot(page, "posting-en")
    page.goto(f"{server}{UNIT}/posting?lang=vi")
    page.locator("#sheet-link").click()
    page.wait_for_selector("section.sheet")
    assert page.locator("section.sheet").count() == 4
    assert_readable(page, "section.sheet:first-child .period")
    _shoot(page, "posting-sheet")
    page.goto(f"{server}{UNIT}/posting")
    if shutil.which("pdftotext"):
        with page.expect_download() as download:
            page.locator("#sheet-pdf").click()
        path = tmp_path / "sheet.pdf"
        download.value.save_as(path)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert text.count("THÔNG BÁO CÔNG KHAI KẾT QUẢ LẤY Ý KIẾN") == 4
        assert "0912 345 678" in text and "Quá ít câu trả lời để hiển thị" in text
    assert errors == []
    ctx.close()

    # Accepted, the public page says when the results are posted.
    reports.accept_report(PROVINCE, "verify", "03390")
    db.session.commit()
    ctx = browser.new_context(viewport={"width": width, "height": 844})
    page = ctx.new_page()
    errors = _watch(ctx, page)
    page.goto(f"{server}/results/verify/03390")
    page.locator("#posted").scroll_into_view_if_needed()
    assert_readable(page, "#posted")
    assert "được niêm yết từ ngày" in page.inner_text("#posted")
    _shoot(page, "public")
    assert errors == []
    ctx.close()
