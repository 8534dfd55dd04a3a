"""Helpers of the re-contact and posting tests: a commune with three villages whose codes were
partly used, and its report submitted to the province."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from feedback_app.domain.access import Principal, Role
from feedback_app.extensions import db
from feedback_app.models import Campaign, HouseholdCode, Unit
from feedback_app.services.campaigns.setup import campaign_commune, issue_codes
from feedback_app.services.reports import workflow as reports
from feedback_app.services.responses.record import Channel
from feedback_app.services.units import villages as register

from .indices_support import submit
from .reports_support import officer

VILLAGES = (("Thôn Một", 12), ("Bản Hai", 7), ("Ấp Ba", 3))
USED = {"Thôn Một": 9, "Bản Hai": 6, "Ấp Ba": 1}  # codes answered per village


def village_codes(campaign: Campaign, name: str) -> list[str]:
    unit = db.session.scalars(select(Unit).filter_by(name=name)).one()
    return sorted(db.session.scalars(select(HouseholdCode.code).filter_by(
        campaign_id=campaign.id, village_id=unit.id)))


def village_code(name: str) -> str:
    return db.session.scalars(select(Unit.code).filter_by(name=name)).one()


def verified_commune(make_campaign: Callable[..., Campaign], submit_report: bool = True,
                     key: str = "verify") -> Campaign:
    """Campaign `key` over Lai Châu; commune 03390 with three villages (22 codes), 16 of them used
    (web, and one assisted), its report submitted (unless told not to)."""
    campaign = make_campaign(codes=0, key=key)
    commune = db.session.scalars(select(Unit).filter_by(code="03390")).one()
    for name, households in VILLAGES:
        register.add_village(Principal("officer", Role.OFFICER, commune.id), "03390",
                             {"name": name, "households": str(households)})
    issue_codes(campaign, campaign_commune(campaign, "03390"))
    db.session.commit()
    for name, n in USED.items():
        for i, code in enumerate(village_codes(campaign, name)[:n]):
            submit(campaign, code=code, channel=Channel.ASSISTED if i == 0 else Channel.WEB)
    db.session.commit()
    if submit_report:
        reports.submit_report(officer("03390"), key, "xã")
        db.session.commit()
    return campaign


PROVINCE = officer("12")
COMMUNE = officer("03390")
SIBLING = officer("03430")
