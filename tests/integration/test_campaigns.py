"""Campaigns: set-up rules, the communes they survey, and household codes."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from feedback_app.clock import local_today
from feedback_app.domain.codes import is_valid_code
from feedback_app.extensions import db
from feedback_app.models import Campaign, HouseholdCode
from feedback_app.services.campaigns.setup import issue_codes
from feedback_app.services.errors import Refused
from feedback_app.services.surveys import survey_of

from ..support import PUBLIC_BASE_URL, codes_of


def test_campaign_surveys_rural_communes_with_a_households_snapshot(make_campaign):
    campaign = make_campaign(codes=0)
    assert {c.unit.code: c.households for c in campaign.communes} == {"03390": 40, "03430": 25}
    assert campaign.min_coverage == Decimal("0.6") and campaign.threshold == Decimal("0.9")
    assert campaign.survey_version.survey_id == "ntm-commune"


def test_include_urban_adds_wards(make_campaign):
    campaign = make_campaign(codes=0, include_urban=True)
    assert sorted(c.unit.code for c in campaign.communes) == ["03388", "03390", "03430"]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"key": "Bad Key!"}, "campaign_key_invalid"),
        # re's $ matches before a final newline: this key was accepted, and every page of it 404.
        ({"key": "ntm-2026\n"}, "campaign_key_invalid"),
        ({"key": "ntm-2026\r\n"}, "campaign_key_invalid"),
        ({"unit_code": "99"}, "unknown_unit"),
        ({"closes_on": local_today() - timedelta(days=5)}, "campaign_dates"),
        ({"threshold": Decimal("1.5")}, "campaign_fraction"),
        ({"household_codes": False, "open_link": False}, "campaign_no_channel"),
    ],
)
def test_bad_campaign_settings_are_refused(make_campaign, overrides, reason):
    with pytest.raises(Refused) as refused:
        make_campaign(**overrides)
    assert refused.value.reason == reason


def test_campaign_keys_are_unique(make_campaign):
    make_campaign()
    with pytest.raises(Refused) as refused:
        make_campaign()
    assert refused.value.reason == "campaign_key_taken"


def test_default_issue_is_one_code_per_registered_household(make_campaign):
    campaign = make_campaign(codes=0)
    for commune in campaign.communes:
        issue_codes(campaign, commune)
    db.session.commit()
    assert len(codes_of(campaign, "03390")) == 40 and len(codes_of(campaign, "03430")) == 25
    # Running it again issues nothing more; an explicit count adds that many.
    assert issue_codes(campaign, campaign.communes[0]) == 0
    assert issue_codes(campaign, campaign.communes[0], 3) == 3
    codes = list(db.session.scalars(select(HouseholdCode.code)))
    assert len(codes) == len(set(codes)) == 68
    assert all(is_valid_code(c) for c in codes)


def test_cli_create_issue_export_and_print(runner, units, tmp_path):
    today = local_today()
    result = runner.invoke(args=[
        "campaigns", "create", "--key", "ntm-lc-2026", "--survey", "ntm-commune", "--unit", "12",
        "--opens", str(today), "--closes", str(today + timedelta(days=20)),
        "--threshold", "85%", "--min-coverage", "0.7", "--open-link",
    ])
    assert result.exit_code == 0, result.output
    assert "2 communes" in result.output
    campaign = db.session.scalar(select(Campaign))
    assert campaign.threshold == Decimal("0.85") and campaign.min_coverage == Decimal("0.7")

    result = runner.invoke(args=["campaigns", "codes", "issue", "--campaign", "ntm-lc-2026",
                                 "--count", "4"])
    assert result.exit_code == 0 and "8 codes issued for 2 communes" in result.output

    out = tmp_path / "codes.csv"
    result = runner.invoke(args=["campaigns", "codes", "export", "--campaign", "ntm-lc-2026",
                                 "--commune", "03430", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 4
    assert rows[0]["commune_name"] == "Xã Tả Lèng" and rows[0]["used"] == "no"
    assert rows[0]["url"] == f"{PUBLIC_BASE_URL}/h/{rows[0]['code']}"
    assert rows[0]["code_printed"].replace(" ", "") == rows[0]["code"]

    sheet = tmp_path / "slips.html"
    result = runner.invoke(args=["campaigns", "slips", "--campaign", "ntm-lc-2026",
                                 "--out", str(sheet)])
    assert result.exit_code == 0, result.output
    html = sheet.read_text(encoding="utf-8")
    assert html.count('class="slip"') == 8 and html.count("<svg") == 8
    assert "Quét mã QR bằng điện thoại" in html and "Mỗi hộ trả lời một lần" in html
    assert rows[0]["code_printed"] in html
    assert "@page { size: A4" in html


def test_cli_refusals_are_clean_errors(runner, units):
    result = runner.invoke(args=[
        "campaigns", "create", "--key", "x-1", "--survey", "no-such-survey", "--unit", "12",
        "--opens", "2026-01-01", "--closes", "2026-02-01",
    ])
    assert result.exit_code == 1
    assert "unknown survey" in result.output
    result = runner.invoke(args=["campaigns", "codes", "issue", "--campaign", "nope"])
    assert result.exit_code == 1 and "unknown campaign" in result.output
    result = runner.invoke(args=[
        "campaigns", "create", "--key", "x-2", "--survey", "ntm-commune", "--unit", "12",
        "--opens", "2026-01-01", "--closes", "2026-02-01", "--threshold", "abc",
    ])
    assert result.exit_code == 2 and "not a number" in result.output
    assert db.session.scalar(select(func.count(Campaign.id))) == 0


def test_cli_refuses_a_key_with_a_trailing_newline_and_shows_it(runner, units):
    result = runner.invoke(args=[
        "campaigns", "create", "--key", "ntm-lc-2026\n", "--survey", "ntm-commune", "--unit", "12",
        "--opens", "2026-01-01", "--closes", "2026-02-01",
    ])
    assert result.exit_code == 1
    assert "campaign key invalid (key='ntm-lc-2026\\n'" in result.output
    assert "lower-case letters, digits and dashes" in result.output
    assert db.session.scalar(select(func.count(Campaign.id))) == 0


def test_new_campaigns_offer_the_newest_version_of_each_survey(tmp_path):
    from feedback_app.services.surveys import newest_surveys

    source = (Path(__file__).parents[2] / "surveys")
    for path in source.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    first = next(iter(sorted(source.glob("*.yaml"))))
    newer = first.read_text(encoding="utf-8").replace("\nversion: 1\n", "\nversion: 7\n", 1)
    assert "version: 7" in newer
    (tmp_path / f"{first.stem}-v7.yaml").write_text(newer, encoding="utf-8")
    offered = newest_surveys(tmp_path)
    versions = {survey_id: s.version for survey_id, s in offered.items()}
    assert versions == {"ntm-commune": 1, "ntm-commune-5": 1, "ntm-xa-2026": 1, first.stem.split(".")[0]: 7}
    assert len(offered) == len(list(source.glob("*.yaml")))


def test_a_campaign_created_without_naming_a_survey_uses_the_2026_criteria(runner, units):
    today = local_today()
    result = runner.invoke(args=["campaigns", "create", "--key", "ntm-lc-2027", "--unit", "12",
                                 "--opens", str(today), "--closes", str(today + timedelta(days=20))])
    assert result.exit_code == 0, result.output
    campaign = db.session.scalar(select(Campaign).filter_by(key="ntm-lc-2027"))
    survey = survey_of(campaign.survey_version)
    assert (survey.id, len(survey.items), survey.items[-1].id) == ("ntm-xa-2026", 11, "overall")
