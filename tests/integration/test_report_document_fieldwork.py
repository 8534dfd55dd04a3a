"""The filed report of a commune with villages: forms issued, returned and missing from its household
codes, frozen when the report is submitted; the reasons households gave, grouped per item in the
"Lý do" column; a row per village; the verification by the committee above once it is accepted.
Read back from the Word file (python-docx) and from the PDF (pdftotext; pdftoppm renders its
pages, each of them carrying the reference mark)."""

from __future__ import annotations

import io
import shutil
import subprocess
import uuid
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from feedback_app.domain.access import Principal, Role
from feedback_app.extensions import db
from feedback_app.models import HouseholdCode, Unit
from feedback_app.services import exports
from feedback_app.services.campaigns.setup import campaign_commune, issue_codes
from feedback_app.services.reports import workflow as reports
from feedback_app.services.responses.record import Channel, Submission, record_response
from feedback_app.services.units import villages as register

from ..reports_support import officer
from ..skips import require_service
from ..support import all_answers

VILLAGES = (("Thôn Một", 12), ("Bản Hai", 7), ("Ấp Ba", 3))
ROAD = "Đường vào thôn còn lầy lội"


def _codes(campaign, village: str) -> list[str]:  # type: ignore[no-untyped-def]
    unit = db.session.scalars(select(Unit).filter_by(name=village)).one()
    return list(db.session.scalars(select(HouseholdCode.code).filter_by(campaign_id=campaign.id,
                                                                       village_id=unit.id)
                                   .order_by(HouseholdCode.id)))


def _answer(campaign, code: str, reasons: dict[str, str] | None = None) -> None:  # type: ignore[no-untyped-def]
    answers = all_answers(campaign)
    answers.update({item: 2 for item in reasons or {}})
    record_response(Submission(campaign_key=None, channel=Channel.WEB, answers=answers, household_code=code,
                               client_uuid=str(uuid.uuid4()), reasons=reasons or {}))


@pytest.fixture
def filed(make_campaign):  # type: ignore[no-untyped-def]
    """Commune 03390 with three villages (12, 7 and 3 households, a code each): 10, 5 and 1 codes
    used; three households not satisfied with c02 (two wrote the same reason), one with c08.
    Submitted by the commune, accepted by the province."""
    campaign = make_campaign(codes=0, key="villages-campaign", survey_id="ntm-xa-2026")
    commune = db.session.scalars(select(Unit).filter_by(code="03390")).one()
    for name, households in VILLAGES:
        register.add_village(Principal("officer", Role.OFFICER, commune.id), "03390",
                             {"name": name, "households": str(households)})
    assert issue_codes(campaign, campaign_commune(campaign, "03390")) == 22
    one, two, three = (_codes(campaign, name) for name, _ in VILLAGES)
    # the newest wording of a group stands for it: the tidy one is written after the untidy one
    why = [{"c02": "  đường vào thôn còn lầy  lội. "}, {"c02": ROAD}, {"c02": "Chưa có đèn đường"},
           {"c08": "Rác chưa được thu gom"}]
    for n, code in enumerate(one[:10]):
        _answer(campaign, code, why[n] if n < len(why) else None)
    for code in two[:5] + three[:1]:
        _answer(campaign, code)
    db.session.commit()
    reports.submit_report(replace(officer("03390", "xa-officer"), full_name="Nguyễn Văn An"), campaign.key,
                          "Đề nghị làm đường thôn Một.")
    reports.accept_report(replace(officer("12", "tinh-officer"), full_name="Trần Thị Bình"), campaign.key,
                          "03390")
    db.session.commit()
    return campaign


def _word(campaign, lang: str = "vi") -> docx.document.Document:  # type: ignore[no-untyped-def]
    source = exports.report_source(None, campaign.key, "03390")
    return docx.Document(io.BytesIO(b"".join(exports.render(source, "docx", lang))))


def _cells(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[cell.text for cell in row.cells] for row in table.rows]


def _table(document, first: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The first table whose first heading cell reads `first`."""
    return next(_cells(t) for t in document.tables if _cells(t)[0][0] == first)


def test_forms_issued_returned_and_missing_are_counted_from_the_codes(filed):  # type: ignore[no-untyped-def]
    organisation = {row[0]: row[1:] for row in _table(_word(filed), "Chỉ tiêu")}
    assert organisation["Số hộ đăng ký"] == ["22", ""]
    assert organisation["Số phiếu phát ra (mã hộ đã cấp)"] == ["22", "100,0\u00a0%"]
    assert organisation["Số phiếu thu về (mã hộ đã dùng)"] == ["16", "72,7\u00a0%"]
    assert organisation["Số phiếu không thu về (mã hộ chưa dùng)"] == ["6", "27,3\u00a0%"]
    assert "Số phiếu trả lời không có mã hộ (đường dẫn chung)" not in organisation  # every answer had a code
    assert organisation["Tỷ lệ hộ được lấy ý kiến (tối thiểu 60\u00a0%)"] == ["16", "72,7\u00a0%"]


def test_the_forms_are_frozen_with_the_report(filed):  # type: ignore[no-untyped-def]
    """Codes issued and used after the report was accepted change nothing in its document."""
    commune = campaign_commune(filed, "03390")
    issue_codes(filed, commune, 5)
    _answer(filed, _codes(filed, "Bản Hai")[5])
    db.session.commit()
    organisation = {row[0]: row[1:] for row in _table(_word(filed), "Chỉ tiêu")}
    assert organisation["Số phiếu phát ra (mã hộ đã cấp)"][0] == "22"
    assert organisation["Số phiếu thu về (mã hộ đã dùng)"][0] == "16"
    # ...while today's results count them
    live = exports.results_source(None, filed.key, "03390")
    assert live.content["fieldwork"]["codes"] == {"issued": 27, "used": 17, "unused": 10}


def test_reasons_are_grouped_per_item_in_the_results_table(filed):  # type: ignore[no-untyped-def]
    items = _table(_word(filed), "STT")
    assert items[1][2:6] == ["Số phiếu", "Tỷ lệ", "Số phiếu", "Tỷ lệ"] and items[0][6] == "Lý do"
    road = next(row for row in items[2:] if row[1].startswith("Đường sá"))
    assert road[2:6] == ["13", "81,2\u00a0%", "3", "18,8\u00a0%"]  # 13 / 16 = 0,8125: half to even
    # the same reason written twice (case, spaces, closing stop aside) is one group, counted
    assert road[6] == f"3 ý kiến: “{ROAD}” (2); “Chưa có đèn đường”"
    rubbish = next(row for row in items[2:] if row[1].startswith("Môi trường"))
    assert rubbish[6] == "1 ý kiến: “Rác chưa được thu gom”"
    planning = next(row for row in items[2:] if row[1].startswith("Quy hoạch"))
    assert planning[6] == ""


def test_a_row_per_village(filed):  # type: ignore[no-untyped-def]
    document = _word(filed)
    assert "Kết quả theo thôn" in [p.text for p in document.paragraphs]
    villages = next(_cells(t) for t in document.tables if _cells(t)[0][:2] == ["STT", "Thôn"])
    assert villages[1][3:5] == ["Phát ra", "Thu về"]
    rows = {row[1]: row[2:] for row in villages[2:]}
    assert rows["Thôn Một"] == ["12", "12", "10", "83,3\u00a0%", "10 / 10", "100,0\u00a0%", "Đạt ngưỡng"]
    assert rows["Bản Hai"][:4] == ["7", "7", "5", "71,4\u00a0%"]
    assert rows["Ấp Ba"][:4] == ["3", "3", "1", "33,3\u00a0%"]
    assert rows["Ấp Ba"][-1] == "Chưa đủ số hộ trả lời"


def test_the_verification_says_who_accepted_it_and_when(filed):  # type: ignore[no-untyped-def]
    document = _word(filed)
    assert "V. KẾT QUẢ THẨM TRA" in [p.text for p in document.paragraphs]
    verification = {row[0]: row[1] for row in _table(document, "Nội dung")[1:]}
    assert verification["Người thẩm tra, tiếp nhận"] == "Trần Thị Bình (tinh-officer) – Cán bộ"
    assert verification["Cơ quan thẩm tra"] == "Ủy ban MTTQ Việt Nam Tỉnh Lai Châu"
    assert ", ngày " in verification["Thời gian (giờ Việt Nam)"]
    assert verification["Kết quả"] == "Tiếp nhận: kết quả được công nhận."
    english = _word(filed, "en")
    text = "\n".join(cell.text for t in english.tables for row in t.rows for cell in row.cells)
    for words in ("Results by village", "Handed out", "Collected", "Verified and accepted by",
                  f"3 reasons: “{ROAD}” (2)", "Forms not returned (codes unused)", "72.7%"):
        assert words in text or words in "\n".join(p.text for p in english.paragraphs), words


def _pdf(campaign, lang: str, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        require_service("pdftotext/pdftoppm not found (make test installs Debian's poppler-utils)")
    source = exports.report_source(None, campaign.key, "03390")
    path = tmp_path / f"report-{lang}.pdf"
    path.write_bytes(b"".join(exports.render(source, "pdf", lang)))
    return path


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_pdf_has_the_villages_reasons_and_verification_on_marked_pages(filed, tmp_path, lang):  # type: ignore[no-untyped-def]
    pdf = _pdf(filed, lang, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    flat = " ".join(text.split())
    words = {"vi": ("Số phiếu không thu về (mã hộ chưa dùng) 6 27,3 %", "Kết quả theo thôn", "Lý do",
                    "V. KẾT QUẢ THẨM TRA", "Trần Thị Bình", "3 ý kiến"),
             "en": ("Forms not returned (codes unused) 6 27.3%", "Results by village", "Reasons",
                    "V. VERIFICATION", "Trần Thị Bình", "3 reasons")}[lang]
    for word in words:
        assert word in flat, word
    village = next(line for line in text.splitlines() if line.strip().startswith("1 Thôn Một"))
    village = " ".join(village.split())
    assert {"vi": "12 12 10 83,3 % 10 / 10 100,0 %", "en": "12 12 10 83.3% 10 / 10 100.0%"}[lang] in village
    pages = text.split("\f")[:-1]
    mark = "MẪU THAM KHẢO" if lang == "vi" else "REFERENCE LAYOUT"
    assert len(pages) >= 3 and all(mark in page for page in pages)
    # The pages as images (what was looked at): one PNG per page, each a full A4 page
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(pages)
