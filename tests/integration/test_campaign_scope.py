"""A province campaign's scope (services.campaigns.scope): a commune left out is counted nowhere
(index, counters, codes), and taken back as at set-up; a sampled commune's codes go to its sampled
villages only and its coverage is counted against their households (checked against a count made
here from the stored rows, not from the counters)."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from feedback_app.clock import local_today
from feedback_app.domain.access import Principal, Role
from feedback_app.extensions import db
from feedback_app.models import (
    CampaignCommune,
    CampaignExclusion,
    CampaignScopeEvent,
    CommuneCounter,
    HouseholdCode,
    ItemCounter,
    Response,
    Unit,
)
from feedback_app.models.scope import ImmutableScopeEvent
from feedback_app.services.campaigns import scope
from feedback_app.services.campaigns.setup import campaign_commune, get_campaign, issue_codes
from feedback_app.services.errors import Refused
from feedback_app.services.indices.index import campaign_index
from feedback_app.services.units import villages as register

from ..indices_support import submit

VILLAGES = {"03390": (("Thôn Một", 12), ("Bản Hai", 7), ("Ấp Ba", 3)),
            "03430": (("Thôn Bốn", 10), ("Bản Năm", 15))}


def _principal(code: str, role: Role = Role.OFFICER) -> Principal:
    unit = db.session.scalars(select(Unit).filter_by(code=code)).one()
    return Principal(f"officer-{code}", role, unit.id, "vn-2025", code)


def _village(name: str) -> Unit:
    return db.session.scalars(select(Unit).filter_by(name=name, level="village")).one()


@pytest.fixture
def province_campaign(make_campaign):  # type: ignore[no-untyped-def]
    """A Lai Châu campaign that opens in five days, by household codes only, over two communes
    with villages."""
    today = local_today()
    campaign = make_campaign(codes=0, key="province-scope", open_link=False,
                             opens_on=today + timedelta(days=5), closes_on=today + timedelta(days=30))
    for commune, villages in VILLAGES.items():
        for name, households in villages:
            register.add_village(_principal(commune), commune, {"name": name, "households": str(households)})
    db.session.commit()
    return campaign


def _open(campaign) -> None:  # type: ignore[no-untyped-def]
    campaign.opens_on = local_today()
    db.session.commit()


def test_coverage_of_a_sampled_commune_is_against_the_sampled_villages(province_campaign):  # type: ignore[no-untyped-def]
    province = _principal("12")
    picked = [_village("Thôn Một").code, _village("Ấp Ba").code]
    households, sampled = scope.set_sample(province, "province-scope", "03390", picked, local_today())
    assert (households, sampled) == (15, True)
    campaign = get_campaign("province-scope")
    assert issue_codes(campaign, campaign_commune(campaign, "03390")) == 15
    assert issue_codes(campaign, campaign_commune(campaign, "03430")) == 25
    code_villages = set(db.session.scalars(select(HouseholdCode.village_id).join(
        Unit, Unit.id == HouseholdCode.commune_id).where(Unit.code == "03390")))
    assert code_villages == {_village("Thôn Một").id, _village("Ấp Ba").id}  # none for Bản Hai
    with pytest.raises(Refused) as refused:  # "N more" must go to a sampled village
        issue_codes(campaign, campaign_commune(campaign, "03390"), 2)
    assert refused.value.reason == "sample_village_required"
    db.session.commit()
    _open(campaign)
    codes = {commune: list(db.session.scalars(select(HouseholdCode.code).join(
        Unit, Unit.id == HouseholdCode.commune_id).where(Unit.code == commune).order_by(HouseholdCode.id)))
        for commune in VILLAGES}
    for code in codes["03390"][:9]:
        submit(campaign, code=code)
    for code in codes["03430"][:5]:
        submit(campaign, code=code)
    db.session.commit()

    # Independently: answers stored per commune over the registered households of the villages
    # picked (read from the units, not from the campaign's copy).
    answered = {code: n for code, n in db.session.execute(
        select(Unit.code, func.count(Response.id)).join(Unit, Unit.id == Response.commune_id)
        .where(Response.campaign_id == campaign.id).group_by(Unit.code))}
    sample_households = sum(_village(n).households or 0 for n in ("Thôn Một", "Ấp Ba"))
    whole = sum(h for _, h in VILLAGES["03430"])
    index = campaign_index("province-scope", depth=1)
    children = {index.unit(c).code: c.figures for c in index.root.children or ()}
    assert children["03390"].coverage == Fraction(answered["03390"], sample_households) == Fraction(9, 15)
    assert children["03430"].coverage == Fraction(answered["03430"], whole)
    assert index.root.figures.coverage == Fraction(9 + 5, sample_households + whole)
    assert index.root.figures.counts.households == 40


def test_a_commune_left_out_is_counted_nowhere_and_can_come_back(province_campaign):  # type: ignore[no-untyped-def]
    province = _principal("12")
    campaign = get_campaign("province-scope")
    issue_codes(campaign, campaign_commune(campaign, "03430"))  # 25 codes, printed perhaps
    db.session.commit()
    before = campaign_index("province-scope", depth=1)
    assert before.root.figures.communes_total == 2

    scope.exclude_commune(province, "province-scope", "03430", "  Sáp nhập   đang rà soát ", local_today())
    db.session.commit()
    campaign = get_campaign("province-scope")
    tale = db.session.scalars(select(Unit).filter_by(code="03430")).one()
    assert [c.unit.code for c in campaign.communes] == ["03390"]
    for model in (CommuneCounter, ItemCounter):
        assert not db.session.scalar(select(func.count()).select_from(model).where(
            model.campaign_id == campaign.id, model.commune_id == tale.id))
    assert not db.session.scalar(select(func.count(HouseholdCode.id)).where(
        HouseholdCode.commune_id == tale.id))
    after = campaign_index("province-scope", depth=1)
    assert [after.unit(c).code for c in after.root.children or ()] == ["03390"]
    assert after.root.figures.communes_total == 1
    binh_lu = campaign_commune(campaign, "03390").households
    assert after.root.figures.counts.households == binh_lu  # Bình Lư's only
    assert [(x.code, x.reason) for x in scope.left_out("province-scope")] == [
        ("03430", "Sáp nhập đang rà soát")]
    with pytest.raises(Refused) as refused:  # a commune left out has no dashboard any more
        campaign_index("province-scope", "03430")
    assert refused.value.status == 404
    event = db.session.scalars(select(CampaignScopeEvent).filter_by(action="excluded")).one()
    assert event.actor_username == "officer-12" and event.unit_code == "vn-2025:03430"
    assert scope.detail_of(event) == {"reason": "Sáp nhập đang rà soát", "codes_withdrawn": 25}

    scope.include_commune(province, "province-scope", "03430", local_today())
    db.session.commit()
    back = campaign_index("province-scope", depth=1)
    assert back.root.figures.communes_total == 2
    assert back.root.figures.counts.households == binh_lu + 25  # Tả Lèng's register now
    assert not db.session.scalar(select(func.count(CampaignExclusion.id)))
    assert db.session.scalar(select(func.count()).select_from(CommuneCounter).where(
        CommuneCounter.commune_id == tale.id)) == 1
    assert [e.action for e in db.session.scalars(select(CampaignScopeEvent).order_by(
        CampaignScopeEvent.id))] == ["excluded", "included"]


def test_the_scope_log_is_append_only(province_campaign):  # type: ignore[no-untyped-def]
    scope.exclude_commune(_principal("12"), "province-scope", "03430", "Không khảo sát", local_today())
    db.session.commit()
    event = db.session.scalars(select(CampaignScopeEvent)).one()
    event.detail = "{}"
    with pytest.raises(ImmutableScopeEvent):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(("call", "reason", "status"), [
    (lambda p, t: scope.exclude_commune(p, "province-scope", "03430", " x ", t), "scope_reason", 422),
    (lambda p, t: scope.exclude_commune(p, "province-scope", "99999", "Lý do", t), "unknown_commune", 404),
    (lambda p, t: scope.include_commune(p, "province-scope", "03430", t), "scope_not_excluded", 409),
    (lambda p, t: scope.set_sample(p, "province-scope", "03390", ["NOPE"], t), "scope_sample_village", 422),
])
def test_bad_input_is_refused(province_campaign, call, reason, status):  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        call(_principal("12"), local_today())
    assert (refused.value.reason, refused.value.status) == (reason, status)


def test_the_last_commune_stays(province_campaign):  # type: ignore[no-untyped-def]
    province = _principal("12")
    scope.exclude_commune(province, "province-scope", "03430", "Lý do một", local_today())
    with pytest.raises(Refused) as refused:
        scope.exclude_commune(province, "province-scope", "03390", "Lý do hai", local_today())
    assert refused.value.reason == "scope_last_commune"


def test_nothing_changes_after_opening(province_campaign):  # type: ignore[no-untyped-def]
    _open(province_campaign)
    province = _principal("12")
    for call in (lambda: scope.exclude_commune(province, "province-scope", "03430", "Lý do", local_today()),
                 lambda: scope.set_sample(province, "province-scope", "03390", [], local_today())):
        with pytest.raises(Refused) as refused:
            call()
        assert (refused.value.reason, refused.value.status) == ("scope_after_opening", 409)


def test_a_commune_account_cannot_change_the_province_scope(province_campaign):  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        scope.exclude_commune(_principal("03430"), "province-scope", "03430", "Lý do", local_today())
    assert (refused.value.reason, refused.value.status) == ("out_of_scope", 403)
    with pytest.raises(Refused) as refused:  # a province viewer neither
        scope.exclude_commune(_principal("12", Role.VIEWER), "province-scope", "03430", "Lý do",
                              local_today())
    assert refused.value.status == 403


def test_sampling_is_refused_with_an_open_link_or_after_codes(make_campaign):  # type: ignore[no-untyped-def]
    today = local_today()
    make_campaign(codes=0, key="with-link", open_link=True, opens_on=today + timedelta(days=3))
    for name, households in VILLAGES["03390"]:
        register.add_village(_principal("03390"), "03390", {"name": name, "households": str(households)})
    db.session.commit()
    picked = [_village("Thôn Một").code]
    with pytest.raises(Refused) as refused:
        scope.set_sample(_principal("12"), "with-link", "03390", picked, today)
    assert (refused.value.reason, refused.value.status) == ("sample_open_link", 409)
    make_campaign(codes=0, key="codes-only", open_link=False, opens_on=today + timedelta(days=3))
    campaign = get_campaign("codes-only")
    issue_codes(campaign, campaign_commune(campaign, "03390"))
    with pytest.raises(Refused) as refused:
        scope.set_sample(_principal("12"), "codes-only", "03390", picked, today)
    assert refused.value.reason == "scope_sample_registered"


def test_clearing_the_sample_surveys_the_whole_commune(province_campaign):  # type: ignore[no-untyped-def]
    province = _principal("12")
    today = local_today()
    scope.set_sample(province, "province-scope", "03390", [_village("Bản Hai").code], today)
    row = db.session.scalars(select(CampaignCommune).join(Unit, Unit.id == CampaignCommune.unit_id)
                             .where(Unit.code == "03390")).one()
    assert row.households == 7
    assert scope.set_sample(province, "province-scope", "03390", [], today) == (22, False)
    assert row.households == 22
    assert [e.action for e in db.session.scalars(select(CampaignScopeEvent).order_by(
        CampaignScopeEvent.id))] == ["sample_set", "sample_cleared"]


def test_the_report_content_and_document_name_the_communes_left_out(province_campaign, app):  # type: ignore[no-untyped-def]
    from feedback_app.services.exports.document import report_document
    from feedback_app.services.exports.source import Source
    from feedback_app.services.reports.content import results_content

    scope.exclude_commune(_principal("12"), "province-scope", "03430", "Đang sáp nhập", local_today())
    db.session.commit()
    campaign = get_campaign("province-scope")
    province = db.session.scalars(select(Unit).filter_by(code="12")).one()
    content = results_content(campaign, province)
    assert content["communes_left_out"] == [
        {"code": "03430", "name": "Xã Tả Lèng", "name_en": "Ta Leng Commune", "reason": "Đang sáp nhập"}]
    commune = db.session.scalars(select(Unit).filter_by(code="03390")).one()
    assert "communes_left_out" not in results_content(campaign, commune)  # a commune's own report
    with app.test_request_context():
        document = report_document(Source(content, "x"), "vi")
    texts = [block.text for block in document.sections[0].blocks if hasattr(block, "text")]
    assert "Xã Tả Lèng (03430): Đang sáp nhập" in texts
