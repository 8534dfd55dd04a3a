"""Upward reporting on the committee pages: a unit's report status and forms on its dashboard,
submit / draft / accept / return, the report page and the audit log (downloads: exports.py).

Every page needs a login. Who may see or do what is decided by the services (services.reports.workflow,
services.reports) from the logged-in account's Principal; a view never passes None (that
skips the scope check and is only for the operator's shell). A refusal becomes a message page with
its 4xx status, and the request's transaction is rolled back, so a refused step changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ...domain.access import Principal
from ...extensions import db
from ...i18n import language
from ...models import Report, Unit
from ...services.campaigns.setup import get_campaign, get_unit
from ...services.errors import Refused
from ...services.exports.labels import (
    item_label,
    percent,
    role_label,
    status_label,
    unit_name,
    verdict_label,
)
from ...services.indices.index import IndexReport
from ...services.reports import workflow as reports
from ...services.reports.published import has_public_page
from .auth import login_required
from .forms import AcceptReportForm, ReturnReportForm, SubmitReportForm

bp = Blueprint("committee_reports", __name__, url_prefix="/committee")
STEPS = {"draft": _l("Draft saved"), "submit": _l("Submitted"), "resubmit": _l("Submitted again"),
         "accept": _l("Accepted"), "return": _l("Returned"),
         "sample": _l("Re-contact sample drawn"), "recontact": _l("Re-contact outcome"),
         "posting": _l("Posting dates recorded")}


def current_actor() -> Principal:
    """The logged-in account as the actor of a reporting step (always scoped: never None)."""
    principal: Principal = g.principal
    return principal


@dataclass
class ReportPanel:
    """What the dashboard shows of upward reporting for one unit."""

    unit: Unit
    report: Report | None
    may_submit: bool
    may_decide: bool  # on the children's reports
    children: dict[str, str] = field(default_factory=dict)  # child code -> status
    insufficient: set[str] = field(default_factory=set)  # submitted children whose verdict is insufficient
    submit_form: SubmitReportForm | None = None
    return_form: ReturnReportForm | None = None

    @property
    def status(self) -> str:
        return self.report.status if self.report else "none"


def report_panel(index: IndexReport) -> ReportPanel:
    """The unit's report status, its children's statuses and the forms the account may use."""
    unit = index.unit(index.root)
    state = reports.report_status(current_actor(), index.campaign.key, unit.code, index)
    remarks = state.report.remarks if state.report else ""
    return ReportPanel(
        unit=unit, report=state.report, may_submit=state.may_submit, may_decide=state.may_decide,
        children={c.unit.code: c.status for c in state.children},
        insufficient={c.unit.code for c in state.children
                      if c.status == "submitted" and c.verdict == "insufficient"},
        submit_form=SubmitReportForm(remarks=remarks) if state.may_submit else None,
        return_form=ReturnReportForm() if state.may_decide else None,
    )


def _dashboard(key: str, code: str) -> Response:
    return redirect(url_for("dashboard.unit_dashboard", key=key, code=code), 303)


def _after_decision(report: Report) -> Response:
    """Back where the decision was taken: the parent's dashboard, or the national view when the
    report is the campaign unit's own and the decision came from the country above it."""
    parent = report.unit.parent
    if report.unit_id == report.campaign.unit_id and parent is not None and parent.level == "country":
        return redirect(url_for("national.national"), 303)
    return _dashboard(report.campaign.key, parent.code if parent else report.unit.code)


@bp.post("/campaigns/<key>/report")
@login_required()
def submit(key: str) -> Response | tuple[str, int]:
    """The account's own unit's report: saved as a draft or submitted to the unit above."""
    form = SubmitReportForm()
    if not form.validate_on_submit():
        abort(400)
    actor = current_actor()
    if form.draft.data:
        report = reports.draft_report(actor, key, form.remarks.data or "")
        flash(gettext("The draft of the report is saved."))
    else:
        try:
            report = reports.submit_report(actor, key, form.remarks.data or "",
                                           allow_incomplete=bool(form.allow_incomplete.data))
        except Refused as refused:
            if refused.reason != "children_not_accepted":
                raise
            return _incomplete(key, form)
        flash(gettext("The report is submitted to the unit above."))
    return _dashboard(key, report.unit.code)


def _incomplete(key: str, form: SubmitReportForm) -> tuple[str, int]:
    """A consolidated report refused because reports below are not accepted: which units, by name
    and status, each a link to its page; the typed remarks kept in the form, to save as a draft,
    submit anyway, or come back to (409, nothing stored)."""
    db.session.rollback()
    state = reports.report_status(current_actor(), key)
    pending = [c for c in state.children if c.status != "accepted"]
    return render_template("committee/submit_refused.html", key=key, unit=state.unit,
                           pending=pending, form=form), 409


@bp.post("/campaigns/<key>/units/<code>/report/accept")
@login_required()
def accept(key: str, code: str) -> Response:
    form = AcceptReportForm()
    if not form.validate_on_submit():
        abort(400)
    report = reports.accept_report(current_actor(), key, code,
                                   confirm_insufficient=bool(form.confirm_insufficient.data),
                                   acknowledged=request.form.getlist("acknowledge"))
    flash(gettext("The report of %(unit)s is accepted.", unit=report.unit.display_name(language())))
    return _after_decision(report)


@bp.post("/campaigns/<key>/units/<code>/report/return")
@login_required()
def return_(key: str, code: str) -> Response:
    form = ReturnReportForm()
    if not form.validate_on_submit():
        abort(400)
    report = reports.return_report(current_actor(), key, code, form.reason.data or "")
    flash(gettext("The report of %(unit)s is returned for correction.",
                  unit=report.unit.display_name(language())))
    return _after_decision(report)


@bp.get("/campaigns/<key>/units/<code>/report")
@login_required()
def report_page(key: str, code: str) -> str:
    """The frozen snapshot of a unit's report, its status, seal and decision."""
    report = reports.get_report(current_actor(), key, code)
    content = json.loads(report.content)
    public_url = None
    if has_public_page(report):
        public_url = url_for("results.page", campaign_key=report.campaign.key,
                             commune_code=report.unit.code)
    return render_template(
        "committee/report.html", report=report, content=content, index=content["index"],
        labels={item["id"]: item for item in content["items"]}, lang=language(), public_url=public_url,
        child_status={c["unit"]: c["status"] for c in content.get("children_reports", [])},
        percent=percent, verdict_label=verdict_label, unit_name=unit_name,
        item_label=item_label,
    )


@bp.get("/campaigns/<key>/units/<code>/log")
@login_required()
def audit_log(key: str, code: str) -> str:
    """The append-only log of the unit's report and of the reports below it."""
    entries = reports.audit_log(current_actor(), key, code)
    unit = get_unit(get_campaign(key).unit.scheme, code)
    return render_template("committee/report_log.html", key=key, unit=unit, entries=entries, steps=STEPS)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"status_label": status_label, "role_label": role_label}
