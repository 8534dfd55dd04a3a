"""Upward reporting: the state machine through the services, who may decide, consolidated reports."""

from __future__ import annotations

import json

import pytest

from feedback_app.domain.canonical import canonical_json, content_hash
from feedback_app.domain.reports import Role
from feedback_app.extensions import db
from feedback_app.models import ReportEvent
from feedback_app.models.reports import ImmutableRecord
from feedback_app.services.errors import Refused
from feedback_app.services.indices.document import index_document
from feedback_app.services.indices.index import campaign_index
from feedback_app.services.reports import workflow as reports

from ..reports_support import answered, legacy_campaign, officer
from ..skips import postgresql_only

COMMUNE, SIBLING, PROVINCE = "03390", "03430", "12"


def refused(fn, *args, **kwargs) -> Refused:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as caught:
        fn(*args, **kwargs)
    db.session.rollback()
    return caught.value


def test_submit_return_resubmit_accept(campaign):
    answered(campaign, COMMUNE, 6)
    report = reports.submit_report(officer(COMMUNE), campaign.key, "Đã tổng hợp đủ phiếu.")
    db.session.commit()
    assert report.status == "submitted"
    assert report.revision == 1
    content = json.loads(report.content)
    assert content_hash(canonical_json(content)) == report.content_hash
    live = index_document(campaign_index(campaign.key, COMMUNE))
    assert content["index"] == live  # the snapshot is the index of services/indices/index.py
    assert content["remarks"] == "Đã tổng hợp đủ phiếu."
    assert content["prepared_by"] == {"username": "officer-03390", "full_name": "", "role": "officer",
                                      "unit": "vn-2025:03390"}

    assert refused(reports.return_report, officer(PROVINCE), campaign.key, COMMUNE, "  ").reason \
        == "reason_required"
    report = reports.return_report(officer(PROVINCE), campaign.key, COMMUNE, "Thiếu phiếu thôn 3")
    db.session.commit()
    assert (report.status, report.return_reason) == ("returned", "Thiếu phiếu thôn 3")
    assert refused(reports.accept_report, officer(PROVINCE), campaign.key, COMMUNE).reason \
        == "report_not_submitted"

    answered(campaign, COMMUNE, 2, value=2)  # the missing forms arrive
    first_hash = report.content_hash
    report = reports.submit_report(officer(COMMUNE), campaign.key, "Đã bổ sung.")
    db.session.commit()
    assert (report.status, report.revision) == ("submitted", 2)
    assert report.content_hash != first_hash
    assert json.loads(report.content)["index"]["respondents"] == 8
    assert refused(reports.submit_report, officer(COMMUNE), campaign.key).reason == "report_awaiting_decision"

    report = reports.accept_report(officer(PROVINCE), campaign.key, COMMUNE)
    db.session.commit()
    assert report.status == "accepted"
    assert report.decided_by == "officer-12 (officer, vn-2025:12)"
    actions = [e.action for e in reports.audit_log(officer(PROVINCE), campaign.key)]
    assert actions == ["submit", "return", "resubmit", "accept"]


def test_an_accepted_report_never_changes(campaign):
    answered(campaign, COMMUNE, 6)
    reports.submit_report(officer(COMMUNE), campaign.key, "v1")
    reports.accept_report(officer(PROVINCE), campaign.key, COMMUNE)
    db.session.commit()
    before = reports.get_report(None, campaign.key, COMMUNE)
    frozen = (before.status, before.content, before.content_hash, before.revision, before.remarks)
    answered(campaign, COMMUNE, 3, value=2)

    for attempt in (
        lambda: reports.submit_report(officer(COMMUNE), campaign.key, "v2"),
        lambda: reports.draft_report(officer(COMMUNE), campaign.key, "v2"),
        lambda: reports.return_report(officer(PROVINCE), campaign.key, COMMUNE, "late"),
        lambda: reports.accept_report(officer(PROVINCE), campaign.key, COMMUNE),
    ):
        problem = refused(attempt)
        assert (problem.reason, problem.status) == ("report_accepted", 409)

    after = reports.get_report(None, campaign.key, COMMUNE)
    assert (after.status, after.content, after.content_hash, after.revision, after.remarks) == frozen
    assert len(reports.audit_log(officer(PROVINCE), campaign.key)) == 2

    after.remarks = "edited behind the services' back"
    with pytest.raises(ImmutableRecord):
        db.session.flush()
    db.session.rollback()


def test_only_the_parent_units_officer_accepts_or_returns(campaign):
    answered(campaign, COMMUNE, 6)
    reports.submit_report(officer(COMMUNE), campaign.key)
    db.session.commit()
    not_allowed = [
        (officer(COMMUNE), "not_permitted"),  # the child itself
        (officer(SIBLING), "out_of_scope"),  # a sibling commune
        (officer(PROVINCE, role=Role.VIEWER), "not_permitted"),  # the parent, but a viewer
    ]
    for actor, reason in not_allowed:
        for step in (lambda a: reports.accept_report(a, campaign.key, COMMUNE),
                     lambda a: reports.return_report(a, campaign.key, COMMUNE, "no")):
            problem = refused(step, actor)
            assert (problem.reason, problem.status) == (reason, 403)
    assert reports.get_report(None, campaign.key, COMMUNE).status == "submitted"
    assert refused(reports.submit_report, officer(PROVINCE, role=Role.VIEWER), campaign.key).reason \
        == "not_permitted"
    admin = officer(PROVINCE, role=Role.ADMIN)
    assert reports.accept_report(admin, campaign.key, COMMUNE).status == "accepted"


def test_in_a_three_tier_campaign_the_district_decides_not_the_province(make_campaign):
    campaign = legacy_campaign(make_campaign)
    answered(campaign, "03391", 5)
    reports.submit_report(officer("03391"), campaign.key)
    db.session.commit()
    assert refused(reports.accept_report, officer("12"), campaign.key, "03391").reason == "not_permitted"
    assert refused(reports.accept_report, officer("106"), campaign.key, "03391").reason == "out_of_scope"
    reports.accept_report(officer("105"), campaign.key, "03391")
    db.session.commit()

    # The district reports upward once all its communes' reports are accepted.
    problem = refused(reports.submit_report, officer("105"), campaign.key, "Tổng hợp huyện")
    assert (problem.reason, problem.data["pending"]) == ("children_not_accepted", "03392")
    status = reports.report_status(officer("105"), campaign.key)
    assert [(c.unit.code, c.status) for c in status.children] == [("03391", "accepted"), ("03392", "none")]
    reports.submit_report(officer("03392"), campaign.key)
    reports.accept_report(officer("105"), campaign.key, "03392")
    district = reports.submit_report(officer("105"), campaign.key, "Tổng hợp huyện")
    db.session.commit()
    content = json.loads(district.content)
    assert content["complete"] is True
    assert [c["unit"] for c in content["children_reports"]] == ["03391", "03392"]
    assert content["index"]["respondents"] == 5
    assert reports.accept_report(officer("12"), campaign.key, "105").status == "accepted"
    # ... and the province sees every district's report status.
    status = reports.report_status(officer("12"), campaign.key)
    assert [(c.unit.code, c.status) for c in status.children] == [("105", "accepted"), ("106", "none")]


def test_a_consolidated_report_may_go_up_incomplete_when_asked(campaign):
    report = reports.submit_report(officer(PROVINCE), campaign.key, "", allow_incomplete=True)
    content = json.loads(report.content)
    assert content["complete"] is False
    assert [(c["unit"], c["status"]) for c in content["children_reports"]] == [
        (COMMUNE, "none"), (SIBLING, "none")]


def test_status_and_log_are_scoped(campaign):
    answered(campaign, COMMUNE, 6)
    reports.submit_report(officer(COMMUNE), campaign.key)
    reports.return_report(officer(PROVINCE), campaign.key, COMMUNE, "Sửa lại")
    reports.draft_report(officer(SIBLING), campaign.key, "nháp")
    db.session.commit()
    assert refused(reports.report_status, officer(SIBLING), campaign.key, COMMUNE).reason == "out_of_scope"
    assert refused(reports.audit_log, officer(SIBLING), campaign.key, COMMUNE).status == 403
    assert refused(reports.audit_log, officer(COMMUNE), campaign.key, PROVINCE).reason == "out_of_scope"
    own = reports.audit_log(officer(COMMUNE, role=Role.VIEWER), campaign.key)
    assert [(e.unit.code, e.action, e.actor_username) for e in own] == [
        (COMMUNE, "submit", "officer-03390"), (COMMUNE, "return", "officer-12")]
    assert own[1].note == "Sửa lại"
    everything = reports.audit_log(officer(PROVINCE, role=Role.VIEWER), campaign.key)
    assert [(e.unit.code, e.action) for e in everything] == [
        (COMMUNE, "submit"), (COMMUNE, "return"), (SIBLING, "draft")]
    status = reports.report_status(officer(PROVINCE, role=Role.VIEWER), campaign.key)
    assert [(c.unit.code, c.status) for c in status.children] == [(COMMUNE, "returned"), (SIBLING, "draft")]


def test_the_audit_log_is_append_only(campaign):
    reports.submit_report(officer(COMMUNE), campaign.key, "gửi")
    db.session.commit()
    entry = db.session.query(ReportEvent).one()
    entry.note = "rewritten"
    with pytest.raises(ImmutableRecord):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.query(ReportEvent).one())
    with pytest.raises(ImmutableRecord):
        db.session.flush()
    db.session.rollback()
    assert db.session.query(ReportEvent).one().note == "gửi"


def test_postgresql_refuses_changes_to_the_log_and_accepted_reports(campaign):
    postgresql_only("database triggers exist on PostgreSQL only")
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    reports.submit_report(officer(COMMUNE), campaign.key)
    reports.accept_report(officer(PROVINCE), campaign.key, COMMUNE)
    db.session.commit()
    for statement in ("UPDATE report_events SET note = 'x'", "DELETE FROM report_events",
                      "UPDATE reports SET remarks = 'x'", "DELETE FROM reports"):
        with pytest.raises(DBAPIError):
            db.session.execute(text(statement))
        db.session.rollback()
    assert reports.get_report(None, campaign.key, COMMUNE).status == "accepted"


def test_two_officers_deciding_at_once_take_turns(app, campaign):
    """On PostgreSQL the report row is locked: of an accept and a return sent together, exactly one
    is applied and the other is refused with the state the first one left."""
    postgresql_only("needs a database with concurrent writers")
    import threading

    reports.submit_report(officer(COMMUNE), campaign.key)
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(step) -> None:  # type: ignore[no-untyped-def]
        with app.app_context():
            try:
                barrier.wait()
                step()
                db.session.commit()
                outcomes.append("done")
            except Refused as problem:
                db.session.rollback()
                outcomes.append(problem.reason)
            except BaseException as problem:  # reported by the main thread
                outcomes.append(repr(problem))
            finally:
                db.session.remove()

    key = campaign.key
    steps = [lambda: reports.accept_report(officer(PROVINCE, "a"), key, COMMUNE),
             lambda: reports.return_report(officer(PROVINCE, "b"), key, COMMUNE, "sai")]
    threads = [threading.Thread(target=decide, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["done", "report_accepted"], ["done", "report_not_submitted"])
    db.session.expire_all()
    decisions = [e.action for e in reports.audit_log(officer(PROVINCE), key)][1:]
    assert decisions in (["accept"], ["return"])


def test_an_actor_needs_a_usable_name(campaign):
    for name in ("", "   ", "x" * 65):
        problem = refused(reports.submit_report, officer(COMMUNE, name=name or " "), campaign.key)
        assert (problem.reason, problem.status) == ("actor_invalid", 422)
    assert reports.submit_report(officer(COMMUNE, name="x" * 64), campaign.key).status == "submitted"


@pytest.mark.parametrize(("unit", "role", "may_submit", "may_decide"), [
    (COMMUNE, Role.OFFICER, True, True),  # a commune has no children: the panel shows no decisions
    (COMMUNE, Role.VIEWER, False, False),
    (PROVINCE, Role.OFFICER, True, True),
    (PROVINCE, Role.ADMIN, True, True),
    (PROVINCE, Role.VIEWER, False, False),
])
def test_report_status_says_what_the_actor_may_do_on_its_own_unit(campaign, unit, role, may_submit,
                                                                  may_decide):
    status = reports.report_status(officer(unit, role=role), campaign.key)
    assert (status.may_submit, status.may_decide) == (may_submit, may_decide)


def test_a_unit_below_is_read_but_not_acted_on_from_above(campaign):
    status = reports.report_status(officer(PROVINCE), campaign.key, COMMUNE)
    assert (status.unit.code, status.may_submit, status.may_decide) == (COMMUNE, False, False)


def test_only_a_communes_accepted_report_has_a_public_page(campaign):
    from feedback_app.services.reports.published import has_public_page

    answered(campaign, COMMUNE, 6)
    report = reports.submit_report(officer(COMMUNE), campaign.key)
    db.session.commit()
    assert not has_public_page(report)
    report = reports.accept_report(officer(PROVINCE), campaign.key, COMMUNE)
    db.session.commit()
    assert has_public_page(report)
    province = reports.draft_report(officer(PROVINCE), campaign.key)
    assert not has_public_page(province)
