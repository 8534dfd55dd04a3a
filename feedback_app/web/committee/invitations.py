"""SMS invitations from the web (/committee/campaigns/<key>/invitations), for the officers of the
campaign's unit or above: upload a numbers file for a commune or village, preview the message
and the counts, send (services.sms.web_invites, the same service as `sms invite`), follow the
progress. The numbers are never stored: the preview page carries them, sealed, to the send."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext

from ...clock import local_today
from ...database import writing
from ...domain.access import Role
from ...extensions import db
from ...i18n import fmt_number, language
from ...models import Campaign, Unit
from ...services.errors import Refused
from ...services.sms import invites
from ...services.sms import web_invites as service
from ...services.sms.texts import LANGUAGES
from ..messages.invitations import invitation_problem, row_problem
from .auth import login_required
from .invitation_forms import InviteSendForm, InviteUploadForm, basis_choices, language_choices

log = logging.getLogger(__name__)
bp = Blueprint("invitations", __name__, url_prefix="/committee/campaigns")
REFRESH_SECONDS = 5


@bp.before_request
def _writing_first() -> None:
    """Send records a run: its transaction writes, from before the account is read. On SQLite it
    then waits for the write lock (BEGIN IMMEDIATE) instead of failing with "busy" when the
    sending thread of an earlier run commits in between (database.py)."""
    if request.method == "POST" and request.endpoint == "invitations.send":
        writing(db.session)


def _place_label(place: service.Place) -> str:
    name = place.unit.display_name(language())
    return f"— {name}" if place.village else name


def _place_title(place: service.Place) -> str:
    """'Thôn Nà Sài, Xã Bình Lư' for a village, the commune's name for a commune."""
    commune = place.commune.unit.display_name(language())
    return f"{place.village.display_name(language())}, {commune}" if place.village else commune


def _upload_form(key: str) -> tuple[InviteUploadForm, Campaign]:
    campaign, places = service.places(g.principal, key)
    form = InviteUploadForm()
    form.place.choices = [(p.code, _place_label(p)) for p in places]
    form.language.choices = language_choices()
    return form, campaign


def _upload_page(key: str, form: InviteUploadForm, campaign: Campaign, status: int = 200,
                 problem: list[str] | None = None) -> tuple[str, int]:
    return render_template("committee/invitations.html", campaign=campaign, form=form,
                           problem=problem, runs=service.runs_of(g.principal, campaign),
                           max_kb=service.MAX_UPLOAD_BYTES // 1024,
                           max_numbers=fmt_number(service.MAX_NUMBERS)), status


@bp.get("/<key>/invitations")
@login_required(Role.OFFICER)
def page(key: str) -> tuple[str, int]:
    form, campaign = _upload_form(key)
    place = request.args.get("place", "")[:40]
    if place and place in {choice[0] for choice in form.place.choices or []}:
        form.place.data = place
    return _upload_page(key, form, campaign)


def _refused_page(key: str, form: InviteUploadForm, campaign: Campaign,
                  refused: Refused) -> tuple[str, int]:
    problem = invitation_problem(refused)
    if problem is None:
        raise refused
    return _upload_page(key, form, campaign, refused.status, problem)


@bp.post("/<key>/invitations/preview")
@login_required(Role.OFFICER)
def preview(key: str) -> ResponseReturnValue:
    form, campaign = _upload_form(key)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _upload_page(key, form, campaign, 422)
    upload = request.files.get("file")
    raw = upload.read(service.MAX_UPLOAD_BYTES + 1) if upload is not None else b""
    language = form.language.data or "vi"
    try:
        place = service.place_of(g.principal, key, form.place.data or "")
        parsed = service.read_upload(raw, place)
        shown = service.preview(place, parsed, language, local_today())
    except Refused as refused:
        return _refused_page(key, form, campaign, refused)
    send_form = InviteSendForm(formdata=None, place=place.code, language=language,
                               numbers=service.seal_rows(g.account.id, place, language, shown.rows))
    send_form.lawful_basis.choices = basis_choices()
    return _preview_page(shown, send_form, 200)


def _preview_page(shown: service.Preview, send_form: InviteSendForm,
                  status: int) -> tuple[str, int]:
    return render_template("committee/invitations_preview.html", campaign=shown.place.campaign,
                           shown=shown, form=send_form, place_name=_place_title(shown.place),
                           problems=shown.problems[:service.PROBLEMS_SHOWN],
                           more_problems=max(len(shown.problems) - service.PROBLEMS_SHOWN, 0),
                           row_problem=row_problem), status


@bp.post("/<key>/invitations/send")
@login_required(Role.OFFICER)
def send(key: str) -> ResponseReturnValue:
    form = InviteSendForm()
    form.lawful_basis.choices = basis_choices()
    if form.is_submitted() and form.csrf_token.errors:
        abort(400)
    upload_form, campaign = _upload_form(key)
    language = form.language.data if form.language.data in LANGUAGES else "vi"
    try:
        place = service.place_of(g.principal, key, form.place.data or "")
        rows = service.open_rows(form.numbers.data or "", g.account.id, place, language)
        if not form.validate_on_submit():
            # The statement or the confirmation is missing: the same preview, with the errors.
            parsed = invites.InviteFile(rows=rows)
            return _preview_page(service.preview(place, parsed, language, local_today()), form, 422)
        consent = invites.Consent(form.lawful_basis.data or "", " ".join(
            (form.statement.data or "").split()))
        run = service.send(place, g.account.id, rows, language, consent, local_today())
    except Refused as refused:
        return _refused_page(key, upload_form, campaign, refused)
    log.info("invitation run %s (%s numbers) started by %s for %s", run.id, run.numbers,
             g.principal.name, place.code)
    flash(ngettext("%(n)s invitation queued.", "%(n)s invitations queued.", run.numbers,
                   n=fmt_number(run.numbers)))
    return redirect(url_for(".progress", key=key, run_id=run.id), 303)


@bp.get("/<key>/invitations/<int:run_id>")
@login_required(Role.OFFICER)
def progress(key: str, run_id: int) -> str:
    shown = service.run_of(g.principal, key, run_id)
    return render_template("committee/invitations_progress.html", campaign=shown.run.campaign,
                           shown=shown, refresh=REFRESH_SECONDS,
                           place_name=_unit_name(shown.place),
                           basis=dict(basis_choices()).get(shown.run.lawful_basis, shown.run.lawful_basis))


def _unit_name(unit: Unit | None) -> str:
    if unit is None:
        return str(gettext("the campaign (sent with sms invite)"))
    if unit.level == "village" and unit.parent is not None:
        return f"{unit.display_name(language())}, {unit.parent.display_name(language())}"
    return unit.display_name(language())
