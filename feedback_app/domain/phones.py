"""Vietnamese phone numbers: normalise (with phonenumbers), hash with a server key, mask for logs.

A number is never stored or logged in clear: the database keeps `number_hash(key, e164)`, an
HMAC-SHA256 keyed with a server secret, and logs show `mask_number(e164)`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

COUNTRY_CODE = "84"
# Mobile prefixes renumbered in 2018 (11-digit forms 01xx... became 10-digit 0xx...), by carrier:
# Viettel, MobiFone, VinaPhone, Vietnamobile, Gmobile. Keys and values are national prefixes.
OLD_MOBILE_PREFIXES: dict[str, str] = {
    "162": "32", "163": "33", "164": "34", "165": "35", "166": "36", "167": "37", "168": "38",
    "169": "39",
    "120": "70", "121": "79", "122": "77", "126": "76", "128": "78",
    "123": "83", "124": "84", "125": "85", "127": "81", "129": "82",
    "186": "56", "188": "58",
    "199": "59",
}
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def _national_digits(raw: str) -> str:
    """The national significant number of a number written +84..., 84..., 0084... or 0..."""
    text = raw.strip()
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if text.startswith("+"):
        return digits[len(COUNTRY_CODE):] if digits.startswith(COUNTRY_CODE) else ""
    if digits.startswith("00" + COUNTRY_CODE):
        return digits[4:]
    if digits.startswith(COUNTRY_CODE) and len(digits) >= 11:
        return digits[len(COUNTRY_CODE):]
    if digits.startswith("0"):
        return digits[1:]
    return digits


def normalise_vn_mobile(raw: str) -> str | None:
    """E.164 form (+84xxxxxxxxx) of a Vietnamese mobile number, or None when it is not one.

    Accepts the 10-digit form and the old 11-digit form, with +84, 84, 0084 or 0, and any spaces,
    dots or dashes: "0162 345 6789", "+84 162 345 6789" and "0323456789" are the same number.
    """
    national = _national_digits(raw)
    if len(national) == 10 and national[:3] in OLD_MOBILE_PREFIXES:
        national = OLD_MOBILE_PREFIXES[national[:3]] + national[3:]
    if not national.isdigit() or len(national) > 12:
        return None
    try:
        number = phonenumbers.parse("+" + COUNTRY_CODE + national, None)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=8192)
def canonical_sender(raw: str) -> str:
    """A stable form of an inbound sender: E.164 for a Vietnamese mobile, otherwise any valid
    international number in E.164, otherwise the trimmed text (short codes, test numbers).

    Cached: a conversation's messages come from the same sender, and parsing a number with
    phonenumbers costs more than the rest of a message's hashing (about 0.3 ms)."""
    vn = normalise_vn_mobile(raw)
    if vn:
        return vn
    try:
        number = phonenumbers.parse(raw, "VN")
    except NumberParseException:
        return raw.strip()
    if phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return raw.strip()


def number_hash(key: bytes, canonical: str) -> str:
    """HMAC-SHA256 of the canonical number: the only form in which a number is stored."""
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def mask_number(number: str) -> str:
    """What logs show: the first four and last two characters, e.g. '+849******78'."""
    text = number.strip()
    if len(text) <= 6:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 6) + text[-2:]


def normalise_contact_phone(raw: str) -> str | None:
    """E.164 form of a committee member's contact number, or None when it is not a valid number.

    Unlike a household's number (a Vietnamese mobile, for SMS), a cadre may give the commune
    office's landline or a number abroad: any valid number, read as Vietnamese when it has no +.
    The old 11-digit mobile forms are read as their 10-digit successors.
    """
    vn = normalise_vn_mobile(raw)
    if vn:
        return vn
    text = raw.strip()
    if not text or len(text) > 32:
        return None
    try:
        number = phonenumbers.parse(text, "VN")
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def display_number(e164: str) -> str:
    """How a page shows a stored number: national form for a Vietnamese one ("0912 345 678"),
    international otherwise."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    if number.country_code == int(COUNTRY_CODE):
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
