"""The report as the document a Front office files: the Word file read back with python-docx and
the PDF turned to text with pdftotext, each checked for the administrative layout, the table's
figures, the verdict, the people by name and role, in Vietnamese and in English."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import docx
import pytest

from feedback_app.extensions import db
from feedback_app.services import exports
from feedback_app.services.reports import workflow as reports

from ..reports_support import answered, officer
from ..skips import require_service

PREPARER, APPROVER = "Nguyễn Văn An", "Trần Thị Bình"


@pytest.fixture
def accepted(campaign):  # type: ignore[no-untyped-def]
    """The commune 03390's report: 6 satisfied and 2 not on every item, prepared and accepted by
    named officers."""
    answered(campaign, "03390", 6)
    answered(campaign, "03390", 2, value=2)
    reports.submit_report(replace(officer("03390", "xa-officer"), full_name=PREPARER), campaign.key,
                          "Đề nghị tăng cường tuyên truyền ở thôn 3.")
    reports.accept_report(replace(officer("12", "tinh-officer"), full_name=APPROVER), campaign.key, "03390")
    db.session.commit()
    return campaign


def _word(source, lang: str = "vi") -> docx.document.Document:  # type: ignore[no-untyped-def]
    return docx.Document(io.BytesIO(b"".join(exports.render(source, "docx", lang))))


def _cells(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[cell.text for cell in row.cells] for row in table.rows]


def _all_text(document) -> str:  # type: ignore[no-untyped-def]
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_word_report_reads_back_in_administrative_layout(accepted):  # type: ignore[no-untyped-def]
    source = exports.report_source(None, accepted.key, "03390")
    document = _word(source)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30
    assert "MẪU THAM KHẢO" in section.header.paragraphs[0].text

    head = _cells(document.tables[0])[0]
    assert "ỦY BAN MTTQ VIỆT NAM TỈNH LAI CHÂU" in head[0]
    assert "BAN THƯỜNG TRỰC ỦY BAN MTTQ XÃ BÌNH LƯ" in head[0] and "Số: …/BC-MTTQ" in head[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head[1] and "Độc lập – Tự do – Hạnh phúc" in head[1]
    assert "Bình Lư, ngày " in head[1] and " tháng " in head[1]

    text = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in text
    assert "Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam Tỉnh Lai Châu" in text
    headings = [t for t in text if t.startswith(("I.", "II.", "III.", "IV.", "V."))]
    assert headings == ["I. TÌNH HÌNH TỔ CHỨC LẤY Ý KIẾN", "II. KẾT QUẢ LẤY Ý KIẾN", "III. KẾT LUẬN",
                        "IV. NHẬN XÉT, KIẾN NGHỊ", "V. KẾT QUẢ THẨM TRA"]
    assert "Đề nghị tăng cường tuyên truyền ở thôn 3." in text

    organisation = {row[0]: row[1:] for row in _cells(document.tables[1])}
    assert organisation["Số hộ đăng ký"] == ["40", ""]
    # 3 codes issued, none used: the 8 answers came by the open link
    assert organisation["Số phiếu phát ra (mã hộ đã cấp)"] == ["3", "7,5\u00a0%"]
    assert organisation["Số phiếu thu về (mã hộ đã dùng)"] == ["0", "0,0\u00a0%"]
    assert organisation["Số phiếu không thu về (mã hộ chưa dùng)"] == ["3", "100,0\u00a0%"]
    assert organisation["Số phiếu trả lời không có mã hộ (đường dẫn chung)"] == ["8", "100,0\u00a0%"]
    assert organisation["Tỷ lệ hộ được lấy ý kiến (tối thiểu 60\u00a0%)"] == ["8", "20,0\u00a0%"]
    assert organisation["Số phiếu hợp lệ (trả lời câu hỏi chung)"] == ["8", "100,0\u00a0%"]

    items = _cells(document.tables[2])
    # Two heading rows: "Hài lòng" and "Không hài lòng" over their number and per cent
    assert items[0] == ["STT", "Nội dung", "Hài lòng", "Hài lòng", "Không hài lòng", "Không hài lòng",
                        "Lý do"]
    assert items[1] == ["STT", "Nội dung", "Số phiếu", "Tỷ lệ", "Số phiếu", "Tỷ lệ", "Lý do"]
    assert len(items) == 2 + 19  # the 19 criteria; the overall question has its own sentence
    assert items[2][0] == "1" and items[2][1].startswith("Tiêu chí 1")
    assert items[2][2:] == ["6", "75,0\u00a0%", "2", "25,0\u00a0%", ""]  # this survey asks no reason
    assert any(t.startswith("Câu hỏi chung: 6 trên 8 phiếu hợp lệ hài lòng, đạt 75,0\u00a0%") for t in text)
    assert any(t.startswith("Nội dung có tỷ lệ hài lòng cao nhất: Tiêu chí") for t in text)
    assert "Chưa đủ số hộ trả lời" in text  # 8 of 40 households: the verdict, and its rule
    assert any("tỷ lệ hộ tham gia 20,0\u00a0% thấp hơn mức tối thiểu 60\u00a0%" in t for t in text)

    signatures = _cells(document.tables[-1])[0]
    assert "NGƯỜI LẬP" in signatures[0] and f"{PREPARER} (xa-officer)" in signatures[0]
    assert "Cán bộ" in signatures[0]
    assert "TM. BAN THƯỜNG TRỰC" in signatures[1] and "Người duyệt" in signatures[1]
    assert f"{APPROVER} (tinh-officer)" in signatures[1]
    everything = _all_text(document)
    assert source.meta["content_hash"] in everything
    assert "UTC" not in everything and "T00:" not in everything


def test_the_word_report_in_english(accepted):  # type: ignore[no-untyped-def]
    document = _word(exports.report_source(None, accepted.key, "03390"), "en")
    text = _all_text(document)
    for words in ("REPORT", "No.: …/BC-MTTQ", "SOCIALIST REPUBLIC OF VIETNAM",
                  "I. HOW THE SURVEY WAS ORGANISED",
                  "Satisfied", "Not satisfied", "Forms", "Per cent", "Reasons", "75.0%", "V. VERIFICATION",
                  "Forms issued (household codes)", "Verified and accepted by",
                  "Not enough households answered", "PREPARED BY",
                  f"{PREPARER} (xa-officer)", "Officer"):
        assert words in text, words
    assert "REFERENCE LAYOUT" in document.sections[0].header.paragraphs[0].text


def test_a_report_not_yet_accepted_says_so_and_leaves_the_approver_to_fill_in(campaign):  # type: ignore[no-untyped-def]
    answered(campaign, "03390", 3)
    reports.submit_report(officer("03390"), campaign.key)
    db.session.commit()
    document = _word(exports.report_source(None, campaign.key, "03390"))
    text = _all_text(document)
    assert "Trạng thái: Đã gửi, chờ tiếp nhận." in text
    assert "V. KẾT QUẢ THẨM TRA" not in text  # verified only once accepted
    signatures = _cells(document.tables[-1])[0]
    assert "officer-03390" in signatures[0] and "……………………………" in signatures[1]


def test_a_consolidated_document_has_a_table_of_its_units(accepted):  # type: ignore[no-untyped-def]
    document = _word(exports.results_source(None, accepted.key, "12"))
    children = [t for t in document.tables if _cells(t)[0][:2] == ["STT", "Đơn vị"]]
    assert len(children) == 1
    rows = _cells(children[0])[1:]
    commune = next(row for row in rows if "Bình Lư" in row[1])
    assert commune[2] == "8 / 40" and commune[4] == "75,0\u00a0%"
    text = _all_text(document)
    assert "Kết quả hiện tại (chưa phải báo cáo đã gửi)" in text
    # A province reports to the central committee, whose name heads the document
    assert "Kính gửi: Ủy ban Trung ương MTTQ Việt Nam" in text
    assert "ỦY BAN TRUNG ƯƠNG MTTQ VIỆT NAM" in _cells(document.tables[0])[0][0]
    assert "Số xã được lấy ý kiến: 2." in text


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        require_service("pdftotext not found (make test installs Debian's poppler-utils)")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_pdf_report_carries_the_table_figures_and_the_signatures(accepted, tmp_path):  # type: ignore[no-untyped-def]
    data = b"".join(exports.render(exports.report_source(None, accepted.key, "03390"), "pdf", "vi"))
    assert data.startswith(b"%PDF-")
    text = _pdf_text(data, tmp_path)
    flat = " ".join(text.split())
    for words in ("MẪU THAM KHẢO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: …/BC-MTTQ", "BÁO CÁO",
                  "Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam Tỉnh Lai Châu", "II. KẾT QUẢ LẤY Ý KIẾN",
                  "Câu hỏi chung: 6 trên 8 phiếu hợp lệ hài lòng, đạt 75,0 %", "Chưa đủ số hộ trả lời",
                  "NGƯỜI LẬP", "TM. BAN THƯỜNG TRỰC", PREPARER, APPROVER, "Nơi nhận:"):
        assert words in flat, words
    # The first criterion's row: its number, then satisfied 6 (75,0 %), not satisfied 2 (25,0 %).
    row = next(line for line in text.splitlines() if line.strip().startswith("1 ") and "Tiêu chí 1" in line)
    assert row.split()[-6:] == ["6", "75,0", "%", "2", "25,0", "%"]
    # "MẪU THAM KHẢO" at the top of every page
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2 and all("MẪU THAM KHẢO" in page for page in pages)


def test_the_pdf_report_in_english(accepted, tmp_path):  # type: ignore[no-untyped-def]
    data = b"".join(exports.render(exports.report_source(None, accepted.key, "03390"), "pdf", "en"))
    flat = " ".join(_pdf_text(data, tmp_path).split())
    for words in ("SOCIALIST REPUBLIC OF VIETNAM", "No.: …/BC-MTTQ", "75.0%", "PREPARED BY", APPROVER):
        assert words in flat, words


def test_the_command_writes_the_word_and_pdf_reports(runner, accepted, tmp_path):  # type: ignore[no-untyped-def]
    for fmt in ("docx", "pdf"):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(args=["reports", "export", "--campaign", accepted.key, "--unit", "03390",
                                     "--report", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
    assert "Số: …/BC-MTTQ" in _all_text(docx.Document(str(tmp_path / "report.docx")))
    assert PREPARER in _pdf_text((tmp_path / "report.pdf").read_bytes(), tmp_path)
