"""SMS webhooks for bench/load.py: signed Twilio posts of whole conversations, each post a new
MessageSid, each conversation from its own phone and in order (a phone's next message is sent only
after the reply to its previous one, as a person texts)."""

from __future__ import annotations

import collections
import threading
import uuid
from collections.abc import Callable
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.loadgen import Request

TOKEN = "bench-twilio-auth-token"
BASE_URL = "https://bench.invalid"  # PUBLIC_BASE_URL of the app side: what signatures cover
PATH = "/sms/twilio"
WORDS = ["1", "2", "hai long", "khong", "0", "1", "1", "2", "1", "1"]


def replies(items: int) -> list[str]:
    """What a household sends after its code for a survey of `items` questions: an answer to each
    with the words people use, one unreadable reply (asked again) halfway, then K for no comment
    when the closing comment is asked for; only then is the answer recorded."""
    answers = [WORDS[n % len(WORDS)] for n in range(items)]
    return [*answers[: items // 2], "x", *answers[items // 2:], "K"]


class SmsTraffic:
    def __init__(self, next_code: Callable[[], str | None], concurrent: int, items: int) -> None:
        self._next_code = next_code
        self._replies = replies(items)
        self._validator = RequestValidator(TOKEN)
        self._lock = threading.Lock()
        self._idle: collections.deque[tuple[str, list[str]]] = collections.deque()
        self._busy: dict[str, tuple[str, list[str]]] = {}  # MessageSid -> (phone, rest)
        self._phones = iter(range(10_000_000))
        self._concurrent = concurrent
        self.completed = 0  # conversations whose last message got its reply

    def _start(self) -> tuple[str, list[str]] | None:
        code = self._next_code()
        if code is None:
            return None
        return f"+8491{next(self._phones):07d}", [f"HL {code}", *self._replies]

    def message(self) -> Request | None:
        with self._lock:
            if self._idle:
                phone, bodies = self._idle.popleft()
            elif len(self._busy) < self._concurrent and (started := self._start()):
                phone, bodies = started
            else:
                return None
            sid = "SM" + uuid.uuid4().hex
            self._busy[sid] = (phone, bodies[1:])
        params = {"MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": phone,
                  "To": "+84900000000", "Body": bodies[0], "NumMedia": "0"}
        signature = self._validator.compute_signature(BASE_URL + PATH, params)
        return Request("POST", PATH, 200, urlencode(params),
                       {"Content-Type": "application/x-www-form-urlencoded",
                        "X-Twilio-Signature": signature})

    def replied(self, request: Request) -> None:
        sid = request.body.split("MessageSid=", 1)[1].split("&", 1)[0] if request.body else ""
        with self._lock:
            phone, rest = self._busy.pop(sid)
            if rest:
                self._idle.append((phone, rest))
            else:
                self.completed += 1
