"""What every API blueprint shares: JSON error handlers and the committee principal."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from ...domain.access import Principal
from ...services.accounts.tokens import authenticate
from ...services.errors import Refused
from . import errors

PREFIX = "/api/v1"


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix=PREFIX, description=description)
    blueprint.register_error_handler(Refused, errors.refused)
    blueprint.register_error_handler(HTTPException, errors.http_error)
    blueprint.register_error_handler(OperationalError, lambda _: errors.unavailable())
    return blueprint


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def committee() -> Principal:
    """The committee behind the request's bearer token (Refused 401 without a valid one)."""
    return authenticate(bearer_token())
