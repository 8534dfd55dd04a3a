"""The facts of a response the verifier's plausibility flags need, read from the request
(services.responses.provenance says what they are and why none names the household):

- a device key: a random value in a long-lived signed cookie ("device"), set by the resident form
  and the answer endpoints, so that a burst of answers from one browser shows;
- an address key: an HMAC of the client's address with the app's secret (the address is never
  stored, and the key cannot be turned back into it without the secret);
- the completion time: the form carries a signed 'started' field (the time it was served); the
  seconds until the answer arrives are recorded. A missing or forged field records nothing: an
  answer is never refused for it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from flask import Request, Response, after_this_request, current_app, g
from itsdangerous import BadSignature, Signer

from ..services.responses.provenance import Provenance

DEVICE_COOKIE = "device"
DEVICE_SALT = "device-key"
STARTED_SALT = "form-started"
STARTED_FIELD = "started"
MAX_AGE = 400 * 24 * 3600


def _signer(salt: str) -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=salt)


def started_token(now: float | None = None) -> str:
    """The value of the form's hidden 'started' field: the time the form was served, signed."""
    return _signer(STARTED_SALT).sign(str(int(now if now is not None else time.time()))).decode()


def seconds_since(token: object, now: float | None = None) -> int | None:
    """Seconds since a 'started' value was issued; None when absent, forged or in the future."""
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    try:
        started = int(_signer(STARTED_SALT).unsign(token).decode())
    except (BadSignature, ValueError):
        return None
    elapsed = int((now if now is not None else time.time()) - started)
    return elapsed if elapsed >= 0 else None


def address_key(request: Request) -> str | None:
    address = request.remote_addr
    if not address:
        return None
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"address:" + address.encode(), hashlib.sha256).hexdigest()[:32]


def device_key(request: Request) -> str:
    """This browser's key (from its signed cookie), or a new one that the reply sets."""
    if "device_key" in g:
        return str(g.device_key)
    raw = request.cookies.get(DEVICE_COOKIE, "")
    key: str | None = None
    if raw:
        try:
            key = _signer(DEVICE_SALT).unsign(raw).decode()
        except BadSignature:
            key = None
    if key is None or len(key) != 32:
        key = secrets.token_hex(16)
        signed = _signer(DEVICE_SALT).sign(key).decode()

        @after_this_request
        def _set(reply: Response) -> Response:
            reply.set_cookie(DEVICE_COOKIE, signed, max_age=MAX_AGE, httponly=True, samesite="Lax",
                             secure=current_app.config["SESSION_COOKIE_SECURE"], path="/")
            return reply
    g.device_key = key
    return key


def provenance(request: Request, started: object = None, collector: str | None = None) -> Provenance:
    """What this request says of where its answer came from."""
    return Provenance(collector=collector, device_key=device_key(request),
                      address_key=address_key(request), seconds=seconds_since(started))
