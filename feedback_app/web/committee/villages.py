"""A commune's villages and their registered households (/committee/communes/<code>/villages):
read by any account of the commune or above, changed by its officers (add, rename or change
households, merge, retire, import a CSV). Scope and role are checked by services.units.villages;
the view parses, calls one service and redirects back to the page (one commit per request)."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.wrappers import Response

from ...domain.access import Role
from ...domain.units import VILLAGE_TYPES
from ...i18n import fmt_number
from ...services.errors import Refused
from ...services.units import villages as service
from ..messages.villages import village_problem
from .auth import login_required
from .forms import ActionForm

bp = Blueprint("villages", __name__, url_prefix="/committee/communes")
MAX_IMPORT_BYTES = 256 * 1024  # 999 villages of long names fit in a tenth of it


def kind_labels() -> dict[str, str]:
    return {"thon": gettext("Thôn (village)"), "ban": gettext("Bản (mountain village)"),
            "ap": gettext("Ấp (hamlet)"), "to_dan_pho": gettext("Tổ dân phố (residential group)")}


def _render(code: str, status: int = 200, problem: list[str] | None = None,
            typed: dict[str, str] | None = None) -> tuple[str, int]:
    register = service.village_register(g.principal, code)
    return render_template("committee/villages.html", register=register, kinds=kind_labels(),
                           kind_order=VILLAGE_TYPES, form=ActionForm(), problem=problem,
                           typed=typed or {}, may_change=g.principal.role >= Role.OFFICER), status


@bp.get("/<code>/villages")
@login_required()
def page(code: str) -> tuple[str, int]:
    return _render(code)


def _checked() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _back(code: str) -> Response:
    return redirect(url_for(".page", code=code), 303)


def _acting(code: str, action: Callable[[], str]) -> ResponseReturnValue:
    """Run a change; its message is flashed and the page reloaded, or the page is shown again with
    what was wrong (and what was typed) when the service refuses the input."""
    _checked()
    try:
        message = action()
    except Refused as refused:
        problem = village_problem(refused)
        if problem is None:
            raise
        return _render(code, refused.status, problem, _fields())
    flash(message)
    return _back(code)


def _fields() -> dict[str, str]:
    return {name: request.form.get(name, "")[:200]
            for name in ("name", "households", "kind", "synthetic")}


@bp.post("/<code>/villages")
@login_required(Role.OFFICER)
def add(code: str) -> ResponseReturnValue:
    def action() -> str:
        village = service.add_village(g.principal, code, _fields())
        return str(gettext("Village %(name)s added with %(n)s households.", name=village.name,
                       n=fmt_number(village.households)))
    return _acting(code, action)


@bp.post("/<code>/villages/<village>")
@login_required(Role.OFFICER)
def update(code: str, village: str) -> ResponseReturnValue:
    def action() -> str:
        changed = service.update_village(g.principal, code, village, _fields())
        return str(gettext("Village %(name)s saved.", name=changed.name))
    return _acting(code, action)


@bp.post("/<code>/villages/<village>/merge")
@login_required(Role.OFFICER)
def merge(code: str, village: str) -> ResponseReturnValue:
    def action() -> str:
        target = service.merge_villages(g.principal, code, village, request.form.get("into", "")[:16])
        return str(gettext("Merged into %(name)s, which now has %(n)s households.", name=target.name,
                       n=fmt_number(target.households)))
    return _acting(code, action)


@bp.post("/<code>/villages/<village>/retire")
@login_required(Role.OFFICER)
def retire(code: str, village: str) -> ResponseReturnValue:
    def action() -> str:
        retired = service.retire_village(g.principal, code, village)
        return str(gettext("Village %(name)s retired: it is no longer in the register.", name=retired.name))
    return _acting(code, action)


@bp.post("/<code>/villages/import")
@login_required(Role.OFFICER)
def import_csv(code: str) -> ResponseReturnValue:
    def action() -> str:
        upload = request.files.get("file")
        raw = upload.read(MAX_IMPORT_BYTES + 1) if upload is not None else b""
        if not raw:
            raise Refused("villages_file", status=422, problem="empty")
        if len(raw) > MAX_IMPORT_BYTES:
            raise Refused("villages_file", status=413, problem="large", maximum=MAX_IMPORT_BYTES)
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refused("villages_file", status=422, problem="encoding") from None
        report = service.import_villages(g.principal, code, io.StringIO(content, newline=""))
        return str(gettext("Imported %(rows)s lines: %(created)s villages added, %(updated)s changed, "
                       "%(unchanged)s unchanged.", rows=report.rows, created=report.created,
                       updated=report.updated, unchanged=report.unchanged))
    return _acting(code, action)
