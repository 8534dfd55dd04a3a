"""Response submission: the contract the offline PWA relies on (keep it exactly).

POST /api/v1/responses {"uuid", "household_code" | ("campaign" and "commune"), "answers", "comment",
"reasons"}
-> 201 recorded; 200 the same when the same UUID is replayed with the same content (no new row);
409 uuid_conflict | code_used | device_answered (an open link answered before from this browser,
without "another_household": true); 403 campaign_closed | campaign_not_open | channel_closed;
404 code_unknown | unknown_campaign | unknown_commune; 400 malformed JSON; 422 invalid (field errors).
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, after_this_request, request

from ...services.responses.record import Channel, Submission, record_response
from .. import device, provenance
from ..limits import answer_submissions, code_lookups, failed_code_lookups
from .base import api_blueprint
from .schemas import ApiErrorSchema, RecordedSchema, SubmissionSchema

blp = api_blueprint("responses", __name__, "One household's answers, idempotent on a client UUID.")


@blp.before_request
def _json_only() -> None:
    if request.method == "POST" and not request.is_json:
        abort(415)


@blp.post("/responses")
@blp.arguments(SubmissionSchema, location="json")
@blp.response(201, RecordedSchema, description="recorded")
@blp.alt_response(200, schema=RecordedSchema, description="the same UUID and content again: nothing added")
@blp.alt_response(400, schema=ApiErrorSchema, description="malformed_json")
@blp.alt_response(403, schema=ApiErrorSchema,
                  description="campaign_closed, campaign_not_open, channel_closed")
@blp.alt_response(404, schema=ApiErrorSchema, description="code_unknown, unknown_campaign, unknown_commune")
@blp.alt_response(409, schema=ApiErrorSchema, description="uuid_conflict, code_used, device_answered")
@blp.alt_response(415, schema=ApiErrorSchema, description="unsupported_media_type: not JSON")
@blp.alt_response(422, schema=ApiErrorSchema, description="invalid: errors per field")
@blp.alt_response(429, schema=ApiErrorSchema, description="too_many_requests (Retry-After)")
@answer_submissions
@code_lookups
@failed_code_lookups
def submit(body: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Record one household's answers (channel web). An open-link answer marks this browser
    (web/device.py); the next one from it needs "another_household": true."""
    open_link = not body["household_code"]
    marked = open_link and bool(body["campaign"]) and device.answered_before(request, body["campaign"])
    recorded = record_response(Submission(
        campaign_key=body["campaign"],
        channel=Channel.WEB,
        answers=body["answers"],
        client_uuid=str(body["uuid"]),
        household_code=body["household_code"],
        commune_code=body["commune"],
        comment=body["comment"] or "",
        device_answered_before=marked and not body["another_household"],
        reasons=body["reasons"],
        provenance=provenance.provenance(request, body.get("started")),
    ))
    response = recorded.response
    result = {"uuid": response.uuid, "status": "recorded", "campaign": response.campaign.key,
              "commune": response.commune.code}
    if open_link:
        campaign_key = response.campaign.key

        @after_this_request
        def _mark(reply: Response) -> Response:
            device.mark_answered(request, reply, campaign_key)
            return reply
    return result, 201 if recorded.created else 200
