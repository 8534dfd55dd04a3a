"""A province campaign's scope (/committee/campaigns/<key>/scope): the communes it leaves out,
with their reasons, and the villages it samples per commune. Officers of the campaign's unit only,
before it opens; scope, role and state are checked by services.campaigns.scope. Each form posts,
the service changes the scope, and the page is reloaded (one commit per request)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from ...clock import local_today
from ...domain.access import Role
from ...domain.scope import MAX_REASON
from ...extensions import db
from ...i18n import fmt_number
from ...services.campaigns import scope as service
from ...services.errors import Refused
from ..messages.scope import scope_problem
from .auth import login_required
from .forms import ActionForm

bp = Blueprint("campaign_scope", __name__, url_prefix="/committee/campaigns")
MAX_VILLAGES_POSTED = 1000  # a commune has at most 999 villages


def _render(key: str, status: int = 200, problem: tuple[str, str] | None = None,
            typed: str = "") -> tuple[str, int]:
    scope = service.scope_of(g.principal, key, local_today())
    return render_template("committee/campaign_scope.html", scope=scope, campaign=scope.campaign,
                           form=ActionForm(), problem=problem, typed=typed, max_reason=MAX_REASON,
                           detail_of=service.detail_of), status


@bp.get("/<key>/scope")
@login_required(Role.OFFICER)
def page(key: str) -> tuple[str, int]:
    return _render(key)


def _acting(key: str, code: str, action: Callable[[], str], typed: str = "") -> ResponseReturnValue:
    """Run a change and reload the page with its message, or show the page again (422) with what
    was wrong next to the commune's form when the service refuses what was typed or picked."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        message = action()
    except Refused as refused:
        problem = scope_problem(refused)
        if problem is None:
            raise
        db.session.rollback()
        return _render(key, refused.status, (code, problem), typed)
    flash(message)
    return redirect(url_for(".page", key=key, _anchor=f"commune-{code}"), 303)


@bp.post("/<key>/scope/communes/<code>/exclude")
@login_required(Role.OFFICER)
def exclude(key: str, code: str) -> ResponseReturnValue:
    reason = request.form.get("reason", "")[:MAX_REASON * 4]

    def act() -> str:
        service.exclude_commune(g.principal, key, code, reason, local_today())
        return str(gettext("Commune %(code)s is left out of the campaign.", code=code))
    return _acting(key, code, act, reason)


@bp.post("/<key>/scope/communes/<code>/include")
@login_required(Role.OFFICER)
def include(key: str, code: str) -> ResponseReturnValue:
    def act() -> str:
        service.include_commune(g.principal, key, code, local_today())
        return str(gettext("Commune %(code)s is surveyed again.", code=code))
    return _acting(key, code, act)


@bp.post("/<key>/scope/communes/<code>/sample")
@login_required(Role.OFFICER)
def sample(key: str, code: str) -> ResponseReturnValue:
    picked = request.form.getlist("village")
    if len(picked) > MAX_VILLAGES_POSTED:
        abort(413)
    if request.form.get("whole") == "1":
        picked = []

    def act() -> str:
        households, sampled = service.set_sample(g.principal, key, code, [p[:16] for p in picked],
                                                 local_today())
        if sampled:
            return str(gettext("Commune %(code)s: the sampled villages have %(n)s registered households; "
                               "coverage is counted against them.", code=code, n=fmt_number(households)))
        return str(gettext("Commune %(code)s is surveyed whole (%(n)s registered households).",
                           code=code, n=fmt_number(households)))
    return _acting(key, code, act)


@bp.app_template_global()
def communes_left_out(campaign_key: str) -> list[service.LeftOut]:
    """The communes a campaign leaves out, for the note on dashboards and reports
    (committee/_left_out.html)."""
    return service.left_out(campaign_key)
