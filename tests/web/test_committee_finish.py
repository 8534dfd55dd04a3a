"""What a committee member reads, named and worded for a committee: who prepared and who accepted
a report by full name (report page, audit log, print page, CSV, XLSX), the committee form's
messages in the reader's language, one wording for the "insufficient" verdict, a commune
officer's home offering only what it may, and committee error pages leading back to the
committee's pages."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
from flask import g

from feedback_app.extensions import db
from feedback_app.models import Campaign, Report, ReportEvent

from ..committee_support import csrf_token, logged_in, make_account
from ..reports_support import answered
from .test_committee_manage import campaign_form

DASH = "/committee/campaigns/test-campaign/units"
COMMUNE, PROVINCE = "03390", "12"
PREPARER, APPROVER = "Nguyễn Văn An", "Trần Thị Bình"


def _page(client, url):  # type: ignore[no-untyped-def]
    g.pop("csrf_token", None)  # each client's page carries its own token (see test_committee_reports_flow)
    return client.get(url)


def _accepted_report(app, client, campaign):  # type: ignore[no-untyped-def]
    """The commune's report submitted by a named officer and accepted by a named province officer;
    returns (commune client, province client)."""
    answered(campaign, COMMUNE, 6)
    make_account("xa-officer", COMMUNE, full_name=PREPARER)
    make_account("tinh-officer", PROVINCE, full_name=APPROVER)
    commune = logged_in(client, "xa-officer")
    page = _page(commune, f"{DASH}/{COMMUNE}")
    assert commune.post("/committee/campaigns/test-campaign/report", data={
        "csrf_token": csrf_token(page.text), "remarks": "Đã rà soát", "submit": "1"}).status_code == 303
    g.pop("csrf_token", None)
    province = logged_in(app.test_client(), "tinh-officer")
    page = _page(province, f"{DASH}/{PROVINCE}")
    response = province.post(f"{DASH}/{COMMUNE}/report/accept",
                             data={"csrf_token": csrf_token(page.text), "confirm_insufficient": "y"})
    assert response.status_code == 303, response.text
    return commune, province


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_people_who_act_are_recorded_and_shown_by_name(app, client, campaign):  # type: ignore[no-untyped-def]
    commune, province = _accepted_report(app, client, campaign)
    db.session.expire_all()
    report = db.session.scalar(db.select(Report))
    assert (report.prepared_by_name, report.decided_by_name) == (PREPARER, APPROVER)
    events = db.session.scalars(db.select(ReportEvent).order_by(ReportEvent.id)).all()
    assert [(e.action, e.actor_full_name) for e in events] == [("submit", PREPARER), ("accept", APPROVER)]

    page = _text(_page(commune, f"{DASH}/{COMMUNE}/report").text)
    assert f"{PREPARER} (xa-officer) · Cán bộ" in page
    assert f"{APPROVER} (tinh-officer) · Cán bộ" in page

    log = _text(_page(province, f"{DASH}/{PROVINCE}/log").text)
    assert f"{PREPARER} (xa-officer)" in log and f"{APPROVER} (tinh-officer)" in log

    printed = _page(commune, f"{DASH}/{COMMUNE}/export/report.html").text
    signatures = _text(printed[printed.index('id="signatures"'):])
    assert "Người lập" in signatures and "Người duyệt" in signatures
    assert signatures.index(f"{PREPARER} (xa-officer)") < signatures.index(f"{APPROVER} (tinh-officer)")

    rows = list(csv.reader(io.StringIO(_page(commune, f"{DASH}/{COMMUNE}/export/report.csv")
                                       .data.decode("utf-8-sig"))))
    unit_row = dict(zip(rows[0], rows[1], strict=True))
    assert unit_row["Người lập"] == f"{PREPARER} (xa-officer)"
    assert unit_row["Người duyệt"] == f"{APPROVER} (tinh-officer)"

    book = openpyxl.load_workbook(io.BytesIO(_page(commune, f"{DASH}/{COMMUNE}/export/report.xlsx").data))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert summary["Người lập"] == f"{PREPARER} (xa-officer)"
    assert summary["Người duyệt"] == f"{APPROVER} (tinh-officer)"


def test_an_account_without_a_name_is_shown_by_its_username(app, client, campaign):  # type: ignore[no-untyped-def]
    answered(campaign, COMMUNE, 6)
    make_account("xa-officer", COMMUNE)
    commune = logged_in(client, "xa-officer")
    page = _page(commune, f"{DASH}/{COMMUNE}")
    commune.post("/committee/campaigns/test-campaign/report", data={
        "csrf_token": csrf_token(page.text), "remarks": "", "submit": "1"})
    text = _text(_page(commune, f"{DASH}/{COMMUNE}/report").text)
    assert "Người lập: xa-officer · Cán bộ" in text or "xa-officer · Cán bộ" in text
    assert "()" not in text
    printed = _page(commune, f"{DASH}/{COMMUNE}/export/report.html").text
    assert "xa-officer" in _text(printed[printed.index('id="sign-preparer"'):])


def test_the_new_campaign_form_speaks_vietnamese(client, units):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", COMMUNE)
    logged_in(client, "xa-binh-lu")
    token = csrf_token(client.get("/committee/campaigns/new").text)
    response = client.post("/committee/campaigns/new", data=campaign_form(
        token, threshold="150", min_coverage="abc", opens_on=""))
    assert response.status_code == 422
    text = _text(response.text)
    assert "Số phải nằm trong khoảng từ 0 đến 100." in text
    assert "Cần nhập một số" in text
    assert "Trường này không được để trống." in text
    for english in ("Number must be", "Not a valid", "This field is required"):
        assert english not in text
    assert db.session.query(Campaign).count() == 0


def test_a_decimal_comma_is_read_as_a_vietnamese_reader_writes_it(client, units):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", COMMUNE)
    logged_in(client, "xa-binh-lu")
    token = csrf_token(client.get("/committee/campaigns/new").text)
    response = client.post("/committee/campaigns/new", data=campaign_form(token, threshold="87,5"))
    assert response.status_code == 303, _text(response.text)
    assert float(db.session.scalar(db.select(Campaign)).threshold) == 0.875


def test_one_wording_for_the_insufficient_verdict(client, campaign):  # type: ignore[no-untyped-def]
    make_account("tinh-officer", PROVINCE)
    logged_in(client, "tinh-officer")
    text = _text(client.get(f"{DASH}/{PROVINCE}").text)  # nobody answered: insufficient everywhere
    assert "Chưa đủ số hộ trả lời" in text
    assert "chưa đủ số phiếu" not in text.lower()


def test_a_commune_officer_is_not_offered_to_open_or_close_the_province_campaign(client, campaign):  # type: ignore[no-untyped-def]
    make_account("xa-officer", COMMUNE)
    logged_in(client, "xa-officer")
    home = _text(client.get("/committee/").text)
    assert "mở hoặc kết thúc" not in home.lower() and "Phiếu mã hộ và áp phích của các xã" in home
    manage = client.get("/committee/campaigns/test-campaign").text
    assert "/open" not in manage and "/close" not in manage


def test_the_province_officer_is_offered_to_open_or_close_its_campaign(client, campaign):  # type: ignore[no-untyped-def]
    make_account("tinh-officer", PROVINCE)
    logged_in(client, "tinh-officer")
    home = client.get("/committee/?lang=en").text
    assert "Manage: slips, poster, open or close" in home


def test_committee_error_pages_lead_back_to_the_committee(client, campaign):  # type: ignore[no-untyped-def]
    anonymous = client.get("/committee/no-such-page")
    assert anonymous.status_code == 404
    assert 'id="back-to-login"' in anonymous.text and "mã QR" not in anonymous.text
    assert "Nhập mã hộ" not in anonymous.text

    make_account("xa-officer", COMMUNE)
    logged_in(client, "xa-officer")
    missing = client.get("/committee/no-such-page")
    assert missing.status_code == 404
    assert 'id="back-to-campaigns"' in missing.text and 'class="committee-nav"' in missing.text
    assert "mã QR" not in missing.text and "Nhập mã hộ" not in missing.text

    outside = client.get(f"{DASH}/12")  # the province, above the commune's account
    assert outside.status_code == 403
    assert 'id="back-to-campaigns"' in outside.text and "Nhập mã hộ" not in outside.text

    resident = client.get("/no-such-page")  # a resident's page keeps the residents' way on
    assert resident.status_code == 404 and "Nhập mã hộ" in resident.text


def test_the_report_downloads_as_word_and_pdf_within_the_accounts_scope(app, client, campaign):  # type: ignore[no-untyped-def]
    commune, province = _accepted_report(app, client, campaign)
    page = _page(commune, f"{DASH}/{COMMUNE}/report").text
    assert f"{DASH}/{COMMUNE}/export/report.docx" in page and f"{DASH}/{COMMUNE}/export/report.pdf" in page
    word = _page(commune, f"{DASH}/{COMMUNE}/export/report.docx")
    assert word.status_code == 200
    assert word.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert 'filename="test-campaign-03390-report.docx"' in word.headers["Content-Disposition"]
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    assert "BÁO CÁO" in text and "Kính gửi: Ban Thường trực Ủy ban MTTQ Việt Nam Tỉnh Lai Châu" in text
    english = _page(commune, f"{DASH}/{COMMUNE}/export/report.docx?lang=en")
    assert "REPORT" in "\n".join(p.text for p in docx.Document(io.BytesIO(english.data)).paragraphs)
    pdf = _page(province, f"{DASH}/{COMMUNE}/export/report.pdf")
    assert pdf.status_code == 200 and pdf.content_type == "application/pdf" and pdf.data.startswith(b"%PDF-")
    # The same scope as every export: the commune's account never gets the province's document.
    assert _page(commune, f"{DASH}/{PROVINCE}/export/results.pdf").status_code == 403
    assert _page(commune, f"{DASH}/{PROVINCE}/export/report.docx").status_code == 403
