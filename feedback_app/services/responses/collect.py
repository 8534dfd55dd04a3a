"""Assisted collection: a signed-in committee member records households' answers for one commune
(channel assisted), through the same record_response as every other channel.

Who may collect: an officer or admin whose unit is the commune or one of its ancestors (the rule of
services.accounts.access, as for every committee action); viewers only read. A household code must belong
to the campaign and commune of the collect page, so a cadre never records another commune's answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ...database import writing
from ...domain.access import Principal, Role
from ...extensions import db
from ...models import Campaign, CampaignCommune, Unit
from ..accounts.access import check_can_act
from ..campaigns.setup import campaign_commune, get_campaign
from ..errors import Refused
from ..units.villages import village_of
from .provenance import Provenance
from .record import Channel, Recorded, Submission, lookup_code, record_response

COLLECT_ROLE = Role.OFFICER


def begin_collecting() -> None:
    """Begin the request's transaction as one that writes, before its first read (the signed-in
    account, the campaign): on SQLite it then takes the write lock at once (BEGIN IMMEDIATE, as
    record_response does), so cadres posting at the same moment wait their turn instead of getting
    "the service is busy". PostgreSQL is unchanged: its row locks do this (database.py)."""
    writing(db.session)


@dataclass(frozen=True)
class CollectPlace:
    campaign: Campaign
    commune: CampaignCommune
    village: Unit | None = None  # a village's collect page takes only that village's codes


def collect_place(principal: Principal, campaign_key: str, commune_code: str,
                  village_code: str | None = None) -> CollectPlace:
    """The campaign's commune (or one of its villages) the principal may collect in, or Refused
    (404 unknown, 403 scope). A village's cadre, whose account is the village's, collects there."""
    campaign = get_campaign(campaign_key)
    commune = campaign_commune(campaign, commune_code)
    village = village_of(commune.unit, village_code, current=False) if village_code else None
    check_can_act(principal, village or commune.unit, COLLECT_ROLE)
    if not campaign.household_codes:
        raise Refused("campaign_without_codes", status=403, campaign=campaign)
    return CollectPlace(campaign, commune, village)


def record_assisted(
    principal: Principal,
    campaign_key: str,
    commune_code: str,
    household_code: str,
    answers: Mapping[str, object],
    client_uuid: str | None,
    comment: str = "",
    reasons: Mapping[str, str] | None = None,
    village_code: str | None = None,
    provenance: Provenance | None = None,
) -> Recorded:
    """Record one household's answers given to a cadre; flushes, never commits. The collecting
    account is recorded with it (the verifier's flags count one cadre's share and bursts)."""
    place = collect_place(principal, campaign_key, commune_code, village_code)
    code = lookup_code(household_code)
    if code.campaign_id != place.campaign.id or code.commune_id != place.commune.unit_id:
        raise Refused("code_other_commune", status=422, code=household_code)
    if place.village is not None and code.village_id != place.village.id:
        raise Refused("code_other_village", status=422, code=household_code)
    return record_response(Submission(
        campaign_key=place.campaign.key,
        channel=Channel.ASSISTED,
        answers=answers,
        client_uuid=client_uuid,
        household_code=household_code,
        comment=comment,
        reasons=reasons or {},
        provenance=replace(provenance or Provenance(), collector=principal.name),
    ))
