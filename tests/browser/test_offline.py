"""The resident page as an offline app in a real browser: cached forms, queued answers, sync."""

from __future__ import annotations

import pytest

from ..support import codes_of
from .support import answer_all, open_for_offline, queue_records, stored, wait_waiting

pytestmark = pytest.mark.browser


def test_answers_given_offline_are_sent_once_when_the_connection_returns(context, server, campaign):
    first, second = codes_of(campaign, "03390")[:2]
    page = context.new_page()
    open_for_offline(page, f"{server}/h/{first}")
    open_for_offline(page, f"{server}/h/{second}")

    context.set_offline(True)
    page.reload()  # served by the service worker
    assert page.locator("fieldset.question").count() == 20
    answer_all(page)
    page.get_by_text("Không có kết nối").wait_for()
    wait_waiting(page, 1)
    assert page.locator("[data-queue-count]").inner_text() == "1 câu trả lời đang chờ gửi"

    page.goto(f"{server}/h/{first}")
    answer_all(page, value="2")
    wait_waiting(page, 2)
    assert page.locator("[data-queue-count]").inner_text() == "2 câu trả lời đang chờ gửi"
    assert page.locator("li[data-state='waiting']").count() == 2
    assert stored() == []

    context.set_offline(False)  # the `online` event sends them
    wait_waiting(page, 0)
    assert page.locator("li[data-state='sent']").count() == 2
    responses = stored()
    assert sorted(r.household_code.code for r in responses) == sorted([first, second])
    assert {r.uuid for r in responses} == {r["uuid"] for r in queue_records(page)}
    by_code = {r.household_code.code: r for r in responses}
    assert {a.value for a in by_code[second].answers} == {1}
    assert {a.value for a in by_code[first].answers} == {2}
    assert all(r.channel == "web" for r in responses)
