"""No phone number, household code or secret reaches a log line."""

from __future__ import annotations

import logging

import pytest

from feedback_app.logs import MASK, RedactingFilter, install_redaction, secrets_in

SECRET = "s3cr3t-9f8e7d6c5b4a39281706f5e4d3c2b1a0"


@pytest.mark.parametrize(
    "phone",
    ["0912345678", "+84912345678", "+84 912 345 678", "0912.345.678", "091-234-5678",
     "84912345678", "01623456789"],
)
def test_phone_numbers_are_masked_in_every_usual_spelling(phone):
    redactor = RedactingFilter()
    line = redactor.redact(f"SMS from {phone}: 1 1 2 1")
    assert line == f"SMS from {MASK}: 1 1 2 1"


def test_household_codes_are_masked_also_inside_paths():
    redactor = RedactingFilter()
    line = redactor.redact('"GET /h/582019374462817 HTTP/1.1" 200')
    assert line == f'"GET /h/{MASK} HTTP/1.1" 200'
    assert redactor.redact("code 58201 93744 62817 used") == f"code {MASK} used"


def test_ordinary_numbers_stay_readable():
    redactor = RedactingFilter()
    line = "commune 03390 answered 20 items in 1234 ms on 2026-11-22; uuid 8b0f3f5e-7c1a-4a57"
    assert redactor.redact(line) == line


def test_known_secrets_and_url_passwords_are_masked():
    redactor = RedactingFilter([SECRET, "short"])
    line = redactor.redact(
        f"key={SECRET} db=postgresql+psycopg://app:pa55-word@db.internal:5432/feedback short"
    )
    assert SECRET not in line and "pa55-word" not in line
    assert f"postgresql+psycopg://app:{MASK}@db.internal:5432/feedback" in line
    assert line.endswith("short")  # too short to be masked as a secret: would hide real words


def test_secrets_are_found_in_the_configuration():
    config = {
        "SECRET_KEY": SECRET,
        "TWILIO_AUTH_TOKEN": "0123456789abcdef0123456789abcdef",
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://app:db-pass-123@127.0.0.1/feedback",
        "REDIS_URL": "redis://:redis-pass-456@127.0.0.1:6379/0",
        "PUBLIC_BASE_URL": "https://khaosat.example.vn",
        "COMMENT_MAX_LENGTH": 1000,
    }
    assert sorted(secrets_in(config)) == sorted(
        [SECRET, "0123456789abcdef0123456789abcdef", "db-pass-123", "redis-pass-456"]
    )


def test_every_logger_is_redacted_including_arguments_and_tracebacks(caplog):
    install_redaction([SECRET])
    log = logging.getLogger("feedback_app.some.module")
    with caplog.at_level(logging.INFO):
        log.info("reply to %s with secret %s", "+84 912 345 678", SECRET)
        try:
            raise ValueError("INSERT failed: parameters ('0912345678', '582019374462817')")
        except ValueError:
            log.exception("commit failed for %(who)s", {"who": "0987654321"})
    text = caplog.text
    for leaked in ("912 345 678", SECRET, "0912345678", "582019374462817", "0987654321"):
        assert leaked not in text
    assert "reply to [redacted] with secret [redacted]" in text
    assert "ValueError: INSERT failed: parameters ('[redacted]', '[redacted]')" in text
