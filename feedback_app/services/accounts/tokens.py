"""API tokens for committees: created for a unit, shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ...clock import utcnow
from ...extensions import db
from ...models import ApiToken
from ..campaigns.setup import get_unit
from ..errors import Refused
from .access import Principal

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """Tokens are 256 random bits, so a plain SHA-256 is enough (no password stretching needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(name: str, scheme: str, unit_code: str) -> tuple[ApiToken, str]:
    """A new token for a unit; returns the row and the token, which is not stored anywhere."""
    name = name.strip()
    if not 1 <= len(name) <= 128:
        raise Refused("token_name", name=name)
    unit = get_unit(scheme, unit_code)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken(name=name, token_hash=token_hash(token), unit=unit)
    db.session.add(row)
    db.session.flush()
    return row, token


def authenticate(token: str | None) -> Principal:
    """The principal a bearer token stands for, or Refused (401) when missing, unknown or revoked."""
    if not token:
        raise Refused("token_required", status=401)
    row = db.session.scalar(select(ApiToken).filter_by(token_hash=token_hash(token)))
    if row is None or row.revoked_at is not None:
        raise Refused("token_invalid", status=401)
    return Principal(name=row.name, unit_id=row.unit_id)


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(token_id: int) -> ApiToken:
    row = db.session.get(ApiToken, token_id)
    if row is None:
        raise Refused("unknown_token", status=404, id=token_id)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()
    return row
