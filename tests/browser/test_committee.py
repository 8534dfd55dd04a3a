"""The committee pages in a real browser: what a Front member sees, downloads and prints."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

from feedback_app.clock import local_today
from feedback_app.extensions import db

from ..committee_support import PASSWORD, make_account
from ..reports_support import answered
from ..support import codes_of
from ..web.test_export_jobs import rq  # noqa: F401  (the fixture: queues on the real Redis)
from .support import assert_readable

pytestmark = pytest.mark.browser

DASH = "/committee/campaigns/test-campaign/units"
PROVINCE = "12"
COMMUNES = ("03390", "03430")  # the ward 03388 is not in a rural campaign


def sign_in(page, server: str, username: str, next_path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/committee/login?next={next_path}")
    page.fill("[name=username]", username)
    page.fill("[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{server}{next_path}")


@pytest.fixture
def province_page(context, server, campaign):  # type: ignore[no-untyped-def]
    answered(campaign, "03390", 6)
    answered(campaign, "03430", 3, value=2)
    make_account("tinh-officer", PROVINCE)
    page = context.new_page()
    sign_in(page, server, "tinh-officer", f"{DASH}/{PROVINCE}")
    return page


def _check_results_csv(got: bytes, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.reader(io.StringIO(got.decode("utf-8-sig"))))
    units = {row[1] for row in rows[1:] if row[0] in ("unit", "child")}
    assert units == {PROVINCE, *COMMUNES}  # the province and each of its campaign's communes

    out = tmp_path / "results.csv"
    result = runner.invoke(args=["reports", "export", "--campaign", "test-campaign", "--unit", PROVINCE,
                                 "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert got == out.read_bytes()


def test_the_dashboards_results_csv_has_a_row_per_unit_and_equals_the_commands_file(
        province_page, runner, tmp_path: Path):  # type: ignore[no-untyped-def]
    page = province_page
    with page.expect_download() as waiting:
        page.locator("#results-downloads a", has_text="CSV").click()
    download = waiting.value
    assert download.failure() is None
    _check_results_csv(Path(download.path()).read_bytes(), runner, tmp_path)


def test_the_results_csv_prepared_by_the_worker_is_the_same_file(
        rq, province_page, runner, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    page = province_page
    page.locator("#results-downloads a", has_text="CSV").click()
    page.wait_for_selector("#export-job[data-state='queued']")
    with page.expect_download(timeout=20_000) as waiting:
        result = runner.invoke(args=["worker", "--burst"])
        assert result.exit_code == 0, result.output
        db.session.rollback()
    download = waiting.value
    assert download.failure() is None
    _check_results_csv(Path(download.path()).read_bytes(), runner, tmp_path)


CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Console errors of the page (CSP refusals are reported there too), from now on."""
    errors: list[str] = []
    page.add_init_script(CSP_WATCH)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    return errors


def _charts_drawn(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#chart-criteria[data-drawn='1']")
    page.wait_for_selector("#chart-timeline[data-drawn='1']")


def _outside(page, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The chart's SVG layers, shapes and texts that stick out of the chart's box (1 px slack)."""
    return page.evaluate("""(selector) => {
      const box = document.querySelector(selector).getBoundingClientRect();
      const out = [];
      for (const el of document.querySelectorAll(selector + " svg.main-svg, " + selector +
                                                 " .shapelayer path, " + selector + " text")) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ||
            r.bottom > box.bottom + 1) {
          out.push(el.tagName + " " + (el.textContent || "").slice(0, 30) + " " +
                   JSON.stringify([r.left, r.top, r.right, r.bottom]) + " in " +
                   JSON.stringify([box.left, box.top, box.right, box.bottom]));
        }
      }
      return out;
    }""", selector)


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_charts_are_drawn_inside_their_boxes_with_no_csp_refusal(
        browser, server, campaign, width, lang):  # type: ignore[no-untyped-def]
    answered(campaign, "03390", 6)
    answered(campaign, "03430", 3, value=2)
    make_account("tinh-officer", PROVINCE)
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = ctx.new_page()
        errors = _watch(page)
        sign_in(page, server, "tinh-officer", f"{DASH}/{PROVINCE}")
        page.goto(f"{server}{DASH}/{PROVINCE}?lang={lang}")
        _charts_drawn(page)
        for chart in ("#chart-criteria", "#chart-timeline"):
            layers = page.locator(f"{chart} svg.main-svg")
            assert layers.count() >= 2  # the layers exist, drawn over each other
            assert _outside(page, chart) == []
        assert page.evaluate("window.__csp") == [] and errors == []
        # The threshold line is on the bars, labelled, and every colour has its legend entry.
        line = page.locator("#chart-criteria .shapelayer path").first.bounding_box()
        plot = page.locator("#chart-criteria rect.nsewdrag").first.bounding_box()  # the plot area
        assert line is not None and plot is not None  # the line spans the bars' area, not below it
        assert abs(line["y"] - plot["y"]) <= 4 and abs(line["height"] - plot["height"]) <= 4
        assert plot["x"] < line["x"] < plot["x"] + plot["width"]
        threshold = "Ngưỡng 90,0\u00a0%" if lang == "vi" else "Threshold 90.0%"
        assert page.locator("#chart-criteria .annotation-text").text_content() == threshold
        legend = page.locator("#chart-criteria .legendtext").all_text_contents()
        assert legend == (["Dưới ngưỡng"] if lang == "vi" else ["Below the threshold"])
        bar_texts = page.locator("#chart-criteria .bartext").all_text_contents()
        assert bar_texts[0] == ("66,7\u00a0%" if lang == "vi" else "66.7%")
        ticks = page.locator("#chart-criteria .xtick text").all_text_contents()
        assert ticks[-1] == ("100\u00a0%" if lang == "vi" else "100%")
        days = page.locator("#chart-timeline .xtick text").all_text_contents()
        today = local_today()
        assert today.strftime("%d/%m" if lang == "vi" else "%b %d") in days
    finally:
        ctx.close()


def test_no_committee_or_resident_page_is_refused_anything_by_the_csp(
        browser, server, campaign):  # type: ignore[no-untyped-def]
    answered(campaign, "03390", 6)
    make_account("tinh-officer", PROVINCE)
    code = codes_of(campaign, "03390")[0]
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = ctx.new_page()
        errors = _watch(page)
        for path in ("/", f"/h/{code}", "/c/test-campaign/03390", "/committee/login"):
            page.goto(f"{server}{path}")
            page.wait_for_load_state("load")
            assert page.evaluate("window.__csp") == [], path
        sign_in(page, server, "tinh-officer", f"{DASH}/{PROVINCE}")
        for path in ("/committee/", f"{DASH}/{PROVINCE}", f"{DASH}/03390", f"{DASH}/03390/comments",
                     f"{DASH}/03390/log", "/committee/campaigns/new",
                     "/committee/campaigns/test-campaign/manage",
                     "/committee/campaigns/test-campaign/close", "/committee/campaigns/test-campaign/extend",
                     f"{DASH}/{PROVINCE}/export/results.html"):
            page.goto(f"{server}{path}")
            page.wait_for_load_state("load")
            if path.startswith(DASH) and path.count("/") == 5:
                _charts_drawn(page)
            assert page.evaluate("window.__csp") == [], path
        assert errors == []
    finally:
        ctx.close()


WIDE = """() => {
  const limit = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || getComputedStyle(el).visibility === "hidden") continue;
    if (el.closest("#js-plotly-tester")) continue;  // plotly's text-measuring SVG, off screen on purpose
    if (r.right > limit + 1 || r.left < -1) {
      wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "") +
                " " + Math.round(r.left) + "–" + Math.round(r.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, limit: limit, wide: wide.slice(0, 8)};
}"""


def committee_pages(campaign) -> list[str]:  # type: ignore[no-untyped-def]
    return ["/committee/", f"{DASH}/{PROVINCE}", f"{DASH}/03390", f"{DASH}/03390/comments",
            f"{DASH}/03390/log", f"{DASH}/03390/report", "/committee/campaigns/new",
            "/committee/campaigns/test-campaign/manage", "/committee/campaigns/test-campaign/close",
            "/committee/campaigns/test-campaign/extend", "/committee/sms/erase"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_committee_page_is_wider_than_a_phone(browser, server, campaign, lang):  # type: ignore[no-untyped-def]
    from feedback_app.services.reports import workflow as reports

    from ..reports_support import officer

    answered(campaign, "03390", 6)
    answered(campaign, "03430", 3, value=2)
    reports.submit_report(officer("03390"), campaign.key, "Đã rà soát đủ các thôn")
    db.session.commit()
    make_account("tinh-officer", PROVINCE)
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = ctx.new_page()
        sign_in(page, server, "tinh-officer", f"{DASH}/{PROVINCE}")
        for path in committee_pages(campaign):
            page.goto(f"{server}{path}?lang={lang}")
            page.wait_for_load_state("load")
            if page.locator("#chart-data").count():
                _charts_drawn(page)
            found = page.evaluate(WIDE)
            assert found["wide"] == [] and found["scroll"] <= found["limit"], (path, found)
        # The province's actions on the commune's submitted report are on screen, within reach.
        page.goto(f"{server}{DASH}/{PROVINCE}?lang={lang}")
        for name in (("Chấp nhận", "Trả lại") if lang == "vi" else ("Accept", "Return")):
            button = page.locator("#children button", has_text=name).first
            box = button.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
            assert box["height"] >= 40  # a thumb's size
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_print_page_reads_numbers_and_dates_in_the_pages_language(
        province_page, server, campaign, lang):  # type: ignore[no-untyped-def]
    from feedback_app.services.reports import workflow as reports

    from ..reports_support import officer

    reports.submit_report(officer("03390"), campaign.key, "Đã rà soát")
    db.session.commit()
    page = province_page
    page.goto(f"{server}{DASH}/03390/export/report.html?lang={lang}")
    text = page.locator("body").inner_text()
    if lang == "vi":
        assert "100,0\u00a0%" in text and "ngày " in text and " tháng " in text and "giờ Việt Nam" in text
    else:
        assert "100.0%" in text and "Vietnam time" in text
    assert "UTC" not in text and not re.search(r"\d{4}-\d\d-\d\dT\d\d", text)


def test_every_response_downloads_one_row_each_from_the_dashboard(province_page):  # type: ignore[no-untyped-def]
    page = province_page
    link = page.locator("#response-downloads a", has_text="XLSX")
    link.scroll_into_view_if_needed()
    assert_readable(page, "#response-downloads")
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.failure() is None and download.suggested_filename == "test-campaign-12-responses.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert sorted(row[1] for row in rows[1:]) == ["03390"] * 6 + ["03430"] * 3
    assert rows[0][:3] == ("Ngày (giờ Việt Nam)", "Mã xã", "Xã")
