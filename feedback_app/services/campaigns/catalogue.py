"""What the API lists: campaigns and the units of a scheme (tree browsing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ...domain.campaign import Window, window
from ...extensions import db
from ...models import Campaign, CampaignCommune, Unit, UnitSuccession
from .setup import get_campaign, get_unit


@dataclass(frozen=True)
class CampaignInfo:
    campaign: Campaign
    communes: int
    state: Window


def _info(campaign: Campaign, communes: int, today: date) -> CampaignInfo:
    return CampaignInfo(campaign, communes, window(campaign.opens_on, campaign.closes_on, today))


def list_campaigns(today: date) -> list[CampaignInfo]:
    counts = {
        campaign_id: n for campaign_id, n in db.session.execute(
            select(CampaignCommune.campaign_id, func.count(CampaignCommune.id))
            .group_by(CampaignCommune.campaign_id)
        )
    }
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.opens_on.desc(), Campaign.key))
    return [_info(c, counts.get(c.id, 0), today) for c in campaigns]


def campaign_info(key: str, today: date) -> CampaignInfo:
    campaign = get_campaign(key)
    communes = db.session.scalar(
        select(func.count(CampaignCommune.id)).filter_by(campaign_id=campaign.id)
    )
    return _info(campaign, communes or 0, today)


@dataclass(frozen=True)
class UnitListing:
    unit: Unit
    children: int


def list_units(scheme: str, parent_code: str | None = None) -> list[UnitListing]:
    """The top units of a scheme, or the children of one unit, by code, with their child counts."""
    parent_id = get_unit(scheme, parent_code).id if parent_code else None
    child = aliased(Unit)
    children = (
        select(func.count(child.id)).where(child.parent_id == Unit.id).correlate(Unit).scalar_subquery()
    )
    query = select(Unit, children).where(Unit.scheme == scheme).order_by(Unit.code)
    query = query.where(Unit.parent_id == parent_id if parent_id else Unit.parent_id.is_(None))
    return [UnitListing(unit, n) for unit, n in db.session.execute(query)]


@dataclass(frozen=True)
class UnitDetail:
    unit: Unit
    ancestors: list[Unit]  # from the top of the tree down to the parent
    children: list[UnitListing]
    successors: list[tuple[Unit, str]]  # (new unit, whole|part)
    predecessors: list[tuple[Unit, str]]  # (old unit, whole|part)


def unit_detail(scheme: str, code: str) -> UnitDetail:
    unit = get_unit(scheme, code)
    ancestors: list[Unit] = []
    parent = unit.parent
    while parent is not None and len(ancestors) < 10:
        ancestors.insert(0, parent)
        parent = parent.parent
    succession = aliased(UnitSuccession)
    successors = [
        (s.new_unit, s.share)
        for s in db.session.scalars(select(succession).where(succession.old_unit_id == unit.id))
    ]
    predecessors = [
        (s.old_unit, s.share)
        for s in db.session.scalars(select(succession).where(succession.new_unit_id == unit.id))
    ]
    return UnitDetail(unit, ancestors, list_units(scheme, code), successors, predecessors)
