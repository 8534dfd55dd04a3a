"""Migration 0025 fills the new household-code and comment counters from the responses already
stored, by each campaign's survey rule, to exactly what counting them as they arrived gives; and
goes back down."""

from __future__ import annotations

import random

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from feedback_app.extensions import db
from feedback_app.models import Campaign
from feedback_app.services.campaigns.setup import issue_codes
from feedback_app.services.indices.answer_kinds import answer_kinds
from feedback_app.services.responses.record import Channel
from feedback_app.services.surveys import survey_of

from ..indices_support import half_rule_survey, submit
from ..support import codes_of, migration_app, old_campaign, past

CODED = ("SELECT campaign_id, commune_id, coded_respondents, coded_overall_satisfied, "
         "coded_overall_valid, comments FROM counter_communes ORDER BY campaign_id, commune_id")


@pytest.mark.parametrize("rule", ["overall_item", "half_of_valid_items"])
def test_the_coded_counters_of_stored_responses_are_filled_by_the_survey_rule(database_url, rule):
    app = migration_app(database_url)
    with app.app_context():
        overrides = {"opens_on": past(1), "closes_on": past(-20), "open_link": True}
        if rule == "half_of_valid_items":
            overrides["survey"] = half_rule_survey()
        old_campaign(**overrides)
        campaign = db.session.scalar(select(Campaign).filter_by(key="old"))
        for commune in campaign.communes:
            issue_codes(campaign, commune, 6)
        db.session.commit()
        values = sorted(survey_of(campaign.survey_version).option_values)
        rng = random.Random(20261207)
        for commune in campaign.communes:
            codes = codes_of(campaign, commune.unit.code)
            for n in range(10):
                answers = {item: rng.choice(values) for item in survey_of(campaign.survey_version).item_ids}
                if n == 3:
                    answers = dict.fromkeys(answers, 0)  # all "no opinion": not a valid answer
                comment = ["Đường làng còn lầy lội", "  ", None][n % 3]  # "  " is no comment
                if n % 2 and codes:
                    submit(campaign, code=codes.pop(), answers=answers, channel=rng.choice(list(Channel)),
                           comment=comment)
                else:
                    submit(campaign, commune.unit.code, answers=answers, comment=comment)
        db.session.commit()
        communes = [c.unit_id for c in campaign.communes]
        kinds = answer_kinds(campaign, communes)
        with db.engine.connect() as conn:
            counted = conn.execute(text(CODED)).all()
        db.session.remove()
        downgrade(revision="0021_response_facts")
        with db.engine.connect() as conn:
            columns = set(conn.execute(text("SELECT * FROM counter_communes")).keys())
        upgrade()
        with db.engine.connect() as conn:
            filled = conn.execute(text(CODED)).all()
        db.session.remove()
        db.engine.dispose()
    assert "coded_respondents" not in columns
    assert filled == counted
    assert kinds.household_code.answers == sum(row[2] for row in counted) > 0
    assert kinds.open_link.answers > 0
    assert 0 < kinds.household_code.valid < kinds.household_code.answers  # one all-"no opinion"
    assert [row[5] for row in filled] == [4] * len(filled)  # n = 0, 3, 6, 9 of each commune
