"""Single sign-on (OpenID Connect, off by default): /committee/login/sso sends the member to the
provider, /committee/login/sso/callback comes back with a code, which Authlib exchanges for an
ID token and verifies (adapters/oidc.py). The account it maps to (services.accounts.sso) gets a
session as a password login would; a login that maps to no account is refused, never created.
"""

from __future__ import annotations

import logging

from authlib.common.errors import AuthlibBaseError  # type: ignore[import-untyped]
from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from flask.typing import ResponseReturnValue
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response

from ...adapters import oidc
from ...links import public_url
from ...services.accounts.sso import account_for_claims
from ...services.errors import Refused
from ..limits import login_attempts
from .auth import GENERATION_KEY, SESSION_KEY, new_session, next_page, safe_next

bp = Blueprint("sso", __name__, url_prefix="/committee")
log = logging.getLogger(__name__)
NEXT_KEY = "sso_next"


@bp.get("/login/sso")
def start() -> Response:
    if not oidc.enabled():
        abort(404)
    session[NEXT_KEY] = safe_next(request.args.get("next")) or ""
    response: Response = oidc.sso_client().authorize_redirect(public_url("sso.callback"))
    return response


@bp.get("/login/sso/callback")
@login_attempts
def callback() -> ResponseReturnValue:
    """Every failure here (a state that is not this browser's or was used, a token that is forged,
    for another client, expired, or with another nonce) is one refusal, logged with its cause."""
    if not oidc.enabled():
        abort(404)
    client = oidc.sso_client()
    config = current_app.config
    # Authlib checks the issuer from the discovery document but not the audience unless told:
    # a token the provider issued to another client (with our id as "azp") would pass.
    must_be = {"iss": {"essential": True, "values": [config["OIDC_ISSUER"]]},
               "aud": {"essential": True, "values": [config["OIDC_CLIENT_ID"]]}}
    try:
        token = client.authorize_access_token(claims_options=must_be)
    except (AuthlibBaseError, JoseError, RequestException, KeyError, TypeError, ValueError) as error:
        log.warning("single sign-on refused: %s: %s", type(error).__name__, error)
        return render_template("committee/sso_refused.html", reason="failed"), 401
    claims = token.get("userinfo")
    if not claims:  # no ID token: nothing verified says who this is
        log.warning("single sign-on refused: the provider sent no ID token")
        return render_template("committee/sso_refused.html", reason="failed"), 401
    try:
        account = account_for_claims(current_app.config["OIDC_ISSUER"], claims,
                                     current_app.config.get("OIDC_USERNAME_CLAIM") or "")
    except Refused:
        return render_template("committee/sso_refused.html", reason="not_mapped"), 403
    back = session.get(NEXT_KEY) or None
    new_session()
    session.permanent = True
    session[SESSION_KEY] = account.id
    session[GENERATION_KEY] = account.session_generation
    return redirect(next_page(back), 303)
