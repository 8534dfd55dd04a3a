"""What a handled MessageSid keeps: its reply, sealed (domain.sms.sealing), and the Vietnam day.

A replay (Twilio re-sending a message it thinks was not answered) carries the same MessageSid,
sender and body, so it can rebuild the one-time key and get the same reply; the row alone cannot be
read without that message and the server's secret. The row keeps no household code, no answer and
no time finer than the day.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ...clock import local_today
from ...database import DIALECTS, dialect_insert
from ...domain.phones import canonical_sender
from ...domain.sms.sealing import seal, unseal
from ...models import SmsInbound
from .numbers import number_key

_LABEL = b"feedback_app sms reply key v1"
INBOUND = SmsInbound.__table__
SEALED = select(INBOUND.c.sealed).where(INBOUND.c.message_sid == bindparam("sid"))
STORE = {
    dialect: dialect_insert(INBOUND, dialect).on_conflict_do_nothing(index_elements=["message_sid"])
    .returning(INBOUND.c.message_sid)
    for dialect in DIALECTS
}


def reply_key(message_sid: str, sender: str, body: str) -> bytes:
    """The one-time key of one message's reply: nothing stored says it."""
    material = "\0".join((message_sid, canonical_sender(sender), body)).encode("utf-8")
    return hmac.new(number_key(), _LABEL + b"\0" + material, hashlib.sha256).digest()


def opened(key: bytes, sealed: bytes | None) -> list[str]:
    """The replies of a message handled before (none when they cannot be opened: a row stored
    before replies were sealed)."""
    return unseal(key, sealed) or []


def store(connection: Connection, message_sid: str, key: bytes, replies: list[str],
          campaign_id: int | None = None) -> bool:
    """Insert the message's row unless it exists (one statement, no savepoint); False when another
    request stored it first (PostgreSQL waits for that request to end). `campaign_id`: the
    campaign the message was part of, for its retention period."""
    inserted = connection.execute(STORE[connection.dialect.name], {
        "message_sid": message_sid, "sealed": seal(key, replies), "received_on": local_today(),
        "campaign_id": campaign_id})
    return inserted.first() is not None


def stored(connection: Connection, message_sid: str) -> bytes | None:
    sealed: bytes | None = connection.execute(SEALED, {"sid": message_sid}).scalar()
    return sealed
