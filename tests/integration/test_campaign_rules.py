"""Campaign rules through the services: create a campaign with the Front's rules (service and
CLI), its index and documents carry the reasons in the user's language, and migration 0009 leaves
old campaigns' figures and verdicts as they were."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from flask_babel import force_locale
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from feedback_app.clock import local_today
from feedback_app.config import PROJECT_ROOT
from feedback_app.domain.index import Verdict
from feedback_app.extensions import db
from feedback_app.models import Campaign
from feedback_app.services import exports
from feedback_app.services.errors import Refused
from feedback_app.services.indices.document import index_document
from feedback_app.services.indices.index import campaign_index
from feedback_app.services.indices.wording import item_numbers, reason_lines

from ..indices_support import submit
from ..support import all_answers
from .test_sms_privacy_migration import database_url  # noqa: F401  (a database of its own)


def _answers(campaign: Campaign, unsatisfied: tuple[str, ...] = ()) -> dict[str, int]:
    return all_answers(campaign) | {item: 2 for item in unsatisfied}


def test_index_under_each_item_rule_equals_the_counts(make_campaign):
    campaign = make_campaign(codes=0, survey_id="ntm-xa-2026", min_coverage=Decimal("0.1"),
                             threshold=Decimal("0.9"), item_threshold=Decimal("0.9"), item_rule="each",
                             commune_floor=Decimal("0.8"))
    for _ in range(9):
        submit(campaign, "03390", answers=_answers(campaign))
    submit(campaign, "03390", answers=_answers(campaign, ("c04",)))  # c04: 9/10 in Bình Lư
    for _ in range(3):
        submit(campaign, "03430", answers=_answers(campaign))
    submit(campaign, "03430", answers=_answers(campaign, ("c04",)))  # c04: 3/4 in Tả Lèng
    db.session.commit()

    report = campaign_index(campaign.key, depth=1)
    root = report.root.figures
    # pooled c04 = 12/14 = 85.7 % < 90 %, and Tả Lèng's c04 (75 %) is below the 80 % floor
    assert root.counts.items["c04"].rate == Fraction(12, 14)
    assert root.verdict is Verdict.DOES_NOT_MEET
    document = index_document(report)
    assert document["rules"] == {"min_coverage": 0.1, "overall_threshold": 0.9, "item_threshold": 0.9,
                                 "item_rule": "each", "commune_floor": 0.8, "posting_days": 10}
    assert document["verdict_reasons"] == [
        {"rule": "item", "unit": "12", "item": "c04", "value": round(12 / 14, 4), "limit": 0.9},
        {"rule": "commune_floor", "unit": "03430", "item": "c04", "value": 0.75, "limit": 0.8},
    ]
    children = {c["unit"]["code"]: c for c in document["children"]}
    assert children["03390"]["verdict"] == "meets"  # 9/10 exactly at the 90 % item threshold
    with force_locale("vi"):
        lines = reason_lines(document["verdict_reasons"], document["verdict"],
                             item_numbers([{"id": i.id, "criterion": i.criterion}
                                           for i in report.survey.items]))
    assert lines == ["nội dung 4 (85,7\u00a0%) thấp hơn 90\u00a0%", "1 xã dưới mức sàn 80\u00a0%"]
    public = index_document(report, public=True)
    assert public["verdict_reasons"][1]["value"] is None  # Tả Lèng's 4 answers: a small cell

    printed = exports.render(exports.results_source(None, campaign.key, "12"), "html", "vi")
    page = b"".join(printed).decode()
    assert "nội dung 4 (85,7\u00a0%) thấp hơn 90\u00a0%" in page and "Quy định của cuộc khảo sát" in page
    assert campaign.title in page


def test_coverage_below_the_minimum_is_worded(make_campaign):
    campaign = make_campaign(codes=0, min_coverage=Decimal("0.7"))
    submit(campaign, "03390")
    db.session.commit()
    document = index_document(campaign_index(campaign.key, "03390"))
    assert document["verdict"] == "insufficient"
    with force_locale("en"):
        assert reason_lines(document["verdict_reasons"], "insufficient", {}) == [
            "household coverage 2.5% is below the minimum 70%"]


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"item_rule": "some"}, "campaign_item_rule"),
    ({"item_rule": "average"}, "campaign_item_rule_threshold"),
    ({"item_threshold": Decimal("1.5")}, "campaign_fraction"),
    ({"unit_code": "03390", "commune_floor": Decimal("0.9")}, "campaign_floor_commune"),
    ({"posting_days": 0}, "campaign_posting_days"),
    ({"title": "x" * 301}, "campaign_title"),
])
def test_bad_rules_are_refused(make_campaign, overrides, reason):
    with pytest.raises(Refused) as refused:
        make_campaign(**overrides)
    assert refused.value.reason == reason


def test_a_campaign_gets_a_title_from_its_survey_and_unit(make_campaign):
    campaign = make_campaign(survey_id="ntm-xa-2026", unit_code="03390", codes=0)
    assert campaign.title.startswith("Lấy ý kiến sự hài lòng")
    assert "Xã Bình Lư" in campaign.title
    titled = make_campaign(key="titled", title="  Khảo sát   xã Bình Lư ", codes=0)
    assert titled.title == "Khảo sát xã Bình Lư"


def test_cli_creates_a_campaign_with_every_rule(runner, units):
    today = local_today()
    result = runner.invoke(args=[
        "campaigns", "create", "--key", "ntm-lc-2026", "--unit", "12", "--opens", str(today),
        "--closes", str(today + timedelta(days=40)), "--title", "Khảo sát tỉnh Lai Châu 2026",
        "--overall-threshold", "98%", "--item-threshold", "95%", "--item-rule", "average",
        "--commune-floor", "90%", "--min-coverage", "70%", "--posting-days", "12",
    ])
    assert result.exit_code == 0, result.output
    assert "more than the Front's 20" in result.output  # a warning, and the campaign exists
    campaign = db.session.scalar(select(Campaign))
    assert (campaign.title, campaign.threshold, campaign.item_threshold, campaign.item_rule,
            campaign.commune_floor, campaign.min_coverage, campaign.posting_days) == (
        "Khảo sát tỉnh Lai Châu 2026", Decimal("0.98"), Decimal("0.95"), "average", Decimal("0.9"),
        Decimal("0.7"), 12)
    shown = runner.invoke(args=["indices", "show", "--campaign", "ntm-lc-2026", "--json"])
    assert json.loads(shown.output)["verdict_reasons"] == [
        {"rule": "coverage", "unit": "12", "item": None, "value": 0.0, "limit": 0.7}]
    lonely = runner.invoke(args=[
        "campaigns", "create", "--key", "ntm-lc-2027", "--unit", "12", "--opens", str(today),
        "--closes", str(today), "--item-rule", "each"])
    assert lonely.exit_code != 0 and "--item-threshold" in lonely.output


def test_cli_threshold_stays_the_overall_threshold(runner, units):
    today = local_today()
    result = runner.invoke(args=["campaigns", "create", "--key", "ntm-lc-2026", "--unit", "12",
                                 "--opens", str(today), "--closes", str(today), "--threshold", "85%"])
    assert result.exit_code == 0, result.output
    campaign = db.session.scalar(select(Campaign))
    assert campaign.threshold == Decimal("0.85") and campaign.item_rule is None
    assert campaign.min_coverage == Decimal("0.70")  # the Front's default


def test_migration_keeps_old_campaigns_figures_and_verdicts(database_url):  # noqa: F811
    from feedback_app.services.campaigns.setup import NewCampaign, create_campaign
    from feedback_app.services.surveys import find_survey
    from feedback_app.services.units.importing import import_units

    from ..support import UNITS_CSV, migration_app

    app = migration_app(database_url)
    from io import StringIO
    with app.app_context():
        upgrade()
        import_units(StringIO(UNITS_CSV))
        today = local_today()
        campaign = create_campaign(NewCampaign(
            key="old", survey=find_survey(PROJECT_ROOT / "surveys", "ntm-commune"), scheme="vn-2025",
            unit_code="12", opens_on=today - timedelta(days=3), closes_on=today + timedelta(days=3),
            min_coverage=Decimal("0.03"), threshold=Decimal("0.8"), open_link=True))
        db.session.commit()
        for value in (1, 1, 1, 2):
            submit(campaign, "03390", answers=all_answers(campaign, value) | {"c05": 2})
        submit(campaign, "03430")
        db.session.commit()
        before = index_document(campaign_index("old", depth=1))
        db.session.remove()
        downgrade(revision="0008_session_generation")  # the schema of before: one threshold, no rules
        with db.engine.connect() as conn:
            columns = set(conn.execute(text("SELECT * FROM campaigns")).keys())
        assert "threshold" in columns and not columns & {"item_rule", "item_threshold", "title"}
        upgrade()
        migrated = db.session.scalar(select(Campaign).filter_by(key="old"))
        assert (migrated.threshold, migrated.item_rule, migrated.item_threshold, migrated.commune_floor,
                migrated.title, migrated.posting_days) == (Decimal("0.8"), None, None, None, None, 10)
        after = index_document(campaign_index("old", depth=1))
        db.session.remove()
        db.engine.dispose()
    # The index computed as before the rules: overall 4/5 at 80 % meets; c05 at 1/5 is not judged.
    assert (after["satisfied"], after["valid"], after["rate"]) == (4, 5, 0.8)
    assert after["verdict"] == "meets"
    assert [c["verdict"] for c in after["children"]] == ["does_not_meet", "meets"]  # 3/4, 1/1
    assert after["rules"]["item_rule"] is None and after["threshold"] == 0.8
    # Everything else as before the migration; the title, NULL now, is built as it was at creation.
    assert after == before
