"""The single sign-on provider (OpenID Connect), behind Authlib's Flask client. Off unless
OIDC_ISSUER is set.

Authlib does the protocol: discovery from `<issuer>/.well-known/openid-configuration`, the
authorization code flow with PKCE (S256), `state` and `nonce` kept in the signed session and
checked once, and the ID token's signature verified against the keys the provider publishes
(`jwks_uri`), with its issuer, audience (our client id), expiry and nonce.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_client import OAuth  # type: ignore[import-untyped]
from flask import current_app

NAME = "sso"


def enabled() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def sso_client() -> Any:
    """The Authlib client for the configured provider, built once per app and settings (a test
    that changes the settings gets a new one)."""
    config = current_app.config
    settings = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"])
    cache: dict[tuple[str, str, str], Any] = current_app.extensions.setdefault("feedback_oidc", {})
    if settings not in cache:
        issuer, client_id, client_secret = settings
        oauth = OAuth()
        oauth.init_app(current_app._get_current_object())  # type: ignore[attr-defined]
        cache[settings] = oauth.register(
            NAME, client_id=client_id, client_secret=client_secret,
            server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid profile", "code_challenge_method": "S256",
                           "timeout": 10})
    return cache[settings]
