"""The demo's believable communes: a few communes with small synthetic village registers, a code
for every registered household, and synthetic answers, so that a visitor sees a commune that
meets the rules, one that does not, one without enough answers, and villages of each kind.

Everything here is made up and labelled so: the villages' names say "(demo)", their households are
marked synthetic, and `demo --json` and `flask demo` say that these answers are synthetic. The
answers go through record_response like any other (channel web, sms or assisted), so the
counters, dashboards and reports read them as they would read real ones.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from ...domain.access import Principal, Role
from ...extensions import db
from ...models import Campaign, HouseholdCode, Unit
from ..campaigns.setup import campaign_commune, issue_codes
from ..responses.record import Channel, Provenance, Submission, record_response
from ..surveys import survey_of
from ..units.villages import add_village, register_of

SATISFIED, NOT_SATISFIED, NO_OPINION = 1, 2, 0


@dataclass(frozen=True)
class DemoVillage:
    name: str
    households: int
    answered: int  # how many of its households answer
    satisfied: float  # the share of them satisfied overall


# commune code -> its villages. Bình Lư meets the rules (one of its villages has too few answers),
# Sin Suối Hồ has enough answers but too few satisfied, Tả Lèng has too few answers.
DEMO_VILLAGES: dict[str, tuple[DemoVillage, ...]] = {
    "03390": (DemoVillage("Thôn Nà Sài (demo)", 14, 13, 1.0),
              DemoVillage("Bản Hoàng Hồ (demo)", 11, 10, 0.9),
              DemoVillage("Thôn Bình Lư (demo)", 16, 15, 1.0),
              DemoVillage("Bản Phiêng Phát (demo)", 8, 2, 1.0)),
    "03394": (DemoVillage("Bản Sin Suối Hồ (demo)", 12, 11, 0.7),
              DemoVillage("Bản Phan Lìn (demo)", 10, 9, 0.6),
              DemoVillage("Bản Thèn Thầu (demo)", 9, 8, 0.9)),
    "03405": (DemoVillage("Bản Tả Lèng (demo)", 13, 11, 1.0),
              DemoVillage("Bản Hồ Ủa (demo)", 12, 3, 0.7),
              DemoVillage("Bản Lao Chải (demo)", 10, 2, 1.0)),
}
CHANNELS = (Channel.WEB, Channel.WEB, Channel.ASSISTED, Channel.SMS)
# So that a verifier sees plausibility flags in the demo (services.verification): in Bình Lư, one
# cadre account records every answer of Thôn Nà Sài at once, and every answer of Thôn Bình Lư comes
# from one phone, each form filled in within 25 seconds.
DEMO_FACTS: dict[tuple[str, str], Provenance] = {
    ("03390", "Thôn Nà Sài (demo)"): Provenance(collector="demo-can-bo-na-sai"),
    ("03390", "Thôn Bình Lư (demo)"): Provenance(device_key="demo-one-phone", seconds=25),
}


def add_demo_villages(province: Unit) -> None:
    """The demo communes' villages (skipped for a commune that has villages already)."""
    operator = Principal("demo", Role.ADMIN, province.id)
    for commune_code, villages in DEMO_VILLAGES.items():
        commune = db.session.scalars(select(Unit).filter_by(scheme=province.scheme, code=commune_code)).one()
        if register_of(commune).villages:
            continue
        for village in villages:
            add_village(operator, commune_code, {"name": village.name, "households": str(village.households),
                                                 "kind": "ban" if village.name.startswith("Bản") else "thon",
                                                 "synthetic": "true"})


def answer_demo_villages(campaign: Campaign) -> None:
    """A code for every registered household of the demo communes, and synthetic answers with some
    of them (a fixed random seed: the same demo every time)."""
    rng = random.Random(2026)
    survey = survey_of(campaign.survey_version)
    for commune_code, villages in DEMO_VILLAGES.items():
        commune = campaign_commune(campaign, commune_code)
        issue_codes(campaign, commune)
        for village in villages:
            unit = db.session.scalars(
                select(Unit).filter_by(parent_id=commune.unit_id, name=village.name)).one()
            codes = list(db.session.scalars(
                select(HouseholdCode.code).filter_by(campaign_id=campaign.id, village_id=unit.id)
                .order_by(HouseholdCode.id)))
            for n, code in enumerate(codes[: village.answered]):
                happy = n < round(village.answered * village.satisfied)
                answers = {item: (SATISFIED if happy or rng.random() < 0.5 else NOT_SATISFIED)
                           for item in survey.item_ids}
                if rng.random() < 0.1:
                    answers[rng.choice(survey.item_ids)] = NO_OPINION
                overall = next((i.id for i in survey.items if i.overall), None)
                if overall is not None:
                    answers[overall] = SATISFIED if happy else NOT_SATISFIED
                channel = rng.choice(CHANNELS)
                facts = DEMO_FACTS.get((commune_code, village.name))
                if facts is not None and facts.collector:
                    channel = Channel.ASSISTED
                record_response(Submission(campaign_key=None, channel=channel,
                                           answers=answers, client_uuid=str(uuid.uuid4()),
                                           household_code=code, provenance=facts or Provenance()))
