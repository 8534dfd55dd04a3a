"""Kannel webhooks (SMS_BACKEND=kannel): inbound messages from smsbox's get-url/post-url, and the
delivery reports of the replies (docs/kannel.md has the smsbox configuration).

Inbound: smsbox calls PUBLIC_BASE_URL/sms/kannel?id=%I&from=%p&to=%P&text=%a&coding=%c&charset=%C
with KANNEL_MO_SECRET as the password of HTTP Basic authentication (written in the get-url as
http://kannel:SECRET@host/..., so the secret stays out of access logs). A request from an address
outside KANNEL_ALLOWED_ADDRESSES (the client's address as the trusted proxies report it), or
without the secret, is refused with 403 before it is read. Kannel's message id is the idempotency
key: a re-delivered message records nothing twice and its replies are sent again. The replies go
out through Kannel's sendsms interface after the commit (services/sms/outbound.py); the HTTP answer
is empty (the sms-service has max-messages = 0).

Delivery reports: each reply's dlr-url (adapters/kannel.py) names it by our reference and carries
an HMAC of the reference and the recipient; a permanent failure marks the number.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, abort, current_app, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ...adapters.kannel import PERMANENT_FAILURES, STATUS_NAMES, dlr_signature
from ...extensions import csrf
from ...services.errors import Refused
from ...services.sms.dialogue import Inbound, handle_inbound
from ...services.sms.numbers import hash_of
from ...services.sms.outbound import reply_after_commit
from ...services.sms.status import StatusReport, handle_status
from ..limits import SMS_SENDERS, limited

log = logging.getLogger(__name__)
bp = Blueprint("sms_kannel", __name__, url_prefix="/sms/kannel")
csrf.exempt(bp)  # authenticated by the secret (inbound) or the report's signature instead

MESSAGE_ID_PREFIX = "kannel-"  # Kannel's ids never meet Twilio's MessageSids in sms_inbound
UTF8 = ("", "utf-8", "utf8")


class InboundSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    # smsbox's %I is a UUID; a get-url may put another id of the gateway's in `id`.
    message_id = fields.String(data_key="id", required=True, validate=validate.Regexp(
        r"[A-Za-z0-9._:-]{1,56}\Z", error="not a Kannel message id (%I)"))
    sender = fields.String(data_key="from", required=True, validate=validate.Length(min=1, max=64))
    short_code = fields.String(data_key="to", load_default=None, validate=validate.Length(max=64))
    text = fields.String(load_default="", validate=validate.Length(max=2000))
    coding = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 2))
    charset = fields.String(load_default="", validate=validate.Length(max=32))


class StatusSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    ref = fields.String(required=True, validate=validate.Regexp(r"[0-9a-f]{32}\Z"))
    to = fields.String(required=True, validate=validate.Length(min=1, max=64))
    sig = fields.String(required=True, validate=validate.Regexp(r"[0-9a-f]{64}\Z"))
    type = fields.Integer(required=True, validate=validate.Range(0, 255))
    answer = fields.String(load_default="", validate=validate.Length(max=500))


INBOUND, STATUS = InboundSchema(), StatusSchema()
_AUTH_KEY = "feedback_app.kannel_auth_problem"


def _parameters() -> dict[str, Any]:
    """The query string (get-url, or post-url with escapes in its URL) and a posted form; a
    post-url's text/plain body is the message text."""
    values: dict[str, Any] = dict(request.args.items())
    if request.method == "POST":
        if request.mimetype == "text/plain":
            values.setdefault("text", request.get_data(as_text=True))
        else:
            values.update(request.form.items())
    return values


def _address_allowed() -> bool:
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in current_app.config["KANNEL_ALLOWED_NETWORKS"])


def _auth_problem() -> str | None:
    """Why this inbound request is not from our smsbox (None when it is); computed once."""
    if _AUTH_KEY in request.environ:
        cached: str | None = request.environ[_AUTH_KEY]
        return cached
    secret = current_app.config.get("KANNEL_MO_SECRET")
    given = request.authorization.password if request.authorization else None
    problem: str | None
    if not _address_allowed():
        problem = "from an address outside KANNEL_ALLOWED_ADDRESSES"
    elif not secret or not given:
        problem = "without the secret or KANNEL_MO_SECRET"
    elif not hmac.compare_digest(given.encode("utf-8"), str(secret).encode("utf-8")):
        problem = "with a wrong secret"
    else:
        problem = None
    request.environ[_AUTH_KEY] = problem
    return problem


def _require_auth() -> None:
    problem = _auth_problem()
    if problem is not None:
        log.warning("kannel webhook %s %s (%s): refused", request.path, problem, request.remote_addr)
        abort(403)


def _sender_key() -> str:
    return "sms:" + hash_of(str(_parameters().get("from", ""))[:64])


sender_messages = limited("RATELIMIT_SMS", SMS_SENDERS, key_func=_sender_key,
                          exempt_when=lambda: _auth_problem() is not None)


def _load(schema: Schema, values: dict[str, Any]) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = schema.load(values)
    except ValidationError as exc:
        raise Refused("webhook_fields", status=400, fields=sorted(exc.messages)) from exc
    return loaded


def _text(data: dict[str, Any]) -> str:
    """The message text. smsbox with mo-recode = true sends UTF-8; without it a UCS-2 message
    arrives as %-encoded UTF-16BE bytes (charset=UTF-16BE), read here from the raw query."""
    charset = str(data["charset"]).strip().lower()
    if charset in UTF8 or request.method != "GET":
        return str(data["text"])
    raw = dict(parse_qsl(request.query_string.decode("ascii", "replace"), encoding="latin-1"))
    try:
        return raw.get("text", "").encode("latin-1").decode(charset)
    except (LookupError, UnicodeError):
        raise Refused("webhook_fields", status=400, fields=["charset"]) from None


@bp.route("", methods=["GET", "POST"])
@sender_messages
def inbound() -> Response:
    _require_auth()
    data = _load(INBOUND, _parameters())
    message_id = MESSAGE_ID_PREFIX + data["message_id"]
    sender = data["sender"]
    replies = handle_inbound(Inbound(message_id, sender, _text(data), sender_hash=hash_of(sender)))
    reply_after_commit(sender, replies, message_id)
    return Response("", mimetype="text/plain")


@bp.route("/status", methods=["GET", "POST"])
def status() -> Response:
    if not _address_allowed():
        log.warning("kannel delivery report from %s, outside KANNEL_ALLOWED_ADDRESSES: refused",
                    request.remote_addr)
        abort(403)
    data = _load(STATUS, _parameters())
    secret = str(current_app.config.get("KANNEL_MO_SECRET") or "")
    expected = dlr_signature(secret, data["ref"], data["to"])
    if not secret or not hmac.compare_digest(expected, data["sig"]):
        log.warning("kannel delivery report with a wrong signature: refused")
        abort(403)
    kind = data["type"]
    handle_status(StatusReport(MESSAGE_ID_PREFIX + data["ref"], STATUS_NAMES.get(kind, str(kind)),
                               data["to"], None, permanent_failure=kind in PERMANENT_FAILURES))
    return Response("", mimetype="text/plain")
