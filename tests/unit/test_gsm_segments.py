"""How many SMS parts a text takes, and in which encoding (the invitations page shows it)."""

from __future__ import annotations

import pytest

from feedback_app.domain.gsm import segments


@pytest.mark.parametrize(("text", "expected"), [
    ("a" * 160, ("GSM-7", 1)),
    ("a" * 161, ("GSM-7", 2)),  # concatenated: 153 a part
    ("a" * 306, ("GSM-7", 2)),
    ("a" * 307, ("GSM-7", 3)),
    ("€" * 80, ("GSM-7", 1)),  # an extension character costs two septets
    ("€" * 81, ("GSM-7", 2)),
    ("Mặt trận" + "a" * 62, ("UCS-2", 1)),  # one diacritic: 70 a part
    ("Mặt trận" + "a" * 63, ("UCS-2", 2)),  # then 67 a part
    ("ả" * 134, ("UCS-2", 2)),
    ("ả" * 135, ("UCS-2", 3)),
    ("😀" * 35, ("UCS-2", 1)),  # outside the BMP: two UTF-16 units each
    ("😀" * 36, ("UCS-2", 2)),
])
def test_parts_and_encoding(text, expected):  # type: ignore[no-untyped-def]
    assert segments(text) == expected
