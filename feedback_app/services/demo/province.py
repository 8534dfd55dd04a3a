"""The demo: a real province (Lai Châu, 2025 codes and names), synthetic household counts, and an
open campaign with household codes. Running it again reuses what is there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from ...domain.campaign import DEFAULT_SURVEY
from ...links import commune_url, public_url
from ...models import Campaign
from ..campaigns.setup import (
    NewCampaign,
    code_rows,
    create_campaign,
    get_campaign,
    get_unit,
    issue_codes,
)
from ..errors import Refused
from ..surveys import find_survey
from ..units.importing import import_units
from ..units.villages import register_of
from .villages import DEMO_VILLAGES, add_demo_villages, answer_demo_villages

DEMO_FILE = "lai-chau-2025.csv"
DEMO_SCHEME, DEMO_PROVINCE = "vn-2025", "12"
DEMO_CAMPAIGN = "demo-ntm-lai-chau"
DEMO_SURVEY = DEFAULT_SURVEY  # the criteria in force
CODES_PER_COMMUNE = 20
CODES_SHOWN = 5


@dataclass(frozen=True)
class Demo:
    campaign: Campaign
    created: bool


def ensure_demo(surveys_dir: Path, today: date) -> Demo:
    """Import the demo province, then create the demo campaign unless it exists (reopening it if
    its dates have passed)."""
    with resources.files("feedback_app.demo_data").joinpath(DEMO_FILE).open(encoding="utf-8") as f:
        import_units(f)
    try:
        campaign = get_campaign(DEMO_CAMPAIGN)
    except Refused:
        add_demo_villages(get_unit(DEMO_SCHEME, DEMO_PROVINCE))
        campaign = create_campaign(
            NewCampaign(
                key=DEMO_CAMPAIGN,
                survey=find_survey(surveys_dir, DEMO_SURVEY),
                scheme=DEMO_SCHEME,
                unit_code=DEMO_PROVINCE,
                opens_on=today - timedelta(days=7),
                closes_on=today + timedelta(days=90),
                household_codes=True,
                open_link=True,
            )
        )
        for commune in campaign.communes:
            if commune.unit.code not in DEMO_VILLAGES:
                issue_codes(campaign, commune, CODES_PER_COMMUNE)
        answer_demo_villages(campaign)  # a code per household there, and synthetic answers
        return Demo(campaign, created=True)
    if campaign.closes_on < today:
        campaign.closes_on = today + timedelta(days=90)
    return Demo(campaign, created=False)


def describe_demo(demo: Demo, codes_shown: int | None = None) -> dict[str, Any]:
    """The demo as one JSON-ready object (the `demo --json` interface)."""
    campaign = demo.campaign
    unused: dict[str, list[str]] = {}
    by_village: dict[str | None, list[str]] = {}
    for row in code_rows(campaign, unused_only=True):
        unused.setdefault(row.commune_code, []).append(row.code)
        by_village.setdefault(row.village_code, []).append(row.code)
    communes = []
    for commune in campaign.communes:
        codes = unused.get(commune.unit.code, [])
        villages = []
        for village in register_of(commune.unit).villages:
            village_codes = by_village.get(village.code, [])
            shown = village_codes[:codes_shown] if codes_shown else village_codes
            villages.append({
                "code": village.code, "name": village.full_name,
                "households": village.households, "households_synthetic": village.households_synthetic,
                "household_codes": shown,
                "household_code_urls": [public_url("resident.household", code=c) for c in shown],
                "collect_url": public_url("collect.page", campaign=campaign.key,
                                          commune=commune.unit.code, village=village.code),
                "slips_url": public_url("campaigns.slips", key=campaign.key, code=commune.unit.code,
                                        village=village.code),
            })
        communes.append(
            {
                "code": commune.unit.code,
                "name": commune.unit.full_name,
                "name_en": commune.unit.full_name_en,
                "households": commune.households,
                "households_synthetic": commune.unit.households_synthetic,
                "survey_url": commune_url(campaign.key, commune.unit.code),
                "household_codes": codes[:codes_shown] if codes_shown else codes,
                "household_code_urls": [
                    public_url("resident.household", code=c)
                    for c in (codes[:codes_shown] if codes_shown else codes)
                ],
                "villages": villages,
            }
        )
    return {
        "campaign": {
            "key": campaign.key,
            "survey": campaign.survey_version.survey_id,
            "survey_version": campaign.survey_version.version,
            "unit": {"scheme": campaign.unit.scheme, "code": campaign.unit.code,
                     "name": campaign.unit.full_name},
            "opens_on": campaign.opens_on.isoformat(),
            "closes_on": campaign.closes_on.isoformat(),
            "min_coverage": float(campaign.min_coverage),
            "threshold": float(campaign.threshold),
            "household_codes": campaign.household_codes,
            "open_link": campaign.open_link,
        },
        "home_url": public_url("resident.home"),
        "households_note": "Household counts are synthetic (demo data), not official figures.",
        "answers_note": ("The villages marked (demo) and their answers are synthetic: "
                         + ", ".join(sorted(DEMO_VILLAGES))
                         + " have a code for every registered household and made-up answers, so "
                         "that one commune meets the rules, one does not and one has too few "
                         "answers."),
        "communes": communes,
    }
