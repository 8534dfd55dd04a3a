"""Single sign-on in a real browser: the login page's button, the provider (a real one on
127.0.0.1, tests/oidc_provider.py) and back, signed in; and the refusal page of a user mapped to
no account. At 360 and 1280 px, in Vietnamese and English."""

from __future__ import annotations

import pytest

from feedback_app.extensions import db
from feedback_app.services.accounts.sso import subject_key
from feedback_app.services.accounts.users import find_account

from ..committee_support import make_account
from ..oidc_provider import CLIENT_ID, CLIENT_SECRET, running_provider
from .support import assert_readable
from .test_accounts import SHOTS, _no_horizontal_scroll, _shot
from .test_committee import _watch

pytestmark = pytest.mark.browser
SETTINGS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_USERNAME_CLAIM", "PUBLIC_BASE_URL")


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_signing_in_through_the_fronts_login(browser, server, app, units, width, lang):  # type: ignore[no-untyped-def]
    saved = {key: app.config.get(key) for key in SETTINGS}
    with running_provider(f"{server}/committee/login/sso/callback") as provider:
        app.config.update(OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=CLIENT_ID,
                          OIDC_CLIENT_SECRET=CLIENT_SECRET, OIDC_USERNAME_CLAIM="",
                          PUBLIC_BASE_URL=server)
        try:
            make_account("xa-binh-lu", "03390", "officer")
            provider.user = {"sub": "mts-0001"}
            context = browser.new_context(viewport={"width": width, "height": 800})
            page = context.new_page()
            errors = _watch(page)
            # Not linked yet: a clear refusal, nothing created.
            page.goto(f"{server}/committee/login?lang={lang}")
            assert_readable(page, "#sso")
            _no_horizontal_scroll(page)
            _shot(page, f"login-sso-{width}-{lang}")
            page.locator("#sso").click()
            page.wait_for_selector("#sso-refused[data-reason='not_mapped']")
            assert_readable(page, "#sso-refused h1")
            _shot(page, f"sso-not-mapped-{width}-{lang}")
            # Linked by an administrator: signed in.
            account = find_account("xa-binh-lu")
            assert account is not None
            account.sso_subject = subject_key(provider.issuer, "mts-0001")
            db.session.commit()
            page.goto(f"{server}/committee/login")
            page.locator("#sso").click()
            page.wait_for_url(f"{server}/committee/")
            assert page.locator(".committee-nav .who").inner_text().startswith("xa-binh-lu")
            _shot(page, f"sso-signed-in-{width}-{lang}")
            expected = ("403 ", "Failed to load resource: the server responded with a status of 403")
            assert [e for e in errors if not e.startswith(expected)] == []  # the refusal is a 403
            context.close()
        finally:
            app.config.update(saved)
    assert SHOTS.exists()
