"""Campaigns and administrative units (public)."""

from __future__ import annotations

from typing import Any

from ...clock import local_today
from ...models import Unit
from ...services.campaigns import catalogue
from ...services.campaigns.setup import campaign_title
from ...services.indices.document import unit_ref
from .base import api_blueprint
from .schemas import ApiErrorSchema, CampaignSchema, UnitDetailSchema, UnitQuerySchema, UnitSchema

blp = api_blueprint("catalogue", __name__, "Campaigns and the administrative units they survey.")


def _campaign(info: catalogue.CampaignInfo) -> dict[str, Any]:
    c = info.campaign
    return {
        "key": c.key, "title": campaign_title(c), "survey": c.survey_version.survey_id,
        "survey_version": c.survey_version.version,
        "unit": unit_ref(c.unit), "opens_on": c.opens_on, "closes_on": c.closes_on,
        "state": info.state.value, "min_coverage": float(c.min_coverage), "threshold": float(c.threshold),
        "item_threshold": None if c.item_threshold is None else float(c.item_threshold),
        "item_rule": c.item_rule, "posting_days": c.posting_days,
        "commune_floor": None if c.commune_floor is None else float(c.commune_floor),
        "household_codes": c.household_codes, "open_link": c.open_link, "communes": info.communes,
    }


def _unit(unit: Unit, children: int) -> dict[str, Any]:
    return {
        **unit_ref(unit), "unit_type": unit.unit_type, "parent": unit.parent.code if unit.parent else None,
        "households": unit.households, "households_synthetic": unit.households_synthetic,
        "valid_from": unit.valid_from, "valid_to": unit.valid_to, "children": children,
    }


@blp.get("/campaigns")
@blp.response(200, CampaignSchema(many=True))
def campaigns() -> list[dict[str, Any]]:
    """Every campaign, newest first, with its state today (not_open, open, closed)."""
    return [_campaign(info) for info in catalogue.list_campaigns(local_today())]


@blp.get("/campaigns/<key>")
@blp.response(200, CampaignSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="unknown_campaign")
def campaign(key: str) -> dict[str, Any]:
    """One campaign."""
    return _campaign(catalogue.campaign_info(key, local_today()))


@blp.get("/units")
@blp.arguments(UnitQuerySchema, location="query")
@blp.response(200, UnitSchema(many=True))
@blp.alt_response(404, schema=ApiErrorSchema, description="unknown_unit (the parent)")
def units(query: dict[str, Any]) -> list[dict[str, Any]]:
    """The top units of a scheme (provinces), or the children of `parent`: browse the tree."""
    return [_unit(row.unit, row.children)
            for row in catalogue.list_units(query["scheme"], query["parent"])]


@blp.get("/units/<scheme>/<code>")
@blp.response(200, UnitDetailSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="unknown_unit")
def unit(scheme: str, code: str) -> dict[str, Any]:
    """One unit with its ancestors, its children and its successors or predecessors in other schemes."""
    detail = catalogue.unit_detail(scheme, code)
    return {
        **_unit(detail.unit, len(detail.children)),
        "ancestors": [unit_ref(u) for u in detail.ancestors],
        "child_units": [_unit(row.unit, row.children) for row in detail.children],
        "successors": [{"unit": unit_ref(u), "share": share} for u, share in detail.successors],
        "predecessors": [{"unit": unit_ref(u), "share": share} for u, share in detail.predecessors],
    }
