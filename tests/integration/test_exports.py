"""Exports: CSV and XLSX read back give the numbers of services/indices/index.py; the print page."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date

import pytest
from flask import Flask
from openpyxl import load_workbook

from feedback_app.clock import VIETNAM
from feedback_app.extensions import db
from feedback_app.i18n import fmt_date
from feedback_app.services import exports
from feedback_app.services.errors import Refused
from feedback_app.services.exports import tables
from feedback_app.services.exports.tables import CSV_COLUMNS
from feedback_app.services.indices.index import MAX_DEPTH, campaign_index
from feedback_app.services.reports import workflow as reports
from feedback_app.web.committee.exports import export_response

from ..reports_support import answered, legacy_campaign, officer


def read_csv(source: exports.Source, lang: str = "vi") -> list[dict[str, str]]:
    data = b"".join(exports.render(source, "csv", lang))
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheet programs then read the Vietnamese right
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), fieldnames=CSV_COLUMNS))[1:]


def seed(campaign) -> None:  # type: ignore[no-untyped-def]
    answered(campaign, "03390", 7)
    answered(campaign, "03390", 3, value=2, c05=0)
    answered(campaign, "03430", 4, value=1, overall=0)


def test_csv_has_the_numbers_of_the_index(campaign):
    seed(campaign)
    rows = read_csv(exports.results_source(None, campaign.key, "12"))
    index = campaign_index(campaign.key, "12")
    root = index.root.figures
    unit = rows[0]
    assert (unit["kind"], unit["code"], unit["name"]) == ("unit", "12", "Tỉnh Lai Châu")
    assert int(unit["respondents"]) == root.counts.respondents == 14
    assert int(unit["households"]) == root.counts.households == 65
    assert (int(unit["satisfied"]), int(unit["valid"])) == (root.counts.overall.satisfied,
                                                           root.counts.overall.valid) == (7, 10)
    assert float(unit["rate"]) == round(float(root.rate), 4) == 0.7
    assert float(unit["coverage"]) == round(float(root.coverage), 4)
    assert unit["verdict"] == "Chưa đủ số hộ trả lời"  # the verdict in words, in the reader's language
    assert unit["status"] == "Kết quả hiện tại (chưa phải báo cáo đã gửi)" and unit["content_hash"] == ""
    criteria = {r["code"]: r for r in rows if r["kind"] == "criterion"}
    assert list(criteria) == list(index.survey.item_ids)
    tally = root.counts.items["c05"]
    c05 = criteria["c05"]
    exported = (int(c05["satisfied"]), int(c05["valid"]), int(c05["no_opinion"]))
    assert exported == (tally.satisfied, tally.valid, tally.no_opinion) == (11, 11, 3)
    assert criteria["c01"]["name"].startswith("Tiêu chí 1")
    children = [r for r in rows if r["kind"] == "child"]
    assert [(r["code"], r["parent_code"], int(r["respondents"])) for r in children] == [
        ("03390", "12", 10), ("03430", "12", 4)]
    assert children[1]["rate"] == ""  # nothing valid on the overall question: no rate
    english = read_csv(exports.results_source(None, campaign.key, "12"), "en")
    assert english[0]["name"] == "Lai Chau Province"
    assert english[0]["verdict"] == "Not enough households answered"


def test_csv_headings_are_in_the_readers_language(campaign):
    seed(campaign)
    source = exports.results_source(None, campaign.key, "12")
    vi = next(csv.reader(io.StringIO(b"".join(exports.render(source, "csv")).decode("utf-8-sig"))))
    en = next(csv.reader(io.StringIO(b"".join(exports.render(source, "csv", "en")).decode("utf-8-sig"))))
    assert vi[:4] == ["Dòng", "Mã", "Mã đơn vị cấp trên", "Tên"] and "Kết luận" in vi
    assert en[:4] == ["Row", "Code", "Parent code", "Name"] and "Verdict" in en
    assert len(vi) == len(en) == len(tables.CSV_COLUMNS)


def test_csv_streams_in_chunks_and_lists_every_level(make_campaign, monkeypatch):
    campaign = legacy_campaign(make_campaign)
    answered(campaign, "03391", 2)
    monkeypatch.setattr(tables, "CSV_BATCH", 3)
    source = exports.results_source(None, campaign.key, "12", depth=2)
    chunks = list(exports.render(source, "csv"))
    assert len(chunks) > 3
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode("utf-8-sig")), fieldnames=CSV_COLUMNS))[1:]
    assert [(r["code"], r["parent_code"]) for r in rows if r["kind"] == "child"] == [
        ("105", "12"), ("03391", "105"), ("03392", "105"), ("106", "12"), ("03393", "106"), ("03394", "106")]


def test_download_response_streams_csv(app: Flask, campaign):
    seed(campaign)
    source = exports.results_source(officer("12"), campaign.key, "12")
    with app.test_request_context():
        response = export_response(source, "csv")
        assert response.is_streamed
        disposition = response.headers["Content-Disposition"]
        assert disposition == 'attachment; filename="test-campaign-12-results.csv"'
        assert b"".join(response.response).decode("utf-8-sig").startswith("Dòng,Mã")


def test_xlsx_has_the_numbers_of_the_index(campaign):
    seed(campaign)
    data = b"".join(exports.render(exports.results_source(None, campaign.key, "12"), "xlsx"))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Tổng hợp", "Tiêu chí", "Đơn vị"]
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True)}
    root = campaign_index(campaign.key, "12").root.figures
    assert summary["Đơn vị"] == "Tỉnh Lai Châu"
    assert summary["Số hộ đã trả lời"] == root.counts.respondents
    assert summary["Tỷ lệ hài lòng"] == round(float(root.rate), 4)
    criteria = list(book["Tiêu chí"].iter_rows(values_only=True))
    c05 = next(r for r in criteria if r[0] == "Tiêu chí 5 – Trường học")  # named, not "c05"
    assert c05[2:5] == (11, 11, 3)
    assert criteria[1][0] == "Đánh giá chung"
    units = list(book["Đơn vị"].iter_rows(values_only=True))
    assert [(r[0], r[3]) for r in units[1:]] == [("12", 14), ("03390", 10), ("03430", 4)]
    assert units[1][10:12] == (0, 2)  # communes meeting, communes: two numbers, not "0/2"
    assert book["Tổng hợp"]["B13"].number_format == "0.0%"


def test_xlsx_cells_are_typed_headers_frozen_columns_wide(campaign):
    seed(campaign)
    reports.submit_report(officer("03390"), campaign.key, "Ghi chú")
    db.session.commit()
    data = b"".join(exports.render(exports.report_source(None, campaign.key, "03390"), "xlsx"))
    book = load_workbook(io.BytesIO(data))
    summary = {row[0].value: row[1] for row in book["Tổng hợp"].iter_rows()}
    opens = summary["Ngày bắt đầu"]
    assert opens.is_date and isinstance(opens.value, date) and opens.number_format == "dd/mm/yyyy"
    prepared = summary["Thời điểm lập (giờ Việt Nam)"]
    report = reports.get_report(None, campaign.key, "03390")
    local = report.prepared_at.replace(tzinfo=UTC).astimezone(VIETNAM).replace(tzinfo=None, microsecond=0)
    assert prepared.is_date and prepared.value.replace(microsecond=0) == local  # Vietnam time, a date
    assert summary["Số hộ đã trả lời"].data_type == "n"
    assert summary["Tỷ lệ hài lòng"].number_format == "0.0%"
    for name in ("Tiêu chí", "Đơn vị"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2"  # the header row stays in view
        assert all(sheet.column_dimensions[c].width >= 10 for c in "ABCDEFGH")


def test_a_report_export_shows_the_frozen_snapshot(campaign):
    seed(campaign)
    report = reports.submit_report(officer("03390"), campaign.key, "Ghi chú của xã")
    db.session.commit()
    answered(campaign, "03390", 5)  # answers after the submission do not change the report
    frozen = read_csv(exports.report_source(None, campaign.key, "03390"))
    live = read_csv(exports.results_source(None, campaign.key, "03390"))
    assert (frozen[0]["respondents"], live[0]["respondents"]) == ("10", "15")
    # The report CSV says what it is: its status and its seal.
    assert frozen[0]["status"] == "Đã gửi, chờ tiếp nhận" and frozen[0]["content_hash"] == report.content_hash
    data = b"".join(exports.render(exports.report_source(None, campaign.key, "03390"), "xlsx"))
    summary = {r[0]: r[1] for r in load_workbook(io.BytesIO(data))["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Mã kiểm tra nội dung (SHA-256)"] == report.content_hash
    assert json.loads(report.content)["index"]["respondents"] == 10


def test_print_page_is_laid_out_like_a_front_report(campaign):
    seed(campaign)
    reports.submit_report(officer("03390"), campaign.key, "Ghi chú của xã")
    reports.accept_report(officer("12"), campaign.key, "03390")
    db.session.commit()
    page = b"".join(exports.render(exports.report_source(None, campaign.key, "03390"), "html")).decode()
    assert "@page { size: A4" in page
    for words in ("Xã Bình Lư", "Số hộ đã trả lời", "70,0\u00a0%", "Tiêu chí 5", "Ghi chú của xã",
                  "Người lập", "Người duyệt", "TM. Ban Thường trực", "đóng dấu", "giờ Việt Nam",
                  fmt_date(campaign.opens_on, "vi")):  # e.g. "ngày 1 tháng 12 năm 2026"
        assert words in page
    assert "(UTC)" not in page and not re.search(r"\d{4}-\d\d-\d\dT", page)  # no UTC ISO to sign
    report = reports.get_report(None, campaign.key, "03390")
    assert report.content_hash in page
    live = exports.results_source(None, campaign.key, "12")
    english = b"".join(exports.render(live, "html", "en")).decode()
    assert "Prepared by" in english and "Binh Lu Commune" in english and "Current results" in english


def test_csv_header_leaves_before_the_figures_are_computed(campaign):
    built = []

    def content():  # type: ignore[no-untyped-def]
        built.append(1)
        return exports.results_source(None, campaign.key, "12").content

    source = exports.Source(content, "x")
    chunks = exports.render(source, "csv")
    assert next(chunks).decode("utf-8-sig").startswith("Dòng,Mã,Mã đơn vị cấp trên")
    assert built == []
    assert b"".join(chunks).decode().startswith("unit,12,")
    assert built == [1]


def test_export_of_a_unit_outside_the_campaign_is_refused_before_streaming(campaign):
    with pytest.raises(Refused) as refused:
        exports.results_source(None, campaign.key, "03388")  # a ward: not surveyed by this campaign
    assert (refused.value.reason, refused.value.status) == ("unit_not_in_campaign", 404)
    with pytest.raises(Refused) as refused:
        exports.results_source(officer("03430"), campaign.key, "03390")
    assert refused.value.reason == "out_of_scope"


def test_results_deeper_than_the_index_goes_are_refused_not_clipped(make_campaign):
    campaign = legacy_campaign(make_campaign)
    source = exports.results_source(None, campaign.key, "12", depth=MAX_DEPTH + 1)
    with pytest.raises(Refused) as refused:
        source.content  # noqa: B018  (the content is built on first use)
    assert (refused.value.reason, refused.value.data["maximum"]) == ("depth_invalid", MAX_DEPTH)


FORMULAS = ['=HYPERLINK("http://evil.example","bấm")', "+1+2", "-3+4", "@SUM(A1:A9)", "\r\n=1"]


@pytest.mark.parametrize("remarks", FORMULAS)
def test_report_remarks_that_look_like_a_formula_are_text_in_the_xlsx(campaign, remarks):
    seed(campaign)
    reports.submit_report(officer("03390"), campaign.key, remarks)
    db.session.commit()
    data = b"".join(exports.render(exports.report_source(None, campaign.key, "03390"), "xlsx"))
    sheet = load_workbook(io.BytesIO(data))["Tổng hợp"]
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "Ý kiến, ghi chú")
    # text, shown as typed (the workflow strips the remarks' outer white space), never run
    assert cell.data_type == "s" and cell.value == remarks.strip()
    assert cell.quotePrefix


def test_text_that_looks_like_a_formula_is_neutralised_in_the_csv(campaign):
    seed(campaign)
    source = exports.results_source(None, campaign.key, "12")
    content = source.content
    content["index"]["unit"]["name"] = "=1+2"
    content["index"]["children"][0]["unit"]["name"] = "@SUM(A1)"
    content["index"]["children"][1]["unit"]["name"] = "\tcmd"
    first = content["index"]["items"][0]["id"]
    next(item for item in content["items"] if item["id"] == first)["text"]["vi"] = "-2+3"
    rows = read_csv(exports.Source(content, "x"))
    assert rows[0]["name"] == "'=1+2"
    assert rows[1]["name"] == "'-2+3"
    assert [r["name"] for r in rows if r["kind"] == "child"] == ["'@SUM(A1)", "'\tcmd"]
    assert rows[0]["code"] == "12"  # ordinary text is left as it is


def test_names_that_look_like_a_formula_are_text_in_the_xlsx(campaign):
    seed(campaign)
    content = exports.results_source(None, campaign.key, "12").content
    content["index"]["unit"]["name"] = "=1+2"
    content["index"]["children"][0]["unit"]["name"] = "\t=cmd"
    content["index"]["children"][1]["unit"]["name"] = "\r@SUM(A1)"
    data = b"".join(exports.render(exports.Source(content, "x"), "xlsx"))
    units = list(load_workbook(io.BytesIO(data))["Đơn vị"].iter_rows())
    names = [row[2] for row in units[1:]]
    # (an XML reader may read a carriage return as a line feed: the standard library's does, lxml not)
    assert [(c.value.replace("\r", "\n"), c.data_type, c.quotePrefix) for c in names] == [
        ("=1+2", "s", True), ("\t=cmd", "s", True), ("\n@SUM(A1)", "s", True)]
    assert units[1][0].quotePrefix is False  # a plain code stays plain
