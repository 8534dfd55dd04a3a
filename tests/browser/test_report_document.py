"""The filed report downloaded from the report page in a real browser, at 360 and 1280 px, in
Vietnamese and English: the "PDF" and "Word (DOCX)" links are on screen and not covered, the page
logs no console error, and the downloaded files read back with the forms counted, the results
table's figures, the verification and the reference mark on every PDF page."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import docx
import pytest

from feedback_app.extensions import db
from feedback_app.services.reports import workflow as reports

from ..reports_support import officer
from ..skips import require_service
from .support import assert_readable
from .test_committee import DASH, _watch, sign_in
from .test_committee_finish import _accepted

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/report-document-shots"))
WORDS = {
    "vi": ("MẪU THAM KHẢO", "Số phiếu phát ra (mã hộ đã cấp)", "V. KẾT QUẢ THẨM TRA", "Trần Thị Bình"),
    "en": ("REFERENCE LAYOUT", "Forms issued (household codes)", "V. VERIFICATION", "Trần Thị Bình"),
}


@pytest.mark.parametrize("width", (360, 1280))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_filed_report_downloads_from_the_report_page(browser, server, campaign, width, lang, tmp_path):  # type: ignore[no-untyped-def]
    if shutil.which("pdftotext") is None:
        require_service("pdftotext not found (make test installs Debian's poppler-utils)")
    _accepted(campaign)  # 12 answers in 03390 by a named officer, submitted
    reports.accept_report(replace(officer("12", "tinh-officer"), full_name="Trần Thị Bình"), campaign.key,
                          "03390")
    db.session.commit()
    ctx = browser.new_context(viewport={"width": width, "height": 800}, accept_downloads=True)
    try:
        page = ctx.new_page()
        errors = _watch(page)
        sign_in(page, server, "xa-officer", f"{DASH}/03390")
        page.goto(f"{server}{DASH}/03390/report?lang={lang}")
        pdf_link = page.locator(".downloads a", has_text="PDF")
        pdf_link.scroll_into_view_if_needed()
        assert_readable(page, ".downloads a[href$='report.pdf']")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"report-page-{lang}-{width}.png"))
        with page.expect_download() as waiting:
            pdf_link.click()
        pdf = Path(waiting.value.path())
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        flat = " ".join(text.split())
        for words in WORDS[lang]:
            assert words in flat, words
        # the first criterion: 8 of 12 satisfied
        row = " ".join(next(line for line in text.splitlines() if line.strip().startswith("1 ")).split())
        assert ("8 66,7 % 4 33,3 %" if lang == "vi" else "8 66.7% 4 33.3%") in row, row
        pages = text.split("\f")[:-1]
        assert all(WORDS[lang][0] in p for p in pages)
        shutil.copy(pdf, SHOTS / f"report-{lang}-{width}.pdf")

        word_link = page.locator(".downloads a", has_text="Word")
        assert_readable(page, ".downloads a[href$='report.docx']")
        with page.expect_download() as waiting:
            word_link.click()
        document = docx.Document(io.BytesIO(Path(waiting.value.path()).read_bytes()))
        cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert WORDS[lang][1] in cells and WORDS[lang][3] in cells
        assert WORDS[lang][0] in document.sections[0].header.paragraphs[0].text
        assert errors == [], errors
    finally:
        ctx.close()
