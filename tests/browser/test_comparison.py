"""The comparison with an earlier round in a real browser: an officer picks the earlier round on
its page, then reads the change on the dashboard, on a phone and on a desktop screen."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from feedback_app.extensions import db
from feedback_app.services.responses.record import Channel, Submission, record_response

from ..committee_support import PASSWORD, make_account
from ..reports_support import answered
from ..support import all_answers, past
from .support import assert_readable

pytestmark = pytest.mark.browser


def _earlier_answers(campaign, commune: str, values: list[int]) -> None:  # type: ignore[no-untyped-def]
    for value in values:
        record_response(Submission(campaign_key=campaign.key, channel=Channel.ASSISTED,
                                   answers=all_answers(campaign, value), client_uuid=str(uuid.uuid4()),
                                   commune_code=commune), today=campaign.opens_on + timedelta(days=2))
    db.session.commit()


@pytest.mark.parametrize("width", [390, 1280])
def test_officer_sets_the_earlier_round_and_reads_the_change(browser, server, make_campaign, width, tmp_path):  # type: ignore[no-untyped-def]
    earlier = make_campaign(key="round-2025", codes=0, opens_on=past(300), closes_on=past(280),
                            survey_id="ntm-xa-2026", title="Đợt 2025")
    now = make_campaign(key="round-2026", codes=0, survey_id="ntm-xa-2026", title="Đợt 2026")
    _earlier_answers(earlier, "03390", [1] * 3 + [2] * 9)
    answered(now, "03390", 12)
    make_account("tinh-officer", "12")

    ctx = browser.new_context(viewport={"width": width, "height": 844})
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{server}/committee/login?next=/committee/campaigns/round-2026/follows")
    page.fill("[name=username]", "tinh-officer")
    page.fill("[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{server}/committee/campaigns/round-2026/follows")
    page.select_option("#earlier", "round-2025")
    page.locator("#follows-save").click()
    page.wait_for_selector("#follows-history")
    assert "Đợt 2025" in page.inner_text("#follows-current")

    page.goto(f"{server}/committee/campaigns/round-2026/")
    page.locator("#comparison").scroll_into_view_if_needed()
    overall = '#comparison-table tr[data-item="overall"]'
    page.locator(overall).scroll_into_view_if_needed()
    assert_readable(page, overall + " .noise")
    row = page.inner_text(overall)
    assert "25,0\xa0%" in row and "100,0\xa0%" in row  # 3 of 12 then, 12 of 12 now
    assert "+75,0" in row and "Vượt ngoài sai số" in row  # in words and a sign, not colour only
    assert page.locator('#comparison-table tr[data-noise="beyond"]').count() == 11  # overall + 10 items
    page.screenshot(path=str(tmp_path / f"comparison-{width}.png"), full_page=True)
    assert errors == []
    ctx.close()
