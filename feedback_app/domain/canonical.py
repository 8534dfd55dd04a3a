"""One spelling of a JSON value and its SHA-256, so that equal content has one hash: the seal of a
report, the identity of a survey version, the fingerprint of a submitted answer. Pure."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(content: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text (no \\u escapes), no NaN."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def content_hash(content: Any) -> str:
    """sha256 (hex) of the content's canonical JSON (a str is taken as canonical JSON already)."""
    text = content if isinstance(content, str) else canonical_json(content)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
