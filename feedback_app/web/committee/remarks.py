"""Residents' comments and reasons, for committees: /committee/campaigns/<key>/units/<code>/comments
(filters in the query string, a page at a time, newest first) and its downloads
(…/comments.csv, …/comments.xlsx, with the same filters). Every read is in the account's scope
(services.remarks.listing.remarks_scope); nothing here is public."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request, stream_with_context
from flask_babel import gettext
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate
from werkzeug.wrappers import Response

from ...i18n import language
from ...services.errors import Refused
from ...services.exports import MEDIA_TYPES
from ...services.remarks import export
from ...services.remarks.listing import (
    CHANNELS,
    COMMENT,
    REASONS,
    Filters,
    Scope,
    check_filters,
    remarks_page,
    remarks_scope,
)
from ..messages.message import Message
from .auth import login_required

bp = Blueprint("remarks", __name__, url_prefix="/committee")


class FilterArgs(Schema):
    """The page's query string; an empty field is no filter."""

    class Meta:
        unknown = EXCLUDE

    commune = fields.String(load_default=None, validate=validate.Length(max=16))
    item = fields.String(load_default=None, validate=validate.Length(max=32))
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)
    q = fields.String(load_default="", validate=validate.Length(max=200))
    after = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**62))

    @post_load
    def _filters(self, data: dict[str, Any], **_: Any) -> Filters:
        return Filters(commune=data["commune"], item=data["item"], channel=data["channel"],
                       since=data["since"], until=data["until"], words=data["q"].strip(),
                       after=data["after"])


def _read_filters(scope: Scope) -> tuple[Filters, str | None]:
    """The filters asked for, or no filter and the sentence saying which field is wrong."""
    args = {k: v for k, v in request.args.items() if v.strip()}
    try:
        return check_filters(scope, FilterArgs().load(args)), None
    except ValidationError as exc:
        field = sorted(exc.messages)[0] if isinstance(exc.messages, dict) else "q"
    except Refused as refused:
        field = "q" if refused.data.get("field") is None else str(refused.data["field"])
    return Filters(), _problem(field)


def _problem(field: str) -> str:
    words = {"commune": gettext("Commune"), "item": gettext("Question"),
             "channel": gettext("Way of answering"), "since": gettext("From"), "until": gettext("To"),
             "q": gettext("Words"), "after": gettext("Page")}
    if field in ("since", "until"):
        return str(gettext("The dates cannot be read, or the first comes after the last "
                           "(%(field)s). Please choose them again.", field=words[field]))
    return str(gettext("This filter cannot be used: %(field)s. Please choose it again from the list.",
                       field=words.get(field, field)))


@bp.get("/campaigns/<key>/units/<code>/comments")
@login_required()
def page(key: str, code: str) -> tuple[str, int]:
    scope = remarks_scope(g.principal, key, code)
    filters, problem = _read_filters(scope)
    found = None if problem else remarks_page(scope, filters)
    return render_template("committee/comments.html", scope=scope, filters=filters, page=found,
                           problem=problem, typed=request.args, comment_kind=COMMENT,
                           reasons_kind=REASONS, channels=CHANNELS), 422 if problem else 200


@bp.get("/campaigns/<key>/units/<code>/comments.<fmt>")
@login_required()
def download(key: str, code: str, fmt: str) -> Response | tuple[str, int]:
    if fmt not in ("csv", "xlsx"):
        raise Refused("export_unknown", status=404)
    scope = remarks_scope(g.principal, key, code)
    filters, problem = _read_filters(scope)
    if problem:
        message = Message(gettext("This filter cannot be used"), problem)
        return render_template("message.html", message=message, status=422), 422
    name = f"{scope.campaign.key}-{scope.unit.code}-comments.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(stream_with_context(export.csv_chunks(scope, filters, language())),
                        content_type=MEDIA_TYPES["csv"], headers=headers)
    return Response(export.xlsx_bytes(scope, filters, language()), content_type=MEDIA_TYPES["xlsx"],
                    headers=headers)
