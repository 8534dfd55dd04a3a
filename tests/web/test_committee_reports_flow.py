"""Upward reporting through the committee pages: submit, return (a reason needed), resubmit,
accept, nothing changes after acceptance, no change without a CSRF token, the downloads' contents
against services.indices.index, and the link to the public results page once accepted."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from flask import g

from feedback_app.extensions import db
from feedback_app.models import Report, ReportEvent
from feedback_app.services.exports.tables import CSV_COLUMNS
from feedback_app.services.indices.index import MAX_DEPTH, campaign_index

from ..committee_support import csrf_token, logged_in, make_account
from ..reports_support import answered

DASH = "/committee/campaigns/test-campaign/units"
COMMUNE, PROVINCE = "03390", "12"


@pytest.fixture
def commune_client(client, campaign):  # type: ignore[no-untyped-def]
    answered(campaign, COMMUNE, 6)
    answered(campaign, COMMUNE, 2, value=2)
    make_account("xa-officer", COMMUNE)
    return logged_in(client, "xa-officer")


@pytest.fixture
def province_client(app, campaign):  # type: ignore[no-untyped-def]
    make_account("tinh-officer", PROVINCE)
    return logged_in(app.test_client(), "tinh-officer")


def _page(client, url):  # type: ignore[no-untyped-def]
    """GET a page as this client. The tests' app context is shared by the requests, and Flask-WTF
    caches the CSRF token in `g`: forget it so that each client's page carries its own token."""
    g.pop("csrf_token", None)
    return client.get(url)


def _submit(client, remarks="Đã rà soát", **extra):  # type: ignore[no-untyped-def]
    page = _page(client, f"{DASH}/{COMMUNE}")
    assert 'id="submit-report"' in page.text
    return client.post("/committee/campaigns/test-campaign/report",
                       data={"csrf_token": csrf_token(page.text), "remarks": remarks, "submit": "1", **extra})


def _decide(client, action, **data):  # type: ignore[no-untyped-def]
    page = _page(client, f"{DASH}/{PROVINCE}")
    return client.post(f"{DASH}/{COMMUNE}/report/{action}",
                       data={"csrf_token": csrf_token(page.text), **data})


def _report() -> Report:
    db.session.expire_all()
    return db.session.scalar(db.select(Report))


def test_submit_return_resubmit_accept_through_the_pages(commune_client, province_client):  # type: ignore[no-untyped-def]
    response = _submit(commune_client, "Lần đầu")
    assert response.status_code == 303 and response.location.endswith(f"{DASH}/{COMMUNE}")
    dashboard = commune_client.get(response.location).text
    assert "Báo cáo đã được gửi lên cấp trên." in dashboard  # the flashed message
    assert 'id="submit-report"' not in dashboard  # awaiting a decision: nothing to submit
    assert _report().status == "submitted"

    parent = province_client.get(f"{DASH}/{PROVINCE}").text
    assert f'/units/{COMMUNE}/report/accept' in parent and f'/units/{COMMUNE}/report/return' in parent

    no_reason = _decide(province_client, "return", reason="  ")
    assert no_reason.status_code == 422 and _report().status == "submitted"

    returned = _decide(province_client, "return", reason="Thiếu phiếu thôn 3")
    assert returned.status_code == 303 and returned.location.endswith(f"{DASH}/{PROVINCE}")
    assert _report().status == "returned"
    page = commune_client.get(f"{DASH}/{COMMUNE}/report").text
    assert "Thiếu phiếu thôn 3" in page and 'id="public-link"' not in page

    assert _submit(commune_client, "Đã bổ sung").status_code == 303
    assert _report().status == "submitted" and _report().revision == 2
    # 8 of 40 households answered: the verdict is "insufficient", so accepting it is said explicitly.
    parent = _page(province_client, f"{DASH}/{PROVINCE}").text
    assert f'name="confirm_insufficient" value="y" required id="confirm-{COMMUNE}"' in parent
    unconfirmed = _decide(province_client, "accept")
    assert unconfirmed.status_code == 422 and "đánh dấu" in unconfirmed.text
    assert _report().status == "submitted"
    assert _decide(province_client, "accept", confirm_insufficient="y").status_code == 303
    accepted = _report()
    assert accepted.status == "accepted"

    page = commune_client.get(f"{DASH}/{COMMUNE}/report").text
    assert accepted.content_hash in page and "Đã bổ sung" in page
    assert f'href="/results/test-campaign/{COMMUNE}"' in page
    assert province_client.get(f"/results/test-campaign/{COMMUNE}").status_code == 200

    # nothing changes after acceptance
    frozen = (accepted.content_hash, accepted.revision, accepted.decided_at)
    assert 'id="submit-report"' not in commune_client.get(f"{DASH}/{COMMUNE}").text
    token = csrf_token(_page(commune_client, f"{DASH}/{COMMUNE}").text)
    again = commune_client.post("/committee/campaigns/test-campaign/report",
                                data={"csrf_token": token, "remarks": "x", "submit": "1"})
    assert again.status_code == 409
    assert _decide(province_client, "return", reason="late").status_code == 409
    assert _decide(province_client, "accept", confirm_insufficient="y").status_code == 409
    after = _report()
    assert (after.content_hash, after.revision, after.decided_at) == frozen and after.status == "accepted"

    log = commune_client.get(f"{DASH}/{COMMUNE}/log").text
    assert [a for a in ("submit", "return", "resubmit", "accept") if f'data-action="{a}"' in log] == \
        ["submit", "return", "resubmit", "accept"]
    assert db.session.scalar(db.select(db.func.count()).select_from(ReportEvent)) == 4


def test_draft_then_submit(commune_client):  # type: ignore[no-untyped-def]
    page = _page(commune_client, f"{DASH}/{COMMUNE}").text
    response = commune_client.post("/committee/campaigns/test-campaign/report",
                                   data={"csrf_token": csrf_token(page), "remarks": "nháp", "draft": "1"})
    assert response.status_code == 303 and _report().status == "draft"
    assert "nháp" in commune_client.get(f"{DASH}/{COMMUNE}").text  # the remarks are kept in the form
    assert _submit(commune_client).status_code == 303 and _report().status == "submitted"
    english = commune_client.get(f"{DASH}/{COMMUNE}/report?lang=en").text
    assert "Submitted, awaiting decision" in english and "Download the report" in english


def test_posts_without_csrf_token_change_nothing(commune_client, province_client):  # type: ignore[no-untyped-def]
    assert commune_client.post("/committee/campaigns/test-campaign/report",
                               data={"remarks": "x", "submit": "1"}).status_code == 400
    assert _report() is None
    assert _submit(commune_client).status_code == 303
    for action, data in (("accept", {}), ("return", {"reason": "x"})):
        assert province_client.post(f"{DASH}/{COMMUNE}/report/{action}", data=data).status_code == 400
    assert _report().status == "submitted"


def test_over_long_remarks_are_refused_and_nothing_is_stored(commune_client):  # type: ignore[no-untyped-def]
    response = _submit(commune_client, "x" * 4001)
    assert response.status_code == 422 and "4000" in response.text.replace(".", "").replace(",", "")
    assert _report() is None


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), fieldnames=CSV_COLUMNS))[1:]


def test_results_downloads_match_the_indices(province_client, commune_client, campaign):  # type: ignore[no-untyped-def]
    index = campaign_index(campaign.key, PROVINCE, depth=1)
    figures = index.root.figures
    response = province_client.get(f"{DASH}/{PROVINCE}/export/results.csv")
    assert response.status_code == 200 and response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset, not two
    rows = _csv(response)
    unit = next(r for r in rows if r["kind"] == "unit")
    assert unit["code"] == PROVINCE
    assert int(unit["respondents"]) == figures.counts.respondents == 8
    assert float(unit["rate"]) == pytest.approx(float(figures.rate), abs=1e-4)
    children = {r["code"]: r for r in rows if r["kind"] == "child"}
    for child in index.root.children:
        code = index.unit(child).code
        assert int(children[code]["respondents"]) == child.figures.counts.respondents

    xlsx = province_client.get(f"{DASH}/{PROVINCE}/export/results.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["Tổng hợp", "Tiêu chí", "Đơn vị"]  # the page's language: Vietnamese
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
    assert figures.counts.respondents in cells

    page = province_client.get(f"{DASH}/{PROVINCE}/export/results.html")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'rel="stylesheet"' in page.text and "<style" not in page.text


def test_report_downloads_carry_the_frozen_snapshot(commune_client, campaign):  # type: ignore[no-untyped-def]
    assert commune_client.get(f"{DASH}/{COMMUNE}/export/report.csv").status_code == 404  # no report yet
    _submit(commune_client)
    answered(campaign, COMMUNE, 3)  # later answers do not change the report
    report = _report()
    rows = _csv(commune_client.get(f"{DASH}/{COMMUNE}/export/report.csv"))
    assert int(next(r for r in rows if r["kind"] == "unit")["respondents"]) == 8
    live = _csv(commune_client.get(f"{DASH}/{COMMUNE}/export/results.csv"))
    assert int(next(r for r in live if r["kind"] == "unit")["respondents"]) == 11
    book = commune_client.get(f"{DASH}/{COMMUNE}/export/report.xlsx")
    assert book.status_code == 200
    openpyxl.load_workbook(io.BytesIO(book.data))
    assert report.content_hash in commune_client.get(f"{DASH}/{COMMUNE}/export/report.html").text
    assert commune_client.get(f"{DASH}/{COMMUNE}/export/report.odt").status_code == 404
    assert commune_client.get(f"{DASH}/{COMMUNE}/export/results.csv?depth=x").status_code == 400


def test_thanks_page_links_to_the_public_results(client, campaign):  # type: ignore[no-untyped-def]
    from feedback_app.services.reports import workflow as reports

    from ..reports_support import officer
    answered(campaign, COMMUNE, 1)
    response = db.session.scalar(db.select(db.text("uuid")).select_from(db.table("responses")))
    page = client.get(f"/thanks/{response}").text
    assert f'href="/results/test-campaign/{COMMUNE}"' in page
    assert "sau khi cấp trên thẩm tra và chấp nhận báo cáo của xã" in page
    reports.submit_report(officer(COMMUNE), campaign.key)
    reports.accept_report(officer(PROVINCE), campaign.key, COMMUNE)
    db.session.commit()
    page = client.get(f"/thanks/{response}").text
    assert f'href="/results/test-campaign/{COMMUNE}"' in page and "khi báo cáo" not in page


@pytest.mark.parametrize("depth", ["5", "6", "-1", "x"])
def test_an_export_deeper_than_the_index_goes_is_refused_saying_why(province_client, depth):  # type: ignore[no-untyped-def]
    """One maximum depth for the index and the exports: a deeper one is a 400 page that says the
    range, never a file silently cut at the index's depth."""
    response = province_client.get(f"{DASH}/{PROVINCE}/export/results.csv", query_string={"depth": depth})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"0 đến {MAX_DEPTH}" in page  # Vietnamese by default: "a depth from 0 to 4"
    deepest = province_client.get(f"{DASH}/{PROVINCE}/export/results.csv",
                                  query_string={"depth": MAX_DEPTH})
    assert deepest.status_code == 200 and deepest.get_data()


def test_a_refused_consolidated_report_names_what_is_missing_and_keeps_the_remarks(
        commune_client, province_client):  # type: ignore[no-untyped-def]
    page = _page(province_client, f"{DASH}/{PROVINCE}")
    refused = province_client.post("/committee/campaigns/test-campaign/report", data={
        "csrf_token": csrf_token(page.text), "remarks": "Tổng hợp của tỉnh, đợt 1", "submit": "1"})
    assert refused.status_code == 409
    html = refused.text
    assert "Còn báo cáo của cấp dưới chưa được tiếp nhận" in html
    # By name and status, each a link to its page; the typed remarks are still in the form.
    for code, name in (("03390", "Xã Bình Lư"), ("03430", "Xã Tả Lèng")):
        assert f'<li data-code="{code}"><a href="{DASH}/{code}">{name}</a>' in html
    assert re.search(r'name="remarks">\s*Tổng hợp của tỉnh, đợt 1</textarea>', html)
    assert f'href="{DASH}/{PROVINCE}"' in html  # back to the unit's page
    assert "Nhập mã hộ" not in html  # not the residents' way on
    assert db.session.scalar(db.select(Report).where(Report.unit.has(code=PROVINCE))) is None


def test_committee_error_pages_lead_back_to_the_committee_pages(province_client):  # type: ignore[no-untyped-def]
    forbidden = province_client.get("/committee/campaigns/test-campaign/units/99999")
    assert forbidden.status_code in (403, 404)
    assert 'href="/committee/"' in forbidden.text and "Nhập mã hộ" not in forbidden.text
    missing = province_client.get("/committee/no-such-page")
    assert missing.status_code == 404 and 'href="/committee/"' in missing.text
    assert "Nhập mã hộ" in province_client.get("/no-such-page").text  # residents keep theirs
