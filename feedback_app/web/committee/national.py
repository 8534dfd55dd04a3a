"""The national view (/committee/national): the central committee's page of every province's
campaigns of a survey. Parses the survey chosen, calls services.indices.national, renders."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ...services.errors import Refused
from ...services.indices.national import national_view
from .auth import login_required
from .forms import ReturnReportForm

bp = Blueprint("national", __name__, url_prefix="/committee")


class NationalArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    survey = fields.String(load_default=None, validate=validate.Regexp(r"[a-z0-9][a-z0-9-]{0,63}"))


@bp.get("/national")
@login_required()
def national() -> str:
    try:
        survey = NationalArgs().load(request.args)["survey"]
    except ValidationError:
        raise Refused("unknown_survey", status=404, survey=request.args.get("survey", "")) from None
    view = national_view(g.principal, survey)
    return render_template("committee/national.html", view=view,
                           return_form=ReturnReportForm() if view.may_decide else None)
