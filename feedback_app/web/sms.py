"""Twilio webhooks: inbound messages (answered in TwiML) and delivery-status callbacks.

Every request must carry a valid X-Twilio-Signature for PUBLIC_BASE_URL + path and the posted
parameters; anything else is refused with 403 before it is read, and nothing is stored.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from ..extensions import csrf
from ..services.errors import Refused
from ..services.sms.dialogue import Inbound, handle_inbound
from ..services.sms.status import StatusReport, handle_status

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__, url_prefix="/sms")
csrf.exempt(bp)  # authenticated by Twilio's signature instead

_SID = validate.Regexp(r"^[A-Za-z]{2}[0-9a-fA-F]{32}$", error="not a Twilio message SID")


class InboundSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    MessageSid = fields.String(required=True, validate=_SID)
    From = fields.String(required=True, validate=validate.Length(min=1, max=64))
    Body = fields.String(load_default="")


class StatusSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    MessageSid = fields.String(required=True, validate=_SID)
    MessageStatus = fields.String(load_default="", validate=validate.Length(max=32))
    To = fields.String(load_default=None, validate=validate.Length(max=64))
    ErrorCode = fields.Integer(load_default=None, allow_none=True)


def _require_signature() -> None:
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    url = current_app.config["PUBLIC_BASE_URL"] + request.full_path.rstrip("?")
    if not token or not signature:
        log.warning("sms webhook %s without signature or TWILIO_AUTH_TOKEN: refused", request.path)
        abort(403)
    if not RequestValidator(token).validate(url, request.form, signature):
        log.warning("sms webhook %s with a wrong signature: refused", request.path)
        abort(403)


def _load(schema: Schema) -> dict[str, Any]:
    try:
        return schema.load(request.form)
    except ValidationError as exc:
        raise Refused("webhook_fields", status=400, fields=sorted(exc.messages)) from exc


@bp.post("/twilio")
def inbound() -> Response:
    _require_signature()
    data = _load(InboundSchema())
    replies = handle_inbound(Inbound(data["MessageSid"], data["From"], data["Body"]))
    twiml = MessagingResponse()
    for reply in replies:
        twiml.message(reply)
    return Response(str(twiml), mimetype="application/xml")


@bp.post("/twilio/status")
def status() -> tuple[str, int]:
    _require_signature()
    data = _load(StatusSchema())
    handle_status(StatusReport(data["MessageSid"], data["MessageStatus"], data["To"],
                               data["ErrorCode"]))
    return "", 204
