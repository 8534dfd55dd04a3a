"""The per-device marker of open-link answers: which campaigns this browser answered through an
open commune link, kept in a long-lived signed cookie set after an accepted answer.

It guards against the same phone answering twice by mistake or out of habit (a reload, the QR code
scanned again, a second tap on the poster link): the page then says so kindly and offers to answer
for another household of the same phone, after an explicit confirmation. It cannot prove one
answer per household and does not try to: another browser on the same phone (Zalo's in-app
browser keeps its own cookies), a private window, cleared browser data or another phone all start
without the marker. That is why the dashboard counts open-link answers apart from household codes
(docs/answering.md, "Open links"). static/js/app.js keeps the same marker in localStorage, so
clearing cookies alone does not lift it.

The cookie holds campaign keys only (no answer, no commune, nothing about the household); signing
keeps another site's script or a typo from planting a value the page would trust.
"""

from __future__ import annotations

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "answered"
SALT = "open-link-answered"
MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie (Chromium caps it at 400 days)
MAX_CAMPAIGNS = 20  # oldest dropped first: the cookie stays small (it rides on every request)
CONFIRM_FIELD = "another_household"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def answered_campaigns(request: Request) -> list[str]:
    """The campaign keys this browser answered through an open link (empty when unsigned)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        keys = _serializer().loads(raw)
    except BadSignature:
        return []
    return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []


def answered_before(request: Request, campaign_key: str) -> bool:
    return campaign_key in answered_campaigns(request)


def mark_answered(request: Request, response: Response, campaign_key: str) -> None:
    """Add the campaign to the marker on `response` (after an accepted open-link answer)."""
    keys = [k for k in answered_campaigns(request) if k != campaign_key] + [campaign_key]
    response.set_cookie(
        COOKIE, _serializer().dumps(keys[-MAX_CAMPAIGNS:]), max_age=MAX_AGE, httponly=True,
        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"], path="/",
    )


def confirmed_another(value: object) -> bool:
    """Whether a form or JSON body says, explicitly, that it answers for another household."""
    return value is True or value in ("1", "true", "on", "yes")
