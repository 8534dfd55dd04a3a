"""Verification by re-contact (services.reports.recontact): the draw is reproducible from its stored
seed, only the committee above the commune draws and records, outcomes are appended with who and
when, and everything is in the report's audit log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from feedback_app.domain.access import Role
from feedback_app.domain.recontact import Candidate, draw
from feedback_app.extensions import db
from feedback_app.models import RecontactOutcome, RecontactSample, ReportEvent
from feedback_app.models.reports import ImmutableRecord
from feedback_app.services.errors import Refused
from feedback_app.services.reports import recontact
from feedback_app.services.reports import workflow as reports

from ..reports_support import officer
from ..skips import postgresql_only
from ..verification_support import COMMUNE, PROVINCE, SIBLING, USED, verified_commune, village_code


@pytest.fixture
def campaign(make_campaign):  # type: ignore[no-untyped-def]
    return verified_commune(make_campaign)


def _sizes() -> dict[str, int]:
    return {village_code("Thôn Một"): 3, village_code("Bản Hai"): 2, village_code("Ấp Ba"): 4}


def test_draw_takes_used_codes_only_and_is_reproducible_from_the_stored_seed(campaign):  # type: ignore[no-untyped-def]
    sample = recontact.draw_sample(PROVINCE, "verify", "03390", _sizes())
    db.session.commit()
    stored = db.session.scalars(select(RecontactSample)).one()
    used = recontact.used_codes(campaign, stored.unit)
    assert stored.population == len(used) == sum(USED.values())
    drawn = [(e.village.code, e.household_code.code) for e in sample.entries]
    assert len(drawn) == 3 + 2 + 1  # Ấp Ba has one used code: all of it
    used_codes = {u.code for u in used}
    assert {code for _, code in drawn} <= used_codes
    again = draw([Candidate(u.group, u.code) for u in reversed(used)], json.loads(stored.sizes), stored.seed)
    assert [(c.group, c.code) for c in again] == drawn
    assert [e.position for e in sample.entries] == [1, 2, 3, 4, 5, 6]


def test_the_same_seed_gives_the_same_sample_and_another_seed_another(campaign):  # type: ignore[no-untyped-def]
    first = recontact.draw_sample(PROVINCE, "verify", "03390", _sizes(), seed=20261203)
    codes = [e.household_code.code for e in first.entries]
    db.session.rollback()
    second = recontact.draw_sample(PROVINCE, "verify", "03390", _sizes(), seed=20261203)
    assert [e.household_code.code for e in second.entries] == codes
    samples = set()
    for seed in (1, 2, 3):
        db.session.rollback()
        drawn = recontact.draw_sample(PROVINCE, "verify", "03390", _sizes(), seed=seed)
        samples.add(tuple(e.household_code.code for e in drawn.entries))
    others = samples
    assert len(others | {tuple(codes)}) > 1


def test_one_sample_per_report(campaign):  # type: ignore[no-untyped-def]
    recontact.draw_sample(PROVINCE, "verify", "03390", _sizes())
    with pytest.raises(Refused) as refused:
        recontact.draw_sample(PROVINCE, "verify", "03390", _sizes())
    assert refused.value.reason == "sample_exists" and refused.value.status == 409


@pytest.mark.parametrize("actor, reason, status", [
    (COMMUNE, "recontact_verifier_only", 403),
    (SIBLING, "out_of_scope", 403),
    (officer("12", "viewer-12", role=Role.VIEWER), "not_permitted", 403),
])
def test_only_the_committee_above_draws(campaign, actor, reason, status):  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        recontact.draw_sample(actor, "verify", "03390", _sizes())
    assert (refused.value.reason, refused.value.status) == (reason, status)
    assert db.session.scalars(select(RecontactSample)).first() is None


def test_the_commune_cannot_read_its_own_sample(campaign):  # type: ignore[no-untyped-def]
    recontact.draw_sample(PROVINCE, "verify", "03390", _sizes())
    with pytest.raises(Refused) as refused:
        recontact.recontact_state(COMMUNE, "verify", "03390")
    assert refused.value.reason == "recontact_verifier_only"


@pytest.mark.parametrize("sizes, reason", [
    ({}, "sample_empty"),
    ({"9999999": 2}, "sample_unknown_village"),
    ({"VILLAGE": -1}, "sample_size_invalid"),
    ({"VILLAGE": 51}, "sample_size_invalid"),
])
def test_bad_sizes_are_refused(campaign, sizes, reason):  # type: ignore[no-untyped-def]
    sizes = {village_code("Thôn Một") if k == "VILLAGE" else k: v for k, v in sizes.items()}
    with pytest.raises(Refused) as refused:
        recontact.draw_sample(PROVINCE, "verify", "03390", sizes)
    assert refused.value.reason == reason and refused.value.status == 422


def test_a_draft_report_has_no_sample(make_campaign):  # type: ignore[no-untyped-def]
    verified_commune(make_campaign, submit_report=False)
    reports.draft_report(COMMUNE, "verify")
    with pytest.raises(Refused) as refused:
        recontact.draw_sample(PROVINCE, "verify", "03390", _sizes())
    assert refused.value.reason == "recontact_not_submitted" and refused.value.status == 409


def test_outcomes_are_appended_with_who_and_when_and_in_the_audit_log(campaign):  # type: ignore[no-untyped-def]
    recontact.draw_sample(PROVINCE, "verify", "03390", _sizes())
    assert recontact.record_outcomes(PROVINCE, "verify", "03390", {
        1: ("confirmed", ""), 2: ("unreachable", "no one home"), 3: ("not_confirmed", "")}) == 3
    assert recontact.record_outcomes(PROVINCE, "verify", "03390", {1: ("confirmed", "")}) == 0  # unchanged
    assert recontact.record_outcomes(PROVINCE, "verify", "03390", {2: ("confirmed", "second visit")}) == 1
    db.session.commit()
    report = reports.get_report(None, "verify", "03390")
    outcomes = recontact.report_outcomes(report)
    assert outcomes is not None
    assert (outcomes.tally.confirmed, outcomes.tally.not_confirmed, outcomes.tally.unreachable,
            outcomes.tally.pending) == (2, 1, 0, 3)
    second = outcomes.lines[1].outcome
    assert second is not None and second.note == "second visit" and second.actor_username == PROVINCE.name
    assert len(db.session.scalars(select(RecontactOutcome)).all()) == 4  # appended, never changed
    entries = db.session.scalars(select(ReportEvent).order_by(ReportEvent.id))
    log = [(e.action, e.actor_username) for e in entries]
    assert ("sample", PROVINCE.name) in log
    assert [a for a, _ in log].count("recontact") == 4
    with pytest.raises(ImmutableRecord):
        second.note = "changed"
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("outcomes, reason", [
    ({99: ("confirmed", "")}, "recontact_unknown_line"),
    ({1: ("maybe", "")}, "recontact_outcome_invalid"),
    ({1: ("confirmed", "x" * 501)}, "recontact_note_too_long"),
])
def test_bad_outcomes_are_refused_and_nothing_is_recorded(campaign, outcomes, reason):  # type: ignore[no-untyped-def]
    recontact.draw_sample(PROVINCE, "verify", "03390", _sizes())
    with pytest.raises(Refused) as refused:
        recontact.record_outcomes(PROVINCE, "verify", "03390", {2: ("confirmed", ""), **outcomes})
    assert refused.value.reason == reason and refused.value.status == 422
    assert db.session.scalars(select(RecontactOutcome)).first() is None


def test_outcomes_stop_once_the_report_is_accepted(campaign):  # type: ignore[no-untyped-def]
    recontact.draw_sample(PROVINCE, "verify", "03390", _sizes())
    recontact.record_outcomes(PROVINCE, "verify", "03390", {1: ("confirmed", "")})
    reports.accept_report(PROVINCE, "verify", "03390")
    with pytest.raises(Refused) as refused:
        recontact.record_outcomes(PROVINCE, "verify", "03390", {2: ("confirmed", "")})
    assert refused.value.status == 409
    state = recontact.recontact_state(PROVINCE, "verify", "03390")
    assert state.sample is not None and not state.may_record and state.tally.confirmed == 1


def test_postgresql_refuses_changes_to_samples_outcomes_and_postings(campaign):  # type: ignore[no-untyped-def]
    postgresql_only("database triggers exist on PostgreSQL only")
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from feedback_app.clock import local_today
    from feedback_app.services.reports import posting

    recontact.draw_sample(PROVINCE, "verify", "03390", _sizes())
    recontact.record_outcomes(PROVINCE, "verify", "03390", {1: ("confirmed", "")})
    posting.record_posting(COMMUNE, "verify", "03390", local_today())
    db.session.commit()
    for table in ("recontact_samples", "recontact_entries", "recontact_outcomes", "report_postings"):
        for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
            with pytest.raises(DBAPIError):
                db.session.execute(text(statement))
            db.session.rollback()
