"""Sealing an SMS reply so that the stored row alone does not say what it was.

A replayed MessageSid must get the same reply, and the last reply of a survey names the household
code and every answer. The reply is therefore stored sealed with a one-time key that the caller
derives from the message itself (see services.sms.replays): whoever holds the database but not
the very message (its sender, its body) and the server's secret cannot open it.

The construction uses only the standard library: the key is used for one plaintext only (one
MessageSid, stored once), the keystream is SHAKE-256 of the key, and the ciphertext is
authenticated with HMAC-SHA-256 (encrypt-then-MAC). The plaintext is padded to a multiple of
PADDED bytes, so that a confirmation and a question prompt look alike.
"""

from __future__ import annotations

import hashlib
import hmac
import json

PADDED = 1024
TAG_SIZE = 16
_STREAM, _TAG = b"feedback_app sms seal stream", b"feedback_app sms seal tag"


def _keystream(key: bytes, size: int) -> bytes:
    return hashlib.shake_256(_STREAM + key).digest(size)


def _tag(key: bytes, ciphertext: bytes) -> bytes:
    return hmac.new(key, _TAG + ciphertext, hashlib.sha256).digest()[:TAG_SIZE]


def seal(key: bytes, replies: list[str]) -> bytes:
    """The replies as a sealed, fixed-size blob (key: 32 bytes, used for this plaintext only)."""
    plain = json.dumps(replies, ensure_ascii=True).encode("ascii")
    plain += b" " * (-len(plain) % PADDED)  # JSON ignores trailing spaces
    ciphertext = bytes(a ^ b for a, b in zip(plain, _keystream(key, len(plain)), strict=True))
    return _tag(key, ciphertext) + ciphertext


def unseal(key: bytes, blob: bytes | None) -> list[str] | None:
    """The replies sealed in `blob`, or None when it is missing or was not sealed with `key`."""
    if not blob or len(blob) <= TAG_SIZE:
        return None
    tag, ciphertext = blob[:TAG_SIZE], blob[TAG_SIZE:]
    if not hmac.compare_digest(tag, _tag(key, ciphertext)):
        return None
    plain = bytes(a ^ b for a, b in zip(ciphertext, _keystream(key, len(ciphertext)), strict=True))
    replies = json.loads(plain.decode("ascii"))
    if not isinstance(replies, list) or not all(isinstance(r, str) for r in replies):
        return None
    return replies
