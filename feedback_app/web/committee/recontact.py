"""Verification by re-contact on the committee pages:
/committee/campaigns/<key>/units/<commune>/recontact (the page: sizes per village, the drawn list
and its outcomes), …/recontact/draw, …/recontact/outcomes and …/recontact/print (the call / visit
list on paper). Who may see or do what is decided by services.reports.recontact; the view parses
the form, calls one service and redirects back (one commit per request)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ...domain.recontact import MAX_PER_VILLAGE, MAX_SEED, NO_VILLAGE, Outcome
from ...i18n import language
from ...services.errors import Refused
from ...services.reports import recontact as service
from .auth import login_required
from .forms import ActionForm

bp = Blueprint("recontact", __name__, url_prefix="/committee/campaigns/<key>/units/<code>/recontact")
NO_VILLAGE_FIELD = "-"  # the form's name for the group of codes of no village
_NUMBER = re.compile(r"\s*\d{1,19}\s*\Z")


def outcome_labels() -> dict[str, str]:
    return {Outcome.CONFIRMED.value: str(_l("Confirmed")),
            Outcome.NOT_CONFIRMED.value: str(_l("Not confirmed")),
            Outcome.UNREACHABLE.value: str(_l("Unreachable"))}


def channel_labels() -> dict[str, str]:
    return {"web": gettext("Web"), "sms": gettext("SMS"), "assisted": gettext("Assisted")}


def field_name(group: str) -> str:
    return f"size-{group or NO_VILLAGE_FIELD}"


def _render(key: str, code: str, status: int = 200) -> tuple[str, int]:
    state = service.recontact_state(g.principal, key, code)
    return render_template("committee/recontact.html", state=state, form=ActionForm(),
                           outcomes=outcome_labels(), channels=channel_labels(), field_name=field_name,
                           default_size=service.DEFAULT_SIZE, maximum=MAX_PER_VILLAGE,
                           lang=language()), status


@bp.get("")
@login_required()
def page(key: str, code: str) -> tuple[str, int]:
    return _render(key, code)


def _back(key: str, code: str) -> Response:
    return redirect(url_for(".page", key=key, code=code), 303)


def _number(raw: str, reason: str, **data: Any) -> int:
    """A whole number typed in a form field, or Refused 422 with `reason`."""
    if not _NUMBER.fullmatch(raw):
        raise Refused(reason, status=422, **data)
    return int(raw)


def parse_sizes(form: dict[str, str]) -> dict[str, int]:
    """{village code: size} from the form's size-<village> fields (empty: 0)."""
    sizes: dict[str, int] = {}
    for name, raw in form.items():
        if not name.startswith("size-"):
            continue
        group = name.removeprefix("size-")
        group = NO_VILLAGE if group == NO_VILLAGE_FIELD else group[:32]
        sizes[group] = 0 if not raw.strip() else _number(
            raw[:40], "sample_size_invalid", village=group, maximum=MAX_PER_VILLAGE)
    return sizes


@bp.post("/draw")
@login_required()
def draw(key: str, code: str) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    form = {name: value for name, value in request.form.items()}
    seed_text = form.get("seed", "").strip()
    seed = _number(seed_text[:40], "sample_seed_invalid", maximum=MAX_SEED) if seed_text else None
    sample = service.draw_sample(g.principal, key, code, parse_sizes(form), seed)
    n = len(sample.entries)
    flash(ngettext("%(num)d household drawn for re-contact.", "%(num)d households drawn for re-contact.", n))
    return _back(key, code)


@bp.post("/outcomes")
@login_required()
def outcomes(key: str, code: str) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    found: dict[int, tuple[str, str]] = {}
    for name, value in request.form.items():
        if not name.startswith("outcome-") or not value:
            continue
        position = _number(name.removeprefix("outcome-")[:12], "recontact_unknown_line", position=name[:20])
        found[position] = (value[:32], request.form.get(f"note-{position}", "")[:2000])
    recorded = service.record_outcomes(g.principal, key, code, found)
    flash(ngettext("%(num)d outcome recorded.", "%(num)d outcomes recorded.", recorded) if recorded
          else gettext("Nothing changed."))
    return _back(key, code)


@bp.get("/print")
@login_required()
def print_list(key: str, code: str) -> str:
    """The call / visit list on paper: village, code, channel, time answered, and empty boxes for
    the outcome; never an answer."""
    state = service.recontact_state(g.principal, key, code)
    if state.sample is None:
        raise Refused("sample_missing", status=409, code=code)
    return render_template("verification/recontact_print.html", state=state, outcomes=outcome_labels(),
                           channels=channel_labels(), lang=language())
