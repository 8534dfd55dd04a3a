"""Helpers of the committee tests: accounts, logging in through the real form (with its CSRF
token), and reading a page's CSRF token."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from feedback_app.extensions import db
from feedback_app.services.accounts.users import create_account

PASSWORD = "correct horse battery"


def make_account(username: str, unit: str, role: str = "officer", scheme: str = "vn-2025",
                 full_name: str = "") -> None:
    create_account(username, PASSWORD, scheme, unit, role, full_name=full_name)
    db.session.commit()


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/committee/login")
    return client.post("/committee/login", data={
        "username": username, "password": password, "csrf_token": csrf_token(page.text),
    })


def logged_in(client: FlaskClient, username: str) -> FlaskClient:
    response = login(client, username)
    assert response.status_code == 303, response.text
    return client


def post_action(client: FlaskClient, page_url: str, action_url: str):  # type: ignore[no-untyped-def]
    """Press a button: read the CSRF token from the page that shows it, then post."""
    page = client.get(page_url)
    return client.post(action_url, data={"csrf_token": csrf_token(page.text)})
