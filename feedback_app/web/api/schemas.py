"""marshmallow schemas of the JSON API: they parse what comes in, shape what goes out, and are the
OpenAPI document (/api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from ...services.indices.document import DECIMALS
from ...services.indices.index import MAX_DEPTH
from ..resident.forms import without_control_characters

# Codes, keys and schemes are printable text: a control character (PostgreSQL refuses NUL in any
# text) is a 422 naming the field, not a database error.
Printable = validate.Regexp(r"\A[^\x00-\x1f\x7f]*\Z",
                            error=_l("This field may not contain control characters."))


def _text(max_length: int, message: Any = None) -> validate.And:
    return validate.And(validate.Length(min=1, max=max_length, error=message), Printable)


Number = fields.Float(allow_none=True, metadata={"description": f"0 to 1, rounded to {DECIMALS} decimals"})


class ApiErrorSchema(Schema):
    reason = fields.String(required=True, metadata={"description": "machine-readable reason"})
    message = fields.String(required=True, metadata={"description": "a sentence in the request's language"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "field -> messages (422 only)"})


class UnitRefSchema(Schema):
    scheme = fields.String()
    code = fields.String()
    name = fields.String()
    name_en = fields.String()
    level = fields.String()


class UnitSchema(UnitRefSchema):
    unit_type = fields.String()
    parent = fields.String(allow_none=True, metadata={"description": "parent's code, same scheme"})
    households = fields.Integer(allow_none=True)
    households_synthetic = fields.Boolean()
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    children = fields.Integer(metadata={"description": "number of child units"})


class SuccessionSchema(Schema):
    unit = fields.Nested(UnitRefSchema)
    share = fields.String(metadata={"description": "whole | part"})


class UnitDetailSchema(UnitSchema):
    ancestors = fields.List(fields.Nested(UnitRefSchema))
    child_units = fields.List(fields.Nested(UnitSchema))
    successors = fields.List(fields.Nested(SuccessionSchema))
    predecessors = fields.List(fields.Nested(SuccessionSchema))


class UnitQuerySchema(Schema):
    scheme = fields.String(load_default="vn-2025", validate=_text(32))
    parent = fields.String(load_default=None, validate=_text(16),
                           metadata={"description": "list this unit's children (default: top units)"})


class CampaignSchema(Schema):
    key = fields.String()
    title = fields.String(metadata={"description": "the campaign's human title"})
    survey = fields.String()
    survey_version = fields.Integer()
    unit = fields.Nested(UnitRefSchema)
    opens_on = fields.Date()
    closes_on = fields.Date()
    state = fields.String(metadata={"description": "not_open | open | closed"})
    min_coverage = fields.Float()
    threshold = fields.Float(metadata={"description": "the overall threshold"})
    item_threshold = fields.Float(allow_none=True, metadata={"description": "null: items not judged"})
    item_rule = fields.String(allow_none=True, metadata={"description": "each | average | null"})
    commune_floor = fields.Float(allow_none=True, metadata={
        "description": "every commune must reach it on every item (null: none)"})
    posting_days = fields.Integer()
    household_codes = fields.Boolean()
    open_link = fields.Boolean()
    communes = fields.Integer()


class IndexQuerySchema(Schema):
    unit = fields.String(load_default=None, validate=_text(16),
                         metadata={"description": "unit code (default: the campaign's unit)"})
    scheme = fields.String(load_default=None, validate=_text(32),
                           metadata={"description": "scheme of the unit (default: the campaign's); "
                                                    "another scheme re-expresses the campaign"})
    depth = fields.Integer(load_default=1, validate=validate.Range(min=0, max=MAX_DEPTH),
                           metadata={"description": "levels of children to include"})


class CommitteeItemSchema(Schema):
    id = fields.String()
    satisfied = fields.Integer()
    valid = fields.Integer()
    no_opinion = fields.Integer()
    rate = Number
    ci_low = Number
    ci_high = Number


class PublicItemSchema(Schema):
    id = fields.String()
    rate = Number
    ci_low = Number
    ci_high = Number
    too_few_answers = fields.Boolean(metadata={"description": "fewer than 5 valid answers: no rate"})


class ReasonSchema(Schema):
    rule = fields.String(metadata={
        "description": "coverage | valid_answers | overall | item | items_average | commune_floor"})
    unit = fields.String(metadata={"description": "code of the judged unit (commune_floor: the commune)"})
    item = fields.String(allow_none=True, metadata={"description": "item id (item, commune_floor)"})
    value = Number
    limit = Number


class RulesSchema(Schema):
    min_coverage = Number
    overall_threshold = Number
    item_threshold = Number
    item_rule = fields.String(allow_none=True, metadata={"description": "each | average | null"})
    commune_floor = Number
    posting_days = fields.Integer(allow_none=True)


class _NodeSchema(Schema):
    unit = fields.Nested(UnitRefSchema)
    respondents = fields.Integer()
    households = fields.Integer(allow_none=True)
    coverage = Number
    rate = Number
    ci_low = Number
    ci_high = Number
    verdict = fields.String(allow_none=True, metadata={
        "description": "meets | does_not_meet | insufficient (public: null when too few answers)"})
    communes_meeting = fields.Integer()
    communes_total = fields.Integer()
    verdict_reasons = fields.List(fields.Nested(ReasonSchema), metadata={
        "description": "the rules that decided the verdict: for meets, every rule checked with its "
                       "tightest value; otherwise the rules that failed (public: [] when the verdict "
                       "is hidden, a value from fewer than 5 valid answers null)"})


_CHILDREN = "child units (the same object); null when not expanded, [] for a commune"


class CommitteeNodeSchema(_NodeSchema):
    satisfied = fields.Integer()
    valid = fields.Integer()
    no_opinion = fields.Integer()
    items = fields.List(fields.Nested(CommitteeItemSchema))
    children = fields.List(fields.Nested("CommitteeNodeSchema"), allow_none=True,
                           metadata={"description": _CHILDREN})


class PublicNodeSchema(_NodeSchema):
    too_few_answers = fields.Boolean()
    items = fields.List(fields.Nested(PublicItemSchema))
    children = fields.List(fields.Nested("PublicNodeSchema"), allow_none=True,
                           metadata={"description": _CHILDREN})


class ReexpressionSchema(Schema):
    complete = fields.Boolean()
    split = fields.List(fields.Dict(), metadata={"description": "old units split between new units"})
    unmapped = fields.List(fields.Nested(UnitRefSchema))
    left_out = fields.List(fields.Dict(), metadata={
        "description": "new units left out: they received part of a split unit"})


class _RootFields(Schema):
    campaign = fields.String()
    campaign_title = fields.String()
    rules = fields.Nested(RulesSchema)
    survey = fields.String()
    survey_version = fields.Integer()
    scheme = fields.String()
    campaign_scheme = fields.String()
    threshold = fields.Float()
    min_coverage = fields.Float()
    min_public_valid = fields.Integer()
    reexpression = fields.Nested(ReexpressionSchema, allow_none=True)


class CommitteeIndexSchema(_RootFields, CommitteeNodeSchema):
    """A campaign's index at a unit, with every count (committees)."""


class PublicIndexSchema(_RootFields, PublicNodeSchema):
    """A campaign's index at a unit for residents: no counts, small cells hidden."""


def _required(message: Any) -> dict[str, Any]:
    return {"required": message, "null": _l("Field may not be null.")}


class SubmissionSchema(Schema):
    """What the PWA posts. Unknown fields are ignored, so that newer clients still get through."""

    class Meta:
        unknown = EXCLUDE

    uuid = fields.UUID(required=True, error_messages=_required(_l("Missing data for required field.")),
                       metadata={"description": "client-generated idempotency key"})
    household_code = fields.String(load_default=None, validate=_text(
        40, _l("A household code has 15 digits.")))
    campaign = fields.String(load_default=None, validate=_text(64, _l("Not a campaign key.")))
    commune = fields.String(load_default=None, validate=_text(16, _l("Not a commune code.")))
    answers = fields.Dict(keys=fields.String(validate=validate.And(validate.Length(
                              max=32, error=_l("Not a question id.")), Printable)),
                          values=fields.Integer(strict=True), required=True,
                          error_messages=_required(_l("Missing data for required field.")),
                          metadata={"description": "item id -> answer value"})
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(
        max=20_000, error=_l("The comment is too long.")))
    another_household = fields.Boolean(load_default=False, metadata={
        "description": "open link only: the person confirmed that this answer is for another "
                       "household than the one that answered before from this browser"})
    started = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100), metadata={
        "description": "the survey page's signed 'started' field, as served (the completion time "
                       "is measured from it; a missing or altered value records none)"})
    reasons = fields.Dict(
        keys=fields.String(validate=validate.And(validate.Length(
            max=32, error=_l("Not a question id.")), Printable)),
        values=fields.String(validate=validate.Length(max=2_000, error=_l("The reason is too long."))),
        load_default=None, allow_none=True, validate=validate.Length(
            max=40, error=_l("At most one reason per question.")),
        metadata={"description": "item id -> the household's short reason, kept only with a "
                                 "'not satisfied' answer to an item whose survey asks for one "
                                 "(its length limit is the survey's)"})

    @post_load
    def _printable_comment(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("comment"):
            data["comment"] = without_control_characters(data["comment"])
        data["reasons"] = {item: without_control_characters(text)
                           for item, text in (data.get("reasons") or {}).items()}
        return data

    @validates_schema
    def _who(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("household_code"):
            if data.get("commune"):
                raise ValidationError(_l("Give either a household code or a commune, not both."),
                                      "commune")
            return
        missing = [f for f in ("campaign", "commune") if not data.get(f)]
        if missing:
            message = _l("Give a household code, or a campaign and a commune.")
            raise ValidationError({f: [message] for f in missing})


class RecordedSchema(Schema):
    uuid = fields.String()
    status = fields.String(metadata={"description": "recorded"})
    campaign = fields.String()
    commune = fields.String()
