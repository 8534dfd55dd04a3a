"""The posting of a commune's results (services.reports.posting): dates validated and appended
(the last one current) with an audit entry, only by the commune's own officer, and the sheets:
the commune's public figures and one page per village with the small-cell rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback_app.clock import local_today
from feedback_app.domain.access import Role
from feedback_app.extensions import db
from feedback_app.models import ReportEvent, ReportPosting
from feedback_app.services.errors import Refused
from feedback_app.services.reports import posting
from feedback_app.services.reports import workflow as reports

from ..reports_support import officer
from ..verification_support import COMMUNE, PROVINCE, SIBLING, verified_commune


@pytest.fixture
def campaign(make_campaign):  # type: ignore[no-untyped-def]
    return verified_commune(make_campaign)


def test_the_end_defaults_to_the_campaigns_posting_days(campaign):  # type: ignore[no-untyped-def]
    today = local_today()
    recorded = posting.record_posting(COMMUNE, "verify", "03390", today)
    assert (recorded.starts_on, recorded.ends_on) == (today, today + timedelta(days=10))
    assert recorded.contact.startswith("Ban Thường trực Ủy ban MTTQ xã Bình Lư")


def test_postings_are_appended_and_the_last_is_current(campaign):  # type: ignore[no-untyped-def]
    today = local_today()
    posting.record_posting(COMMUNE, "verify", "03390", today, contact="Chị Lò Thị Mai, 0912 345 678")
    posting.record_posting(COMMUNE, "verify", "03390", today + timedelta(days=1), today + timedelta(days=12))
    db.session.commit()
    state = posting.posting_state(PROVINCE, "verify", "03390")
    assert len(state.history) == 2 and state.posting is state.history[-1]
    assert state.posting.ends_on == today + timedelta(days=12)
    notes = [e.note for e in db.session.scalars(select(ReportEvent).filter_by(action="posting")
                                                 .order_by(ReportEvent.id))]
    assert len(notes) == 2 and notes[0].startswith(today.isoformat()) and "Lò Thị Mai" in notes[0]
    assert not state.may_record  # the province reads it; the commune records it


@pytest.mark.parametrize("start, end, reason", [
    (0, -1, "posting_end_before_start"),
    (0, 91, "posting_too_long"),
    (-400, None, "posting_before_campaign"),
])
def test_bad_dates_are_refused(campaign, start, end, reason):  # type: ignore[no-untyped-def]
    today = local_today()
    with pytest.raises(Refused) as refused:
        posting.record_posting(COMMUNE, "verify", "03390", today + timedelta(days=start),
                               None if end is None else today + timedelta(days=end))
    assert (refused.value.reason, refused.value.status) == (reason, 422)
    assert db.session.scalars(select(ReportPosting)).first() is None


def test_a_long_contact_is_refused(campaign):  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        posting.record_posting(COMMUNE, "verify", "03390", local_today(), contact="x" * 501)
    assert refused.value.reason == "posting_contact_too_long"


@pytest.mark.parametrize("actor, reason", [
    (PROVINCE, "not_permitted"), (SIBLING, "out_of_scope"),
    (officer("03390", "viewer", role=Role.VIEWER), "not_permitted"),
])
def test_only_the_communes_officer_records(campaign, actor, reason):  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        posting.record_posting(actor, "verify", "03390", local_today())
    assert (refused.value.reason, refused.value.status) == (reason, 403)


def test_no_posting_before_the_report_is_submitted(make_campaign):  # type: ignore[no-untyped-def]
    verified_commune(make_campaign, submit_report=False)
    reports.draft_report(COMMUNE, "verify")
    with pytest.raises(Refused) as refused:
        posting.record_posting(COMMUNE, "verify", "03390", local_today())
    assert (refused.value.reason, refused.value.status) == ("posting_no_report", 409)


def test_sheets_need_dates_then_show_public_figures_per_village(campaign):  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        posting.posting_sheets(COMMUNE, "verify", "03390")
    assert refused.value.reason == "posting_missing"
    posting.record_posting(COMMUNE, "verify", "03390", local_today())
    sheets = posting.posting_sheets(PROVINCE, "verify", "03390")
    assert sheets.commune.figures["rate"] == 1.0 and sheets.commune.figures["too_few_answers"] is False
    assert "satisfied" not in sheets.commune.figures  # no counts of answers on a public sheet
    by_name = {s.unit["name"]: s.figures for s in sheets.villages}
    assert len(by_name) == 3 and all(any(v in name for name in by_name) for v in ("Một", "Hai", "Ba"))
    small = [f for f in by_name.values() if f["respondents"] < 5]
    assert small and all(f["rate"] is None and f["too_few_answers"] for f in small)
    assert all(item["rate"] is None for f in small for item in f["items"])
    big = [f for f in by_name.values() if f["respondents"] >= 5]
    assert big and all(f["rate"] == 1.0 for f in big)


def test_the_public_posting_period(campaign):  # type: ignore[no-untyped-def]
    assert posting.public_posting("verify", "03390") is None
    today = local_today()
    posting.record_posting(COMMUNE, "verify", "03390", today)
    assert posting.public_posting("verify", "03390") == (today, today + timedelta(days=10))
