import pytest
from ..committee_support import PASSWORD, make_account
from ..support import codes_of
from .support import open_for_offline, answer_all, wait_waiting
from .test_collect import sign_in, collect_one, COLLECT

@pytest.mark.parametrize("w,h", [(360, 740), (1280, 800)])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_shots(browser, server, campaign, w, h, lang):
    make_account("mttq-03390", "03390")
    ctx = browser.new_context(viewport={"width": w, "height": h}, service_workers="allow")
    ctx.set_default_timeout(15000)
    page = ctx.new_page()
    codes = codes_of(campaign, "03390")
    page.goto(f"{server}/h/{codes[0]}?lang={lang}")
    page.locator("fieldset.question").nth(0).locator("input[value='1']").check()
    page.locator("form.survey button[type=submit]").click()
    page.wait_for_timeout(300)
    page.screenshot(path=f"/tmp/residents/s-missing-{lang}-{w}.png")
    open_for_offline(page, f"{server}/h/{codes[1]}?lang={lang}")
    ctx.set_offline(True)
    page.reload()
    for fs in page.locator("fieldset.question").all():
        fs.locator("input[value='1']").check()
    page.locator("form.survey button[type=submit]").click()
    page.wait_for_selector("#saved-state:not([hidden])")
    page.wait_for_timeout(300)
    page.screenshot(path=f"/tmp/residents/s-saved-{lang}-{w}.png")
    ctx.set_offline(False)
    page.goto(f"{server}/?lang={lang}")
    page.wait_for_timeout(500)
    page.screenshot(path=f"/tmp/residents/s-home-{lang}-{w}.png", full_page=True)
    sign_in(page, server)
    page.goto(f"{server}{COLLECT}?lang={lang}")
    collect_one(page, codes_of(campaign, "03430")[0])
    page.wait_for_selector("#code-problem:not([hidden])")
    page.wait_for_timeout(300)
    page.screenshot(path=f"/tmp/residents/s-collect-{lang}-{w}.png")
    page.fill("[name=household_code]", codes[2])
    page.locator("form.collect button[type=submit]").click()
    page.wait_for_selector("#send-status:not([hidden])")
    page.wait_for_timeout(300)
    page.screenshot(path=f"/tmp/residents/s-collected-{lang}-{w}.png")
    ctx.close()
