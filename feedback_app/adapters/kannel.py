"""Sending through Kannel's sendsms HTTP interface (SMS_BACKEND=kannel), and the signature of its
delivery reports.

Kannel's smsbox takes a message with GET /cgi-bin/sendsms?username=&password=&from=&to=&text=
and answers 202 "0: Accepted for delivery" (or "3: Queued for later delivery"); bearerbox keeps
it in its store until the carrier's SMSC takes it. Each message asks for delivery reports
(dlr-mask) at a dlr-url of this app that names the message by a reference of ours and carries an
HMAC of that reference and the recipient, so a report cannot be forged for another number and the
URL holds no secret. Kannel fills in the report's type (%d) and the SMSC's answer (%A).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from urllib.parse import urlencode

import requests

from .sms import SmsError

TIMEOUT = (3.05, 10)  # seconds: connecting, then reading smsbox's answer
_LABEL = b"feedback_app kannel dlr v1"
# Kannel's dlr-mask bits (its user guide, "Delivery reports").
DLR_DELIVERED, DLR_UNDELIVERED, DLR_QUEUED, DLR_SMSC_ACCEPTED, DLR_SMSC_REJECTED = 1, 2, 4, 8, 16
STATUS_NAMES = {DLR_DELIVERED: "delivered", DLR_UNDELIVERED: "undelivered", DLR_QUEUED: "queued",
                DLR_SMSC_ACCEPTED: "accepted", DLR_SMSC_REJECTED: "rejected"}
PERMANENT_FAILURES = frozenset({DLR_UNDELIVERED, DLR_SMSC_REJECTED})


def dlr_signature(secret: str, reference: str, recipient: str) -> str:
    """The `sig` of a delivery-report URL: HMAC-SHA256 of our reference and the recipient."""
    material = _LABEL + b"\0" + reference.encode("utf-8") + b"\0" + recipient.encode("utf-8")
    return hmac.new(secret.encode("utf-8"), material, hashlib.sha256).hexdigest()


class KannelSender:
    """One sendsms request per message; the returned id is our reference, echoed in its reports."""

    name = "kannel"

    def __init__(self, sendsms_url: str, username: str, password: str, from_: str,
                 secret: str, status_url: str, dlr_mask: int) -> None:
        self._url = sendsms_url
        self._credentials = {"username": username, "password": password}
        self._from = from_
        self._secret = secret
        self._status_url = status_url
        self._dlr_mask = dlr_mask
        self._http = requests.Session()

    def close(self) -> None:
        """Close the pooled connections to smsbox."""
        self._http.close()

    def dlr_url(self, reference: str, to: str) -> str:
        # Only hex digits and our own parameters: nothing that Kannel would take for one of its
        # %-escapes but %d (the report's type) and %A (the SMSC's answer).
        query = urlencode({"ref": reference, "to": to,
                           "sig": dlr_signature(self._secret, reference, to)})
        return f"{self._status_url}?{query}&type=%d&answer=%A"

    def send(self, to: str, body: str) -> str:
        reference = uuid.uuid4().hex
        params = {**self._credentials, "from": self._from, "to": to, "text": body,
                  "charset": "UTF-8", "coding": "0"}
        if self._dlr_mask:
            params.update({"dlr-mask": str(self._dlr_mask), "dlr-url": self.dlr_url(reference, to)})
        try:
            answer = self._http.get(self._url, params=params, timeout=TIMEOUT)
        except (requests.RequestException, OSError) as exc:
            raise SmsError(f"Kannel could not be reached ({type(exc).__name__})", None,
                           True) from None
        if answer.status_code in (200, 202):
            return reference
        # smsbox words its refusals without the number ("Authorization failed for sendsms",
        # "Sender missing and no global set"...): keep the first line.
        said = answer.text.strip().splitlines()[0][:120] if answer.text.strip() else ""
        transient = answer.status_code == 429 or answer.status_code >= 500
        raise SmsError(f"Kannel refused the message (HTTP {answer.status_code}: {said})",
                       answer.status_code, transient)
