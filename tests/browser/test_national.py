"""The central committee's national view in a real browser at 360 and 1280 px: every province's
campaign in the page's width, the province's submitted report accepted from there (with the
confirmation an insufficient report needs), and back on the national view with it accepted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feedback_app.extensions import db
from feedback_app.services.reports import workflow as reports

from ..committee_support import make_account
from ..reports_support import answered, officer
from .support import assert_readable
from .test_committee import sign_in

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/national-shots"))
WIDEST = ("() => Math.max(...[...document.querySelectorAll('main *')]"
          ".map(e => e.getBoundingClientRect().right))")


@pytest.mark.parametrize("width", (360, 1280))
def test_the_centre_reads_the_provinces_and_accepts_a_province_s_report(browser, server, campaign, width):  # type: ignore[no-untyped-def]
    answered(campaign, "03390", 30)
    reports.submit_report(officer("12"), campaign.key, allow_incomplete=True)
    db.session.commit()
    make_account("trung-uong", "VN")
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    errors: list[str] = []
    try:
        page = ctx.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, server, "trung-uong", "/committee/")
        page.locator("#national-link a").click()
        page.wait_for_url(f"{server}/committee/national")
        row = page.locator(f'tr[data-campaign="{campaign.key}"]')
        assert "Tỉnh Lai Châu" in row.inner_text() and "1 / 2" in row.inner_text()
        assert page.evaluate(WIDEST) <= width + 0.5  # nothing wider than the screen
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"national-{width}.png"), full_page=True)
        page.locator(f"#confirm-{campaign.key}").check()  # 46 % coverage: said out loud
        boxes = row.locator("input[name=acknowledge]")  # 30 open-link answers, all alike: flags
        assert boxes.count() >= 2
        for box in boxes.all():
            box.check()
        accept = row.locator("form.decide button[type=submit]").first
        accept.evaluate("button => button.scrollIntoView({block: 'center'})")
        assert_readable(page, f'tr[data-campaign="{campaign.key}"] form.decide button')
        accept.click()
        page.wait_for_url(f"{server}/committee/national")
        assert "status-accepted" in page.locator(f'tr[data-campaign="{campaign.key}"]').inner_html()
        assert errors == []
    finally:
        ctx.close()
    db.session.rollback()  # the server's commit is not in this session's snapshot yet
    assert reports.get_report(None, campaign.key, "12").status == "accepted"
