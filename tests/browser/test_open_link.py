"""An open commune link on a 320 px phone: after one answer, the same phone is told kindly that it
has answered (on the screen, not under the sticky bar), with and without JavaScript, and can
answer for another household after ticking the confirmation."""

from __future__ import annotations

import pytest

from .support import answer_all, assert_readable, phone, stored

pytestmark = pytest.mark.browser

LINK = "/c/test-campaign/03390"


def _answer_for_another_household(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Tôi trả lời cho một hộ khác, hộ này chưa trả lời khảo sát.").check()
    page.get_by_role("button", name="Trả lời cho hộ khác").click()
    page.wait_for_selector("#another-note", state="visible")
    assert_readable(page, "#another-note")
    answer_all(page)
    page.wait_for_url("**/thanks/**")


def test_the_same_phone_is_told_it_answered_and_may_answer_for_another_household(browser, server, campaign):
    ctx = phone(browser)
    errors: list[str] = []
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}{LINK}")
    assert page.locator("#open-link-note").is_visible()
    answer_all(page)
    page.wait_for_url("**/thanks/**")
    assert page.evaluate("localStorage.getItem('feedback.openLinkAnswered')") == '["test-campaign"]'

    page.goto(f"{server}{LINK}")  # the poster's QR code scanned again
    assert_readable(page, "#answered-before")
    assert "Điện thoại này đã trả lời khảo sát" in page.locator("#answered-before").inner_text()
    assert not page.locator("form.survey").is_visible()  # no form, no sticky bar over the message
    page.screenshot(path="/tmp/open-link/refused-js-320.png")

    ctx.clear_cookies()  # the cookie gone, the phone's own marker still says it
    page.goto(f"{server}{LINK}")
    page.wait_for_selector("#answered-before", state="visible")
    assert_readable(page, "#answered-before")

    _answer_for_another_household(page)
    assert len(stored()) == 2
    assert errors == []
    ctx.close()


def test_without_javascript_the_refusal_and_the_other_household_work(browser, server, campaign):
    ctx = phone(browser, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{server}{LINK}")
    answer_all(page)
    page.wait_for_url("**/thanks/**")
    page.goto(f"{server}{LINK}")
    assert_readable(page, "#answered-before")
    page.screenshot(path="/tmp/open-link/refused-nojs-320.png")
    page.get_by_role("button", name="Trả lời cho hộ khác").click()  # unticked: the browser asks
    assert page.locator("#answered-before").is_visible() and "another=1" not in page.url
    _answer_for_another_household(page)
    assert len(stored()) == 2
    ctx.close()
