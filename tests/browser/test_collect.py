"""A cadre's collect page in a real browser: offline, household after household, session expiry."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from feedback_app.web.committee import collect as collect_views

from ..committee_support import PASSWORD, make_account
from ..support import codes_of
from .support import open_for_offline, queue_records, stored, wait_for_js, wait_waiting

pytestmark = pytest.mark.browser

COLLECT = "/committee/collect/test-campaign/03390"


def _busy(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise OperationalError("INSERT", {}, Exception("the database is away"))


def sign_in(page, server: str, username: str = "mttq-03390") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/committee/login?next={COLLECT}")
    page.fill("[name=username]", username)
    page.fill("[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{server}{COLLECT}")


def collect_one(page, code: str, value: str = "1") -> None:  # type: ignore[no-untyped-def]
    page.fill("[name=household_code]", code)
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator(f"input[type=radio][value='{value}']").check()
    page.locator("form.collect button[type=submit]").click()


def test_a_cadre_collects_two_households_offline_and_they_are_sent_once(context, server, campaign):
    make_account("mttq-03390", "03390")
    first, second = codes_of(campaign, "03390")[:2]
    page = context.new_page()
    sign_in(page, server)
    open_for_offline(page, f"{server}{COLLECT}")

    context.set_offline(True)
    page.reload()  # served by the service worker
    assert page.locator("fieldset.question").count() == 20
    collect_one(page, first)
    wait_waiting(page, 1)
    # The form is empty again for the next household, and says how many answers wait.
    assert page.input_value("[name=household_code]") == ""
    assert page.locator("input[type=radio]:checked").count() == 0
    assert page.locator("[data-queue-count]").inner_text() == "1 câu trả lời đang chờ gửi"
    collect_one(page, second, value="2")
    wait_waiting(page, 2)

    page.reload()  # still offline: the page and its queue are on the device
    wait_waiting(page, 2)
    assert page.locator("li[data-state='waiting']").count() == 2
    assert stored() == []

    context.set_offline(False)
    wait_waiting(page, 0)
    responses = stored()
    assert sorted(r.household_code.code for r in responses) == sorted([first, second])
    assert {r.channel for r in responses} == {"assisted"}
    assert {r.uuid for r in responses} == {r["uuid"] for r in queue_records(page)}
    by_code = {r.household_code.code: r for r in responses}
    assert {a.value for a in by_code[second].answers} == {2}


def test_answers_wait_while_signed_out_and_go_after_signing_in_again(context, server, campaign):
    make_account("mttq-03390", "03390")
    code = codes_of(campaign, "03390")[0]
    page = context.new_page()
    sign_in(page, server)
    open_for_offline(page, f"{server}{COLLECT}")
    context.set_offline(True)
    collect_one(page, code)
    wait_waiting(page, 1)

    context.clear_cookies()  # the session ended (expired, or logged out elsewhere)
    context.set_offline(False)
    summary = page.evaluate("FeedbackQueue.drain()")  # the server answers 401: it stays waiting
    assert (summary["stopped"], summary["waiting"]) == (True, 1)
    assert [r["state"] for r in queue_records(page)] == ["waiting"]
    assert stored() == []

    sign_in(page, server)  # back on the collect page, which sends what waits
    wait_waiting(page, 0)
    assert [(r.household_code.code, r.channel) for r in stored()] == [(code, "assisted")]


def test_logging_out_forgets_the_cached_page_but_keeps_waiting_answers(context, server, campaign,
                                                                       monkeypatch):
    make_account("mttq-03390", "03390")
    code = codes_of(campaign, "03390")[0]
    page = context.new_page()
    sign_in(page, server)
    open_for_offline(page, f"{server}{COLLECT}")
    monkeypatch.setattr(collect_views, "record_assisted", _busy)  # the server answers 503: it waits
    collect_one(page, code)
    wait_waiting(page, 1)

    page.locator("nav.committee-nav button[type=submit]").click()
    page.wait_for_url(f"{server}/committee/login")
    wait_for_js(page, "caches.open('pages-v1').then(c => c.keys())"
               ".then(keys => !keys.some(k => k.url.includes('/committee/collect/')))",
               what="the collect page is still in the cache after logout")
    context.set_offline(True)
    page.goto(f"{server}{COLLECT}")
    assert page.locator("fieldset.question").count() == 0  # the offline page, not the form
    assert [r["state"] for r in queue_records(page)] == ["waiting"]
    assert stored() == []


def test_the_collect_page_with_answers_waiting_has_no_accessibility_violations(browser, server, campaign):
    from .test_page import _axe_violations

    make_account("mttq-03390", "03390")
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    ctx.set_default_timeout(15_000)
    try:
        page = ctx.new_page()
        sign_in(page, server)
        open_for_offline(page, f"{server}{COLLECT}")
        ctx.set_offline(True)
        collect_one(page, codes_of(campaign, "03390")[0])
        wait_waiting(page, 1)
        assert page.locator("#send-status").is_visible()
        assert _axe_violations(page) == []
    finally:
        ctx.close()
