"""Sealing an SMS reply so that the stored row alone does not say what it was.

A replayed MessageSid must get the same reply, and the last reply of a survey names the household
code and every answer. The reply is therefore stored sealed with a one-time key that the caller
derives from the message itself (see services.sms.replays): whoever holds the database but not
the very message (its sender, its body) and the server's secret cannot open it.

The seal is AES-256-GCM from the `cryptography` package (authenticated encryption; a tampered or
foreign blob does not open). Each key seals one plaintext only (one MessageSid, stored once), so
the fixed nonce is never reused under a key. The plaintext is padded to a multiple of PADDED
bytes, so that a confirmation and a question prompt look alike.
"""

from __future__ import annotations

import json

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PADDED = 1024
KEY_SIZE = 32
_NONCE = bytes(12)  # one plaintext per key: a nonce that never repeats under that key
_CONTEXT = b"feedback_app sms reply v2"


def seal(key: bytes, replies: list[str]) -> bytes:
    """The replies as a sealed, fixed-size blob (key: 32 bytes, used for this plaintext only)."""
    plain = json.dumps(replies, ensure_ascii=True).encode("ascii")
    plain += b" " * (-len(plain) % PADDED)  # JSON ignores trailing spaces
    return AESGCM(key).encrypt(_NONCE, plain, _CONTEXT)


def unseal(key: bytes, blob: bytes | None) -> list[str] | None:
    """The replies sealed in `blob`, or None when it is missing or was not sealed with `key`."""
    if not blob:
        return None
    try:
        plain = AESGCM(key).decrypt(_NONCE, blob, _CONTEXT)
    except InvalidTag:
        return None
    replies = json.loads(plain.decode("ascii"))
    if not isinstance(replies, list) or not all(isinstance(r, str) for r in replies):
        return None
    return replies
