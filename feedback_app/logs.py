"""No secret, phone number or household code in any log line.

`RedactingFilter` rewrites a log record in place: runs of 9 or more digits (phone numbers in any
usual spelling, 15-digit household codes, also in URL paths such as /h/<code>), passwords in URLs
(postgresql://user:password@host) and the known secret values of the configuration are masked,
in the message, its arguments and the formatted traceback. `install_redaction()` applies it to
every record the process creates (through the log record factory), so it covers every logger and
handler: Flask's, SQLAlchemy's, gunicorn's access and error logs, and handlers added later.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "[redacted]"
# A secret shorter than this is not masked literally (it would mask ordinary words).
MIN_SECRET_LENGTH = 8

# 9+ digits, optionally with '+' in front and single spaces, dots or dashes between them
# ("+84 912 345 678", "0912.345.678", "091-234-5678", "58201 93744 62817"), not inside a word.
PHONE_LIKE = re.compile(r"(?<![A-Za-z0-9])\+?\d(?:[ .\-]?\d){8,}(?![A-Za-z0-9])")
URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@]*:)[^\s@/]+@")
SECRET_SETTING = re.compile(r"(SECRET|TOKEN|PASSWORD|_KEY$)")


class RedactingFilter(logging.Filter):
    """A logging filter that masks phone-number-like digit runs and known secrets."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        with self._lock:
            known = set(self._secrets) | {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
            # Longest first, so a secret that contains another is masked whole.
            self._secrets = tuple(sorted(known, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        text = URL_PASSWORD.sub(lambda m: m.group("head") + MASK + "@", text)
        return PHONE_LIKE.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what can be shown, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_redactor = RedactingFilter()
_installed = False
_install_lock = threading.Lock()


def secrets_in(config: Mapping[str, Any]) -> list[str]:
    """Secret values of a configuration: *SECRET*, *TOKEN*, *PASSWORD*, *_KEY settings, and the
    passwords inside URL settings (DATABASE_URL, REDIS_URL...)."""
    found: list[str] = []
    for key, value in config.items():
        if not isinstance(value, str):
            continue
        if SECRET_SETTING.search(key):
            found.append(value)
        for match in URL_PASSWORD.finditer(value):
            found.append(value[match.end("head") : match.end() - 1])
    return found


def install_redaction(secrets: Iterable[str] = ()) -> RedactingFilter:
    """Redact every log record created in this process from now on; idempotent."""
    global _installed
    _redactor.add_secrets(secrets)
    with _install_lock:
        if not _installed:
            previous = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                record = previous(*args, **kwargs)
                _redactor.filter(record)
                return record

            logging.setLogRecordFactory(factory)
            _installed = True
    return _redactor
