"""Sending an SMS, behind one small interface chosen by SMS_BACKEND.

- twilio: Twilio's REST API (production); a delivery-status callback comes back to
  PUBLIC_BASE_URL/sms/twilio/status.
- console: writes the text to the log with the number masked (development).
- fake: keeps the messages in memory (tests), and can be told to fail.

Replies to inbound messages are not sent through here: they go back in the webhook's TwiML.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests
from flask import Flask, current_app
from twilio.base.exceptions import TwilioException, TwilioRestException

from ..domain.phones import mask_number

log = logging.getLogger(__name__)
BACKENDS = ("twilio", "console", "fake")
OPTED_OUT = 21610  # Twilio: "Attempt to send to unsubscribed recipient"
# Twilio's alphanumeric sender ID: up to 11 of A-Z, a-z, 0-9 and space, not only digits.
ALPHANUMERIC_SENDER = re.compile(r"(?=[ 0-9]*[A-Za-z])[A-Za-z0-9 ]{1,11}\Z")


class SmsError(Exception):
    """A provider refused or failed to send. `transient` errors are worth retrying."""

    def __init__(self, message: str, code: int | None = None, transient: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.transient = transient

    @property
    def opted_out(self) -> bool:
        return self.code == OPTED_OUT


class SmsSender(Protocol):
    name: str

    def send(self, to: str, body: str) -> str:
        """Send `body` to the E.164 number `to`; return the provider's message id."""
        ...


class TwilioSender:
    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str, from_: str,
                 status_callback: str | None = None, messaging_service_sid: str | None = None
                 ) -> None:
        from twilio.rest import Client

        self._client = Client(account_sid, auth_token)
        self._from = from_  # a number, or an alphanumeric sender ID (a registered brand name)
        self._status_callback = status_callback
        self._service = messaging_service_sid

    def send(self, to: str, body: str) -> str:
        options: dict[str, Any] = {"to": to, "body": body}
        if self._service:
            options["messaging_service_sid"] = self._service  # its sender pool picks the sender
        else:
            options["from_"] = self._from
        if self._status_callback:
            options["status_callback"] = self._status_callback
        try:
            message = self._client.messages.create(**options)
        except TwilioRestException as exc:
            transient = exc.status == 429 or exc.status >= 500
            # Twilio's own wording may quote the number: keep only the codes.
            raise SmsError(f"Twilio refused the message (error {exc.code}, HTTP {exc.status})",
                           exc.code, transient) from None
        except (TwilioException, requests.RequestException, OSError) as exc:
            raise SmsError(f"Twilio could not be reached ({type(exc).__name__})", None,
                           True) from None
        return str(message.sid)


class ConsoleSender:
    name = "console"

    def send(self, to: str, body: str) -> str:
        sid = "console-" + uuid.uuid4().hex
        log.warning("SMS to %s (%s): %s", mask_number(to), sid, body)
        return sid


@dataclass
class SentSms:
    to: str
    body: str
    sid: str


@dataclass
class FakeSender:
    """Records what would have been sent; `fail_next` queues errors to raise on the next sends."""

    name: str = "fake"
    sent: list[SentSms] = field(default_factory=list)
    failures: list[SmsError] = field(default_factory=list)
    attempts: int = 0

    def send(self, to: str, body: str) -> str:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        sid = "SM" + uuid.uuid4().hex
        self.sent.append(SentSms(to, body, sid))
        return sid

    def fail_next(self, *errors: SmsError) -> None:
        self.failures.extend(errors)

    def reset(self) -> None:
        self.sent.clear()
        self.failures.clear()
        self.attempts = 0


def build_sender(config: Mapping[str, Any]) -> SmsSender:
    backend = config["SMS_BACKEND"]
    if backend == "twilio":
        missing = [k for k in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")
                   if not config.get(k)]
        if missing:
            raise RuntimeError(f"SMS_BACKEND=twilio needs {', '.join(missing)}")
        sender_id = config.get("TWILIO_SENDER_ID")
        if sender_id and not ALPHANUMERIC_SENDER.match(sender_id):
            raise RuntimeError("TWILIO_SENDER_ID must be 1 to 11 letters, digits or spaces, with at "
                               f"least one letter (a registered brand name), not {sender_id!r}")
        return TwilioSender(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                            sender_id or config["TWILIO_FROM"],
                            config["PUBLIC_BASE_URL"] + "/sms/twilio/status",
                            config.get("TWILIO_MESSAGING_SERVICE_SID"))
    if backend == "console":
        return ConsoleSender()
    if backend == "fake":
        return FakeSender()
    raise RuntimeError(f"SMS_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


def init_app(app: Flask) -> None:
    app.extensions["sms_sender"] = build_sender(app.config)


def sms_sender() -> SmsSender:
    sender: SmsSender = current_app.extensions["sms_sender"]
    return sender


def public_number() -> str | None:
    """The number households text to answer, printed on slips and posters, or None when no SMS
    route is set (the console and fake backends reach no phone)."""
    config = current_app.config
    number: str | None = config.get("TWILIO_FROM") if config.get("SMS_BACKEND") == "twilio" else None
    return number or None
