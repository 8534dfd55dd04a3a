"""Village counters: kept with each response, equal to an independent count of the raw answers
(plain Python over the stored rows, not the rebuild's SQL), rebuilt by `indices rebuild`; the
campaign's register is a copy taken when its codes are first issued."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction

import pytest
from sqlalchemy import select, update

from feedback_app.domain.access import Principal, Role
from feedback_app.domain.index import Verdict
from feedback_app.extensions import db
from feedback_app.models import (
    Answer,
    HouseholdCode,
    Response,
    Unit,
    VillageCounter,
    VillageItemCounter,
)
from feedback_app.services.campaigns.register import code_counts
from feedback_app.services.campaigns.setup import (
    NewCampaign,
    campaign_commune,
    campaign_rules,
    create_campaign,
    issue_codes,
)
from feedback_app.services.errors import Refused
from feedback_app.services.indices.index import content_items
from feedback_app.services.indices.rebuild import rebuild
from feedback_app.services.indices.villages import public_rows, village_rows
from feedback_app.services.responses.record import Channel
from feedback_app.services.surveys import survey_of
from feedback_app.services.units import villages as register

from ..indices_support import counter_rows, submit


def _officer(code: str = "03390") -> Principal:
    commune = db.session.scalars(select(Unit).filter_by(code=code)).one()
    return Principal("officer", Role.OFFICER, commune.id)


@pytest.fixture
def with_villages(make_campaign):  # type: ignore[no-untyped-def]
    campaign = make_campaign(codes=0, key="villages-campaign")
    officer = _officer()
    for name, households in (("Thôn Một", 12), ("Bản Hai", 7), ("Ấp Ba", 3)):
        register.add_village(officer, "03390", {"name": name, "households": str(households)})
    commune = campaign_commune(campaign, "03390")
    assert issue_codes(campaign, commune) == 22
    db.session.commit()
    return campaign


def _codes(campaign, village: str) -> list[str]:  # type: ignore[no-untyped-def]
    unit = db.session.scalars(select(Unit).filter_by(name=village)).one()
    return list(db.session.scalars(select(HouseholdCode.code).filter_by(campaign_id=campaign.id,
                                                                       village_id=unit.id)))


def _independent_count(campaign) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    """Village counters recomputed in Python from the stored responses and their codes."""
    survey = survey_of(campaign.survey_version)
    villages: dict[int, Counter[str]] = {}
    items: dict[tuple[int, str], Counter[str]] = {}
    code_village = {i: v for i, v in db.session.execute(select(HouseholdCode.id, HouseholdCode.village_id))}
    for response in db.session.scalars(select(Response).filter_by(campaign_id=campaign.id)):
        village = code_village.get(response.household_code_id) if response.household_code_id else None
        if village is None:
            continue
        answers = {a.item_id: a.value for a in db.session.scalars(
            select(Answer).filter_by(response_id=response.id))}
        row = villages.setdefault(village, Counter())
        row["respondents"] += 1
        overall = survey.overall_satisfied(answers)
        if overall is not None:
            row["overall_valid"] += 1
            row["overall_satisfied"] += int(overall)
        for item_id, value in answers.items():
            satisfied = survey.is_satisfied(value)
            cell = items.setdefault((village, item_id), Counter())
            cell["no_opinion" if satisfied is None else "valid"] += 1
            cell["satisfied"] += int(bool(satisfied))
    return villages, items


def _stored(campaign) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    villages = {r.village_id: Counter({"respondents": r.respondents, "overall_valid": r.overall_valid,
                                       "overall_satisfied": r.overall_satisfied})
                for r in db.session.scalars(select(VillageCounter).filter_by(campaign_id=campaign.id))}
    items = {(r.village_id, r.item_id): Counter({"valid": r.valid, "satisfied": r.satisfied,
                                                 "no_opinion": r.no_opinion})
             for r in db.session.scalars(select(VillageItemCounter).filter_by(campaign_id=campaign.id))}
    # Zero rows (villages and questions nobody answered yet) count as absent in the comparison.
    return ({k: +v for k, v in villages.items() if +v}, {k: +v for k, v in items.items() if +v})


def test_village_counters_equal_an_independent_count(with_villages):  # type: ignore[no-untyped-def]
    campaign = with_villages
    rng = random.Random(17)
    survey = survey_of(campaign.survey_version)
    for village in ("Thôn Một", "Bản Hai", "Ấp Ba"):
        for code in _codes(campaign, village)[: rng.randint(1, 5)]:
            answers = {item: rng.choice([1, 2, 0]) for item in survey.item_ids}
            submit(campaign, code=code, answers=answers,
                   channel=rng.choice([Channel.WEB, Channel.SMS, Channel.ASSISTED]))
    submit(campaign, commune="03390")  # an open-link answer: the commune's, no village's
    db.session.commit()
    villages, items = _independent_count(campaign)
    assert len(villages) == 3
    assert _stored(campaign) == ({k: +v for k, v in villages.items()},
                                 {k: +v for k, v in items.items()})
    # The rebuild recomputes the same rows (it corrects none), and repairs a damaged one.
    incremental = counter_rows(campaign.id)
    assert rebuild(campaign).rows_corrected == 0
    assert counter_rows(campaign.id) == incremental
    db.session.execute(update(VillageCounter).values(respondents=99))
    assert rebuild(campaign).rows_corrected == 3
    assert counter_rows(campaign.id) == incremental


def test_drilldown_figures_and_the_small_cell_rule(with_villages):  # type: ignore[no-untyped-def]
    campaign = with_villages
    for code in _codes(campaign, "Thôn Một")[:10]:
        submit(campaign, code=code, value=1)
    for code in _codes(campaign, "Bản Hai")[:2]:
        submit(campaign, code=code, value=1)
    db.session.commit()
    survey = survey_of(campaign.survey_version)
    commune = campaign_commune(campaign, "03390")
    rows = village_rows(campaign, commune.unit_id, campaign_rules(campaign, content_items(survey)),
                        survey.item_ids)
    by_name = {r.village.name: r for r in rows}
    assert [r.village.name for r in rows] == ["Thôn Một", "Bản Hai", "Ấp Ba"]
    one, two, three = by_name["Thôn Một"], by_name["Bản Hai"], by_name["Ấp Ba"]
    assert (one.counts.respondents, one.counts.households, one.figures.coverage) == (10, 12, Fraction(10, 12))
    assert one.figures.verdict is Verdict.MEETS and one.figures.rate == 1
    assert two.figures.coverage == Fraction(2, 7) and two.figures.verdict is Verdict.INSUFFICIENT
    assert three.counts.respondents == 0 and three.figures.rate is None
    public = {p.name: p for p in public_rows(rows, "vi")}
    assert public["Thôn Một"].rate == 1 and not public["Thôn Một"].rate_hidden
    assert public["Bản Hai"].rate is None and public["Bản Hai"].rate_hidden  # 2 valid answers < 5
    assert public["Ấp Ba"].rate is None and not public["Ấp Ba"].rate_hidden  # nothing to hide


def test_the_register_is_a_copy_taken_when_codes_are_issued(with_villages):  # type: ignore[no-untyped-def]
    campaign = with_villages
    officer = _officer()
    commune = campaign_commune(campaign, "03390")
    assert commune.households == 22 and commune.registered_at is not None
    one = db.session.scalars(select(Unit).filter_by(name="Thôn Một")).one()
    register.update_village(officer, "03390", one.code, {"name": "Thôn Một", "households": "40"})
    late = register.add_village(officer, "03390", {"name": "Thôn Mới", "households": "9"})
    register.merge_villages(officer, "03390", db.session.scalars(
        select(Unit.code).filter_by(name="Ấp Ba")).one(), one.code)
    db.session.commit()
    assert db.session.get(Unit, commune.unit_id).households == 40 + 7 + 3 + 9
    # This campaign's denominators do not move; its codes follow its own register.
    db.session.refresh(commune)
    assert commune.households == 22
    [table] = code_counts(campaign, [commune])
    assert [(r.unit.name, r.registered, r.issued) for r in table.villages] == [
        ("Thôn Một", 12, 12), ("Bản Hai", 7, 7), ("Ấp Ba", 3, 3)]
    assert issue_codes(campaign, commune) == 0
    with pytest.raises(Refused) as refused:
        issue_codes(campaign, commune, village=late)
    assert refused.value.reason == "village_not_registered"
    # A campaign whose codes are issued later takes the register as it is then.
    later = create_campaign(NewCampaign(**{**_spec(campaign), "key": "later-campaign"}))
    assert issue_codes(later, campaign_commune(later, "03390")) == 59


def _spec(campaign) -> dict:  # type: ignore[no-untyped-def]
    return {"survey": survey_of(campaign.survey_version), "scheme": "vn-2025", "unit_code": "03390",
            "opens_on": campaign.opens_on, "closes_on": campaign.closes_on, "key": campaign.key}
