"""Upward reporting: draft, submit, accept, return a unit's report for a campaign, and read them.

Each step checks who may take it (domain.reports.permitted, with the unit's place from
services.accounts.access.relation), moves the state machine (domain.reports.next_status), and appends one
entry to the audit log. Services flush and never commit. Reports are in the campaign's own scheme.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...clock import utcnow
from ...domain.access import Principal, Relation
from ...domain.canonical import canonical_json, content_hash
from ...domain.reports import (
    Action,
    Status,
    Transition,
    next_status,
    permitted,
    submit_action,
)
from ...extensions import db
from ...models import Campaign, Report, ReportEvent, Unit
from ..accounts.access import relation, unit_of
from ..campaigns.setup import get_campaign, get_unit
from ..errors import Refused
from ..indices.index import IndexReport, campaign_index
from ..verification.flags import check_acknowledged, report_flags
from .content import results_content, timestamp

MAX_TEXT = 4000


@dataclass(frozen=True)
class ChildReport:
    """A child unit of the campaign's tree and where its report stands (None: nothing yet)."""

    unit: Unit
    report: Report | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else "none"

    @property
    def verdict(self) -> str | None:
        """The verdict frozen in the child's report (None: no report yet)."""
        return str(json.loads(self.report.content)["index"]["verdict"]) if self.report else None


MAX_USERNAME = 64  # report_events.actor_username


def in_scheme(actor: Principal, campaign: Campaign) -> Principal:
    """The actor with its unit's scheme spelled out (the campaign's when it was left empty)."""
    if not actor.name.strip() or len(actor.name) > MAX_USERNAME:
        raise Refused("actor_invalid", status=422, maximum=MAX_USERNAME)
    return actor if actor.unit_scheme else replace(actor, unit_scheme=campaign.unit.scheme)


def actor_unit(actor: Principal, campaign: Campaign) -> Unit:
    """The actor's unit: its row when the principal carries it, else by scheme (default: the
    campaign's) and code, as an operator names it at the shell."""
    if actor.unit_id is not None:
        return unit_of(actor)
    return get_unit(actor.unit_scheme or campaign.unit.scheme, actor.unit_code)


def authorize(actor: Principal, campaign: Campaign, unit: Unit, action: Action) -> Relation:
    """Refused (403) unless the actor may take `action` on `unit`'s report."""
    own = actor_unit(actor, campaign)
    where = relation(replace(actor, unit_id=own.id), unit)
    if not permitted(actor.role, where, action):
        reason = "out_of_scope" if where is Relation.OUTSIDE else "not_permitted"
        raise Refused(reason, status=403, action=action.value, scheme=unit.scheme, code=unit.code,
                      role=actor.role.value)
    return where


def _target(campaign_key: str, unit_code: str | None, actor: Principal) -> tuple[Campaign, Unit, Principal]:
    campaign = get_campaign(campaign_key)
    unit = get_unit(campaign.unit.scheme, unit_code) if unit_code else actor_unit(actor, campaign)
    return campaign, unit, in_scheme(actor, campaign)


def find_report(campaign: Campaign, unit: Unit, lock: bool = False) -> Report | None:
    """The unit's report; with `lock`, the row is locked until the commit (PostgreSQL), so that two
    officers deciding at the same moment take turns and the second sees the first's decision."""
    query = select(Report).filter_by(campaign_id=campaign.id, unit_id=unit.id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def _step(report: Report | None, action: Action) -> Status:
    try:
        return next_status(Status(report.status) if report else None, action)
    except Transition as refused:
        raise Refused(refused.reason, status=409, state=report.status if report else "none") from None


def _text(value: str, name: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refused(f"{name}_required", status=422)
    if len(value) > MAX_TEXT:
        raise Refused(f"{name}_too_long", status=422, maximum=MAX_TEXT)
    return value


def _log(report: Report, action: Action, actor: Principal, at: datetime, note: str = "",
         flags: str | None = None) -> ReportEvent:
    entry = ReportEvent(flags=flags,
        campaign_id=report.campaign_id, unit_id=report.unit_id, report_id=report.id, action=action.value,
        status_after=report.status, actor_username=actor.name, actor_full_name=actor.full_name,
        actor_role=actor.role.value,
        actor_unit=actor.unit_label, at=at, content_hash=report.content_hash, note=note,
    )
    db.session.add(entry)
    return entry


def children_reports(campaign: Campaign, unit: Unit,
                     index: IndexReport | None = None) -> list[ChildReport]:
    """The unit's children in the campaign's tree (those with surveyed communes below), each with
    its report, by code. `index`: the unit's index at depth 1 or more when the caller has it
    already (the dashboard does), so that it is not computed twice."""
    reusable = (index is not None and index.campaign.id == campaign.id and index.reexpressed is None
                and index.unit(index.root).id == unit.id and index.root.children is not None)
    if not reusable or index is None:
        index = campaign_index(campaign.key, unit.code, campaign.unit.scheme, depth=1)
    children = [index.unit(node) for node in index.root.children or ()]
    reports = {r.unit_id: r for r in db.session.scalars(select(Report).where(
        Report.campaign_id == campaign.id, Report.unit_id.in_([c.id for c in children])))}
    return [ChildReport(child, reports.get(child.id)) for child in children]


def _snapshot(campaign: Campaign, unit: Unit, actor: Principal, remarks: str, at: datetime,
              revision: int) -> dict[str, Any]:
    content = results_content(campaign, unit, depth=1)
    children = children_reports(campaign, unit)
    content["children_reports"] = [
        {"unit": c.unit.code, "name": c.unit.full_name, "status": c.status,
         "content_hash": c.report.content_hash if c.report else None}
        for c in children
    ]
    pending = [c.unit.code for c in children if c.status != Status.ACCEPTED]
    content["complete"] = not pending
    content.update({
        "remarks": remarks,
        "prepared_by": {"username": actor.name, "full_name": actor.full_name, "role": actor.role.value,
                        "unit": actor.unit_label},
        "prepared_at": timestamp(at),
        "revision": revision,
    })
    return content


def _prepare(actor: Principal, campaign_key: str, remarks: str, action: Action,
             allow_incomplete: bool) -> Report:
    campaign, unit, actor = _target(campaign_key, None, actor)
    if unit.id != campaign.unit_id and relation(Principal(actor.name, unit_id=unit.id),
                                                campaign.unit) is not Relation.OUTSIDE:
        # A unit above the campaign's (the country above a province's campaign) decides on the
        # campaign unit's report; it has no report of its own in that campaign.
        raise Refused("above_campaign", status=409, campaign=campaign.key, code=campaign.unit.code)
    remarks = _text(remarks, "remarks")
    report = find_report(campaign, unit, lock=True)
    if action is Action.SUBMIT:
        action = submit_action(Status(report.status) if report else None)
    authorize(actor, campaign, unit, action)
    status = _step(report, action)
    at = utcnow()
    revision = report.revision + 1 if report else 1
    content = _snapshot(campaign, unit, actor, remarks, at, revision)
    if action is not Action.DRAFT and not content["complete"] and not allow_incomplete:
        pending = [c["unit"] for c in content["children_reports"] if c["status"] != Status.ACCEPTED]
        raise Refused("children_not_accepted", status=409, pending=", ".join(pending))
    text = canonical_json(content)
    if report is None:
        report = Report(campaign_id=campaign.id, unit_id=unit.id)
        db.session.add(report)
    report.status = status.value
    report.revision = revision
    report.content = text
    report.content_hash = content_hash(text)
    report.remarks = remarks
    report.prepared_by = f"{actor.name} ({actor.role.value}, {actor.unit_label})"
    report.prepared_by_name = actor.full_name
    report.prepared_at = at
    if action is not Action.DRAFT:
        report.submitted_at = at
        report.decided_by = report.decided_at = None
        report.decided_by_name = ""
    db.session.flush()
    _log(report, action, actor, at, remarks)
    db.session.flush()
    return report


def draft_report(actor: Principal, campaign_key: str, remarks: str = "") -> Report:
    """Take (or retake) a snapshot of the actor's unit's results without sending it upward."""
    return _prepare(actor, campaign_key, remarks, Action.DRAFT, allow_incomplete=True)


def submit_report(actor: Principal, campaign_key: str, remarks: str = "",
                  allow_incomplete: bool = False) -> Report:
    """Freeze the actor's unit's results with the officer's remarks and send them to the parent.

    A unit above communes submits its consolidated report only once every child's report is
    accepted, unless `allow_incomplete` (the snapshot then records which children were missing).
    """
    return _prepare(actor, campaign_key, remarks, Action.SUBMIT, allow_incomplete)


def _decide(actor: Principal, campaign_key: str, unit_code: str, action: Action, reason: str = "",
            confirm_insufficient: bool = True, acknowledged: Collection[str] = ()) -> Report:
    campaign, unit, actor = _target(campaign_key, unit_code, actor)
    report = find_report(campaign, unit, lock=True)
    authorize(actor, campaign, unit, action)
    status = _step(report, action)
    assert report is not None  # _step refuses a missing report
    if (action is Action.ACCEPT and not confirm_insufficient
            and json.loads(report.content)["index"]["verdict"] == "insufficient"):
        raise Refused("insufficient_unconfirmed", status=422)
    flags = None
    if action is Action.ACCEPT:  # every plausibility flag acknowledged, or Refused 422
        flags = check_acknowledged(report_flags(campaign, unit), acknowledged)
    if action is Action.RETURN:
        reason = _text(reason, "reason", required=True)
    at = utcnow()
    report.status = status.value
    report.decided_by = f"{actor.name} ({actor.role.value}, {actor.unit_label})"
    report.decided_by_name = actor.full_name
    report.decided_at = at
    report.return_reason = reason or None
    db.session.flush()
    _log(report, action, actor, at, reason, flags)
    db.session.flush()
    return report


def accept_report(actor: Principal, campaign_key: str, unit_code: str,
                  confirm_insufficient: bool = True, acknowledged: Collection[str] = ()) -> Report:
    """The parent unit's officer accepts a child's submitted report; it never changes afterwards.
    A report whose verdict is "insufficient" (too few households answered) is accepted only when
    `confirm_insufficient` (the committee pages ask for it explicitly; Refused 422 otherwise).
    Each plausibility flag of the unit and the units below it (services.verification.flags) must be
    in `acknowledged` (Refused 422 otherwise); the audit entry records them."""
    return _decide(actor, campaign_key, unit_code, Action.ACCEPT,
                   confirm_insufficient=confirm_insufficient, acknowledged=acknowledged)


def return_report(actor: Principal, campaign_key: str, unit_code: str, reason: str) -> Report:
    """The parent unit's officer sends a child's submitted report back, saying why."""
    return _decide(actor, campaign_key, unit_code, Action.RETURN, reason)


@dataclass(frozen=True)
class ReportStatus:
    campaign: Campaign
    unit: Unit
    report: Report | None
    children: list[ChildReport]
    may_submit: bool  # the actor may submit (or resubmit) this unit's own report
    may_decide: bool  # the actor may accept or return the reports of this unit's children


def report_status(actor: Principal, campaign_key: str, unit_code: str | None = None,
                  index: IndexReport | None = None) -> ReportStatus:
    """A unit's own report (default: the actor's unit) and the status of every child's report
    (`index`: the unit's index, when the caller computed it already)."""
    campaign, unit, actor = _target(campaign_key, unit_code, actor)
    where = authorize(actor, campaign, unit, Action.VIEW)
    children = children_reports(campaign, unit, index) if unit.level != "commune" else []
    own = where is Relation.OWN
    may_submit = own and (permitted(actor.role, where, Action.SUBMIT)
                          or permitted(actor.role, where, Action.RESUBMIT))
    may_decide = own and permitted(actor.role, Relation.CHILD, Action.ACCEPT)
    return ReportStatus(campaign, unit, find_report(campaign, unit), children, may_submit, may_decide)


def get_report(actor: Principal | None, campaign_key: str, unit_code: str) -> Report:
    """A unit's report (Refused 404 when there is none); with an actor, only within its scope."""
    campaign = get_campaign(campaign_key)
    unit = get_unit(campaign.unit.scheme, unit_code)
    if actor is not None:
        authorize(actor, campaign, unit, Action.VIEW)
    report = find_report(campaign, unit)
    if report is None:
        raise Refused("report_missing", status=404, campaign=campaign.key, code=unit.code)
    return report


def audit_log(actor: Principal, campaign_key: str, unit_code: str | None = None) -> list[ReportEvent]:
    """The audit entries about a unit's report and the reports of every unit below it, oldest
    first: a unit sees its own log and its descendants', never a sibling's or a parent's."""
    campaign, unit, actor = _target(campaign_key, unit_code, actor)
    authorize(actor, campaign, unit, Action.VIEW)
    principal = Principal(actor.name, unit_id=unit.id)
    entries = db.session.scalars(select(ReportEvent).where(ReportEvent.campaign_id == campaign.id)
                                 .order_by(ReportEvent.id))
    return [e for e in entries if relation(principal, e.unit) is not Relation.OUTSIDE]
