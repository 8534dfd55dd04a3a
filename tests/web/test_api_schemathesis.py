"""Schemathesis over /api/v1/openapi.json, in-process (WSGI): generated requests to every operation,
valid and invalid, never get a 5xx and every response matches the document (status code, content
type, body schema). Committee endpoints are called with a valid token for the campaign's unit.

(The operations are run from one test: schemathesis' pytest plugin does not work with pytest 9.)
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from feedback_app.extensions import db

from ..indices_support import submit
from .test_api_index import token_for

# Schema-valid requests may still be refused on purpose: answers must fit the campaign's survey,
# and a response names a household code or a campaign and commune (the document cannot say
# "one of"); both are refused with a 422 naming the field. Every other check runs.
NOT_EXPRESSIBLE = [schemathesis.checks.positive_data_acceptance]
MAX_EXAMPLES = 50  # per operation; the whole test stays well under a minute


def test_api_never_fails_and_matches_its_document(app, campaign, runner, monkeypatch):  # type: ignore[no-untyped-def]
    for value in (1, 1, 2):
        submit(campaign, "03390", value=value)
    db.session.commit()
    # identity: schemathesis's WSGI transport does not decode a gzipped body (Flask-Compress gzips
    # JSON from 500 bytes on, which the campaign list passes once campaigns carry their rules).
    headers = {"Authorization": f"Bearer {token_for(runner, campaign.unit.code)}",
               "Accept-Encoding": "identity"}
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, excluded_checks=NOT_EXPRESSIBLE)

        check()


def test_control_characters_name_nothing_and_reach_no_database(client, campaign):  # type: ignore[no-untyped-def]
    """PostgreSQL refuses NUL in text: such a code is refused before any query, never a 500."""
    query = client.get("/api/v1/units?parent=%00&scheme=vn-2025&lang=en")
    assert query.status_code == 422
    assert query.json["errors"] == {"parent": ["This field may not contain control characters."]}
    path = client.get("/api/v1/campaigns/test%00campaign")
    assert path.status_code == 404 and path.is_json
    assert client.get("/c/test-campaign/03%00390").status_code == 404
    body = client.post("/api/v1/responses", json={
        "uuid": "8d9b2d9e-0a39-4a8e-9d0c-3f1f0f5b2a11", "campaign": "test-campaign",
        "commune": "03390\x00", "answers": {"overall": 1}})
    assert body.status_code == 422 and "commune" in body.json["errors"]
