"""A real OpenID provider for the tests, built with Authlib's server classes and served over HTTP
on 127.0.0.1: discovery, published keys (JWKS), the authorization endpoint (code flow with PKCE
required, nonce carried into the ID token) and the token endpoint.

It signs in one user without asking (the test sets `user`), and can be told to misbehave the way
an attacker or a broken provider would: sign with a key it does not publish (`forged`), address
the token to another client (`wrong_audience`), or issue it already expired (`expired`).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "feedback-app"
CLIENT_SECRET = "provider-test-secret"


@dataclass
class Client:
    redirect_uri: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in ("openid", "profile"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict[str, Any]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Provider:
    """The provider's state: its keys, its one client, the codes it issued, how it misbehaves."""

    def __init__(self, redirect_uri: str) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"}, private=True)
        # Another key with the same key id, never published: what a forger signs with.
        self.forger_key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"}, private=True)
        self.client = Client(redirect_uri)
        self.codes: dict[str, Code] = {}
        self.user: dict[str, Any] = {"sub": "nobody"}
        self.mode = "honest"  # honest | forged | wrong_audience | expired
        self.issuer = ""
        self.tokens_issued = 0


def build_provider_app(provider: Provider) -> Flask:
    app = Flask("oidc-test-provider")
    app.config["SECRET_KEY"] = "provider"

    class IdToken(OpenIDCode):
        def exists_nonce(self, nonce: str, req: Any) -> bool:
            return any(code.nonce == nonce for code in provider.codes.values())

        def resolve_client_private_key(self, client: Client) -> Any:
            return provider.forger_key if provider.mode == "forged" else provider.key

        def get_client_algorithm(self, client: Client) -> str:
            return "RS256"

        def get_encode_header(self, client: Client) -> dict[str, str]:
            return {"alg": "RS256", "kid": "k1"}

        def get_client_claims(self, client: Client) -> dict[str, Any]:
            now = int(time.time())
            audience = "someone-else" if provider.mode == "wrong_audience" else client.get_client_id()
            expires = now - 3600 if provider.mode == "expired" else now + 300
            claims = {"iss": provider.issuer, "aud": [audience], "exp": expires,
                      "iat": now - 3700 if provider.mode == "expired" else now}
            if provider.mode == "wrong_audience":  # the trickiest: only "aud" says it is not for us
                claims["azp"] = client.get_client_id()
            return claims

        def generate_user_info(self, user: dict[str, Any], scope: str) -> dict[str, Any]:
            return dict(user)

    class CodeGrant(grants.AuthorizationCodeGrant):
        def save_authorization_code(self, code: str, req: Any) -> None:
            payload = req.payload
            provider.codes[code] = Code(
                code=code, client_id=req.client.get_client_id(), redirect_uri=payload.redirect_uri,
                scope=payload.scope, user=dict(provider.user), nonce=payload.data.get("nonce"),
                code_challenge=payload.data.get("code_challenge"),
                code_challenge_method=payload.data.get("code_challenge_method"))

        def query_authorization_code(self, code: str, client: Client) -> Code | None:
            found = provider.codes.get(code)
            return found if found is not None and found.client_id == client.get_client_id() else None

        def delete_authorization_code(self, authorization_code: Code) -> None:
            provider.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: Code) -> dict[str, Any]:
            return authorization_code.user

    def save_token(token: dict[str, Any], req: Any) -> None:
        provider.tokens_issued += 1

    server = AuthorizationServer(app, query_client=lambda client_id: (
        provider.client if client_id == provider.client.client_id else None), save_token=save_token)
    server.register_grant(CodeGrant, [CodeChallenge(required=True), IdToken(require_nonce=True)])

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        base = provider.issuer
        return jsonify({
            "issuer": base, "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        })

    @app.get("/jwks")
    def jwks() -> Any:
        return jsonify({"keys": [provider.key.as_dict(private=False)]})

    @app.get("/authorize")
    def authorize() -> Any:  # the user is signed in at the provider and consents at once
        grant = server.get_consent_grant(end_user=provider.user)
        return server.create_authorization_response(grant=grant, grant_user=provider.user)

    @app.post("/token")
    def token() -> Any:
        return server.create_token_response()

    return app


@contextmanager
def running_provider(redirect_uri: str) -> Iterator[Provider]:
    """The provider served on 127.0.0.1 (a free port) until the block ends."""
    provider = Provider(redirect_uri)
    httpd = make_server("127.0.0.1", 0, build_provider_app(provider), threaded=True)
    provider.issuer = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        httpd.shutdown()
        thread.join(5)
