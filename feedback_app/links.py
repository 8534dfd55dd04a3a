"""Absolute links under PUBLIC_BASE_URL: the ones printed on slips and encoded in QR codes."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL under PUBLIC_BASE_URL (not the request's host: links outlive requests)."""
    base: str = current_app.config["PUBLIC_BASE_URL"]
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


def household_url(code: str) -> str:
    return public_url("resident.household", code=code)


def commune_url(campaign_key: str, commune_code: str) -> str:
    return public_url("resident.commune_link", campaign=campaign_key, commune=commune_code)
