"""Counters move with every response, in its transaction, and always equal a rebuild from raw."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from feedback_app.config import PROJECT_ROOT
from feedback_app.extensions import db
from feedback_app.models import CommuneCounter, ItemCounter, Response
from feedback_app.services.errors import Refused
from feedback_app.services.indices.rebuild import rebuild
from feedback_app.services.responses.record import Channel
from feedback_app.services.surveys import survey_of

from ..indices_support import counter_rows, half_rule_survey, submit
from ..support import all_answers, codes_of


def test_a_new_campaign_has_zero_counters_for_every_commune_and_question(campaign):
    communes = db.session.scalar(select(func.count()).select_from(CommuneCounter))
    items = db.session.scalar(select(func.count()).select_from(ItemCounter))
    assert communes == 2  # Bình Lư and Tả Lèng (the ward is not surveyed)
    assert items == 2 * 20
    assert db.session.scalar(select(func.sum(CommuneCounter.respondents))) == 0


def test_one_response_moves_its_commune_counters(campaign):
    answers = all_answers(campaign, 1) | {"overall": 2, "c03": 0}
    submit(campaign, code=codes_of(campaign, "03390")[0], answers=answers, channel=Channel.SMS)
    db.session.commit()
    row = db.session.scalar(select(CommuneCounter).where(CommuneCounter.respondents == 1))
    assert (row.respondents, row.overall_satisfied, row.overall_valid) == (1, 0, 1)
    assert (row.via_sms, row.via_web, row.via_assisted) == (1, 0, 0)
    items = {i.item_id: (i.satisfied, i.valid, i.no_opinion) for i in db.session.scalars(
        select(ItemCounter).where(ItemCounter.commune_id == row.commune_id))}
    assert items["overall"] == (0, 1, 0)
    assert items["c03"] == (0, 0, 1)
    assert items["c01"] == (1, 1, 0)


def test_a_refused_or_replayed_response_counts_nothing_more(campaign):
    code = codes_of(campaign, "03390")[0]
    submit(campaign, code=code)
    db.session.commit()
    before = counter_rows(campaign.id)
    with pytest.raises(Refused):
        submit(campaign, code=code)  # the code was used
    db.session.rollback()
    assert counter_rows(campaign.id) == before


@pytest.mark.parametrize("survey_id", ["ntm-commune", "ntm-commune-5", "half-rule"])
def test_incremental_counters_equal_a_rebuild_after_a_random_mix(make_campaign, survey_id):
    survey = half_rule_survey() if survey_id == "half-rule" else None
    overrides = {"survey": survey} if survey else {"survey_id": survey_id}
    campaign = make_campaign(codes=15, **overrides)
    values = sorted(survey_of(campaign.survey_version).option_values)
    rng = random.Random(20261122)
    codes = {commune: codes_of(campaign, commune) for commune in ("03390", "03430")}
    for n in range(60):
        commune = rng.choice(["03390", "03430"])
        answers = {item: rng.choice(values) for item in all_answers(campaign)}
        if n % 7 == 0:
            answers = {item: 0 for item in answers}  # all "no opinion"
        channel = rng.choice(list(Channel))
        comment = "Cần thêm đèn đường" if n % 4 == 0 else None
        if codes[commune] and rng.random() < 0.5:
            submit(campaign, code=codes[commune].pop(), answers=answers, channel=channel, comment=comment)
        else:
            submit(campaign, commune, answers=answers, channel=channel, comment=comment)
        if n % 10 == 0:
            db.session.commit()
    db.session.commit()
    incremental = counter_rows(campaign.id)
    result = rebuild(campaign)
    db.session.commit()
    assert result.responses == 60 == db.session.scalar(select(func.count(Response.id)))
    assert result.rows_corrected == 0
    assert counter_rows(campaign.id) == incremental
    respondents = {row[1]: row[2] for row in incremental["communes"]}
    assert sum(respondents.values()) == 60
    assert db.session.scalar(select(func.sum(CommuneCounter.comments))) == 15
    assert 0 < db.session.scalar(select(func.sum(CommuneCounter.coded_respondents))) < 60
    assert sum(row[-1] for row in incremental["daily"]) == 60


def test_rebuild_repairs_counters_and_says_how_many_rows_it_corrected(campaign, runner):
    for _ in range(3):
        submit(campaign, "03430", value=1)
    db.session.commit()
    good = counter_rows(campaign.id)
    db.session.execute(update(CommuneCounter).values(respondents=999))
    db.session.execute(update(ItemCounter).where(ItemCounter.item_id == "c01").values(valid=0))
    db.session.commit()
    result = runner.invoke(args=["indices", "rebuild", "--campaign", campaign.key])
    assert result.exit_code == 0, result.output
    # two commune rows, and c01 of Tả Lèng (Bình Lư's c01 had no valid answer anyway)
    assert "3 responses counted, 3 counter rows corrected" in result.output
    db.session.expire_all()
    assert counter_rows(campaign.id) == good
    unknown = runner.invoke(args=["indices", "rebuild", "--campaign", "no-such-campaign"])
    assert unknown.exit_code == 1 and "unknown campaign" in unknown.output


def test_campaigns_without_counter_rows_are_counted_by_upsert(campaign):
    """A campaign created before the counters existed: responses still count; rebuild adds the past."""
    submit(campaign, "03390")
    db.session.commit()
    for model in (ItemCounter, CommuneCounter):
        db.session.execute(model.__table__.delete())
    db.session.commit()
    submit(campaign, "03390", value=2)
    submit(campaign, "03390", value=1)
    db.session.commit()
    row = db.session.scalar(select(CommuneCounter))
    assert (row.respondents, row.overall_satisfied, row.overall_valid, row.via_web) == (2, 1, 2, 2)
    assert db.session.scalar(select(func.count()).select_from(ItemCounter)) == 20
    assert rebuild(campaign).rows_corrected > 0
    db.session.commit()
    assert db.session.scalar(select(CommuneCounter.respondents).where(
        CommuneCounter.commune_id == row.commune_id)) == 3


def test_the_half_rule_survey_file_is_valid():
    assert half_rule_survey().overall_rule.value == "half_of_valid_items"
    assert Path(PROJECT_ROOT / "surveys").is_dir()
