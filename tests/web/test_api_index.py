"""Index endpoints: public (small cells hidden), committee (counts, behind a scoped token), the CLI
printing the same object, campaigns and units browsing, the OpenAPI document."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import ApiToken

from ..indices_support import submit

PUBLIC = "/api/v1/campaigns/test-campaign/index"
COMMITTEE = "/api/v1/committee/campaigns/test-campaign/index"


@pytest.fixture
def answered(campaign):  # type: ignore[no-untyped-def]
    """Bình Lư: 6 responses (5 satisfied); Tả Lèng: 4 (small cell)."""
    for value in (1, 1, 1, 1, 1, 2):
        submit(campaign, "03390", value=value)
    for value in (1, 1, 1, 2):
        submit(campaign, "03430", value=value)
    db.session.commit()
    return campaign


def token_for(runner, unit: str) -> str:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["api-tokens", "create", "--unit", unit, "--name", f"MTTQ {unit}"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_public_index_hides_counts_and_small_cells(client, answered):
    body = client.get(PUBLIC).get_json()
    assert body["unit"]["code"] == "12"
    assert (body["respondents"], body["households"], body["rate"]) == (10, 65, 0.8)
    assert body["too_few_answers"] is False
    assert "satisfied" not in body and "valid" not in body
    binh_lu, ta_leng = body["children"]
    assert binh_lu["rate"] == 0.8333 and binh_lu["too_few_answers"] is False
    assert binh_lu["ci_low"] < 0.8333 < binh_lu["ci_high"]
    assert ta_leng["respondents"] == 4
    assert ta_leng["too_few_answers"] is True
    assert (ta_leng["rate"], ta_leng["ci_low"], ta_leng["ci_high"]) == (None, None, None)
    assert ta_leng["verdict"] == "insufficient"  # 4 of 25 households: says nothing about answers
    assert all(item["rate"] is None and item["too_few_answers"] for item in ta_leng["items"])
    assert all(set(item) == {"id", "rate", "ci_low", "ci_high", "too_few_answers"}
               for item in ta_leng["items"])


def test_public_verdict_of_a_small_cell_is_hidden_unless_insufficient(client, make_campaign, app):
    campaign = make_campaign(codes=0, min_coverage=0)
    for _ in range(4):
        submit(campaign, "03430")
    db.session.commit()
    commune = client.get(PUBLIC, query_string={"unit": "03430"}).get_json()
    assert (commune["rate"], commune["verdict"], commune["too_few_answers"]) == (None, None, True)


def test_committee_index_needs_a_token(client, answered):
    missing = client.get(COMMITTEE)
    assert missing.status_code == 401 and missing.get_json()["reason"] == "token_required"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.get(COMMITTEE, headers=bearer("not-a-token"))
    assert wrong.status_code == 401 and wrong.get_json()["reason"] == "token_invalid"


def test_committee_index_shows_counts_within_the_token_scope(client, runner, answered):
    province = token_for(runner, "12")
    body = client.get(COMMITTEE, headers=bearer(province)).get_json()
    assert (body["satisfied"], body["valid"], body["no_opinion"]) == (8, 10, 0)
    ta_leng = body["children"][1]
    assert (ta_leng["satisfied"], ta_leng["valid"], ta_leng["rate"]) == (3, 4, 0.75)

    commune = token_for(runner, "03430")
    own = client.get(COMMITTEE, query_string={"unit": "03430"}, headers=bearer(commune))
    assert own.status_code == 200 and own.get_json()["valid"] == 4
    default = client.get(COMMITTEE, headers=bearer(commune)).get_json()
    assert default["unit"]["code"] == "03430"  # the campaign's province is above the token's unit
    sibling = client.get(COMMITTEE, query_string={"unit": "03390"}, headers=bearer(commune))
    assert sibling.status_code == 403 and sibling.get_json()["reason"] == "out_of_scope"
    above = client.get(COMMITTEE, query_string={"unit": "12"}, headers=bearer(commune))
    assert above.status_code == 403


def test_tokens_are_stored_hashed_shown_once_and_revocable(client, runner, answered):
    token = token_for(runner, "12")
    row = db.session.scalar(select(ApiToken))
    assert token not in (row.token_hash, row.name) and len(token) >= 40
    listed = runner.invoke(args=["api-tokens", "list"]).output
    assert "MTTQ 12" in listed and token not in listed and "active" in listed
    assert runner.invoke(args=["api-tokens", "revoke", str(row.id)]).exit_code == 0
    assert client.get(COMMITTEE, headers=bearer(token)).status_code == 401


def test_cli_prints_the_same_object_as_the_committee_api(client, runner, answered):
    api = client.get(COMMITTEE, query_string={"depth": 1}, headers=bearer(token_for(runner, "12")))
    result = runner.invoke(args=["indices", "show", "--campaign", "test-campaign", "--unit", "12",
                                 "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == api.get_json()
    required = {"unit", "respondents", "households", "coverage", "rate", "ci_low", "ci_high", "verdict",
                "items", "children", "communes_meeting", "communes_total"}
    assert required <= set(printed)
    assert required <= set(printed["children"][0])
    assert {"id", "satisfied", "valid", "rate"} <= set(printed["items"][0])

    public = runner.invoke(args=["indices", "show", "--campaign", "test-campaign", "--json", "--public"])
    assert json.loads(public.output) == client.get(PUBLIC).get_json()


def test_cli_prints_a_readable_table(runner, answered):
    result = runner.invoke(args=["indices", "show", "--campaign", "test-campaign"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Campaign test-campaign") and "threshold 90.0 %" in lines[0]
    province = next(line for line in lines if line.startswith("Tỉnh Lai Châu (12)"))
    assert re.search(r"\b10\s+65\s+15\.4 %\s+8/10\s+80\.0 %", province)
    assert "insufficient" in province and province.endswith("0/2")
    assert any(line.startswith("  Xã Tả Lèng (03430)") for line in lines)
    unknown = runner.invoke(args=["indices", "show", "--campaign", "nope"])
    assert unknown.exit_code == 1 and "unknown campaign" in unknown.output


def test_index_errors_are_json(client, answered):
    assert client.get("/api/v1/campaigns/nope/index").get_json()["reason"] == "unknown_campaign"
    unknown = client.get(PUBLIC, query_string={"unit": "99999"})
    assert (unknown.status_code, unknown.get_json()["reason"]) == (404, "unknown_unit")
    deep = client.get(PUBLIC, query_string={"depth": 9})
    assert deep.status_code == 422 and "depth" in deep.get_json()["errors"]


def test_campaigns_and_units_can_be_browsed(client, answered):
    campaigns = client.get("/api/v1/campaigns").get_json()
    assert [c["key"] for c in campaigns] == ["test-campaign"]
    assert campaigns[0]["state"] == "open" and campaigns[0]["communes"] == 2
    assert client.get("/api/v1/campaigns/test-campaign").get_json()["threshold"] == 0.9
    assert client.get("/api/v1/campaigns/nope").status_code == 404
    top = client.get("/api/v1/units", query_string={"scheme": "vn-2025"}).get_json()
    assert [(u["code"], u["children"]) for u in top] == [("VN", 1)]  # the country, then provinces
    provinces = client.get("/api/v1/units", query_string={"parent": "VN"}).get_json()
    assert [u["code"] for u in provinces] == ["12"]
    children = client.get("/api/v1/units", query_string={"parent": "12"}).get_json()
    assert [u["code"] for u in children] == ["03388", "03390", "03430"]
    unit = client.get("/api/v1/units/vn-2025/03390").get_json()
    assert [a["code"] for a in unit["ancestors"]] == ["VN", "12"] and unit["parent"] == "12"
    assert client.get("/api/v1/units/vn-2025/99999").status_code == 404


def test_openapi_document_describes_the_api(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in ("/api/v1/campaigns", "/api/v1/units", "/api/v1/campaigns/{key}/index",
                 "/api/v1/committee/campaigns/{key}/index", "/api/v1/responses"):
        assert path in paths
    assert paths["/api/v1/committee/campaigns/{key}/index"]["get"]["security"] == [{"committeeToken": []}]
    assert "committeeToken" in spec["components"]["securitySchemes"]
    post = paths["/api/v1/responses"]["post"]
    assert {"200", "201", "400", "409", "422"} <= set(post["responses"])
    assert "uuid" in spec["components"]["schemas"]["Submission"]["required"]
