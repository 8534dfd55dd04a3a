"""What a resident must read is on the screen of a 320 px phone and not under the sticky bar:
the saved state after an offline answer, the missing answers (with and without JavaScript), the
comment box with the keyboard open; and a shared phone shows a household only its own answers."""

from __future__ import annotations

import pytest

from ..support import codes_of
from .support import answer_all, assert_readable, open_for_offline, phone, stored, wait_waiting

pytestmark = pytest.mark.browser


@pytest.fixture
def small(browser):  # type: ignore[no-untyped-def]
    ctx = phone(browser)
    yield ctx
    ctx.close()


def test_an_offline_answer_shows_this_households_saved_state_and_is_not_offered_again(small, server,
                                                                                     campaign):
    code = codes_of(campaign, "03390")[0]
    page = small.new_page()
    open_for_offline(page, f"{server}/h/{code}")
    small.set_offline(True)
    page.reload()
    answer_all(page)
    page.wait_for_selector("#saved-state[data-saved-state='waiting']")
    wait_waiting(page, 1)
    assert_readable(page, "#saved-state")
    saved = page.locator("#saved-state").inner_text()
    grouped = f"{code[:5]} {code[5:10]} {code[10:]}"
    assert "Câu trả lời của bạn đã được lưu trên điện thoại này" in saved
    assert f"cả 20 câu hỏi, mã hộ {grouped}" in saved
    assert "không cần trả lời lại" in saved
    assert not page.locator("form.survey").is_visible()  # no "0 / 20" bar, no empty form
    page.screenshot(path="/tmp/residents/saved-320.png")

    page.goto(f"{server}/h/{code}")  # opened again, still offline: the same state, no form
    page.wait_for_selector("#saved-state[data-saved-state='waiting']")
    assert_readable(page, "#saved-state")
    assert page.locator("fieldset.question:visible").count() == 0

    small.set_offline(False)  # sent: the page says so
    page.wait_for_selector("#saved-state[data-saved-state='sent']")
    assert "Câu trả lời của bạn đã được gửi" in page.locator("#saved-state").inner_text()
    assert [r.household_code.code for r in stored()] == [code]


def test_missing_answers_are_counted_and_the_first_one_is_one_tap_away(small, server, campaign):
    page = small.new_page()
    page.goto(f"{server}/h/{codes_of(campaign)[0]}")
    questions = page.locator("fieldset.question")
    for i in (0, 2, 3):
        questions.nth(i).locator("input[value='1']").check()
    page.get_by_role("button", name="Gửi câu trả lời").click()
    assert_readable(page, "#problems")
    text = page.locator("#problems").inner_text()
    assert "Còn 17 câu hỏi chưa được trả lời; các câu đó được đánh dấu bên dưới." in text
    assert "Chưa trả lời: 2, 5, 6" in text
    page.screenshot(path="/tmp/residents/missing-js-320.png")
    assert page.locator(".missing-note:visible").count() == 17
    assert not questions.nth(0).locator(".missing-note").is_visible()

    page.get_by_role("link", name="Đến câu 2").click()
    second = questions.nth(1)
    assert second.locator("input").first.evaluate("(e) => e === document.activeElement")
    assert_readable(page, f"#{second.get_attribute('id')}-missing")
    assert stored() == []

    for i in range(20):  # the rest answered but one: the singular
        if i != 7:
            questions.nth(i).locator("input[value='1']").check()
    page.get_by_role("button", name="Gửi câu trả lời").click()
    assert_readable(page, "#problems")
    singular = "Còn 1 câu hỏi chưa được trả lời; câu đó được đánh dấu bên dưới."
    assert singular in page.locator("#problems").inner_text()


def test_without_javascript_the_missing_answers_are_on_the_first_screen(browser, server, campaign):
    ctx = phone(browser, java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(f"{server}/h/{codes_of(campaign)[0]}")
        page.locator("fieldset.question").first.locator("input[value='1']").check()
        page.get_by_role("button", name="Gửi câu trả lời").click()
        page.wait_for_selector("#problems")
        page.screenshot(path="/tmp/residents/missing-nojs-320.png")
        assert_readable(page, "#problems")
        assert "Còn 19 câu hỏi chưa được trả lời" in page.locator("#problems").inner_text()
        page.get_by_role("link", name="Đến câu 2").click()
        assert page.url.endswith("#q_c01") or "#q_" in page.url
        assert_readable(page, "fieldset.question:nth-of-type(2) .missing-note")
    finally:
        ctx.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_with_the_keyboard_open_the_bar_leaves_the_comment_box_alone(browser, server, campaign, javascript):
    ctx = phone(browser, height=330, java_script_enabled=javascript)  # 568 px less the keyboard
    try:
        page = ctx.new_page()
        page.goto(f"{server}/h/{codes_of(campaign)[0]}")
        page.locator("#comment").click()
        page.keyboard.type("Đường làng cần sửa")
        # as a phone does, the box just above the keyboard: its bottom edge at the viewport's
        page.evaluate("document.querySelector('#comment').scrollIntoView({block: 'end'})")
        assert_readable(page, "#comment")
        bar = page.locator(".submit-bar").bounding_box()
        assert bar is not None and bar["height"] <= 64
    finally:
        ctx.close()


def test_the_sticky_bar_is_one_slim_row(small, server, campaign):
    page = small.new_page()
    page.goto(f"{server}/h/{codes_of(campaign)[0]}")
    bar = page.locator(".submit-bar").bounding_box()
    assert bar is not None and bar["height"] <= 64 and bar["y"] + bar["height"] == pytest.approx(568, abs=1)


def test_a_shared_phone_shows_no_household_the_codes_of_others(small, server, campaign):
    first, second = codes_of(campaign, "03390")[:2]
    page = small.new_page()
    open_for_offline(page, f"{server}/")
    open_for_offline(page, f"{server}/h/{first}")
    open_for_offline(page, f"{server}/h/{second}")
    small.set_offline(True)
    page.goto(f"{server}/h/{first}")
    answer_all(page)
    wait_waiting(page, 1)

    for where in (f"{server}/h/{second}", f"{server}/"):  # the next household, the home page
        page.goto(where)
        wait_waiting(page, 1)
        panel = page.locator("#queue-panel").inner_text()
        assert "1 câu trả lời đang chờ gửi" in panel
        assert first[:5] not in panel and first[:5] not in page.content().split('id="pwa-texts"')[0]
        assert page.locator("li.queue-item").count() == 0

    small.set_offline(False)  # sent: nothing of it is shown anywhere but its own page
    page.goto(f"{server}/")
    wait_waiting(page, 0)
    page.wait_for_timeout(200)
    assert not page.locator("#queue-panel").is_visible()
    assert len(stored()) == 1
