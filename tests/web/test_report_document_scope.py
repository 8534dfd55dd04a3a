"""The filed report's Word and PDF downloads on the committee pages: the commune and the province
above it get them (with the forms counted and, once accepted, the verification); a sibling commune
is refused, as on every export; no report yet, or a format that does not exist, is a 404."""

from __future__ import annotations

import io

import docx
from flask import g

from ..committee_support import logged_in, make_account
from .test_committee_finish import COMMUNE, DASH, _accepted_report, _page

SIBLING = "03430"


def _word_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_commune_and_the_province_get_the_filed_document(app, client, campaign):  # type: ignore[no-untyped-def]
    commune, province = _accepted_report(app, client, campaign)
    for account in (commune, province):
        text = _word_text(_page(account, f"{DASH}/{COMMUNE}/export/report.docx").data)
        assert "Số phiếu phát ra (mã hộ đã cấp)" in text and "V. KẾT QUẢ THẨM TRA" in text
        assert "Trần Thị Bình (tinh-officer) – Cán bộ" in text
    english = _word_text(_page(province, f"{DASH}/{COMMUNE}/export/report.docx?lang=en").data)
    assert "V. VERIFICATION" in english and "Forms issued (household codes)" in english


def test_a_sibling_commune_is_refused_and_a_missing_report_or_format_is_not_found(app, client, campaign):  # type: ignore[no-untyped-def]
    _accepted_report(app, client, campaign)
    make_account("xa-sibling", SIBLING)
    g.pop("csrf_token", None)  # a new client logs in with its own token
    sibling = logged_in(app.test_client(), "xa-sibling")
    for fmt in ("docx", "pdf"):
        refused = _page(sibling, f"{DASH}/{COMMUNE}/export/report.{fmt}")
        assert refused.status_code == 403, fmt
        assert refused.content_type.startswith("text/html") and b"BC-MTTQ" not in refused.data
        # the sibling's own commune has no report yet
        assert _page(sibling, f"{DASH}/{SIBLING}/export/report.{fmt}").status_code == 404
    assert _page(sibling, f"{DASH}/{SIBLING}/export/report.odt").status_code == 404
