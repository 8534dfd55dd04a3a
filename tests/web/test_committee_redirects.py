"""Where the login sends a committee member afterwards: only a path of this site, whatever `next`
holds; anything else (another host, a scheme, a backslash, a control character, once decoded or
not) goes to the committee home, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from ..committee_support import PASSWORD, csrf_token, logged_in, make_account

HOME = "/committee/"

HOSTILE = [
    "/\t/evil.example",  # the browser drops the tab: //evil.example
    "/%09/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%0d%0a/evil.example",
    "/x\r\nSet-Cookie: a=b",
    "/%0d%0aSet-Cookie:%20a=b",
    "//evil.example",
    "//evil.example/committee/",
    "/%2fevil.example",
    "/%2F/evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5cevil.example",
    "/%5C%5Cevil.example",
    "https://evil.example/committee/",
    "http:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "%6Aavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example",
    "\x00/evil.example",
    "/\x00/evil.example",
    "/%00/evil.example",
    "/\x7f/evil.example",
    "/\u2028/evil.example",
    "%2F%2Fevil.example",
    "evil.example",
    "committee/",
    "/%252F%252Fevil.example",  # twice encoded: decodes to /%2F%2F..., still refused
    "/" + "a" * 3000,
]

SAFE = [
    "/committee/campaigns/ntm-2026/units/12",
    "/committee/campaigns/ntm-2026/units/12?tab=items&sort=rate",
    "/committee/campaigns/ntm-2026/units/12/export/responses.csv",
]


@pytest.fixture
def member(client, units):  # type: ignore[no-untyped-def]
    make_account("binh-lu", "03390")
    return client


def _post_login(client, next_value: str):  # type: ignore[no-untyped-def]
    page = client.get("/committee/login")
    return client.post("/committee/login", data={
        "username": "binh-lu", "password": PASSWORD, "csrf_token": csrf_token(page.text),
        "next": next_value,
    })


@pytest.mark.parametrize("target", HOSTILE)
def test_login_post_never_sends_anyone_away(member, target: str) -> None:  # type: ignore[no-untyped-def]
    response = _post_login(member, target)
    assert response.status_code == 303
    assert response.headers["Location"] == HOME


@pytest.mark.parametrize("target", HOSTILE)
def test_login_page_of_a_signed_in_member_never_sends_anyone_away(member, target: str) -> None:  # type: ignore[no-untyped-def]
    logged_in(member, "binh-lu")
    response = member.get("/committee/login?next=" + quote(target, safe=""))
    assert response.status_code == 302
    assert response.headers["Location"] == HOME


@pytest.mark.parametrize("target", SAFE)
def test_a_path_of_this_site_is_kept(member, target: str) -> None:  # type: ignore[no-untyped-def]
    response = _post_login(member, target)
    assert response.headers["Location"] == target
    response = member.get("/committee/login?next=" + quote(target, safe=""))
    assert response.headers["Location"] == target


def test_the_page_asked_for_before_login_is_shown_after_it(member) -> None:  # type: ignore[no-untyped-def]
    bounced = member.get("/committee/campaigns/ntm-2026/units/12?tab=items")
    assert bounced.status_code == 302
    login_url = bounced.headers["Location"]
    page = member.get(login_url)
    response = member.post(login_url, data={
        "username": "binh-lu", "password": PASSWORD, "csrf_token": csrf_token(page.text),
        "next": "/committee/campaigns/ntm-2026/units/12?tab=items",
    })
    assert response.headers["Location"] == "/committee/campaigns/ntm-2026/units/12?tab=items"
