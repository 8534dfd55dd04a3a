"""Twilio webhooks: inbound messages (answered in TwiML) and delivery-status callbacks.

Every request must carry a valid X-Twilio-Signature for PUBLIC_BASE_URL + path and the posted
parameters; anything else is refused with 403 before it is read, and nothing is stored.

Inbound messages are rate-limited per sender (RATELIMIT_SMS), counted under the keyed hash of the
number, and only for signed requests (a forged post cannot use up a household's allowance). A
message over the limit is dropped with 200 and an empty TwiML (web/limits.py says why).
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from ...extensions import csrf
from ...services.errors import Refused
from ...services.sms.dialogue import Inbound, handle_inbound
from ...services.sms.numbers import hash_of
from ...services.sms.status import StatusReport, handle_status
from ..limits import SMS_SENDERS, limited

log = logging.getLogger(__name__)
bp = Blueprint("sms", __name__, url_prefix="/sms")
csrf.exempt(bp)  # authenticated by Twilio's signature instead

_SID = validate.Regexp(r"[A-Za-z]{2}[0-9a-fA-F]{32}\Z", error="not a Twilio message SID")


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


INBOUND, STATUS = InboundSchema(), StatusSchema()  # schemas keep no state between loads
_SIGNATURE_KEY = "feedback_app.sms_signature_problem"
_FORM_ERROR_KEY = "feedback_app.sms_form_error"
_UNCHECKED = object()
UNREADABLE = "with an unreadable body"


def _form() -> MultiDict[str, str] | None:
    """The posted parameters, or None when the body cannot be read (too large, too many parts,
    broken). Never raises: the rate limit's exemption and key functions call it, and an exception
    there would make Flask-Limiter take its storage for dead (docs/deployment.md, "Rate limits")."""
    if _FORM_ERROR_KEY in request.environ:
        return None
    try:
        return request.form
    except Exception as exc:  # werkzeug: RequestEntityTooLarge, a parser's ValueError...
        request.environ[_FORM_ERROR_KEY] = exc
        return None


def _signature_problem() -> str | None:
    """Why this request is not Twilio's (None when its signature is right); computed once."""
    cached = request.environ.get(_SIGNATURE_KEY, _UNCHECKED)
    if cached is not _UNCHECKED:
        known: str | None = cached
        return known
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    url = current_app.config["PUBLIC_BASE_URL"] + request.full_path.rstrip("?")
    problem: str | None
    if not token or not signature:
        problem = "without signature or TWILIO_AUTH_TOKEN"
    elif (form := _form()) is None:
        problem = UNREADABLE
    elif not _signed_by_twilio(RequestValidator(token), url, form, signature):
        problem = "with a wrong signature"
    else:
        problem = None
    request.environ[_SIGNATURE_KEY] = problem
    return problem


def _signed_by_twilio(validator: RequestValidator, url: str, form: MultiDict[str, str],
                      signature: str) -> bool:
    """Twilio's signature check, the URL as PUBLIC_BASE_URL gives it first: `validate` always
    computes two signatures (the URL with and without its port); one is enough when the first
    matches, which it does for every request Twilio signs with that URL."""
    computed = validator.compute_signature(url, form).encode()
    if hmac.compare_digest(computed, signature.encode("utf-8", "replace")):
        return True
    return bool(validator.validate(url, form, signature))


def _require_signature() -> None:
    problem = _signature_problem()
    if problem is None:
        return
    log.warning("sms webhook %s %s: refused", request.path, problem)
    error = request.environ.get(_FORM_ERROR_KEY)
    if problem == UNREADABLE and isinstance(error, HTTPException):
        raise error  # 413 for a body too large
    abort(400 if problem == UNREADABLE else 403)


_SENDER_KEY = "feedback_app.sms_sender_hash"


def _sender_hash() -> str:
    """The sender's keyed hash, computed once per request (the rate limit and the dialogue both
    need it, and normalising a number with phonenumbers is not free)."""
    hashed: str | None = request.environ.get(_SENDER_KEY)
    if hashed is None:
        form = _form()
        sender = form.get("From", "") if form is not None else ""
        hashed = request.environ[_SENDER_KEY] = hash_of(sender[:64])
    return hashed


def _sender_key() -> str:
    """The limit's key: the counters never hold a number in clear. Only signed requests are
    counted (the exemption below), and those have a readable body."""
    return "sms:" + _sender_hash()


sender_messages = limited("RATELIMIT_SMS", SMS_SENDERS, methods=["POST"], key_func=_sender_key,
                          exempt_when=lambda: _signature_problem() is not None)


def _load(schema: Schema) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = schema.load(request.form)
    except ValidationError as exc:
        raise Refused("webhook_fields", status=400, fields=sorted(exc.messages)) from exc
    return loaded


@bp.post("/twilio")
@sender_messages
def inbound() -> Response:
    _require_signature()
    data = _load(INBOUND)
    replies = handle_inbound(Inbound(data["MessageSid"], data["From"], data["Body"],
                                     sender_hash=_sender_hash()))
    twiml = MessagingResponse()
    for reply in replies:
        twiml.message(reply)
    return Response(str(twiml), mimetype="application/xml")


@bp.post("/twilio/status")
def status() -> tuple[str, int]:
    _require_signature()
    data = _load(STATUS)
    handle_status(StatusReport(data["MessageSid"], data["MessageStatus"], data["To"],
                               data["ErrorCode"]))
    return "", 204
