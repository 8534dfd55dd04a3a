"""Flags per village, commune and campaign (services.verification.flags): the same rules on each
level's own facts, the unit's first, then the units directly below it."""

from __future__ import annotations

import uuid

from feedback_app.extensions import db
from feedback_app.services.campaigns.setup import get_campaign, get_unit
from feedback_app.services.responses.record import Channel, Submission, record_response
from feedback_app.services.verification.flags import children_flags, unit_flags

from ..support import all_answers


def _open_link(campaign, commune: str, n: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        record_response(Submission(campaign_key=campaign.key, channel=Channel.WEB,
                                   answers=all_answers(campaign, 1), client_uuid=str(uuid.uuid4()),
                                   commune_code=commune))
    db.session.commit()


def _found(campaign, code: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.ident for f in unit_flags(campaign, get_unit("vn-2025", code))]


def test_commune_and_campaign_levels(campaign) -> None:  # type: ignore[no-untyped-def]
    _open_link(campaign, "03390", 24)  # 24 of 40 households: 60.0 %, the campaign's minimum
    assert _found(campaign, "03390") == ["03390:straight_lining", "03390:coverage_at_minimum",
                                         "03390:open_link_share"]
    # the province pools its communes (24 of 125 households: far from the minimum), then lists each
    assert _found(campaign, "12") == ["12:straight_lining", "12:open_link_share",
                                      "03390:straight_lining", "03390:coverage_at_minimum",
                                      "03390:open_link_share"]
    _open_link(campaign, "03390", 17)  # 41 answers for 40 households, all satisfied
    assert "03390:above_register" in _found(campaign, "03390")
    assert "03390:all_satisfied" in _found(campaign, "03390")
    assert "03390:coverage_at_minimum" not in _found(campaign, "03390")


def test_village_level_in_the_demo(runner) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["demo"]).exit_code == 0
    campaign = get_campaign("demo-ntm-lai-chau")
    found = _found(campaign, "03390")
    assert found[:2] == ["03390:burst:device", "03390:burst:cadre"]
    villages = [ident for ident in found if not ident.startswith("03390:")]
    assert villages and all(ident.startswith("03390") for ident in villages)
    assert any(ident.endswith(":burst:cadre") for ident in villages)
    assert any(ident.endswith(":fast_completion") for ident in villages)
    assert _found(campaign, "03394") == []  # the other demo communes raise nothing


def test_a_committee_page_reads_its_children_s_flags_in_one_pass(runner) -> None:  # type: ignore[no-untyped-def]
    """children_flags gives, for each unit below the province, exactly what unit_flags gives it
    alone (its own flags and its villages'), from one read of the province's responses."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    campaign = get_campaign("demo-ntm-lai-chau")
    province = get_unit("vn-2025", "12")
    by_child = children_flags(campaign, province)
    communes = {c.unit_id: c.unit for c in campaign.communes}
    assert set(by_child) == set(communes)
    for commune_id, commune in communes.items():
        assert [f.ident for f in by_child[commune_id]] == [f.ident for f in unit_flags(campaign, commune)]
    assert any(by_child.values())  # the demo raises flags in 03390 and its villages
