"""Phone numbers as the database knows them: keyed hashes, with opt-out and language."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...database import writing
from ...domain.phones import canonical_sender, number_hash
from ...extensions import db
from ...models import SmsNumber

_DERIVATION_LABEL = b"feedback_app sms number hash v1"


def number_key() -> bytes:
    """SMS_NUMBER_KEY, or a key derived from SECRET_KEY when it is not set."""
    configured = current_app.config.get("SMS_NUMBER_KEY")
    if configured:
        return str(configured).encode("utf-8")
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, _DERIVATION_LABEL, hashlib.sha256).digest()


def hash_of(raw_number: str) -> str:
    """The stored form of any number: inbound senders and invitation lists alike."""
    return number_hash(number_key(), canonical_sender(raw_number))


def find_number(hashed: str) -> SmsNumber | None:
    return db.session.scalar(select(SmsNumber).filter_by(number_hash=hashed))


def ensure_number(hashed: str) -> SmsNumber:
    """The number's row, created on first need (two racing requests end with one row)."""
    writing(db.session)  # read, then write: SQLite takes its write lock first (database.py)
    row = find_number(hashed)
    if row is not None:
        return row
    row = SmsNumber(number_hash=hashed, opted_out=False)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = find_number(hashed)
        assert row is not None
    return row


def is_opted_out(hashed: str) -> bool:
    row = find_number(hashed)
    return bool(row and row.opted_out)


def set_opted_out(hashed: str, opted_out: bool) -> None:
    row = ensure_number(hashed)
    row.opted_out = opted_out
    db.session.flush()


def set_language(hashed: str, language: str) -> None:
    ensure_number(hashed).language = language
    db.session.flush()
