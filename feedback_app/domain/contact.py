"""A committee member's e-mail address: checked for its shape only (pure).

Nothing is sent to it yet; it is there so that a committee knows how to reach the person. A full
check would need the domain's mail servers, which only a sent message can prove.
"""

from __future__ import annotations

import re

MAX_EMAIL_LENGTH = 254  # RFC 5321's limit for a forward path
# One @, a local part and a domain with a dot, no space or control character; a domain in
# Vietnamese (IDN) is allowed as typed.
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f.]+(\.[^@\s\x00-\x1f\x7f.]+)+")


def normalise_email(raw: str) -> str | None:
    """The address trimmed, its domain in lower case, or None when it is not shaped as one."""
    text = raw.strip()
    if len(text) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(text):
        return None
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"
