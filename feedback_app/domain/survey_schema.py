"""The marshmallow schema of survey files: a broken file is refused field by field."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from .gsm import is_gsm7
from .survey import LANGUAGES, Item, Option, OverallRule, ScaleType, Survey

_ID = validate.Regexp(r"[a-z0-9][a-z0-9-]{1,62}\Z", error="Use lower-case letters, digits and '-'.")
_ITEM_ID = validate.Regexp(r"[a-z][a-z0-9_]{0,31}\Z", error="Use a-z, 0-9 and '_', starting with a letter.")


def _sms_text(max_length: int) -> fields.String:
    def check(value: str) -> None:
        if not is_gsm7(value) or re.search(r"[^\x20-\x7e]", value):
            raise ValidationError("SMS text must be plain ASCII without Vietnamese diacritics.")

    return fields.String(
        required=True, validate=[validate.Length(min=1, max=max_length), check]
    )


class SmsTexts(fields.Field[dict[str, str]]):
    """An SMS text in plain ASCII: one string (Vietnamese; English mode then falls back to the
    web text when it is plain enough), or a mapping {vi: ..., en: ...}. Loads as such a mapping."""

    def __init__(self, max_length: int) -> None:
        super().__init__(required=True)
        self._text = _sms_text(max_length)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, str]:
        if isinstance(value, str):
            return {"vi": str(self._text.deserialize(value))}
        if not isinstance(value, dict):
            raise ValidationError("Give a text, or a mapping with vi and en texts.")
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown:
            raise ValidationError(f"Unknown languages: {', '.join(map(str, unknown))}.")
        if "vi" not in value:
            raise ValidationError("The Vietnamese text (vi) is required.")
        loaded: dict[str, str] = {}
        errors: dict[str, Any] = {}
        for language, text in value.items():
            try:
                loaded[language] = str(self._text.deserialize(text))
            except ValidationError as exc:
                errors[language] = exc.messages
        if errors:
            raise ValidationError(errors)
        return loaded


class TextSchema(Schema):
    """A text in every language of the product."""

    class Meta:
        unknown = RAISE

    vi = fields.String(required=True, validate=validate.Length(min=1, max=500))
    en = fields.String(required=True, validate=validate.Length(min=1, max=500))


assert tuple(TextSchema().fields) == LANGUAGES


class OptionSchema(Schema):
    value = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=9))
    label = fields.Nested(TextSchema, required=True)
    sms = _sms_text(30)


class ScaleSchema(Schema):
    type = fields.Enum(ScaleType, by_value=True, required=True)
    options = fields.List(fields.Nested(OptionSchema), required=True)

    @validates_schema
    def _values_match_type(self, data: dict[str, Any], **_: Any) -> None:
        values = [option["value"] for option in data["options"]]
        if len(values) != len(set(values)):
            raise ValidationError("Each option value may appear only once.", "options")
        expected = data["type"].answer_values
        extra = set(values) - expected - {0}
        missing = expected - set(values)
        if extra or missing:
            raise ValidationError(
                f"A {data['type'].value} scale has the values {sorted(expected)} and optionally 0 "
                f"(no opinion); missing {sorted(missing)}, unexpected {sorted(extra)}.",
                "options",
            )


class ItemSchema(Schema):
    id = fields.String(required=True, validate=_ITEM_ID)
    text = fields.Nested(TextSchema, required=True)
    # A real question in plain words, no abbreviations: the SMS shows it with the reply options.
    sms = SmsTexts(90)
    overall = fields.Boolean(load_default=False)
    criterion = fields.Integer(strict=True, validate=validate.Range(min=1, max=99))


class CommentSchema(Schema):
    max_length = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2000))
    label = fields.Nested(TextSchema, required=True)


class SurveySchema(Schema):
    """A survey file: id, version, texts, answer scale and items (see docs/using.md, "Surveys")."""

    id = fields.String(required=True, validate=_ID)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    title = fields.Nested(TextSchema, required=True)
    description = fields.Nested(TextSchema, required=True)
    sms_name = SmsTexts(50)
    scale = fields.Nested(ScaleSchema, required=True)
    overall_rule = fields.Enum(OverallRule, by_value=True, required=True)
    items = fields.List(
        fields.Nested(ItemSchema), required=True, validate=validate.Length(min=1, max=40)
    )
    comment = fields.Nested(CommentSchema, required=True)

    @validates_schema
    def _items_consistent(self, data: dict[str, Any], **_: Any) -> None:
        ids = [item["id"] for item in data["items"]]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValidationError(f"Item ids must be unique: {', '.join(duplicates)}.", "items")
        overall = [item["id"] for item in data["items"] if item["overall"]]
        if data["overall_rule"] is OverallRule.OVERALL_ITEM and len(overall) != 1:
            raise ValidationError(
                "overall_rule 'overall_item' needs exactly one item with 'overall: true' "
                f"(found {len(overall)}).",
                "items",
            )
        if data["overall_rule"] is OverallRule.HALF_OF_VALID_ITEMS and overall:
            raise ValidationError(
                "overall_rule 'half_of_valid_items' takes no item marked 'overall'.", "items"
            )

    @post_load
    def _make_survey(self, data: dict[str, Any], **_: Any) -> Survey:
        return Survey(
            id=data["id"],
            version=data["version"],
            title=data["title"],
            description=data["description"],
            sms_name=data["sms_name"]["vi"],
            sms_name_en=data["sms_name"].get("en"),
            scale_type=data["scale"]["type"],
            options=tuple(Option(**option) for option in data["scale"]["options"]),
            overall_rule=data["overall_rule"],
            items=tuple(Item(**{**item, "sms": item["sms"]["vi"], "sms_en": item["sms"].get("en")})
                        for item in data["items"]),
            comment_max_length=data["comment"]["max_length"],
            comment_label=data["comment"]["label"],
        )


def flatten_errors(messages: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Turn marshmallow's nested error dict into (field path, problem) pairs, e.g. items.3.text.en."""
    if isinstance(messages, dict):
        out: list[tuple[str, str]] = []
        for key, value in messages.items():
            name = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
            out.extend(flatten_errors(value, name))
        return out
    if isinstance(messages, list):
        out = []
        for value in messages:
            out.extend(flatten_errors(value, prefix))
        return out
    return [(prefix or "(file)", str(messages))]


def parse_survey(data: Any) -> Survey:
    """Validate a decoded survey document; raises marshmallow.ValidationError."""
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["The file must hold a mapping (id, version, items...)."]})
    survey: Survey = SurveySchema().load(data)
    object.__setattr__(survey, "source", data)
    return survey
