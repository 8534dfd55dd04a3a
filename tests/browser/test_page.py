"""The resident page in a real browser: accessible (axe-core), and still a plain form without JS."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..skips import require_module
from ..support import codes_of
from .support import answer_all, open_for_offline, stored, wait_waiting

pytestmark = pytest.mark.browser


def _axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    axe = require_module("axe_playwright_python")
    page.add_script_tag(path=str(Path(axe.__file__).parent / "axe.min.js"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]]} for v in result["violations"]]


@pytest.fixture
def axe_context(browser):  # type: ignore[no-untyped-def]
    """axe.min.js is injected as a script tag: the test context lets it past the page's CSP."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_survey_page_has_no_accessibility_violations(axe_context, server, campaign, lang):
    page = axe_context.new_page()
    code = codes_of(campaign)[0]
    open_for_offline(page, f"{server}/h/{code}?lang={lang}")
    assert _axe_violations(page) == []


def test_the_page_with_answers_waiting_has_no_accessibility_violations(axe_context, server, campaign):
    page = axe_context.new_page()
    code = codes_of(campaign)[0]
    open_for_offline(page, f"{server}/h/{code}")
    axe_context.set_offline(True)
    page.reload()
    answer_all(page)
    wait_waiting(page, 1)
    assert page.locator("#queue-panel").is_visible()
    assert page.locator("#saved-state").is_visible()
    assert _axe_violations(page) == []


def test_the_axe_check_does_find_violations(axe_context):
    page = axe_context.new_page()
    page.set_content("<html><body><img src='x.png'><input type='radio'></body></html>")
    assert {"image-alt", "label", "html-has-lang"} <= {v["id"] for v in _axe_violations(page)}


def test_the_home_page_has_no_accessibility_violations(axe_context, server, campaign):
    page = axe_context.new_page()
    page.goto(f"{server}/")
    assert _axe_violations(page) == []


def test_without_javascript_the_form_posts_as_before(browser, server, campaign):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        code = codes_of(campaign)[0]
        page.goto(f"{server}/h/{code}")
        answer_all(page)
        page.wait_for_url(f"{server}/thanks/*")
        assert page.get_by_role("heading", name="Cảm ơn").is_visible()
        responses = stored()
        assert [r.household_code.code for r in responses] == [code]
        assert len(responses[0].answers) == 20
    finally:
        ctx.close()


def test_a_missing_answer_is_pointed_out_before_anything_is_saved(context, server, campaign):
    page = context.new_page()
    open_for_offline(page, f"{server}/h/{codes_of(campaign)[0]}")
    context.set_offline(True)
    page.reload()
    page.locator("fieldset.question").first.locator("input[value='1']").check()
    page.get_by_role("button", name="Gửi câu trả lời").click()
    page.get_by_text("Còn 19 câu hỏi chưa được trả lời").wait_for()
    assert page.locator("fieldset.question.problem").count() == 19
    assert page.evaluate("FeedbackQueue.all()") == []
