"""Resident pages: the survey form from a household-code QR link or an open commune link.

Plain HTML forms that work without JavaScript. Views parse, call one service, render.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ...domain.codes import format_code, is_code_text, normalise_code
from ...domain.survey import AnswerProblem
from ...extensions import csrf
from ...services.errors import Refused
from ...services.responses.receipts import receipt
from ...services.responses.record import Channel, Entry, Submission, open_entry, record_response
from .. import device, provenance
from ..limits import answer_submissions, code_lookups, failed_code_lookups
from .forms import read_response_form

bp = Blueprint("resident", __name__)
# Resident forms carry no session privilege: the household code in the form is the credential, so
# a cross-site post could do nothing a forger could not do directly. CSRF stays on for committees.
csrf.exempt(bp)


@bp.get("/")
def home() -> str:
    return render_template("resident/home.html")


@bp.get("/h")
@code_lookups
def find_code() -> ResponseReturnValue:
    """The landing page's 'type your code' form."""
    typed = request.args.get("code", "")
    digits = normalise_code(typed)
    if not digits:
        return render_template("resident/home.html", missing_code=True), 400
    # Text that is not written as a code (a letter in it) goes as typed: the page says "mistyped".
    shown = digits if is_code_text(typed) else typed.strip()[:40]
    return redirect(url_for(".household", code=shown), 303)


@bp.route("/h/<code>", methods=["GET", "POST"])
@answer_submissions
@code_lookups
@failed_code_lookups
def household(code: str) -> ResponseReturnValue:
    return _survey_page(lambda: open_entry(None, household_code=code), household_code=code)


@bp.route("/c/<campaign>/<commune>", methods=["GET", "POST"])
@answer_submissions
def commune_link(campaign: str, commune: str) -> ResponseReturnValue:
    return _survey_page(lambda: open_entry(campaign, commune_code=commune),
                        campaign_key=campaign, commune_code=commune)


def _survey_page(entry_of: Callable[[], Entry], **who: str) -> ResponseReturnValue:
    """GET: the form. POST: straight to record_response, which checks who may answer itself, so a
    form re-sent after it was stored (same rid and answers: a lost reply, a double tap) is thanked
    again instead of being refused as a used code.

    An open link asks first, when this browser answered the campaign's open link before (its
    marker, web/device.py), whether the answer is for another household; the form's
    another_household field (or ?another=1 on the page) is that explicit confirmation."""
    campaign_key = who.get("campaign_key")
    marked = campaign_key is not None and device.answered_before(request, campaign_key)
    if request.method == "GET":
        another = device.confirmed_another(request.args.get("another"))
        return _render_form(entry_of(), rid=str(uuid.uuid4()), device_answered=marked and not another,
                            another=another)
    form = read_response_form(request.form)
    submission = Submission(
        campaign_key=campaign_key,
        channel=Channel.WEB,
        answers=form["answers"],
        client_uuid=form["rid"],
        household_code=who.get("household_code"),
        commune_code=who.get("commune_code"),
        comment=form["comment"],
        device_answered_before=marked and not form["another_household"],
        reasons=form["reasons"],
        provenance=provenance.provenance(request, request.form.get(provenance.STARTED_FIELD)),
    )
    try:
        recorded = record_response(submission)
    except Refused as refused:
        if refused.reason == "device_answered":
            return _render_form(entry_of(), rid=form["rid"], form=form, device_answered=True), 409
        if refused.reason != "answers_invalid":
            raise
        problems = refused.data["problems"]
        if any(p.code in ("unknown_item", "reason_not_asked") for p in problems):
            raise Refused("form_tampered", status=400) from None
        return _render_form(entry_of(), rid=form["rid"], form=form, problems=problems,
                            another=form["another_household"]), 422
    response = make_response(redirect(url_for(".thanks", rid=recorded.uuid), 303))
    if campaign_key is not None:
        device.mark_answered(request, response, campaign_key)
    return response


def _render_form(entry: Entry, rid: str | None, form: dict[str, Any] | None = None,
                 problems: list[AnswerProblem] | None = None, device_answered: bool = False,
                 another: bool = False) -> str:
    """The form; for an open link answered before on this device, the kind refusal in its place
    (`device_answered`), or the form marked as answered for another household (`another`)."""
    problems = problems or []
    provenance.device_key(request)  # the browser gets its device key with the form
    return render_template(
        "resident/survey.html",
        entry=entry,
        survey=entry.survey,
        commune=entry.commune.unit,
        code=format_code(entry.code.code) if entry.code else None,
        rid=rid,
        chosen=(form or {}).get("answers", {}),
        comment=(form or {}).get("comment", ""),
        reasons=(form or {}).get("reasons", {}),
        missing={p.item for p in problems if p.code in ("missing", "invalid_value")},
        comment_too_long=any(p.code == "comment_too_long" for p in problems),
        device_answered=device_answered,
        another_household=another,
        reasons_too_long={p.item for p in problems if p.code == "reason_too_long"},
        started=provenance.started_token(),
    )


@bp.get("/thanks/<rid>")
def thanks(rid: str) -> str:
    found = receipt(rid)
    if found is None:
        abort(404)
    return render_template("resident/thanks.html", response=found.response, survey=found.survey,
                           commune=found.commune, published=found.published)
