"""The committee pages in a real browser: what a Front member sees, downloads and prints."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from feedback_app.extensions import db

from ..committee_support import PASSWORD, make_account
from ..reports_support import answered
from ..web.test_export_jobs import rq  # noqa: F401  (the fixture: queues on the real Redis)

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
        page.locator("#reporting .downloads a", has_text="CSV").click()
    download = waiting.value
    assert download.failure() is None
    _check_results_csv(Path(download.path()).read_bytes(), runner, tmp_path)


def test_the_results_csv_prepared_by_the_worker_is_the_same_file(
        rq, province_page, runner, tmp_path: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    page = province_page
    page.locator("#reporting .downloads a", has_text="CSV").click()
    page.wait_for_selector("#export-job[data-state='queued']")
    with page.expect_download(timeout=20_000) as waiting:
        result = runner.invoke(args=["worker", "--burst"])
        assert result.exit_code == 0, result.output
        db.session.rollback()
    download = waiting.value
    assert download.failure() is None
    _check_results_csv(Path(download.path()).read_bytes(), runner, tmp_path)
