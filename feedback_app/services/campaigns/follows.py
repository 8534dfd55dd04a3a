"""Which earlier campaign a campaign follows: set by an officer of the campaign's unit (web or
CLI), read by the comparison with the earlier round (services.indices.comparison).

The earlier campaign must be of the same unit, or of a unit that the campaign's unit succeeded
(Lai Châu of the legacy scheme for Lai Châu of 2025: a succession row, whole or part), and must
have opened before it. Every setting is appended (models.CampaignFollows) with who and when; the
newest is in force. Services flush and never commit.
"""

from __future__ import annotations

from sqlalchemy import select

from ...domain.access import Principal, Role
from ...extensions import db
from ...models import Campaign, CampaignFollows, UnitSuccession
from ..accounts.access import check_can_act
from ..errors import Refused
from .setup import get_campaign


def followed(campaign: Campaign) -> Campaign | None:
    """The earlier campaign `campaign` follows now (None: none set, or cleared)."""
    newest = db.session.scalars(
        select(CampaignFollows).where(CampaignFollows.campaign_id == campaign.id)
        .order_by(CampaignFollows.id.desc()).limit(1)
    ).first()
    return newest.earlier if newest is not None else None


def history(campaign: Campaign) -> list[CampaignFollows]:
    """Every setting of the campaign followed, newest first (the audit trail)."""
    return list(db.session.scalars(
        select(CampaignFollows).where(CampaignFollows.campaign_id == campaign.id)
        .order_by(CampaignFollows.id.desc())
    ))


def predecessor_units(campaign: Campaign) -> set[int]:
    """The campaign's unit and the units it succeeded (directly, through the succession table)."""
    old = db.session.scalars(
        select(UnitSuccession.old_unit_id).where(UnitSuccession.new_unit_id == campaign.unit_id)
    )
    return {campaign.unit_id, *old}


def candidates(campaign: Campaign) -> list[Campaign]:
    """The campaigns `campaign` may follow: of its unit or a predecessor, opened before it;
    newest first."""
    return list(db.session.scalars(
        select(Campaign).where(Campaign.unit_id.in_(predecessor_units(campaign)),
                               Campaign.id != campaign.id, Campaign.opens_on < campaign.opens_on)
        .order_by(Campaign.opens_on.desc(), Campaign.id.desc())
    ))


def check_may_follow(campaign: Campaign, earlier: Campaign) -> None:
    """Refused (422) unless `earlier` is a campaign `campaign` may follow."""
    if earlier.id == campaign.id:
        raise Refused("follows_itself", status=422, campaign=campaign.key)
    if earlier.unit_id not in predecessor_units(campaign):
        raise Refused("follows_other_unit", status=422, campaign=campaign.key, earlier=earlier.key)
    if not earlier.opens_on < campaign.opens_on:
        raise Refused("follows_not_earlier", status=422, campaign=campaign.key, earlier=earlier.key)


def set_follows(principal: Principal, key: str, earlier_key: str | None,
                check_scope: bool = True) -> CampaignFollows:
    """Record that the campaign `key` follows `earlier_key` (None or "": it follows none any
    more). Officers of the campaign's unit or above only (`check_scope` False: the operator at
    the shell, named by `principal` in the audit trail); the earlier campaign is checked against
    the campaign, not against the principal's scope: a campaign of a predecessor unit is under
    another scheme, which no account of the new units "sees", and its figures are only ever shown
    re-expressed in the new units."""
    campaign = get_campaign(key)
    if check_scope:
        check_can_act(principal, campaign.unit, Role.OFFICER)
    earlier = None
    if earlier_key:
        try:
            earlier = get_campaign(earlier_key)
        except Refused:
            raise Refused("follows_unknown", status=422, earlier=earlier_key) from None
        check_may_follow(campaign, earlier)
    entry = CampaignFollows(
        campaign_id=campaign.id, earlier_campaign_id=earlier.id if earlier else None,
        actor_username=principal.name, actor_role=principal.role.value,
        actor_unit=principal.unit_label, actor_full_name=principal.full_name,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
