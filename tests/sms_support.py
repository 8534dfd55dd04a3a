"""Posting to the Twilio webhooks as Twilio does: form-encoded, signed with RequestValidator."""

from __future__ import annotations

import itertools
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

from .support import PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN

INBOUND = "/sms/twilio"
STATUS = "/sms/twilio/status"
_counter = itertools.count(1)


def new_sid() -> str:
    return "SM" + uuid.uuid4().hex


def signature(path: str, params: dict[str, str], token: str = TWILIO_AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(PUBLIC_BASE_URL + path, params)


def signed_post(client: FlaskClient, path: str, params: dict[str, str],
                token: str = TWILIO_AUTH_TOKEN):  # type: ignore[no-untyped-def]
    return client.post(path, data=params,
                       headers={"X-Twilio-Signature": signature(path, params, token)})


def twiml_messages(xml: str) -> list[str]:
    root = ET.fromstring(xml)
    assert root.tag == "Response"
    return [message.text or "" for message in root.iter("Message")]


@dataclass
class Reply:
    status: int
    messages: list[str]
    sid: str

    @property
    def text(self) -> str:
        assert len(self.messages) == 1, self.messages
        return self.messages[0]


class Phone:
    """A household's phone texting the survey number."""

    def __init__(self, client: FlaskClient, number: str = "+84912345678") -> None:
        self.client = client
        self.number = number

    def send(self, body: str, sid: str | None = None) -> Reply:
        sid = sid or new_sid()
        params = {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": self.number,
                  "To": "+84900000000", "Body": body, "NumMedia": "0"}
        response = signed_post(self.client, INBOUND, params)
        ok = response.status_code == 200
        messages = twiml_messages(response.get_data(as_text=True)) if ok else []
        return Reply(response.status_code, messages, sid)


def enable_app_logs() -> None:
    """Alembic's fileConfig (run by the session's migrations) disables existing loggers."""
    import logging

    for name, logger in logging.root.manager.loggerDict.items():
        if name.startswith("feedback_app") and isinstance(logger, logging.Logger):
            logger.disabled = False
