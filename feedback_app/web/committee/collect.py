"""Assisted collection pages: a signed-in cadre records households' answers for one commune.

GET/POST /committee/collect/<campaign>/<commune>: the survey form with a household-code field. It
is a plain form (CSRF token) that works without JavaScript; with it, static/js/app.js queues each
answer in IndexedDB and sends it to the JSON endpoint below, also after the page was opened offline.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ...clock import local_today
from ...domain.campaign import window
from ...domain.codes import format_code
from ...extensions import csrf
from ...services.errors import Refused
from ...services.responses.collect import (
    COLLECT_ROLE,
    CollectPlace,
    begin_collecting,
    collect_place,
    record_assisted,
)
from ...services.surveys import survey_of
from ..api import errors
from ..api.schemas import SubmissionSchema
from ..messages import refusal_message
from ..messages.collect import cadre_message
from ..provenance import STARTED_FIELD, provenance, started_token
from ..resident.forms import read_response_form
from .auth import current_principal, login_required

bp = Blueprint("collect", __name__, url_prefix="/committee/collect")
api = Blueprint("collect_api", __name__, url_prefix="/committee/collect")

# The JSON endpoint is exempt from the CSRF token: a token stored with an answer queued offline goes
# stale (a new session has a new one) and the answer would be refused. A cross-site page still
# cannot post it: the session cookie is SameSite=Lax, so a cross-site POST carries no cookie (401),
# and the endpoint takes only Content-Type: application/json (anything else is 415), which a
# cross-site HTML form cannot send and a cross-site fetch can only send after a CORS preflight that
# this site never grants.
csrf.exempt(api)


def _writing_first() -> None:
    """A POST records an answer: its transaction writes, from before the account is read."""
    if request.method == "POST":
        begin_collecting()


bp.before_request(_writing_first)
api.before_request(_writing_first)


def _render(place: CollectPlace, status: int = 200, **extra: Any) -> tuple[str, int]:
    survey = survey_of(place.campaign.survey_version)
    context: dict[str, Any] = {"rid": str(uuid.uuid4()), "chosen": {}, "comment": "", "missing": set(),
                               "comment_too_long": False, "household_code": "", "code_problem": None,
                               "reasons": {}, "reasons_too_long": set(), "started": started_token()}
    context.update(extra)
    state = window(place.campaign.opens_on, place.campaign.closes_on, local_today())
    return render_template("committee/collect.html", place=place, survey=survey, window=state.value,
                           commune=place.commune.unit, **context), status


@bp.route("/<campaign>/<commune>", methods=["GET", "POST"])
@login_required(COLLECT_ROLE)
def page(campaign: str, commune: str) -> ResponseReturnValue:
    village = _village()
    place = collect_place(g.principal, campaign, commune, village)
    if request.method == "GET":
        return _render(place)
    form = read_response_form(request.form)
    code = request.form.get("household_code", "").strip()[:40]
    keep = {"rid": form["rid"], "chosen": form["answers"], "comment": form["comment"],
            "reasons": form["reasons"], "household_code": code}
    if not code:
        return _render(place, 422, code_problem=gettext("Enter the household's code."), **keep)
    try:
        recorded = record_assisted(g.principal, campaign, commune, code, form["answers"], form["rid"],
                                   form["comment"], form["reasons"], village,
                                   provenance(request, request.form.get(STARTED_FIELD)))
    except Refused as refused:
        if refused.reason == "answers_invalid":
            problems = refused.data["problems"]
            if any(p.code in ("unknown_item", "reason_not_asked") for p in problems):
                raise Refused("form_tampered", status=400) from None
            return _render(place, 422, **keep,
                           missing={p.item for p in problems if p.code in ("missing", "invalid_value")},
                           comment_too_long=any(p.code == "comment_too_long" for p in problems),
                           reasons_too_long={p.item for p in problems if p.code == "reason_too_long"})
        worded = cadre_message(refused)
        if worded is not None:
            return _render(place, refused.status if refused.status != 400 else 422,
                           code_problem=worded.body, **keep)
        raise
    household = recorded.response.household_code
    assert household is not None  # an assisted answer is always recorded with its household code
    flash(gettext("Answers recorded for household %(code)s.", code=format_code(household.code)))
    return redirect(url_for(".page", campaign=campaign, commune=commune, village=village), 303)


def _village() -> str | None:
    """The village of a collect page (?village=), or None for the whole commune."""
    return request.args.get("village", "")[:16] or None


class AssistedSchema(SubmissionSchema):
    """The API's submission body; campaign and commune come from the URL."""

    class Meta:
        unknown = EXCLUDE


@api.post("/<campaign>/<commune>/answers")
def answers(campaign: str, commune: str) -> ResponseReturnValue:
    """JSON only: 201 recorded, 200 replay, and the API's error shapes (web.api.errors)."""
    if not request.is_json:
        abort(415)
    principal = current_principal()
    if principal is None:
        raise Refused("signed_out", status=401)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return errors.json_error(400, "malformed_json", gettext("The request body is not valid JSON."))
    body.pop("campaign", None)
    body.pop("commune", None)
    if not body.get("household_code"):
        return errors.invalid({"household_code": [gettext("Enter the household's code.")]})
    try:
        data = AssistedSchema().load(body)
    except ValidationError as exc:
        return errors.invalid(errors.flatten(exc.messages))
    recorded = record_assisted(principal, campaign, commune, data["household_code"], data["answers"],
                               str(data["uuid"]), data["comment"] or "", data["reasons"] or {},
                               _village(), provenance(request, data.get("started")))
    response = recorded.response
    result = {"uuid": response.uuid, "status": "recorded", "campaign": response.campaign.key,
              "commune": response.commune.code}
    return result, 201 if recorded.created else 200


def _refused(refused: Refused) -> ResponseReturnValue:
    if refused.reason == "signed_out":
        response, status = errors.json_error(401, "signed_out", gettext(
            "You are signed out. Sign in again: the answers waiting on this device will then be sent."))
        return response, status
    if refused.reason in ("out_of_scope", "role_too_low"):  # the API words these for tokens
        return errors.json_error(refused.status, refused.reason, refusal_message(refused).body)
    worded = cadre_message(refused)
    if worded is not None:  # for the cadre, with its own reason (the API says "invalid" for a typo)
        g.refusal = refused.reason
        extra = {"errors": {"household_code": [worded.body]}} if refused.reason.startswith("code_") else {}
        return errors.json_error(refused.status if refused.status != 400 else 422, refused.reason,
                                 worded.body, **extra)
    return errors.refused(refused)


api.register_error_handler(Refused, _refused)
api.register_error_handler(HTTPException, errors.http_error)
api.register_error_handler(OperationalError, lambda _: errors.unavailable())
