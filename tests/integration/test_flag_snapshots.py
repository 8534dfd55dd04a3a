"""Kept flags (models.FlagSnapshot): a page uses the flags last computed while nothing they depend on
has changed, and computes again, from the responses, only the units where something did; what it
shows is always what computing them afresh gives."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import delete

from feedback_app.extensions import db
from feedback_app.models import CampaignCommune, FlagSnapshot
from feedback_app.services.campaigns.setup import get_campaign, get_unit
from feedback_app.services.responses.record import Channel, Provenance, Submission, record_response
from feedback_app.services.verification import flags as flags_service
from feedback_app.services.verification.flags import children_flags, unit_flags
from feedback_app.services.verification.settings import set_campaign_settings

from ..committee_support import logged_in, make_account
from ..support import all_answers


@pytest.fixture
def demo(runner):  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["demo"]).exit_code == 0
    return get_campaign("demo-ntm-lai-chau")


@pytest.fixture
def reads(monkeypatch):  # type: ignore[no-untyped-def]
    """The communes each read of the responses asked for, in order."""
    asked: list[set[int]] = []
    read = flags_service._rows

    def counted(campaign, commune_ids: Collection[int]):  # type: ignore[no-untyped-def]
        asked.append(set(commune_ids))
        return read(campaign, commune_ids)
    monkeypatch.setattr(flags_service, "_rows", counted)
    return asked


def _records(by_unit) -> dict[int, list[dict[str, object]]]:  # type: ignore[no-untyped-def]
    return {unit_id: [f.record() for f in flags] for unit_id, flags in by_unit.items()}


def _afresh(campaign) -> dict[int, list[dict[str, object]]]:  # type: ignore[no-untyped-def]
    """children_flags of the province with nothing kept (in a savepoint, so the kept rows stay)."""
    nested = db.session.begin_nested()
    db.session.execute(delete(FlagSnapshot))
    fresh = _records(children_flags(campaign, get_unit("vn-2025", "12")))
    nested.rollback()
    return fresh


def _one_answer(campaign, commune: str, seconds: int = 300) -> None:  # type: ignore[no-untyped-def]
    record_response(Submission(campaign_key=campaign.key, channel=Channel.WEB,
                               answers=all_answers(campaign, 1), client_uuid=str(uuid.uuid4()),
                               commune_code=commune, provenance=Provenance(seconds=seconds)))
    db.session.commit()


def test_a_second_view_reads_no_response_and_shows_the_same_flags(demo, reads) -> None:  # type: ignore[no-untyped-def]
    province = get_unit("vn-2025", "12")
    first = _records(children_flags(demo, province))
    db.session.commit()
    assert reads == [{c.unit_id for c in demo.communes}]  # one read of the province's responses
    assert any(first.values())
    second = _records(children_flags(demo, province))
    for commune in demo.communes:  # a commune's own flags are the same kept ones
        assert [f.record() for f in unit_flags(demo, commune.unit)] == first[commune.unit_id]
    assert len(reads) == 1 and second == first == _afresh(demo)


def test_a_new_answer_reads_again_only_its_commune(demo, reads) -> None:  # type: ignore[no-untyped-def]
    province = get_unit("vn-2025", "12")
    children_flags(demo, province)
    db.session.commit()
    quiet = get_unit("vn-2025", "03394")
    assert _records(children_flags(demo, province))[quiet.id] == []
    for _ in range(10):  # ten answers in seconds: the median completion time becomes very short
        _one_answer(demo, "03394", seconds=5)
    reads.clear()
    after = _records(children_flags(demo, province))
    assert reads == [{quiet.id}]
    assert "fast_completion" in [flag["rule"] for flag in after[quiet.id]]
    assert after == _afresh(demo)


def test_the_settings_the_window_and_the_register_each_compute_again(demo, reads) -> None:  # type: ignore[no-untyped-def]
    commune = get_unit("vn-2025", "03390")

    def rules() -> list[str]:
        found = [f"{f.flag.rule.value}" for f in unit_flags(demo, commune) if f.unit.id == commune.id]
        db.session.commit()
        return found

    assert "burst" in rules() and len(reads) == 1
    assert "burst" in rules() and len(reads) == 1  # kept
    set_campaign_settings(demo, {"burst_answers": 1000})
    db.session.commit()
    assert "burst" not in rules() and len(reads) == 2

    assert "above_register" not in rules() and len(reads) == 2
    row = db.session.scalar(db.select(CampaignCommune).filter_by(campaign_id=demo.id, unit_id=commune.id))
    row.households = 1
    db.session.commit()
    assert "above_register" in rules() and len(reads) == 3

    assert "outside_window" not in rules()
    demo.opens_on = demo.opens_on + timedelta(days=400)  # every answer now before the window
    demo.closes_on = demo.closes_on + timedelta(days=400)
    db.session.commit()
    assert "outside_window" in rules() and len(reads) == 4


def test_the_province_page_keeps_what_it_computed(app, demo, reads) -> None:  # type: ignore[no-untyped-def]
    """A committee's page (a GET) keeps the flags it computed: the next view reads no response."""
    make_account("tinh-kept", "12")
    g.pop("csrf_token", None)
    client = logged_in(app.test_client(), "tinh-kept")
    url = f"/committee/campaigns/{demo.key}/units/12"
    first = client.get(url)
    assert first.status_code == 200 and 'data-flag="03390:burst:device"' in first.text
    assert len(reads) == 1
    g.pop("csrf_token", None)
    second = client.get(url)
    assert second.status_code == 200 and 'data-flag="03390:burst:device"' in second.text
    assert len(reads) == 1
