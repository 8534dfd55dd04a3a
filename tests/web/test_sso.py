"""Single sign-on against a real OpenID provider on 127.0.0.1 (tests/oidc_provider.py, built with
Authlib's server classes): the code flow with PKCE, state and nonce; the ID token verified against
the provider's published keys. A forged token, a token for another client, an expired token and a
replayed or foreign state are refused; a provider user mapped to no account gets a clear refusal
and no account is created."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Account
from feedback_app.services.accounts.sso import subject_key
from feedback_app.services.accounts.users import find_account

from ..committee_support import csrf_token, logged_in, make_account
from ..oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from ..support import PUBLIC_BASE_URL

SETTINGS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_USERNAME_CLAIM")
CALLBACK = f"{PUBLIC_BASE_URL}/committee/login/sso/callback"


@pytest.fixture
def provider(app: Flask, units: None) -> Iterator[Provider]:
    saved = {key: app.config.get(key) for key in SETTINGS}
    with running_provider(CALLBACK) as running:
        app.config.update(OIDC_ISSUER=running.issuer, OIDC_CLIENT_ID=CLIENT_ID,
                          OIDC_CLIENT_SECRET=CLIENT_SECRET, OIDC_USERNAME_CLAIM="")
        running.user = {"sub": "mts-0001", "name": "Lò Văn Minh", "preferred_username": "xa-binh-lu"}
        yield running
    app.config.update(saved)


def to_provider_and_back(client: FlaskClient) -> str:
    """Start the login, let the provider sign the user in; the path it sends the browser back to."""
    start = client.get("/committee/login/sso")
    assert start.status_code == 302
    asked = parse_qs(urlsplit(start.headers["Location"]).query)
    assert asked["code_challenge_method"] == ["S256"] and asked["code_challenge"][0]
    assert asked["state"][0] and asked["nonce"][0] and asked["client_id"] == [CLIENT_ID]
    at_provider = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = at_provider.headers["Location"]
    assert back.startswith(CALLBACK + "?")
    return back[len(PUBLIC_BASE_URL):]


def signed_in(client: FlaskClient) -> bool:
    return client.get("/committee/").status_code == 200


def map_by_hand(issuer: str, username: str = "xa-binh-lu", sub: str = "mts-0001") -> None:
    account = find_account(username)
    assert account is not None
    account.sso_subject = subject_key(issuer, sub)
    db.session.commit()


def accounts_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Account)) or 0


def test_a_mapped_user_signs_in_through_the_provider(client, provider):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    map_by_hand(provider.issuer)
    assert 'href="/committee/login/sso"' in client.get("/committee/login").text
    back = client.get(to_provider_and_back(client))
    assert back.status_code == 303 and back.headers["Location"] == "/committee/"
    assert signed_in(client)
    assert "xa-binh-lu" in client.get("/committee/").text


def test_a_user_mapped_to_no_account_is_refused_and_nothing_is_created(client, provider):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    before = accounts_count()
    refused = client.get(to_provider_and_back(client))
    assert refused.status_code == 403
    assert 'data-reason="not_mapped"' in refused.text and "quản trị viên" in refused.text
    assert not signed_in(client) and accounts_count() == before


def test_mapping_by_a_claim_the_provider_controls(client, provider, app):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    app.config["OIDC_USERNAME_CLAIM"] = "preferred_username"
    assert client.get(to_provider_and_back(client)).status_code == 303 and signed_in(client)
    other = app.test_client()
    find_account("xa-binh-lu").active = False  # type: ignore[union-attr]
    db.session.commit()
    with app.app_context():
        assert other.get(to_provider_and_back(other)).status_code == 403  # a disabled account


@pytest.mark.parametrize(("mode", "cause"), [
    ("forged", "BadSignatureError"), ("wrong_audience", "aud"), ("expired", "ExpiredTokenError")])
def test_a_bad_id_token_is_refused(client, provider, caplog, mode, cause):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    map_by_hand(provider.issuer)
    provider.mode = mode
    with caplog.at_level("WARNING", logger="feedback_app.web.committee.sso"):
        refused = client.get(to_provider_and_back(client))
    refusals = [r.getMessage() for r in caplog.records if "single sign-on refused" in r.getMessage()]
    assert len(refusals) == 1 and cause in refusals[0], refusals  # refused for that reason
    assert refused.status_code == 401
    assert 'data-reason="failed"' in refused.text
    assert provider.tokens_issued == 1  # the provider did answer: our side refused its token
    assert not signed_in(client)


def test_a_replayed_or_foreign_state_is_refused(client, provider, app, caplog):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "officer")
    map_by_hand(provider.issuer)
    path = to_provider_and_back(client)
    stolen = app.test_client()  # another browser with the same answer: not its state
    with app.app_context():
        assert stolen.get(path).status_code == 401
        assert not signed_in(stolen)
    assert client.get(path).status_code == 303  # the browser that started it
    with caplog.at_level("WARNING", logger="feedback_app.web.committee.sso"):
        replay = client.get(path)  # the same answer again: the state was used
    assert "MismatchingStateError" in caplog.text
    assert replay.status_code == 401 and 'data-reason="failed"' in replay.text
    assert provider.tokens_issued == 1


def test_an_administrator_maps_a_provider_user_by_hand(client, provider):  # type: ignore[no-untyped-def]
    make_account("tinh-admin", "12", "admin")
    make_account("xa-binh-lu", "03390", "officer")
    logged_in(client, "tinh-admin")
    page = client.get("/committee/accounts/xa-binh-lu")
    assert 'name="sso_subject"' in page.text
    saved = client.post("/committee/accounts/xa-binh-lu", data={
        "csrf_token": csrf_token(page.text), "full_name": "Lò Văn Minh", "role": "officer",
        "sso_subject": "mts-0001"})
    assert saved.status_code == 303
    db.session.rollback()
    assert find_account("xa-binh-lu").sso_subject == subject_key(provider.issuer, "mts-0001")  # type: ignore[union-attr]
    browser = client.application.test_client()
    with client.application.app_context():
        assert browser.get(to_provider_and_back(browser)).status_code == 303


def test_single_sign_on_is_off_by_default(client, units):  # type: ignore[no-untyped-def]
    assert client.get("/committee/login/sso").status_code == 404
    assert client.get("/committee/login/sso/callback?code=x&state=y").status_code == 404
    assert "/committee/login/sso" not in client.get("/committee/login").text
