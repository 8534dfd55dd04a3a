"""The province at a glance (/committee/campaigns/<key>/units/<code>/glance): every commune ×
every item in colour bands, sorted and filtered by query parameters (so it works without
JavaScript), printable on A4 or A3 landscape. Parses, calls services.indices.glance, renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import gettext
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ...domain.bands import Band
from ...i18n import fmt_percent, language, text
from ...services.errors import Refused
from ...services.indices.glance import Glance, province_glance
from ...services.indices.wording import item_numbers
from .auth import login_required

bp = Blueprint("glance", __name__, url_prefix="/committee")
PAPERS = ("a4", "a3")


class GlanceArgs(Schema):
    """The page's query: sort column and direction, commune group, paper for printing."""

    class Meta:
        unknown = EXCLUDE

    sort = fields.String(load_default="name", validate=validate.Regexp(r"[A-Za-z0-9_.-]{1,32}\Z"))
    dir = fields.String(load_default="asc", validate=validate.OneOf(("asc", "desc")))
    group = fields.String(load_default="", validate=validate.OneOf(("", "1", "2", "3")))
    paper = fields.String(load_default="a4", validate=validate.OneOf(PAPERS))


@bp.get("/campaigns/<key>/units/<code>/glance")
@login_required()
def glance(key: str, code: str) -> str:
    try:
        args = GlanceArgs().load(request.args)
    except ValidationError as error:
        raise Refused("glance_query", status=400, fields=sorted(error.messages_dict)) from None
    view = province_glance(g.principal, key, code, args["sort"], args["dir"] == "desc",
                           int(args["group"]) if args["group"] else None, language())
    return render_template("committee/glance.html", view=view, paper=args["paper"],
                           labels=item_labels(view), band_name=band_name, band_range=band_range,
                           sort_url=_sort_url(view, args), query=args)


def item_labels(view: Glance) -> dict[str, tuple[str, str]]:
    """item id -> (column heading, full question): "TC 3" for criterion 3, else its place."""
    survey = view.report.survey
    numbers = item_numbers([{"id": i.id, "criterion": i.criterion} for i in survey.items])
    return {item.id: (str(gettext("C%(number)s", number=numbers[item.id])), text(item.text))
            for item in survey.items if item.id in view.items}


def band_name(band: Band) -> str:
    names = {5: gettext("Highest"), 4: gettext("High"), 3: gettext("Middle"), 2: gettext("Low"),
             1: gettext("Lowest")}
    return str(names[band.number])


def band_range(band: Band) -> str:
    """The band's rates in words: "95 % and above", "from 90 % to under 95 %", "under 70 %"."""
    if band.high is None:
        return str(gettext("%(low)s and above", low=fmt_percent(band.low, decimals=0)))
    if band.low is None:
        return str(gettext("under %(high)s", high=fmt_percent(band.high, decimals=0)))
    return str(gettext("from %(low)s to under %(high)s", low=fmt_percent(band.low, decimals=0),
                       high=fmt_percent(band.high, decimals=0)))


def _sort_url(view: Glance, args: dict[str, Any]) -> Callable[[str], str]:
    """A function column -> the URL sorting by it: the other direction when it is already the sort,
    else names A–Z and figures lowest first (the communes to look at first)."""
    def url(column: str) -> str:
        descending = view.sort == column and not view.descending
        query = {"sort": column, "dir": "desc" if descending else "asc"}
        if args["group"]:
            query["group"] = args["group"]
        if args["paper"] != "a4":
            query["paper"] = args["paper"]
        return url_for(".glance", key=view.report.campaign.key, code=view.unit.code,
                       **query)  # type: ignore[arg-type]  # url_for's _external etc. are not in query

    return url


def _percent_whole(value: Any) -> str:
    """{{ coverage|pct0 }}: a percentage without decimals ("78 %"), for the coverage under a rate."""
    return fmt_percent(value, decimals=0)


bp.add_app_template_filter(_percent_whole, "pct0")
