"""The scope matrix of the account pages: every route and method, tried by an administrator of a
district on accounts of its own unit, a child commune, the sibling district (and its commune) and
the parent province; by viewers and officers of the same district (never allowed); and by no one.

A refused change leaves the account as it was and writes nothing in its log.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import AccountEvent, Unit
from feedback_app.services.accounts.users import find_account

from ..committee_support import csrf_token, logged_in, make_account
from ..indices_support import LEGACY_CSV, import_csv

# Tam Đường district (105) and its commune 03391; sibling district Phong Thổ (106) with 03393;
# the parent province 12.
OWN, CHILD, SIBLING, SIBLING_CHILD, PARENT = "105", "03391", "106", "03393", "12"
IN_SCOPE = {OWN: True, CHILD: True, SIBLING: False, SIBLING_CHILD: False, PARENT: False}
UNITS = list(IN_SCOPE)


def target(unit: str) -> str:
    return f"acc-{unit}"


@pytest.fixture
def tree(app):  # type: ignore[no-untyped-def]
    import_csv(LEGACY_CSV)
    for unit in UNITS:
        make_account(target(unit), unit, "viewer", scheme="vn-legacy")


def as_member(client, role: str):  # type: ignore[no-untyped-def]
    make_account(f"huyen-{role}", OWN, role, scheme="vn-legacy")
    return logged_in(client, f"huyen-{role}")


def unit_id(code: str) -> int:
    found = db.session.scalar(select(Unit.id).filter_by(scheme="vn-legacy", code=code))
    assert found is not None
    return found


def token_of(client) -> str:  # type: ignore[no-untyped-def]
    return csrf_token(client.get("/committee/password").text)  # a page every account can open


def log_size(username: str) -> int:
    account = find_account(username)
    assert account is not None
    return db.session.scalar(select(func.count()).select_from(AccountEvent)
                             .where(AccountEvent.account_id == account.id)) or 0


def state_of(username: str) -> tuple[object, ...]:
    db.session.expire_all()
    account = find_account(username)
    assert account is not None
    return (account.full_name, account.role, account.active, account.password_hash,
            account.reset_token_hash, account.phone, account.session_generation)


def posts(username: str, token: str) -> list[tuple[str, dict[str, str]]]:
    """Every POST of the account pages on one account, with a well-formed form."""
    base = f"/committee/accounts/{username}"
    return [
        (base, {"csrf_token": token, "full_name": "Tên Mới", "role": "officer", "phone": "0912345678"}),
        (f"{base}/disable", {"csrf_token": token}),
        (f"{base}/enable", {"csrf_token": token}),
        (f"{base}/reset", {"csrf_token": token, "kind": "link"}),
        (f"{base}/reset", {"csrf_token": token, "kind": "temporary"}),
    ]


@pytest.mark.parametrize("unit", UNITS)
def test_an_administrator_reads_and_changes_only_accounts_of_its_unit_and_below(client, tree, unit):  # type: ignore[no-untyped-def]
    as_member(client, "admin")
    username = target(unit)
    page = client.get(f"/committee/accounts/{username}")
    assert page.status_code == (200 if IN_SCOPE[unit] else 403)
    if not IN_SCOPE[unit]:
        assert "Không phải đơn vị của bạn" in page.text and 'id="facts"' not in page.text
    token = token_of(client)
    for url, data in posts(username, token):
        before, entries = state_of(username), log_size(username)
        response = client.post(url, data=data)
        if IN_SCOPE[unit]:
            assert response.status_code in (200, 303), (url, data, response.status_code)
        else:
            assert response.status_code == 403, (url, data)
            assert "Không phải đơn vị của bạn" in response.text
            assert state_of(username) == before and log_size(username) == entries, url


def test_the_list_shows_only_accounts_of_its_unit_and_below(client, tree):  # type: ignore[no-untyped-def]
    as_member(client, "admin")
    listing = client.get("/committee/accounts")
    assert listing.status_code == 200
    for unit in UNITS:
        assert (f'data-username="{target(unit)}"' in listing.text) == IN_SCOPE[unit], unit
    assert 'data-username="huyen-admin"' in listing.text  # itself, with its own unit's accounts


@pytest.mark.parametrize("unit", UNITS)
def test_an_administrator_creates_accounts_only_in_its_unit_and_below(client, tree, unit):  # type: ignore[no-untyped-def]
    as_member(client, "admin")
    form = client.get("/committee/accounts/new")
    assert form.status_code == 200
    offered = f'value="{unit_id(unit)}"' in form.text
    assert offered == IN_SCOPE[unit]  # the form offers none outside the scope...
    response = client.post("/committee/accounts/new", data={  # ...and the server refuses a forged one
        "csrf_token": csrf_token(form.text), "full_name": "Lò Văn Minh", "username": f"new-{unit}",
        "unit": str(unit_id(unit)), "role": "officer",
    })
    assert response.status_code == (200 if IN_SCOPE[unit] else 403)
    assert (find_account(f"new-{unit}") is not None) == IN_SCOPE[unit]


@pytest.mark.parametrize("role", ["viewer", "officer"])
def test_viewers_and_officers_reach_no_account_page(client, tree, role):  # type: ignore[no-untyped-def]
    as_member(client, role)
    for url in ("/committee/accounts", "/committee/accounts/new", f"/committee/accounts/{target(OWN)}",
                f"/committee/accounts/{target(CHILD)}"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Chỉ quản trị viên" in response.text
    token = token_of(client)
    create = client.post("/committee/accounts/new", data={
        "csrf_token": token, "full_name": "X", "username": "sneaky", "unit": str(unit_id(OWN)),
        "role": "viewer"})
    assert create.status_code == 403 and find_account("sneaky") is None
    for unit in (OWN, CHILD, SIBLING, PARENT):
        for url, data in posts(target(unit), token):
            before = state_of(target(unit))
            assert client.post(url, data=data).status_code == 403, url
            assert state_of(target(unit)) == before
    # The nav offers no link to a page they cannot open.
    assert 'href="/committee/accounts"' not in client.get("/committee/").text


def test_the_parent_provinces_administrator_manages_the_districts_accounts(client, tree):  # type: ignore[no-untyped-def]
    make_account("tinh-admin", PARENT, "admin", scheme="vn-legacy")
    logged_in(client, "tinh-admin")
    listing = client.get("/committee/accounts").text
    assert all(f'data-username="{target(unit)}"' in listing for unit in UNITS)
    token = token_of(client)
    assert client.post(f"/committee/accounts/{target(SIBLING_CHILD)}/disable",
                       data={"csrf_token": token}).status_code == 303
    assert find_account(target(SIBLING_CHILD)).active is False  # type: ignore[union-attr]


def test_an_administrator_cannot_change_its_own_account_here(client, tree):  # type: ignore[no-untyped-def]
    as_member(client, "admin")
    token = token_of(client)
    for url, data in posts("huyen-admin", token):
        before = state_of("huyen-admin")
        response = client.post(url, data=data)
        assert response.status_code == 403, url
        assert state_of("huyen-admin") == before
    assert client.get("/committee/accounts").status_code == 200  # still signed in, still admin


def test_no_role_above_ones_own_and_no_unknown_role(client, tree):  # type: ignore[no-untyped-def]
    as_member(client, "admin")
    form = client.get("/committee/accounts/new").text
    response = client.post("/committee/accounts/new", data={
        "csrf_token": csrf_token(form), "full_name": "X", "username": "root-ish",
        "unit": str(unit_id(OWN)), "role": "superuser"})
    assert response.status_code == 422 and find_account("root-ish") is None


def test_every_post_needs_the_forms_csrf_token(client, tree):  # type: ignore[no-untyped-def]
    as_member(client, "admin")
    for url, data in posts(target(CHILD), "forged"):
        before = state_of(target(CHILD))
        assert client.post(url, data=data).status_code == 400, url
        assert state_of(target(CHILD)) == before
    assert client.post("/committee/accounts/new", data={
        "full_name": "X", "username": "no-token", "unit": str(unit_id(OWN)), "role": "viewer",
    }).status_code == 400
    assert find_account("no-token") is None


def test_anonymous_visitors_are_sent_to_the_login(client, tree):  # type: ignore[no-untyped-def]
    for url in ("/committee/accounts", "/committee/accounts/new", f"/committee/accounts/{target(OWN)}",
                "/committee/password"):
        response = client.get(url)
        assert response.status_code == 302 and "/committee/login" in response.headers["Location"], url
    for url, data in posts(target(OWN), "x"):
        assert client.post(url, data=data).status_code in (302, 400), url
    assert state_of(target(OWN))[2] is True
