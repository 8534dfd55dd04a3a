"""The demo's earlier round: a 2025 campaign over Lai Châu as it was before 1 July 2025 (the legacy
units: 8 districts, 106 communes), with synthetic answers, that the demo campaign follows, so that
the dashboard and the report page show the comparison with an earlier round.

Everything here is labelled as made up: the campaign's title says "demo" and "synthetic answers",
the former communes' households are synthetic (each 2025 commune's synthetic households shared
out between the former communes that formed it) and marked so. The unit list and the succession
rows are extracts of the real lists (../shared/data: statistics office codes, effective
2025-07-01). The answers go through record_response like any other, on days inside the earlier
campaign's dates.
"""

from __future__ import annotations

import random
import uuid
from datetime import date
from importlib import resources
from pathlib import Path

from ...domain.access import Principal, Role
from ...models import Campaign
from ..campaigns.follows import followed, set_follows
from ..campaigns.setup import NewCampaign, create_campaign, get_campaign
from ..errors import Refused
from ..responses.record import Channel, Submission, record_response
from ..surveys import find_survey, survey_of
from ..units.importing import import_units
from ..units.succession import import_successions

LEGACY_FILE = "lai-chau-legacy.csv"
SUCCESSION_FILE = "lai-chau-succession-2025.csv"
EARLIER_CAMPAIGN = "demo-ntm-lai-chau-2025"
EARLIER_SURVEY = "ntm-commune"  # the 19 criteria of Decision 318 (2021-2025)
EARLIER_TITLE = "Khảo sát sự hài lòng năm 2025 – tỉnh Lai Châu (đơn vị cũ; demo, câu trả lời giả lập)"
OPENS, CLOSES, ANSWERED_ON = date(2025, 3, 3), date(2025, 3, 31), date(2025, 3, 14)
# former commune code -> (answers, share satisfied overall): the former communes of Bình Lư,
# Sin Suối Hồ and Tả Lèng, the three demo communes with answers now (Bình Lư's former town is not
# surveyed by a rural survey: the comparison lists it).
EARLIER_ANSWERS: dict[str, tuple[int, float]] = {
    "03412": (14, 0.64), "03413": (12, 0.58),
    "03394": (12, 0.66), "03586": (10, 0.7), "03592": (9, 0.56),
    "03400": (8, 0.75), "03405": (10, 0.9), "03406": (7, 0.86),
}
SATISFIED, NOT_SATISFIED, NO_OPINION = 1, 2, 0
CHANNELS = (Channel.WEB, Channel.ASSISTED, Channel.ASSISTED, Channel.SMS)


def ensure_earlier_round(surveys_dir: Path, campaign: Campaign) -> Campaign:
    """Import the former units of Lai Châu and their succession, create the earlier campaign with
    its synthetic answers unless it exists, and make `campaign` follow it unless it follows one."""
    data = resources.files("feedback_app.demo_data")
    with data.joinpath(LEGACY_FILE).open(encoding="utf-8") as f:
        import_units(f)
    with data.joinpath(SUCCESSION_FILE).open(encoding="utf-8") as f:
        import_successions(f)
    try:
        earlier = get_campaign(EARLIER_CAMPAIGN)
    except Refused:
        earlier = create_campaign(NewCampaign(
            key=EARLIER_CAMPAIGN, survey=find_survey(surveys_dir, EARLIER_SURVEY), scheme="vn-legacy",
            unit_code="12", opens_on=OPENS, closes_on=CLOSES, household_codes=False, open_link=True,
            title=EARLIER_TITLE,
        ))
        _answer(earlier)
    if followed(campaign) is None and earlier.opens_on < campaign.opens_on:
        set_follows(Principal("demo", Role.ADMIN), campaign.key, earlier.key, check_scope=False)
    return earlier


def _answer(campaign: Campaign) -> None:
    rng = random.Random(2025)
    survey = survey_of(campaign.survey_version)
    overall = next((i.id for i in survey.items if i.overall), None)
    for code, (answered, share) in EARLIER_ANSWERS.items():
        for n in range(answered):
            happy = n < round(answered * share)
            answers = {item: (SATISFIED if happy or rng.random() < 0.4 else NOT_SATISFIED)
                       for item in survey.item_ids}
            if rng.random() < 0.1:
                answers[rng.choice(survey.item_ids)] = NO_OPINION
            if overall is not None:
                answers[overall] = SATISFIED if happy else NOT_SATISFIED
            record_response(Submission(campaign_key=campaign.key, channel=rng.choice(CHANNELS),
                                       answers=answers, client_uuid=str(uuid.uuid4()), commune_code=code),
                            today=ANSWERED_ON)
