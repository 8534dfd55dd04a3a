"""A cadre's collect page in a real browser: offline, household after household, session expiry."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from feedback_app.web.committee import collect as collect_views

from ..committee_support import PASSWORD, make_account
from ..support import codes_of, mistyped_code
from .support import (
    assert_readable,
    open_for_offline,
    phone,
    queue_records,
    stored,
    wait_for_js,
    wait_waiting,
)

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


def _grouped(code: str) -> str:
    return f"{code[:5]} {code[5:10]} {code[10:]}"


@pytest.fixture
def small(browser):  # type: ignore[no-untyped-def]
    ctx = phone(browser)
    yield ctx
    ctx.close()


def test_the_device_checks_the_check_digit_before_the_questions_are_asked(small, server, campaign):
    make_account("mttq-03390", "03390")
    page = small.new_page()
    sign_in(page, server)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.fill("[name=household_code]", mistyped_code(3))
    page.keyboard.press("Tab")
    assert_readable(page, "#code-problem")
    assert "một chữ số bị nhập sai" in page.inner_text("#code-problem")
    page.screenshot(path="/tmp/residents/collect-typo-320.png")
    page.fill("[name=household_code]", "1234")
    page.keyboard.press("Tab")
    assert "mã này có 4 chữ số" in page.inner_text("#code-problem")
    good = codes_of(campaign, "03390")[0]
    page.fill("[name=household_code]", good)
    page.keyboard.press("Tab")
    assert not page.locator("#code-problem").is_visible()
    assert page.input_value("[name=household_code]") == _grouped(good)  # as on the slip
    assert posts == []


def test_a_refused_code_keeps_the_answers_to_correct_and_send_again(small, server, campaign):
    make_account("mttq-03390", "03390")
    mine = codes_of(campaign, "03390")[0]
    page = small.new_page()
    sign_in(page, server)
    collect_one(page, codes_of(campaign, "03430")[0], value="2")  # a slip of the next commune
    page.wait_for_selector("#code-problem:not([hidden])")
    assert_readable(page, "#code-problem")
    assert "xã khác" in page.inner_text("#code-problem")
    page.screenshot(path="/tmp/residents/collect-refused-320.png")
    assert page.locator("input[type=radio]:checked").count() == 20  # nothing to ask again
    assert queue_records(page) == [] and stored() == []

    page.fill("[name=household_code]", mine)
    page.locator("form.collect button[type=submit]").click()
    page.get_by_text(f"Đã ghi nhận câu trả lời của hộ {_grouped(mine)}").wait_for()
    assert_readable(page, "#send-status")
    assert page.locator("input[type=radio]:checked").count() == 0
    responses = stored()
    assert [r.household_code.code for r in responses] == [mine]
    assert {a.value for a in responses[0].answers} == {2}

    collect_one(page, mine)  # the same household again: already answered, worded for a cadre
    page.wait_for_selector("#code-problem:not([hidden])")
    assert_readable(page, "#code-problem")
    assert "đã có trên máy này" in page.inner_text("#code-problem")


def test_an_answer_refused_after_an_offline_sync_goes_back_into_the_form(small, server, campaign):
    make_account("mttq-03390", "03390")
    other, mine = codes_of(campaign, "03430")[0], codes_of(campaign, "03390")[0]
    page = small.new_page()
    sign_in(page, server)
    open_for_offline(page, f"{server}{COLLECT}")
    small.set_offline(True)
    collect_one(page, other, value="2")
    wait_waiting(page, 1)
    small.set_offline(False)
    wait_waiting(page, 0)
    refused = page.locator("li[data-state='refused']")
    assert _grouped(other) in refused.inner_text()  # codes as printed on the slip
    refused.get_by_role("button", name="Sửa và gửi lại").click()
    assert_readable(page, "#code-problem")
    assert page.input_value("[name=household_code]") == _grouped(other)
    assert page.locator("input[type=radio][value='2']:checked").count() == 20
    page.fill("[name=household_code]", mine)
    page.locator("form.collect button[type=submit]").click()
    page.get_by_text(f"Đã ghi nhận câu trả lời của hộ {_grouped(mine)}").wait_for()
    assert [r["state"] for r in queue_records(page)] == ["sent"]  # the refused one is gone
    assert [r.household_code.code for r in stored()] == [mine]


def test_without_javascript_a_refused_code_is_on_screen_with_the_answers_kept(browser, server, campaign):
    make_account("mttq-03390", "03390")
    ctx = phone(browser, java_script_enabled=False)
    try:
        page = ctx.new_page()
        sign_in(page, server)
        collect_one(page, mistyped_code(4))
        page.wait_for_selector("#code-problem:not([hidden])")
        assert_readable(page, "#code-problem")
        assert page.locator("input[type=radio]:checked").count() == 20
        assert stored() == []
    finally:
        ctx.close()


def test_the_device_and_the_server_agree_on_every_code(context, server, campaign):
    from feedback_app.domain.codes import generate_code, is_valid_code

    table = [generate_code() for _ in range(40)]
    for good in table[:20]:
        for i in range(14):  # every adjacent swap and a changed digit
            table.append(good[:i] + good[i + 1] + good[i] + good[i + 2:])
            table.append(good[:i] + str((int(good[i]) + 3) % 10) + good[i + 1:])
    table += ["0" * 15, "1" * 15, "000000000000000", "123456789012345", "12345"]
    page = context.new_page()
    page.goto(f"{server}/h/{codes_of(campaign)[0]}")
    on_device = page.evaluate("(codes) => codes.map((c) => FeedbackCodes.check(c).problem === null)", table)
    assert on_device == [is_valid_code(code) for code in table]
    assert sum(on_device) >= 40  # the table holds both kinds
    assert page.evaluate("FeedbackCodes.check('５８２０１ 93744-62817').digits") == "582019374462817"
