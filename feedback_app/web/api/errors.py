"""Errors of the JSON API: always a JSON body {"reason", "message"[, "errors"]}, never an HTML page.

The blueprints register these handlers for what their views raise; web.register() sends the rest
(unknown /api/ URLs, wrong methods) here too, and keeps its HTML pages for every other path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, g, jsonify, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ...domain.survey import AnswerProblem
from ...extensions import db
from ...services.errors import Refused
from ..messages import refusal_message

API_PREFIX = "/api/"

# marshmallow's and webargs' own messages, listed so that the catalogs translate them.
LIBRARY_MESSAGES = (
    _l("Missing data for required field."),
    _l("Field may not be null."),
    _l("Not a valid string."),
    _l("Not a valid integer."),
    _l("Not a valid UUID."),
    _l("Not a valid mapping type."),
    _l("Invalid input type."),
    _l("Unknown field."),
    _l("Invalid JSON body."),
)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def json_error(status: int, reason: str, message: str, **extra: Any) -> tuple[Response, int]:
    db.session.rollback()
    return jsonify({"reason": reason, "message": message, **extra}), status


def localise(message: object) -> str:
    """A library message in the request's language (our own lazy messages are already localised)."""
    localised: str = gettext(str(message))
    return localised


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"field" or "field.sub": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = str(key) if not prefix else f"{prefix}.{key}"
            if key == "_schema" or (key in ("key", "value") and prefix):  # a dict entry's key or value
                path = prefix or "_schema"
            for field, texts in flatten(value, path).items():
                flat.setdefault(field, []).extend(texts)
    elif isinstance(messages, list | tuple):
        for value in messages:
            if isinstance(value, Mapping):
                for field, texts in flatten(value, prefix).items():
                    flat.setdefault(field, []).extend(texts)
            else:
                flat.setdefault(prefix or "_schema", []).append(localise(value))
    else:
        flat.setdefault(prefix or "_schema", []).append(localise(messages))
    return flat


def invalid(errors: dict[str, list[str]]) -> tuple[Response, int]:
    return json_error(422, "invalid", gettext("Some fields are missing or wrong; see errors."),
                      errors=errors)


HTTP_MESSAGES = {
    400: ("bad_request", _l("The request could not be read.")),
    401: ("unauthorized", _l("This needs a committee token.")),
    403: ("forbidden", _l("This is not allowed.")),
    404: ("not_found", _l("There is nothing at this address of the API.")),
    405: ("method_not_allowed", _l("This address of the API does not accept this method.")),
    413: ("too_large", _l("What was sent is too large.")),
    415: ("unsupported_media_type", _l("Send JSON, with the header Content-Type: application/json.")),
    429: ("too_many_requests", _l("Too many requests; please wait a little and try again.")),
}


def http_error(error: HTTPException) -> tuple[Response, int]:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 422 and messages is not None:  # webargs: the body or the query failed its schema
        inner = messages
        if isinstance(messages, Mapping) and len(messages) == 1 and {"json", "query"} & set(messages):
            inner = next(iter(messages.values()))
        return invalid(flatten(inner))
    if status == 400 and messages is not None:  # webargs: the body is not JSON at all
        return json_error(400, "malformed_json", gettext("The request body is not valid JSON."))
    if status in HTTP_MESSAGES:
        reason, message = HTTP_MESSAGES[status]
    elif status >= 500:
        reason, message = "internal_error", _l("Something went wrong on our side; please try again later.")
    else:
        reason, message = f"http_{status}", error.description or error.name
    response, status = json_error(status, reason, str(message))
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response, status


def unavailable() -> tuple[Response, int, dict[str, str]]:
    response, status = json_error(
        503, "unavailable", gettext("The service is busy; nothing was saved. Please try again in a minute.")
    )
    return response, status, {"Retry-After": "30"}


ANSWER_MESSAGES = {
    "missing": _l("Please choose an answer."),
    "invalid_value": _l("This is not one of the answers this question offers."),
    "unknown_item": _l("This question is not part of the survey."),
    "reason_not_asked": _l("This question asks for no reason."),
}

API_REFUSALS = {
    "token_required": _l("This needs a committee token: send it as the header "
                         "'Authorization: Bearer <token>'."),
    "token_invalid": _l("This token is not valid, or it has been revoked."),
    "out_of_scope": _l("This token does not give access to this unit."),
    "unknown_unit": _l("No unit has this code in this scheme."),
    "unit_not_in_campaign": _l("This campaign surveyed no commune in this unit."),
    "unknown_campaign": _l("No campaign has this key."),
    "unit_required": _l("Name the unit (its code) when asking for another scheme than the campaign's."),
}


def answer_errors(problems: list[AnswerProblem], comment_max: int, reason_max: int = 0
                  ) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.code == "comment_too_long":
            text = gettext("The comment is too long: at most %(max)s characters.", max=comment_max)
            errors.setdefault("comment", []).append(text)
        elif problem.code == "reason_too_long":
            text = gettext("The reason is too long: at most %(max)s characters.", max=reason_max)
            errors.setdefault(f"reasons.{problem.item}", []).append(text)
        elif problem.code == "reason_not_asked":
            errors.setdefault(f"reasons.{problem.item}", []).append(
                str(ANSWER_MESSAGES[problem.code]))
        else:
            field = f"answers.{problem.item}" if problem.item else "answers"
            errors.setdefault(field, []).append(str(ANSWER_MESSAGES.get(problem.code, problem.code)))
    return errors


def refused(refusal: Refused) -> tuple[Response, int]:
    """A service's refusal as JSON: its reason, its status and a sentence in the request's language."""
    reason = refusal.reason
    g.refusal = reason  # read by the failed-lookup throttle (web/limits.py)
    if reason == "answers_invalid":
        survey = refusal.data["survey"]
        return invalid(answer_errors(refusal.data["problems"], survey.comment_max_length,
                                     survey.reason_max_length))
    if reason == "code_mistyped":
        return invalid({"household_code": [refusal_message(refusal).body]})
    message = str(API_REFUSALS[reason]) if reason in API_REFUSALS else refusal_message(refusal).body
    response, status = json_error(refusal.status, reason, message)
    if refusal.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="committee"'
    return response, status
