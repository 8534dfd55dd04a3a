"""Reading the resident form post (marshmallow at the boundary; the survey rules are in the domain)."""

from __future__ import annotations

import unicodedata
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate
from werkzeug.datastructures import MultiDict

from ...services.errors import Refused

ANSWER_PREFIX = "q_"
REASON_PREFIX = "r_"  # the reason under an item answered "not satisfied"
# A hard ceiling on what is read at all; the survey's own comment limit is checked by the domain.
COMMENT_CEILING = 20_000
REASON_CEILING = 2_000  # the survey's limit (at most 500) is the domain's; this bounds what is read


class ResponseFormSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    rid = fields.String(load_default=None, validate=validate.Length(max=64))
    comment = fields.String(load_default="", validate=validate.Length(max=COMMENT_CEILING))
    answers = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(max=8)))
    # An open link's "I answer for another household of this phone" (web/device.py).
    another_household = fields.Boolean(load_default=False)
    reasons = fields.Dict(keys=fields.String(validate=validate.Length(max=32)),
                          values=fields.String(validate=validate.Length(max=REASON_CEILING)))

    @pre_load
    def _collect_answers(self, data: Any, **_: Any) -> dict[str, Any]:
        form: MultiDict[str, str] = data
        repeated = [k for k in form if k.startswith((ANSWER_PREFIX, REASON_PREFIX))
                    and len(form.getlist(k)) > 1]
        if repeated:
            raise ValidationError("an answer was sent twice", "answers")
        return {
            "rid": form.get("rid"),
            "comment": form.get("comment", ""),
            "another_household": form.get("another_household", "") == "1",
            "answers": {
                k[len(ANSWER_PREFIX) :]: v for k, v in form.items() if k.startswith(ANSWER_PREFIX)
            },
            "reasons": {
                k[len(REASON_PREFIX) :]: v for k, v in form.items()
                if k.startswith(REASON_PREFIX) and v.strip()
            },
        }

    @post_load
    def _printable_comment(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["comment"] = without_control_characters(data["comment"])
        data["reasons"] = {k: without_control_characters(v) for k, v in data["reasons"].items()}
        return data


def without_control_characters(text: str) -> str:
    """Drop control characters (NUL, escapes...) but tabs and line breaks: no browser sends them
    from a text box, PostgreSQL refuses NUL in text, and escapes would garble a terminal."""
    return "".join(ch for ch in text if ch in "\t\n\r" or unicodedata.category(ch) != "Cc")


RESPONSE_FORM = ResponseFormSchema()  # schemas keep no state between loads


def read_response_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """rid, comment, answers (item id -> raw value) and reasons (item id -> text, the empty
    fields left out); Refused('form_tampered') when unreadable."""
    try:
        read: dict[str, Any] = RESPONSE_FORM.load(form)
    except ValidationError as exc:
        raise Refused("form_tampered", status=400, fields=sorted(exc.messages)) from exc
    return read
