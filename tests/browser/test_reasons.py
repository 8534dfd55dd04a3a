"""The reason under a question, in a real browser on a 320 px phone: hidden until "Chưa hài lòng"
is chosen, by CSS alone (with and without JavaScript), sent with the answers (by the offline
queue with JavaScript, the plain form without), then read by the committee on its dashboard and
never on the public results page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Remark
from feedback_app.services.reports import workflow as reports

from ..committee_support import make_account
from ..reports_support import answered, officer
from ..support import codes_of
from .support import assert_readable, phone, wait_until
from .test_committee import _watch, sign_in

pytestmark = pytest.mark.browser
REASON = "Đường vào thôn Nà Khum còn lầy lội"


@pytest.fixture
def campaign(make_campaign):  # type: ignore[no-untyped-def]
    return make_campaign(survey_id="ntm-xa-2026")


def shown(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    return page.locator(selector).is_visible()


def centred(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(selector).evaluate("node => node.scrollIntoView({block: 'center'})")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_reason_shows_only_under_not_satisfied_and_reaches_the_committee_only(
        browser, server, campaign, javascript):  # type: ignore[no-untyped-def]
    ctx = phone(browser, java_script_enabled=javascript)
    try:
        page = ctx.new_page()
        errors = _watch(page) if javascript else []
        page.goto(f"{server}/h/{codes_of(campaign, '03390')[0]}")
        reasons = page.locator("textarea[name^='r_']")
        assert reasons.count() == 11
        assert all(not box.is_visible() for box in reasons.all())  # none before any answer
        page.check("input[name=q_c02][value='1']")  # Hài lòng
        assert not shown(page, "#r_c02")
        page.check("input[name=q_c02][value='0']")  # Không ý kiến
        assert not shown(page, "#r_c02")
        page.check("input[name=q_c02][value='2']")  # Chưa hài lòng
        assert shown(page, "#r_c02") and not shown(page, "#r_c03")
        centred(page, "#r_c02")
        assert_readable(page, "#r_c02")
        box = page.locator("#r_c02").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.fill("#r_c02", REASON)
        page.check("input[name=q_c03][value='2']")
        page.fill("#r_c03", "typed, then the household chose satisfied")
        page.check("input[name=q_c03][value='1']")  # its reason hides and is not kept
        assert not shown(page, "#r_c03")
        for fieldset in page.locator("fieldset.question").all():
            if not fieldset.locator("input:checked").count():
                fieldset.locator("input[value='1']").check()
        page.get_by_role("button", name="Gửi câu trả lời").click()
        page.wait_for_url("**/thanks/**")

        def stored() -> list[tuple[str | None, str]]:
            db.session.rollback()
            return [(r.item_id, r.text) for r in db.session.scalars(select(Remark))]

        wait_until(page, lambda: stored() != [])
        assert stored() == [("c02", REASON)]
        assert errors == []
    finally:
        ctx.close()

    answered(campaign, "03390", 5)  # enough answers for the public page to show its rates
    reports.submit_report(officer("03390"), campaign.key)
    reports.accept_report(officer("12"), campaign.key, "03390")
    db.session.commit()
    make_account("mttq-03390", "03390", "viewer")
    ctx = phone(browser)
    try:
        page = ctx.new_page()
        page.goto(f"{server}/results/test-campaign/03390")
        assert page.locator("main").inner_text() and REASON not in page.content()
        sign_in(page, server, "mttq-03390", "/committee/campaigns/test-campaign/units/03390")
        section = page.locator("#resident-reasons")
        section.scroll_into_view_if_needed()
        assert REASON in section.inner_text()
        page.goto(f"{server}/committee/campaigns/test-campaign/units/03390/comments?q=lay+loi")
        assert REASON in page.locator("#remarks").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        ctx.close()
