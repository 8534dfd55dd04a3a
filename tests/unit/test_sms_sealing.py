"""Sealed SMS replies: only the one-time key opens them; every seal looks the same size (pure)."""

from __future__ import annotations

import os

from feedback_app.domain.sms.sealing import PADDED, seal, unseal


def test_a_sealed_reply_opens_with_its_key_only_and_hides_its_length():
    key = os.urandom(32)
    replies = ["Da ghi nhan 11 cau tra loi cua ho 70892 02505 67946: 1 1 1 2 1 1 1 0 1 1 1"]
    blob = seal(key, replies)
    assert unseal(key, blob) == replies
    assert unseal(os.urandom(32), blob) is None  # another message's key
    assert unseal(key, blob[:-1] + bytes([blob[-1] ^ 1])) is None  # tampered
    assert unseal(key, None) is None and unseal(key, b"") is None
    assert len(seal(key, ["Cau 1/11: ..."])) == len(blob) == PADDED + 16  # padded, plus GCM's tag
    assert b"70892" not in blob
