"""Indices from the counters: two levels, legacy three levels, the 5-point scale, re-expression."""

from __future__ import annotations

from fractions import Fraction

import pytest

from feedback_app.domain.index import Verdict
from feedback_app.extensions import db
from feedback_app.services.errors import Refused
from feedback_app.services.indices.document import index_document
from feedback_app.services.indices.index import campaign_index
from feedback_app.services.units.succession import import_successions

from ..indices_support import LEGACY_CSV, NEW_CSV, SUCCESSION_CSV, import_csv, submit
from ..support import all_answers


def test_province_pools_its_communes_and_lists_them(campaign):
    for value in (1, 1, 1, 2):
        submit(campaign, "03390", value=value)
    for _ in range(3):
        submit(campaign, "03430", value=1)
    db.session.commit()
    report = campaign_index(campaign.key)
    root = report.root.figures
    assert report.unit(report.root).code == "12"
    assert root.counts.respondents == 7 and root.counts.households == 65
    assert root.coverage == Fraction(7, 65)
    assert root.rate == Fraction(6, 7)
    assert root.verdict is Verdict.INSUFFICIENT  # 7 of 65 households
    assert (root.communes_meeting, root.communes_total) == (0, 2)
    children = {report.unit(c).code: c.figures for c in report.root.children}
    assert list(children) == ["03390", "03430"]  # the ward is not surveyed
    assert children["03390"].rate == Fraction(3, 4)
    assert children["03430"].counts.items["c05"].satisfied == 3

    commune = campaign_index(campaign.key, "03430")
    assert commune.root.children == ()
    assert commune.root.figures.rate == 1


def test_5_point_scale_counts_4_and_5_as_satisfied(make_campaign):
    campaign = make_campaign(survey_id="ntm-commune-5")
    for overall in (5, 4, 3, 2, 1, 0):
        submit(campaign, "03390", answers=all_answers(campaign, 4) | {"overall": overall})
    db.session.commit()
    document = index_document(campaign_index(campaign.key, "03390"))
    assert (document["satisfied"], document["valid"], document["no_opinion"]) == (2, 5, 1)
    assert document["rate"] == 0.4
    c01 = next(item for item in document["items"] if item["id"] == "c01")
    assert (c01["satisfied"], c01["valid"], c01["rate"]) == (6, 6, 1.0)


def test_meeting_communes_are_counted_up_the_tree(make_campaign, app):
    campaign = make_campaign(codes=0)
    for _ in range(24):  # Bình Lư: 24 of 40 households = 60 %, all satisfied
        submit(campaign, "03390")
    for value in [1] * 14 + [2] * 2:  # Tả Lèng: 16 of 25 = 64 %, 14/16 = 87.5 %
        submit(campaign, "03430", value=value)
    db.session.commit()
    report = campaign_index(campaign.key)
    verdicts = {report.unit(c).code: c.figures.verdict for c in report.root.children}
    assert verdicts == {"03390": Verdict.MEETS, "03430": Verdict.DOES_NOT_MEET}
    assert (report.root.figures.communes_meeting, report.root.figures.communes_total) == (1, 2)
    assert report.root.figures.rate == Fraction(38, 40)
    assert report.root.figures.verdict is Verdict.MEETS  # 40 of 65 households, 95 %


@pytest.fixture
def legacy_campaign(make_campaign):  # type: ignore[no-untyped-def]
    import_csv(LEGACY_CSV)
    return make_campaign(key="legacy-2024", scheme="vn-legacy", unit_code="12", codes=0)


def test_legacy_campaign_rolls_up_commune_district_province(legacy_campaign):
    for commune, values in {"03391": [1] * 6, "03392": [1] * 5 + [2], "03393": [2] * 7,
                            "03394": [1] * 2}.items():
        for value in values:
            submit(legacy_campaign, commune, value=value)
    db.session.commit()
    report = campaign_index(legacy_campaign.key, depth=2)
    root = report.root
    assert root.figures.counts.respondents == 21 and root.figures.counts.households == 40
    assert root.figures.rate == Fraction(13, 21)
    districts = {report.unit(d).code: d for d in root.children}
    assert list(districts) == ["105", "106"]
    tam_duong = districts["105"].figures
    assert tam_duong.rate == Fraction(11, 12) and tam_duong.coverage == Fraction(12, 20)
    assert tam_duong.verdict is Verdict.MEETS
    assert (tam_duong.communes_meeting, tam_duong.communes_total) == (1, 2)  # 03392: 5/6 < 90 %
    assert [report.unit(c).code for c in districts["106"].children] == ["03393", "03394"]
    assert (root.figures.communes_meeting, root.figures.communes_total) == (1, 4)

    district = index_document(campaign_index(legacy_campaign.key, "105"))
    assert district["unit"]["level"] == "district"
    assert [c["unit"]["code"] for c in district["children"]] == ["03391", "03392"]
    shallow = index_document(campaign_index(legacy_campaign.key))
    assert [c["children"] for c in shallow["children"]] == [None, None]


def test_past_campaign_re_expressed_under_the_2025_scheme(legacy_campaign):
    import_csv(NEW_CSV)
    report = import_successions(SUCCESSION_CSV.splitlines(keepends=True))
    db.session.commit()
    assert (report.created, report.skipped) == (6, [])
    for commune, values in {"03391": [1] * 6, "03392": [1] * 5 + [2], "03393": [2] * 7,
                            "03394": [1] * 2}.items():
        for value in values:
            submit(legacy_campaign, commune, value=value)
    db.session.commit()

    document = index_document(campaign_index(legacy_campaign.key, "12", scheme="vn-2025"))
    assert document["scheme"] == "vn-2025" and document["campaign_scheme"] == "vn-legacy"
    # Only 2025 Bình Lư (legacy Bình Lư + Nà Tăm, both whole) can be carried over.
    assert [c["unit"]["code"] for c in document["children"]] == ["03390"]
    binh_lu = document["children"][0]
    assert (binh_lu["respondents"], binh_lu["households"], binh_lu["satisfied"]) == (12, 20, 11)
    assert document["respondents"] == 12
    reexpression = document["reexpression"]
    assert reexpression["complete"] is False
    assert [(s["unit"]["code"], [u["code"] for u in s["into"]]) for s in reexpression["split"]] == [
        ("03393", ["03430", "03440"])]
    assert [u["unit"]["code"] for u in reexpression["left_out"]] == ["03430", "03440"]
    assert reexpression["unmapped"] == []

    with pytest.raises(Refused) as refused:  # 03440 got part of a split commune: not guessed
        campaign_index(legacy_campaign.key, "03440", scheme="vn-2025")
    assert refused.value.reason == "unit_not_in_campaign"
    # In its own scheme the campaign still shows everything.
    assert campaign_index(legacy_campaign.key).root.figures.counts.respondents == 21


def test_unknown_units_and_units_outside_the_campaign_are_refused(campaign, legacy_campaign):
    with pytest.raises(Refused) as refused:
        campaign_index(campaign.key, "99999")
    assert (refused.value.reason, refused.value.status) == ("unknown_unit", 404)
    with pytest.raises(Refused) as refused:
        campaign_index(campaign.key, "03388")  # the ward: not surveyed
    assert refused.value.reason == "unit_not_in_campaign"
    with pytest.raises(Refused) as refused:
        campaign_index(campaign.key, "105", scheme="vn-legacy")  # a unit of another scheme
    assert refused.value.reason == "unit_not_in_campaign"
    with pytest.raises(Refused) as refused:
        campaign_index("nope")
    assert refused.value.reason == "unknown_campaign"
