"""GSM 03.38 (GSM-7) text: what fits one SMS segment without switching to UCS-2."""

from __future__ import annotations

# The basic character set; a single character outside it turns a message into UCS-2 (70 a segment).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table characters cost two septets each (escape + character).
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
SEGMENT_SEPTETS = 160


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def gsm7_length(text: str) -> int:
    """Septets used by text in GSM-7; raises ValueError when text is not GSM-7."""
    if not is_gsm7(text):
        raise ValueError("text is not GSM-7")
    return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)


def fits_one_segment(text: str) -> bool:
    return is_gsm7(text) and gsm7_length(text) <= SEGMENT_SEPTETS


# Concatenated messages carry a 6-octet header: 153 GSM-7 characters or 67 UCS-2 units a part.
UCS2_SEGMENT_UNITS = 70
GSM7_PART_SEPTETS, UCS2_PART_UNITS = 153, 67


def segments(text: str) -> tuple[str, int]:
    """How a provider sends `text`: its encoding ("GSM-7" or "UCS-2") and how many parts."""
    if is_gsm7(text):
        septets = gsm7_length(text)
        return "GSM-7", 1 if septets <= SEGMENT_SEPTETS else -(-septets // GSM7_PART_SEPTETS)
    units = len(text.encode("utf-16-le")) // 2
    return "UCS-2", 1 if units <= UCS2_SEGMENT_UNITS else -(-units // UCS2_PART_UNITS)
