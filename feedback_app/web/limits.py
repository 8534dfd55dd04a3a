"""Rate limits of the resident pages, and the 429 page that says when to try again.

Each limit is a setting (deployment.DEFAULT_LIMITS), counted per client address
(extensions.client_address) in Redis when REDIS_URL is set, in memory otherwise. Limiting another
view takes one decorator, e.g. for the login or the SMS webhook::

    @bp.post("/login")
    @limited("RATELIMIT_LOGIN", scope="login")   # the setting holds e.g. "10 per minute"
    def login(): ...

(the SMS webhook counts per sender instead: web/sms/twilio.py, RATELIMIT_SMS, over_limit_twiml).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime, format_time, format_timedelta, gettext, to_user_timezone
from flask_limiter import RateLimitExceeded, RouteLimit

from ..extensions import limiter
from ..services.accounts.users import normalise_username
from .messages import Message

log = logging.getLogger(__name__)
FAILED_LOOKUP_REASONS = frozenset({"code_mistyped", "code_unknown"})
SUBMISSIONS = "answer-submissions"
LOOKUPS = "household-code-lookups"
FAILED_LOOKUPS = "household-code-failures"
LOGINS = "committee-logins"
ACCOUNT_LOGINS = "committee-account-logins"
PASSWORDS = "committee-passwords"
SMS_SENDERS = "sms-senders"


def setting(name: str) -> Callable[[], str]:
    """A limit read from the app's settings at request time."""
    return lambda: current_app.config[name]


def limited(setting_name: str, scope: str, *, methods: list[str] | None = None,
            key_func: Callable[[], str] | None = None, exempt_when: Callable[[], bool] | None = None,
            deduct_when: Callable[[Response], bool] | None = None) -> RouteLimit:
    """A limit shared by every view it decorates, named `scope`, its value from `setting_name`."""
    return limiter.shared_limit(setting(setting_name), scope=scope, methods=methods, key_func=key_func,
                                exempt_when=exempt_when, deduct_when=deduct_when)


def lookup_failed(response: Response) -> bool:
    """The request was refused because its household code was mistyped or not issued."""
    return g.get("refusal") in FAILED_LOOKUP_REASONS


def login_failed(response: Response) -> bool:
    """The login form was refused for a wrong username or password (not a 422 form, not a 429)."""
    return response.status_code == 401


def login_username() -> str:
    """Whose failures the per-account throttle counts: the username typed, as the login reads it
    (an unknown one too, so the lock tells nobody which usernames exist), hashed for the key. A
    body that cannot be read (413) makes it raise: GuardedLimiter then counts it by address."""
    username = request.form.get("username", "")
    return "account-" + hashlib.sha256(normalise_username(username).encode()).hexdigest()[:32]


def carries_household_code() -> bool:
    """The request answers with a household code (the household page's form, or the API's JSON
    with `household_code`). The code is the credential and works once, so such answers are not
    counted per address: a village meeting on one Wi-Fi, or a carrier's shared address, sends any
    number of them. A wrong code is counted by the failure throttle, a used one by the lookups."""
    if request.endpoint == "resident.household":
        return True
    body = request.get_json(silent=True) if request.is_json else None
    return isinstance(body, dict) and bool(body.get("household_code"))


def lookup_not_answering(response: Response) -> bool:
    """What the lookup limit counts: every QR image, and every request with a household code that
    was refused (a used code, a wrong one...). A household opening or sending its own unused code
    is not counted, however many share the address."""
    return request.blueprint == "qr" or g.get("refusal") is not None


# Open links (and anything else posted without a household code) keep their per-address limit.
answer_submissions = limited("RATELIMIT_SUBMIT", SUBMISSIONS, methods=["POST"],
                             exempt_when=carries_household_code)
code_lookups = limited("RATELIMIT_CODE_LOOKUP", LOOKUPS, deduct_when=lookup_not_answering)
# Every method: a HEAD or POST with a guessed code would tell as much as a GET.
failed_code_lookups = limited("RATELIMIT_CODE_FAILURES", FAILED_LOOKUPS, deduct_when=lookup_failed)
# Both count failed logins only; a request over either is refused before its password is checked.
login_attempts = limited("RATELIMIT_LOGIN", LOGINS, methods=["POST"], deduct_when=login_failed)
account_login_attempts = limited("RATELIMIT_LOGIN_ACCOUNT", ACCOUNT_LOGINS, methods=["POST"],
                                 key_func=login_username, deduct_when=login_failed)


def password_failed(response: Response) -> bool:
    """A wrong current password (401), or a reset link that is unknown, used or expired (404)."""
    return response.status_code in (401, 404)


# Both password pages (changing one's own, setting one through a reset link) share one count of
# failures per address; a reset link is also counted when only opened (GET), as a guess would be.
password_attempts = limited("RATELIMIT_PASSWORD", PASSWORDS, methods=["POST"], deduct_when=password_failed)
reset_link_attempts = limited("RATELIMIT_PASSWORD", PASSWORDS, deduct_when=password_failed)


class _IntoAppLog(logging.Handler):
    """Flask-Limiter's own lines about its storage (unreachable: counting in this worker's memory;
    recovered) and its swallowed errors, into the app's log. Flask-Limiter logs them to its own
    logger, which has only a NullHandler: under gunicorn nothing showed them."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING or record.getMessage().startswith("Rate limit storage"):
            log.handle(record)


def _log_storage_failures(app: Flask) -> None:
    app.logger  # noqa: B018  (Flask gives the app's logger a handler when there is none)
    limiter_log = logging.getLogger("flask-limiter")
    if not any(isinstance(handler, _IntoAppLog) for handler in limiter_log.handlers):
        limiter_log.addHandler(_IntoAppLog())
    limiter_log.setLevel(logging.INFO)  # "Rate limit storage recovered" is an INFO line
    limiter_log.propagate = False  # what matters reaches the root through the app's logger


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    _log_storage_failures(app)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    if app.config["FEEDBACK_ENV"] == "production" and not app.config["REDIS_URL"]:
        app.logger.warning("Rate limits are counted in each worker's memory: set REDIS_URL so "
                           "that every worker and machine shares them.")


def _fallback_wait() -> int:
    current = limiter.current_limit
    reset_at = current.reset_at if current is not None else time.time() + 60
    return max(1, math.ceil(reset_at - time.time()))


def blocking_wait() -> tuple[int, str | None]:
    """How long until a request like this one gets through, and the scope of the limit that holds
    it back longest.

    Flask-Limiter stops at the first exhausted window (the shortest), so its own reset time says
    "61 s" when the hour's window is used up too and would refuse the retry. Here every window of
    every limit on this view is read: the wait is the latest reset among those with no room left.
    """
    try:
        endpoint = request.endpoint or ""
        defaults, decorated = limiter.limit_manager.resolve_limits(current_app, endpoint,
                                                                   request.blueprint)
        prefix = [current_app.config["RATELIMIT_KEY_PREFIX"]] if current_app.config.get(
            "RATELIMIT_KEY_PREFIX") else []
        now = time.time()
        longest: tuple[int, str | None] | None = None
        for lim in [*defaults, *decorated]:
            if lim.method_exempt or lim.is_exempt:
                continue
            args = [*prefix, lim.key_func(), lim.scope_for(endpoint, request.method)]
            reset, remaining = limiter.limiter.get_window_stats(lim.limit, *args)
            if remaining >= lim.deduction_amount:
                continue
            wait = max(1, math.ceil(reset + 1 - now))
            scope = lim.scope if isinstance(lim.scope, str) else None
            if longest is None or wait > longest[0]:
                longest = (wait, scope)
        if longest is not None:
            return longest
    except Exception:  # the storage went away since the request was refused: say what it said
        log.warning("could not read the rate-limit windows of %s", request.path, exc_info=True)
    return _fallback_wait(), None


def _when(seconds: int) -> dict[str, str]:
    at = datetime.now().astimezone() + timedelta(seconds=seconds)
    same_day = to_user_timezone(at).date() == to_user_timezone(datetime.now().astimezone()).date()
    return {
        "wait": format_timedelta(timedelta(seconds=seconds), threshold=0.9),
        "time": format_time(at, "short") if same_day else format_datetime(at, "short"),
    }


def limit_message(scope: str | None, seconds: int) -> Message:
    when = _when(seconds)
    if scope == FAILED_LOOKUPS:
        return Message(
            gettext("Too many wrong household codes"),
            gettext("Too many household codes that do not exist or were mistyped were tried from "
                    "your connection. Please check the code on your slip, and try again in "
                    "%(wait)s (after %(time)s).", **when),
        )
    if scope == SUBMISSIONS:
        return Message(
            gettext("Too many forms sent"),
            gettext("Too many forms were sent from your connection in a short time, so your "
                    "answers were not saved. Please send the form again in %(wait)s (after "
                    "%(time)s).", **when),
        )
    if scope == LOGINS:
        return Message(
            gettext("Too many sign-in attempts"),
            gettext("Too many sign-in attempts came from your connection. Please try again in "
                    "%(wait)s (after %(time)s).", **when),
        )
    if scope == PASSWORDS:
        return Message(
            gettext("Too many password attempts"),
            gettext("Too many wrong passwords or reset links came from your connection. Please "
                    "try again in %(wait)s (after %(time)s).", **when),
        )
    if scope == ACCOUNT_LOGINS:
        return Message(
            gettext("This account is locked for now"),
            gettext("Too many wrong passwords were tried for this account, so it cannot sign in "
                    "for now, not even with the right password. Please try again in %(wait)s "
                    "(after %(time)s). If it was not you, tell your site's administrator.", **when),
        )
    return Message(
        gettext("Too many requests"),
        gettext("Too many requests came from your connection in a short time. Please try again "
                "in %(wait)s (after %(time)s).", **when),
    )


def over_limit_twiml() -> Response:
    """A sender over RATELIMIT_SMS: 200 with an empty TwiML, so nothing is sent back and nothing
    stored. Not a 429: Twilio does not retry an inbound message's webhook, it only logs a non-2xx
    as an error (11200) in its debugger, once per message of the flood. Not a reply either: each
    would cost an outbound SMS and keep a loop with an auto-responding phone going. The household
    may text again once the window has passed (the limit is far above a survey's 22 messages)."""
    from twilio.twiml.messaging_response import MessagingResponse

    return Response(str(MessagingResponse()), status=200, mimetype="application/xml")


def too_many_requests(error: RateLimitExceeded) -> ResponseReturnValue:
    """The 429 answer: a page in the user's language, JSON under /api/, both with Retry-After."""
    from . import message_page
    from .api import errors as api_errors

    if error.limit.scope == SMS_SENDERS:
        if request.blueprint == "sms_kannel":
            # The same for Kannel: an empty 200, so that smsbox neither replies nor retries.
            return Response("", status=200, mimetype="text/plain")
        return over_limit_twiml()
    seconds, scope = blocking_wait()
    if scope is None:
        scope = error.limit.scope if isinstance(error.limit.scope, str) else None
    body: Response | str
    if api_errors.is_api_request():
        body, status = api_errors.http_error(error)
    else:
        body, status = message_page(limit_message(scope, seconds), 429)
    return body, status, {"Retry-After": str(seconds)}
