"""The committee pages of verification by re-contact and of the posting of results: who sees and
does what (the commune never sees its own sample; a sibling is refused), bad input is a 4xx with
a message and changes nothing, the sheets as HTML and PDF (read back with pdftotext), and the
posting period on the public page."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import RecontactOutcome, RecontactSample, ReportPosting
from feedback_app.services.reports import workflow as reports

from ..committee_support import csrf_token, logged_in, make_account
from ..verification_support import PROVINCE, verified_commune, village_code

BASE = "/committee/campaigns/verify/units"
RECONTACT = f"{BASE}/03390/recontact"
POSTING = f"{BASE}/03390/posting"


@pytest.fixture
def campaign(make_campaign):  # type: ignore[no-untyped-def]
    found = verified_commune(make_campaign)
    make_account("tinh", "12", full_name="Nguyễn Văn Tỉnh")
    make_account("tinh-viewer", "12", role="viewer")
    make_account("cam-xa", "03390", full_name="Lò Thị Xã")
    make_account("ben-xa", "03430")
    return found


def _sizes(**overrides: str) -> dict[str, str]:
    sizes = {f"size-{village_code(name)}": "2" for name in ("Thôn Một", "Bản Hai", "Ấp Ba")}
    return {**sizes, **overrides}


def _draw(client, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(RECONTACT).text)
    return client.post(f"{RECONTACT}/draw", data={"csrf_token": token, **fields})


@pytest.mark.parametrize("username, status", [
    ("tinh", 200), ("tinh-viewer", 200), ("cam-xa", 403), ("ben-xa", 403)])
def test_who_sees_the_recontact_page(client, campaign, username, status):  # type: ignore[no-untyped-def]
    logged_in(client, username)
    page = client.get(RECONTACT)
    assert page.status_code == status
    assert (status == 200) == ('id="recontact-about"' in page.text)


def test_the_verifier_draws_prints_and_records(client, campaign):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh")
    drawn = _draw(client, **_sizes(), seed="77")
    assert drawn.status_code == 303
    sample = db.session.scalars(select(RecontactSample)).one()
    assert sample.seed == 77 and sample.actor_full_name == "Nguyễn Văn Tỉnh"
    page = client.get(RECONTACT).text
    assert 'id="seed-value">77<' in page and page.count('<tr data-code="') == 5  # 2 + 2 + 1 (Ấp Ba has 1)
    printed = client.get(f"{RECONTACT}/print")
    assert printed.status_code == 200 and 'id="call-list"' in printed.text
    codes = [e.household_code.code for e in sample.entries]
    assert all(code in printed.text for code in codes)
    token = csrf_token(page)
    saved = client.post(f"{RECONTACT}/outcomes", data={"csrf_token": token, "outcome-1": "confirmed",
                                                       "outcome-2": "unreachable", "note-2": "đi nương"})
    assert saved.status_code == 303
    page = client.get(RECONTACT).text
    assert f'data-code="{codes[0]}" data-outcome="confirmed"' in page
    assert f'data-code="{codes[1]}" data-outcome="unreachable"' in page
    log = client.get(f"{BASE}/03390/log").text
    assert 'data-action="sample"' in log and log.count('data-action="recontact"') == 2


def test_a_viewer_cannot_draw(client, campaign):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh-viewer")
    assert _draw(client, **_sizes()).status_code == 403
    assert db.session.scalars(select(RecontactSample)).first() is None


def test_the_commune_cannot_draw_its_own_sample(client, campaign):  # type: ignore[no-untyped-def]
    logged_in(client, "cam-xa")
    token = csrf_token(client.get(f"{BASE}/03390/report").text)
    assert client.post(f"{RECONTACT}/draw", data={"csrf_token": token, **_sizes()}).status_code == 403
    assert db.session.scalars(select(RecontactSample)).first() is None


@pytest.mark.parametrize("fields", [
    {"size-VILLAGE": "abc"}, {"size-VILLAGE": "-1"}, {"size-VILLAGE": "500"}, {"seed": "abc"},
    {"seed": "1" * 25}, {"size-9999": "2"},
])
def test_bad_draw_input_is_a_422_and_draws_nothing(client, campaign, fields):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh")
    first = f"size-{village_code('Thôn Một')}"
    fields = {(first if k == "size-VILLAGE" else k): v for k, v in fields.items()}
    response = _draw(client, **_sizes(**fields))
    assert response.status_code == 422
    assert db.session.scalars(select(RecontactSample)).first() is None


def test_without_csrf_token_nothing_is_drawn(client, campaign):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh")
    assert client.post(f"{RECONTACT}/draw", data=_sizes()).status_code == 400


@pytest.mark.parametrize("fields", [
    {"outcome-1": "maybe"}, {"outcome-99": "confirmed"}, {"outcome-x": "confirmed"},
    {"outcome-1": "confirmed", "note-1": "x" * 600}])
def test_bad_outcomes_are_a_422(client, campaign, fields):  # type: ignore[no-untyped-def]
    logged_in(client, "tinh")
    _draw(client, **_sizes())
    token = csrf_token(client.get(RECONTACT).text)
    response = client.post(f"{RECONTACT}/outcomes", data={"csrf_token": token, **fields})
    assert response.status_code == 422
    assert db.session.scalars(select(RecontactOutcome)).first() is None


def _post_dates(client, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(POSTING).text)
    return client.post(POSTING, data={"csrf_token": token, **fields})


def test_the_commune_records_the_posting_and_prints_the_sheets(client, campaign):  # type: ignore[no-untyped-def]
    logged_in(client, "cam-xa")
    today = local_today()
    assert client.get(f"{POSTING}/sheet.html").status_code == 409  # no dates yet
    saved = _post_dates(client, starts_on=today.isoformat(), contact="Chị Lò Thị Xã, 0912 345 678")
    assert saved.status_code == 303
    posted = db.session.scalars(select(ReportPosting)).one()
    assert posted.ends_on == today + timedelta(days=10)
    sheet = client.get(f"{POSTING}/sheet.html?lang=en")
    assert sheet.status_code == 200
    assert sheet.text.count('<section class="sheet"') == 4  # the commune and its three villages
    assert "0912 345 678" in sheet.text and "Too few answers to show" in sheet.text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_the_sheets_as_pdf_read_back(client, campaign, tmp_path):  # type: ignore[no-untyped-def]
    logged_in(client, "cam-xa")
    _post_dates(client, starts_on=local_today().isoformat(), contact="Chị Lò Thị Xã, 0912 345 678")
    pdf = client.get(f"{POSTING}/sheet.pdf")
    assert pdf.status_code == 200 and pdf.content_type == "application/pdf" and pdf.data.startswith(b"%PDF")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+4$", info, re.M) and "595.276 x 841.89" in info  # A4, a page per unit
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    assert "Xã Bình Lư" in pages[0] and "100,0 %" in pages[0]
    assert all("0912 345 678" in page for page in pages[:4])
    assert any("Ấp Ba" in page for page in pages[1:4])


@pytest.mark.parametrize("fields", [
    {"starts_on": "not a date"}, {"starts_on": ""}, {"starts_on": "2026-12-10", "ends_on": "2026-12-01"},
    {"starts_on": "2026-12-01", "ends_on": "2027-06-01"}, {"starts_on": "2020-01-01"},
    {"starts_on": "2026-12-03", "contact": "x" * 600},
])
def test_bad_posting_dates_are_a_4xx_and_record_nothing(client, campaign, fields):  # type: ignore[no-untyped-def]
    logged_in(client, "cam-xa")
    response = _post_dates(client, **fields)
    assert response.status_code == 422, response.text
    assert db.session.scalars(select(ReportPosting)).first() is None


@pytest.mark.parametrize("username", ["tinh", "ben-xa"])
def test_only_the_commune_records_the_posting(client, campaign, username):  # type: ignore[no-untyped-def]
    logged_in(client, username)
    token = csrf_token(client.get("/committee/campaigns/verify/units/12").text)
    response = client.post(POSTING, data={"csrf_token": token, "starts_on": local_today().isoformat()})
    assert response.status_code == 403
    assert db.session.scalars(select(ReportPosting)).first() is None


def test_the_public_page_says_when_the_results_are_posted(client, campaign):  # type: ignore[no-untyped-def]
    logged_in(client, "cam-xa")
    today = local_today()
    _post_dates(client, starts_on=today.isoformat())
    reports.accept_report(PROVINCE, "verify", "03390")
    db.session.commit()
    page = client.get("/results/verify/03390?lang=en")
    assert page.status_code == 200 and 'id="posted"' in page.text
