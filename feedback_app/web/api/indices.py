"""Satisfaction indices of a campaign at a unit: public (small cells hidden) and committee (counts)."""

from __future__ import annotations

from typing import Any

from ...services.indices.document import index_document
from ...services.indices.index import campaign_index
from .base import api_blueprint, committee
from .schemas import ApiErrorSchema, CommitteeIndexSchema, IndexQuerySchema, PublicIndexSchema

NOT_FOUND = "unknown_campaign, unknown_unit, unit_not_in_campaign"
blp = api_blueprint("indices", __name__, "Satisfaction indices rolled up the administrative tree.")


@blp.get("/campaigns/<key>/index")
@blp.arguments(IndexQuerySchema, location="query")
@blp.response(200, PublicIndexSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description=NOT_FOUND)
def public_index(query: dict[str, Any], key: str) -> dict[str, Any]:
    """The index for residents: rates, intervals and verdicts, but no answer counts, and no rate
    from fewer than 5 valid answers (`too_few_answers`)."""
    report = campaign_index(key, query["unit"], query["scheme"], query["depth"])
    return index_document(report, public=True)


@blp.get("/committee/campaigns/<key>/index")
@blp.arguments(IndexQuerySchema, location="query")
@blp.response(200, CommitteeIndexSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="token_required, token_invalid")
@blp.alt_response(403, schema=ApiErrorSchema, description="out_of_scope: the token's unit is not this unit "
                                                       "or above it")
@blp.alt_response(404, schema=ApiErrorSchema, description=NOT_FOUND)
@blp.doc(security=[{"committeeToken": []}])
def committee_index(query: dict[str, Any], key: str) -> dict[str, Any]:
    """The index for Front committees, with every count. The default unit is the campaign's unit,
    or the token's own unit when the campaign's is above it."""
    report = campaign_index(key, query["unit"], query["scheme"], query["depth"], principal=committee())
    return index_document(report, public=False)
