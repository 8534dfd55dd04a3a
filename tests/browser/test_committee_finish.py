"""What a person sees of the committee's finishing touches, in a real browser at 360 and 1280 px:
the threshold line on the public page's bars, the preparer and the approver named on the print
page, a committee error page leading back to the campaigns, a commune officer's home."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from feedback_app.extensions import db
from feedback_app.services.reports import workflow as reports

from ..committee_support import make_account
from ..reports_support import answered, officer
from .support import assert_readable
from .test_committee import DASH, _watch, sign_in

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/committee-finish-shots"))
WIDTHS = (360, 1280)

# The threshold line of each bar: inside the bar's box, at the threshold's share of its width.
THRESHOLD_LINES = """() => [...document.querySelectorAll('.bar-track')].map(track => {
  const bar = track.querySelector('meter').getBoundingClientRect();
  const line = track.querySelector('.threshold-line line').getBoundingClientRect();
  return {left: bar.left, right: bar.right, top: bar.top, bottom: bar.bottom,
          x: line.left + line.width / 2, lineTop: line.top, lineBottom: line.bottom,
          shown: line.height > 0};
})"""


def _accepted(campaign) -> None:  # type: ignore[no-untyped-def]
    answered(campaign, "03390", 8)
    answered(campaign, "03390", 4, value=2)
    make_account("xa-officer", "03390", full_name="Nguyễn Văn An")
    make_account("tinh-officer", "12", full_name="Trần Thị Bình")
    preparer = replace(officer("03390", "xa-officer"), full_name="Nguyễn Văn An")
    reports.submit_report(preparer, campaign.key, "Đã rà soát")
    db.session.commit()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_public_bars_carry_the_threshold_line(browser, server, campaign, width, lang):  # type: ignore[no-untyped-def]
    _accepted(campaign)
    reports.accept_report(replace(officer("12", "tinh-officer"), full_name="Trần Thị Bình"), campaign.key,
                          "03390")
    db.session.commit()
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = ctx.new_page()
        errors = _watch(page)
        page.goto(f"{server}/results/test-campaign/03390?lang={lang}")
        lines = page.evaluate(THRESHOLD_LINES)
        assert lines, "no bar on the public page"
        for line in lines:
            assert line["shown"]
            share = (line["x"] - line["left"]) / (line["right"] - line["left"])
            assert abs(share - 0.9) < 0.02, line  # the campaign's threshold: 90 %
            assert line["lineTop"] <= line["top"] + 1 and line["lineBottom"] >= line["bottom"] - 1
        key = page.locator("#threshold-key").inner_text()
        assert ("Ngưỡng 90\u00a0%" if lang == "vi" else "Threshold 90%") in key
        page.evaluate("document.querySelector('#threshold-key').scrollIntoView({block: 'center'})")
        assert_readable(page, "#threshold-key")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate("window.__csp") == [] and errors == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"public-{lang}-{width}.png"), full_page=True)
    finally:
        ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_print_page_names_the_preparer_and_the_approver(browser, server, campaign, width):  # type: ignore[no-untyped-def]
    _accepted(campaign)
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = ctx.new_page()
        sign_in(page, server, "tinh-officer", f"{DASH}/12")
        page.goto(f"{server}{DASH}/12")
        page.locator("#confirm-03390").check()  # 12 of 40 households: not enough, accepted knowingly
        page.locator("#children form[action$='/03390/report/accept'] button").click()
        page.wait_for_url(f"{server}{DASH}/12")
        page.goto(f"{server}{DASH}/03390/export/report.html")
        preparer = page.locator("#sign-preparer").inner_text()
        approver = page.locator("#sign-approver").inner_text()
        assert "Người lập" in preparer and "Nguyễn Văn An (xa-officer)" in preparer and "Cán bộ" in preparer
        assert "Người duyệt" in approver and "Trần Thị Bình (tinh-officer)" in approver
        page.evaluate("document.querySelector('#signatures').scrollIntoView({block: 'center'})")
        assert_readable(page, "#sign-preparer .signer")
        assert_readable(page, "#sign-approver .signer")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"print-signatures-{width}.png"), full_page=True)
        page.goto(f"{server}{DASH}/12/log?lang=en")
        log = page.locator("#log").inner_text()
        assert "Nguyễn Văn An (xa-officer)" in log and "Trần Thị Bình (tinh-officer)" in log
        page.screenshot(path=str(SHOTS / f"log-en-{width}.png"), full_page=True)
    finally:
        ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_committee_error_leads_back_to_the_campaigns(browser, server, campaign, width):  # type: ignore[no-untyped-def]
    make_account("xa-officer", "03390")
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = ctx.new_page()
        sign_in(page, server, "xa-officer", "/committee/")
        home = page.locator("main").inner_text()
        assert "Phiếu mã hộ và áp phích của các xã" in home and "mở hoặc kết thúc" not in home
        page.screenshot(path=str(SHOTS / f"home-commune-{width}.png"), full_page=True)
        page.goto(f"{server}/committee/campaigns/nope/units/03390")
        body = page.locator("body").inner_text()
        assert "Nhập mã hộ" not in body and "mã QR" not in body and "Không tìm thấy đợt khảo sát" in body
        assert_readable(page, "#back-to-campaigns")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"error-{width}.png"), full_page=True)
        page.locator("#back-to-campaigns").click()
        page.wait_for_url(f"{server}/committee/")
    finally:
        ctx.close()
