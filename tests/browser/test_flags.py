"""What a verifier sees of the plausibility flags in a real browser at 390 and 1280 px, in
Vietnamese and English: the card on the province's dashboard, a box per flag under Accept, the
acceptance recorded with its flags in the audit log; the commune's own page without any of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feedback_app.extensions import db
from feedback_app.services.campaigns.setup import get_campaign
from feedback_app.services.reports import workflow as reports

from ..committee_support import make_account
from ..integration.test_flag_snapshots import RecordingQueue, _one_answer
from ..reports_support import officer
from ..web.test_flags import BURST, one_phone
from .support import assert_readable
from .test_committee import DASH, _watch, sign_in

pytestmark = pytest.mark.browser


class NoWorker:
    """An export store (Redis) with no worker listening."""

    def has_worker(self) -> bool:
        return False

SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/flags-shots"))


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_verifier_sees_the_flags_and_acknowledges_them(browser, server, make_campaign, width, lang):  # type: ignore[no-untyped-def]
    campaign = make_campaign(codes=12)
    one_phone(campaign, 11)
    reports.submit_report(officer("03390"), campaign.key, "Đã rà soát")
    make_account("tinh-officer", "12")
    make_account("xa-officer", "03390")
    db.session.commit()
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = ctx.new_page()
        errors = _watch(page)
        sign_in(page, server, "tinh-officer", f"{DASH}/12")
        page.goto(f"{server}{DASH}/12?lang={lang}")
        card = page.locator("#flags")
        heading = "Dấu hiệu cần thẩm tra (1)" if lang == "vi" else "Plausibility flags (1)"
        assert card.locator("h2").inner_text() == heading
        said = ("11 câu trả lời trong vòng 10 phút đến từ một thiết bị" if lang == "vi"
                else "11 answers within 10 minutes came from one device")
        assert said in card.locator(f"[data-flag='{BURST}']").inner_text()
        page.evaluate("document.querySelector('#flags').scrollIntoView({block: 'start'})")
        assert_readable(page, "#flags h2")
        assert_readable(page, f"#flags [data-flag='{BURST}']")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"card-{lang}-{width}.png"))

        form = page.locator("#children form[action$='/03390/report/accept']")
        box = form.locator(f"input[name=acknowledge][value='{BURST}']")
        page.evaluate("document.querySelector('#children fieldset.acknowledge')"
                      ".scrollIntoView({block: 'center'})")
        assert_readable(page, "#children fieldset.acknowledge")
        inside = page.evaluate("""() => {  // the table of units, forms and all, within its card
            const table = document.querySelector('#children').getBoundingClientRect();
            const card = document.querySelector('#children').closest('.card').getBoundingClientRect();
            return [table.left >= card.left, table.right <= card.right];
        }""")
        assert inside == [True, True]
        page.screenshot(path=str(SHOTS / f"accept-{lang}-{width}.png"))
        page.locator("#confirm-03390").check()  # 11 of 40 households: not enough, accepted knowingly
        form.locator("button").click()  # the box is required: the browser keeps the form
        assert page.url.startswith(f"{server}{DASH}/12") and form.count() == 1
        db.session.rollback()
        assert reports.get_report(None, campaign.key, "03390").status == "submitted"
        box.check()
        form.locator("button").click()
        page.wait_for_url(f"{server}{DASH}/12")
        db.session.rollback()
        assert reports.get_report(None, campaign.key, "03390").status == "accepted"
        page.goto(f"{server}{DASH}/12/log?lang={lang}")
        flags = page.locator("[data-action='accept'] .log-flags")
        assert BURST in flags.inner_text()
        page.evaluate("document.querySelector('.log-flags').scrollIntoView({block: 'center'})")
        assert_readable(page, "[data-action='accept'] .log-flags")
        page.screenshot(path=str(SHOTS / f"log-{lang}-{width}.png"))
        assert page.evaluate("window.__csp") == [] and errors == []

        commune = ctx.browser.new_context(viewport={"width": width, "height": 900}).new_page()
        sign_in(commune, server, "xa-officer", f"{DASH}/03390")
        assert commune.locator("#flags").count() == 0
        commune.goto(f"{server}{DASH}/03390/log?lang={lang}")
        assert commune.locator(".log-flags").count() == 0 and BURST not in commune.content()
        commune.context.close()
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_late_flags_are_said_to_be_late(browser, server, app, runner, monkeypatch, width, lang):  # type: ignore[no-untyped-def]
    """A province whose communes have more answers than a page reads (here 5): the card says
    which communes' flags the worker is computing; once computed they show; after new answers the
    card shows the flags last computed and says as of when."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    queue = RecordingQueue(app)
    monkeypatch.setitem(app.extensions, "task_queue", queue)
    monkeypatch.setitem(app.config, "FLAGS_INLINE_RESPONSES", 5)
    monkeypatch.setitem(app.extensions, "export_store", NoWorker())  # Redis, and no worker up
    campaign = get_campaign("demo-ntm-lai-chau")
    reports.submit_report(officer("03390"), campaign.key, "Đã rà soát")
    make_account("tinh-late", "12")
    url = f"/committee/campaigns/{campaign.key}/units/12?lang={lang}"
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = ctx.new_page()
        errors = _watch(page)
        sign_in(page, server, "tinh-late", url)
        page.goto(f"{server}{url}")
        late = page.locator("#flags .flag-late li").first
        said = ("đang tính các dấu hiệu từ rất nhiều câu trả lời" if lang == "vi"
                else "its flags are being computed from its many answers")
        assert said in late.inner_text()
        assert page.locator("#flags [data-flag]").count() == 0
        no_worker = ("Chưa có tiến trình nền (worker) nào chạy" if lang == "vi"
                     else "No worker is running to compute them")
        assert no_worker in page.locator("#flags .flag-no-worker").inner_text()
        page.evaluate("document.querySelector('#flags').scrollIntoView({block: 'start'})")
        assert_readable(page, "#flags .flag-late li")
        assert_readable(page, "#flags .flag-no-worker")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"late-{lang}-{width}.png"))
        boxes = page.locator("#children fieldset.acknowledge[data-unit='03390']")
        waiting = ("đang được tính lại; khi tiếp nhận" if lang == "vi"
                   else "are being computed again; accepting checks them")
        assert waiting in boxes.inner_text() and boxes.locator("input").count() == 0
        page.evaluate("document.querySelector(\"#children fieldset.acknowledge[data-unit='03390']\")"
                      ".scrollIntoView({block: 'center'})")
        assert_readable(page, "#children fieldset.acknowledge[data-unit='03390'] p")
        page.screenshot(path=str(SHOTS / f"late-accept-{lang}-{width}.png"))

        db.session.commit()  # (the test thread reads no longer: the server thread may write)
        monkeypatch.setitem(app.extensions, "export_store", None)  # (as without Redis)
        queue.run()  # the worker
        page.goto(f"{server}{url}")
        assert page.locator("#flags .flag-late").count() == 0
        assert page.locator("#flags [data-flag='03390:burst:device']").count() == 1

        _one_answer(campaign, "03390")
        queue._once.clear()  # as after REFRESH_SECONDS
        page.goto(f"{server}{url}")
        again = ("đang tính lại. Đang hiển thị: các dấu hiệu tính lúc" if lang == "vi"
                 else "they are being computed again. Shown: the flags as of")
        assert again in page.locator("#flags .flag-late").inner_text()
        assert page.locator("#flags [data-flag='03390:burst:device']").count() == 1
        page.evaluate("document.querySelector('#flags').scrollIntoView({block: 'start'})")
        assert_readable(page, "#flags .flag-late li")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(SHOTS / f"late-as-of-{lang}-{width}.png"))
        assert page.evaluate("window.__csp") == [] and errors == []
    finally:
        ctx.close()
