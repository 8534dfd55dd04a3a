"""Household codes: single-use, digits only (easy on a phone keypad), with a check digit.

A code is 14 random decimal digits (46.5 bits of entropy) and one Damm check digit, printed in
three groups of five: "58201 93744 62817". The check digit catches every single mistyped digit and
every swap of two adjacent digits, so a typo is answered "check the code" instead of "unknown".
"""

from __future__ import annotations

import re
import secrets
import unicodedata

RANDOM_DIGITS = 14
CODE_LENGTH = RANDOM_DIGITS + 1
GROUP = 5
# What a typed code may hold once NFKC-folded: digits and the separators people type between the
# groups (spaces, dashes, dots). Anything else (a letter, a control character) is not a code.
CODE_TEXT = re.compile(r"[0-9\s.\-]*")

# Damm's quasigroup of order 10 (weakly totally anti-symmetric).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm_digit(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return interim


def generate_code() -> str:
    """A new code in canonical form (15 digits, no separators)."""
    body = "".join(str(secrets.randbelow(10)) for _ in range(RANDOM_DIGITS))
    return body + str(damm_digit(body))


def normalise_code(raw: str) -> str:
    """Canonical digits of a typed code: full-width digits folded, spaces/dashes/dots dropped."""
    folded = unicodedata.normalize("NFKC", raw)
    return "".join(ch for ch in folded if ch.isascii() and ch.isdigit())


def is_code_text(raw: str) -> bool:
    """Whether `raw` is written as a code is: digits and separators only (before normalising)."""
    return CODE_TEXT.fullmatch(unicodedata.normalize("NFKC", raw)) is not None


def looks_like_code(digits: str) -> bool:
    return len(digits) == CODE_LENGTH


def is_valid_code(digits: str) -> bool:
    """Right length and check digit (says nothing about whether the code was issued)."""
    return looks_like_code(digits) and damm_digit(digits) == 0


def format_code(digits: str) -> str:
    """Print form: groups of five digits separated by spaces."""
    return " ".join(digits[i : i + GROUP] for i in range(0, len(digits), GROUP))
