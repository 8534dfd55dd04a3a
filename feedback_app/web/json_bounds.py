"""Bounds on every JSON body the app reads: how deeply it nests and how long its numbers are.

Python's json module recurses once per level of nesting (a body of 100,000 '[' raised
RecursionError) and refuses integers of more than 4,300 digits with a ValueError; both were 500s.
Every JSON request (POST /api/v1/responses, the assisted-collection endpoint) is checked here first
and answered 422 "invalid" with a sentence saying what is wrong, before anything reads it. A body
that is not JSON at all is left to the view (400 malformed_json), as before.

The answers' format needs 2 levels ({"answers": {"item": 1}}) and numbers of a few digits.
"""

from __future__ import annotations

import json
import math
import re

from flask import Flask, Response, request
from flask_babel import gettext

MAX_DEPTH = 16
MAX_NUMBER_LENGTH = 20  # characters of one number literal: a 64-bit integer, with its sign

_STRUCTURE = re.compile(r'[\[\]{}"\\]')


class TooComplex(ValueError):
    """A JSON text outside the bounds: `reason` is "depth" or "number"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest more than `limit` levels, brackets inside strings aside.
    Stops at the first level too many; never recurses."""
    depth, in_string, skip = 0, False, -1
    for match in _STRUCTURE.finditer(text):
        position, char = match.start(), match.group()
        if position == skip:
            continue
        if in_string:
            if char == "\\":
                skip = position + 1  # the escaped character, quote or backslash
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _integer(literal: str) -> int:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise TooComplex("number")
    return int(literal)


def _real(literal: str) -> float:
    value = float(literal) if len(literal) <= MAX_NUMBER_LENGTH else math.inf
    if not math.isfinite(value):  # 1e999999 reads as infinity
        raise TooComplex("number")
    return value


def _constant(name: str) -> float:
    raise TooComplex("number")  # NaN, Infinity, -Infinity: not JSON numbers


def check(text: str) -> None:
    """Raise TooComplex when `text` nests too deeply or holds a number too long; a text that is
    not JSON passes (its reader says so)."""
    if too_deep(text):
        raise TooComplex("depth")
    try:
        json.loads(text, parse_int=_integer, parse_float=_real, parse_constant=_constant)
    except TooComplex:
        raise
    except ValueError:  # not JSON: the view's own parsing answers 400
        pass


def _refuse_complex_json() -> tuple[Response, int] | None:
    if request.method not in ("POST", "PUT", "PATCH") or not request.is_json:
        return None
    data = request.get_data(cache=True)
    try:
        # As json.loads reads bytes: UTF-8, -16 or -32.
        text = data.decode(json.detect_encoding(data), "surrogatepass")
    except UnicodeDecodeError:
        return None  # not JSON: the view answers 400
    try:
        check(text)
    except TooComplex as exc:
        from .api import errors

        if exc.reason == "depth":
            message = gettext("The JSON body is nested too deeply: at most %(max)s levels.",
                              max=MAX_DEPTH)
        else:
            message = gettext("A number in the JSON body is too long or too large: at most "
                              "%(max)s characters.", max=MAX_NUMBER_LENGTH)
        return errors.invalid({"_schema": [message]})
    return None


def init_app(app: Flask) -> None:
    # After the rate limits' own check (web/limits.py registers it first): refused bodies count.
    app.before_request(_refuse_complex_json)
