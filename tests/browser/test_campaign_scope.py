"""A province officer sets a campaign's scope in a real browser before it opens: leaves a commune
out with a reason and surveys a sample of another commune's villages; the dashboard then says
which commune was left out and why, and so does the report document downloaded from it.
Screenshots at 390 px and 1280 px, Vietnamese and English, go to /tmp/scope/ to be looked at."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback_app.clock import local_today
from feedback_app.domain.access import Principal, Role
from feedback_app.extensions import db
from feedback_app.models import Unit
from feedback_app.services.units import villages as register

from ..committee_support import make_account
from .support import assert_readable, shoot
from .test_committee import sign_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/scope")
SCOPE = "/committee/campaigns/province-scope/scope"
REASON = "Xã đang sáp nhập, khảo sát ở đợt sau"


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    shoot(page, SHOTS, name)


@pytest.fixture
def province(make_campaign):  # type: ignore[no-untyped-def]
    today = local_today()
    make_campaign(codes=0, key="province-scope", open_link=False, title="Khảo sát tỉnh Lai Châu 2026",
                  opens_on=today + timedelta(days=3), closes_on=today + timedelta(days=25))
    commune = db.session.scalars(select(Unit).filter_by(code="03390")).one()
    for name, households in (("Thôn Nà Sài", 120), ("Bản Hoàng Hồ", 85), ("Thôn Séo Lử Thàng", 64),
                             ("Bản Chu Va", 47)):
        register.add_village(Principal("x", Role.OFFICER, commune.id), "03390",
                             {"name": name, "households": str(households)})
    make_account("tinh-lai-chau", "12", full_name="Lò Thị Mai")
    db.session.commit()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_province_officer_leaves_a_commune_out_and_samples_villages(browser, server, province, width):  # type: ignore[no-untyped-def]
    # No service worker: these committee pages are not kept offline, and its precaching of the
    # charts' bundle held navigations back on a loaded machine.
    ctx = browser.new_context(viewport={"width": width, "height": 844}, accept_downloads=True,
                              service_workers="block")
    ctx.set_default_timeout(15_000)
    errors: list[str] = []
    page = ctx.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, server, "tinh-lai-chau", "/committee/campaigns/province-scope/manage")

    page.locator("#scope-link").click()
    page.wait_for_url(f"{server}{SCOPE}")
    assert "2 xã được khảo sát" in page.inner_text("#scope-summary")
    _shoot(page, "scope-before")

    # Leave Tả Lèng out, with a reason.
    commune = page.locator("#commune-03430")
    commune.locator("details.exclude summary").click()
    commune.locator("textarea[name=reason]").fill(REASON)
    assert_readable(page, "#reason-03430")
    commune.get_by_role("button", name="Không khảo sát xã này").click()
    page.wait_for_selector("text=Xã 03430 đã được đưa ra khỏi đợt khảo sát.")
    assert REASON in page.inner_text("#left-out")
    page.locator("#left-out li[data-code='03430']").scroll_into_view_if_needed()
    assert_readable(page, "#left-out li[data-code='03430']")

    # Survey two of Bình Lư's four villages.
    commune = page.locator("#commune-03390")
    commune.locator("details.sample summary").click()
    commune.get_by_label("Thôn Nà Sài").check()
    commune.get_by_label("Bản Chu Va").check()
    assert_readable(page, "#commune-03390 .villages-pick li:last-child label")
    _shoot(page, "scope-picking")
    commune.get_by_role("button", name="Chỉ khảo sát các thôn đã đánh dấu").click()
    page.wait_for_selector("text=các thôn được chọn mẫu có 167 hộ đăng ký")
    assert "Chọn mẫu: 2 trên 4 thôn, 167 trên 316 hộ đăng ký." in page.inner_text("#commune-03390")
    assert "Số hộ đăng ký được khảo sát: 167." in page.inner_text("#scope-summary")
    assert page.locator("#scope-log tbody tr").count() == 2
    _shoot(page, "scope-after")
    page.goto(f"{server}{SCOPE}?lang=en")
    assert "Sample: 2 of 4 villages, 167 of 316 registered households." in page.inner_text("#commune-03390")
    _shoot(page, "scope-after-en")

    # The manage page issues codes for the sampled villages only.
    page.goto(f"{server}/committee/campaigns/province-scope/manage?lang=vi")
    codes = page.inner_text("#codes-03390")
    assert "Thôn Nà Sài" in codes and "Bản Hoàng Hồ" not in codes
    assert page.locator("#codes-03430").count() == 0

    # The province's dashboard says which commune was left out and why.
    page.goto(f"{server}/committee/campaigns/province-scope/units/12", timeout=60_000,
              wait_until="domcontentloaded")  # not the charts' bundle: slow on a loaded machine
    page.locator("#communes-left-out li[data-code='03430']").scroll_into_view_if_needed()
    assert_readable(page, "#communes-left-out li[data-code='03430']")
    assert REASON in page.inner_text("#communes-left-out")
    _shoot(page, "dashboard")
    page.goto(f"{server}/committee/campaigns/province-scope/units/12?lang=en", timeout=60_000,
              wait_until="domcontentloaded")
    assert "Communes left out" in page.inner_text("#communes-left-out")
    _shoot(page, "dashboard-en")

    # The filed document of the province's results, as downloaded, says it too.
    response = ctx.request.get(
        f"{server}/committee/campaigns/province-scope/units/12/export/results.docx?lang=vi")
    assert response.ok, response.status
    from docx import Document  # python-docx, a dependency of the report's Word file

    text = "\n".join(p.text for p in Document(io.BytesIO(response.body())).paragraphs)
    assert "Các xã không tham gia khảo sát" in text and f"Xã Tả Lèng (03430): {REASON}" in text
    assert errors == [], errors
    ctx.close()
