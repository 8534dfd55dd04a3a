"""The role and scope matrix of upward reporting on the committee pages: the report page, the audit
log, the downloads and the submit / accept / return forms, tried as viewer, officer and admin of a
district on its own unit, a child commune, the sibling district (and its commune) and the parent
province. Out of scope is 403; a viewer reads but never acts; a refused step changes nothing."""

from __future__ import annotations

import pytest

from feedback_app.extensions import db
from feedback_app.models import Report
from feedback_app.services.reports import workflow as reports

from ..committee_support import csrf_token, logged_in, make_account
from ..indices_support import LEGACY_CSV, import_csv
from ..reports_support import answered, officer

ROLES = ("viewer", "officer", "admin")
OWN, CHILD, SIBLING, SIBLING_CHILD, PARENT = "105", "03391", "106", "03393", "12"
IN_SCOPE = {OWN, CHILD}
BASE = "/committee/campaigns/prov/units"


@pytest.fixture
def legacy(make_campaign):  # type: ignore[no-untyped-def]
    import_csv(LEGACY_CSV)
    province = make_campaign(key="prov", scheme="vn-legacy", unit_code=PARENT)
    own = make_campaign(key="own", scheme="vn-legacy", unit_code=OWN)
    for commune in ("03391", "03392", "03393", "03394"):
        answered(province, commune, 2)
    answered(own, CHILD, 2)
    for commune in (CHILD, SIBLING_CHILD):
        reports.submit_report(officer(commune), "prov", "xã")
    for district in (OWN, SIBLING):
        reports.submit_report(officer(district), "prov", "huyện", allow_incomplete=True)
    reports.draft_report(officer(PARENT), "prov", "tỉnh")
    db.session.commit()
    return {"province": province, "own": own}


@pytest.fixture(params=ROLES)
def member(request, client, legacy):  # type: ignore[no-untyped-def]
    make_account(f"huyen-{request.param}", OWN, request.param, scheme="vn-legacy")
    logged_in(client, f"huyen-{request.param}")
    return request.param


def _statuses() -> dict[str, tuple[str, int, str]]:
    db.session.expire_all()
    found = db.session.scalars(db.select(Report))
    return {r.unit.code: (r.status, r.revision, r.content_hash) for r in found}


PAGES = ("report", "log", "export/report.csv", "export/report.xlsx", "export/report.html",
         "export/results.csv", "export/results.xlsx", "export/results.html")


@pytest.mark.parametrize("unit", [OWN, CHILD, SIBLING, SIBLING_CHILD, PARENT])
def test_report_pages_and_downloads_in_and_out_of_scope(client, member, unit):  # type: ignore[no-untyped-def]
    for page in PAGES:
        response = client.get(f"{BASE}/{unit}/{page}")
        assert response.status_code == (200 if unit in IN_SCOPE else 403), page
        if unit not in IN_SCOPE:
            assert "Không phải đơn vị của bạn" in response.text


def test_audit_log_shows_the_unit_and_below_only(client, member):  # type: ignore[no-untyped-def]
    log = client.get(f"{BASE}/{OWN}/log").text
    assert f'data-unit="{OWN}"' in log and f'data-unit="{CHILD}"' in log
    for outside in (SIBLING, SIBLING_CHILD, PARENT):
        assert f'data-unit="{outside}"' not in log
    child_log = client.get(f"{BASE}/{CHILD}/log").text
    assert f'data-unit="{CHILD}"' in child_log and f'data-unit="{OWN}"' not in child_log


@pytest.mark.parametrize("action", ["accept", "return"])
@pytest.mark.parametrize("unit", [OWN, CHILD, SIBLING, SIBLING_CHILD, PARENT])
def test_accept_and_return_only_a_childs_report_as_officer(client, member, action, unit):  # type: ignore[no-untyped-def]
    before = _statuses()
    token = csrf_token(client.get(f"{BASE}/{OWN}").text)
    response = client.post(f"{BASE}/{unit}/report/{action}",
                           data={"csrf_token": token, "reason": "Thiếu số liệu", "confirm_insufficient": "y"})
    allowed = unit == CHILD and member != "viewer"
    assert response.status_code == (303 if allowed else 403)
    after = _statuses()
    if allowed:
        assert after[CHILD][0] == {"accept": "accepted", "return": "returned"}[action]
        del before[CHILD], after[CHILD]
    assert after == before


def test_submit_only_the_own_units_report_as_officer(client, member):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/committee/campaigns/own/units/105").text)
    response = client.post("/committee/campaigns/own/report",
                           data={"csrf_token": token, "remarks": "ok", "submit": "1",
                                 "allow_incomplete": "y"})
    assert response.status_code == (403 if member == "viewer" else 303)
    db.session.expire_all()
    report = reports.get_report(None, "own", OWN) if member != "viewer" else None
    assert (report.status if report else None) == (None if member == "viewer" else "submitted")


def test_dashboard_shows_statuses_to_all_and_forms_to_officers(client, member):  # type: ignore[no-untyped-def]
    reports.return_report(officer(PARENT), "prov", OWN, "Bổ sung")
    db.session.commit()
    page = client.get(f"{BASE}/{OWN}").text
    assert "Đã gửi, chờ tiếp nhận" in page  # the child commune's report
    assert "Đã trả lại để chỉnh sửa" in page and "Bổ sung" in page  # its own, returned by the province
    officer_forms = (f"/units/{CHILD}/report/accept", f"/units/{CHILD}/report/return", 'id="submit-report"')
    for form in officer_forms:
        assert (form in page) == (member != "viewer"), form
    assert f"/units/{SIBLING_CHILD}/" not in page
    assert f"{BASE}/{OWN}/export/results.csv" in page


def test_a_viewer_of_the_province_cannot_decide(client, legacy):  # type: ignore[no-untyped-def]
    make_account("tinh-viewer", PARENT, "viewer", scheme="vn-legacy")
    logged_in(client, "tinh-viewer")
    before = _statuses()
    token = csrf_token(client.get(f"{BASE}/{PARENT}").text)
    assert client.post(f"{BASE}/{OWN}/report/accept", data={"csrf_token": token}).status_code == 403
    assert _statuses() == before
