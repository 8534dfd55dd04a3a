"""Folding what people type on a phone into one comparable form."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^0-9a-z ]+")


def strip_diacritics(text: str) -> str:
    """'Xã Bình Lư' -> 'Xa Binh Lu', 'Đ' -> 'D': Vietnamese text as plain ASCII letters."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Compatibility-fold (full-width digits and letters), drop diacritics, lower-case, keep only
    letters a-z, digits and single spaces: 'Không  Hài-lòng!' -> 'khong hai long'."""
    folded = strip_diacritics(unicodedata.normalize("NFKC", text)).lower()
    words = _NOT_WORD.sub(" ", folded)
    return _SPACES.sub(" ", words).strip()


def ascii_text(text: str) -> str:
    """A name for an SMS: diacritics dropped, case kept, anything but printable ASCII removed."""
    plain = strip_diacritics(unicodedata.normalize("NFKC", text))
    kept = "".join(ch for ch in plain if " " <= ch <= "~")
    return _SPACES.sub(" ", kept).strip()
