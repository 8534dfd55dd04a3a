"""The province at a glance in a real browser: the table in view with its heading row not covered,
scrolling inside its own box on a phone (390 px) and whole on a screen (1280 px), sorted by a click
on a heading and filtered by commune group without JavaScript's help, and printed to a landscape
PDF whose pages each repeat the heading row."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest

from feedback_app.extensions import db
from feedback_app.services.units.importing import import_units

from ..committee_support import make_account
from ..reports_support import answered
from ..skips import require_service
from .support import assert_readable
from .test_committee import sign_in

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/glance-shots"))
A4_LANDSCAPE = (842, 595)
# The first column heading wholly in view to the right of the (sticky) names, after a sideways scroll
FIRST_HEADING_IN_VIEW = """(() => {
  const right = document.querySelector('#glance thead th.name').getBoundingClientRect().right;
  const links = [...document.querySelectorAll('#glance thead th a[data-sort]')];
  const seen = links.find(a => { const r = a.getBoundingClientRect();
    return r.left >= right && r.right <= window.innerWidth; });
  return seen ? seen.dataset.sort : null;
})()"""  # points, as Chromium writes an A4 page turned sideways


@pytest.fixture
def province(make_campaign):  # type: ignore[no-untyped-def]
    """Lai Châu with 30 more communes (groups 1, 2, 3 in turn), answers in some of them."""
    lines = ["scheme,code,parent_code,level,unit_type,name,full_name,households,commune_group"]
    lines += [f"vn-2025,{5000 + n},12,commune,commune,Nậm {n:02d},Xã Nậm {n:02d},60,{1 + n % 3}"
              for n in range(30)]
    import_units(StringIO("\n".join(lines) + "\n"))
    db.session.commit()
    campaign = make_campaign(codes=0)
    answered(campaign, "03390", 30)
    for n in range(0, 30, 3):
        answered(campaign, str(5000 + n), 8 + n)
        answered(campaign, str(5000 + n), 3, value=2)
    make_account("tinh-12", "12")
    return campaign


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=False)


@pytest.mark.parametrize("width", (390, 1280))
def test_the_table_is_in_view_sorted_and_filtered(browser, server, province, width):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    errors: list[str] = []
    try:
        page = ctx.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        dashboard = f"/committee/campaigns/{province.key}/units/12"
        sign_in(page, server, "tinh-12", dashboard)
        page.locator("#glance-link a").click()
        page.wait_for_url(f"{server}{dashboard}/glance")
        box = page.locator("#glance-box")
        box.scroll_into_view_if_needed()
        assert_readable(page, "#glance thead th.name a")
        assert_readable(page, '#glance thead th a[data-sort="overall"]')
        # nothing wider than the screen but the table, which scrolls inside its own box
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        wide = page.evaluate("(b => b.scrollWidth > b.clientWidth)(document.getElementById('glance-box'))")
        assert wide or width > 390
        _shot(page, f"glance-table-{width}.png")
        # scrolled inside the box, the heading row and the communes' names stay in view, on top
        page.evaluate("(b => { b.scrollTop = 400; b.scrollLeft = 300; })"
                      "(document.getElementById('glance-box'))")
        assert page.evaluate("document.getElementById('glance-box').scrollTop") > 0
        column = page.evaluate(FIRST_HEADING_IN_VIEW)
        assert column not in (None, "name", "coverage"), column  # the box did scroll sideways
        assert_readable(page, f'#glance thead th a[data-sort="{column}"]')
        assert_readable(page, "#glance thead th.name a")
        assert_readable(page, "#glance tbody tr:nth-child(12) th.name a")
        _shot(page, f"glance-scrolled-{width}.png")
        page.locator('#glance thead th a[data-sort="overall"]').click()
        page.wait_for_url(re.compile(r".*sort=overall&dir=asc$"))
        codes = page.locator("#glance tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
        assert codes[0] == "5000" and codes[-1] == "03430"  # lowest (8 of 11) first; no answers last
        page.select_option("#group", "2")
        page.locator("#glance-controls button[type=submit]").click()
        page.wait_for_url(re.compile(r".*group=2.*"))
        codes = page.locator("#glance tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
        assert len(codes) == 10 and all((int(c) - 5000) % 3 == 1 for c in codes)
        assert page.locator("#print").is_visible()  # the print button, shown by glance.js
        assert errors == []
    finally:
        ctx.close()


def test_it_prints_on_a4_landscape_with_the_heading_row_on_every_page(browser, server, province, tmp_path):  # type: ignore[no-untyped-def]
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        require_service("pdftotext/pdftoppm not found (make test installs Debian's poppler-utils)")
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = ctx.new_page()
        path = f"/committee/campaigns/{province.key}/units/12/glance"
        sign_in(page, server, "tinh-12", path)
        pdf = tmp_path / "glance.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        page.goto(f"{server}{path}?paper=a3")
        pdf_a3 = tmp_path / "glance-a3.pdf"
        page.pdf(path=str(pdf_a3), prefer_css_page_size=True, print_background=True)
    finally:
        ctx.close()
    data = pdf.read_bytes()
    sizes = {tuple(round(float(v)) for v in box) for box in
             re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)}
    assert sizes == {A4_LANDSCAPE}, sizes
    a3 = {tuple(round(float(v)) for v in box) for box in
          re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf_a3.read_bytes())}
    assert a3 == {(1191, 842)}, a3
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2
    pages = [" ".join(p.split()) for p in pages]
    table_pages = [p for p in pages if re.search(r"Xã (Nậm \d\d|Bình Lư|Tả Lèng)", p)]
    assert len(table_pages) >= 2, pages
    for text in table_pages:  # the heading row on every page of the table, above its communes
        first = re.search(r"Xã (Nậm \d\d|Bình Lư|Tả Lèng)", text)
        assert first is not None and "TC19" in text[:first.start()], text[:400]
    everything = "\n".join(pages)
    assert "Thấp nhất" in everything and "dưới 70" in everything  # the legend printed
    assert everything.count("gộp") == 1  # the pooled line ("Tất cả các xã, gộp chung") once, at the end
    assert "Đăng xuất" not in everything  # no navigation on paper
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(SHOTS / "glance-print")], check=True)
