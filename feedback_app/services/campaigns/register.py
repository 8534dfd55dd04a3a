"""A campaign's register: the households of a commune and of its villages as they stood when the
commune's codes were first issued (DESIGN.md: "the households registered per village (or commune)
when a campaign issues its codes; the denominator of coverage").

The copy is taken once per campaign and commune; after that, villages added, renamed, merged or
retired and households changed do not move that campaign's denominators. Until then the
campaign's commune follows the register (set-up copies the commune's households at creation).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, insert, select

from ...clock import utcnow
from ...domain.index import coverage
from ...extensions import db
from ...models import (
    Campaign,
    CampaignCommune,
    CampaignSampleVillage,
    CampaignVillage,
    HouseholdCode,
    Response,
    Unit,
)
from ..indices import counters
from ..units.villages import register_of


def take_register(campaign: Campaign, commune: CampaignCommune) -> None:
    """Copy the commune's register into the campaign, unless it was copied before."""
    if commune.registered_at is not None:
        return
    register = register_of(commune.unit)
    sample = sampled_villages(campaign.id, commune.unit_id)
    villages = [v for v in register.villages if not sample or v.id in sample]
    if villages:
        db.session.execute(insert(CampaignVillage), [
            {"campaign_id": campaign.id, "commune_id": commune.unit_id, "village_id": v.id,
             "households": v.households or 0}
            for v in villages
        ])
        counters.create_village_rows(campaign, [v.id for v in villages])
    commune.households = sum(v.households or 0 for v in villages) if sample else register.households
    commune.registered_at = utcnow()
    db.session.flush()


def sampled_villages(campaign_id: int, commune_id: int) -> set[int]:
    """The villages a campaign samples in a commune (services.campaigns.scope); empty: the whole
    commune is surveyed."""
    return set(db.session.scalars(select(CampaignSampleVillage.village_id).where(
        CampaignSampleVillage.campaign_id == campaign_id, CampaignSampleVillage.commune_id == commune_id)))


def campaign_villages(campaign: Campaign, commune_id: int) -> list[CampaignVillage]:
    """The villages in the campaign's register of a commune, by code."""
    return list(db.session.scalars(
        select(CampaignVillage).join(Unit, Unit.id == CampaignVillage.village_id)
        .where(CampaignVillage.campaign_id == campaign.id, CampaignVillage.commune_id == commune_id)
        .order_by(Unit.code)
    ))


@dataclass(frozen=True)
class CodeCounts:
    """One line of the codes table: a village (or a commune, or its codes of no village)."""

    unit: Unit | None  # None: the commune's codes not given to a village
    registered: int | None
    issued: int
    used: int

    @property
    def coverage(self) -> Fraction | None:
        return coverage(self.used, self.registered)

    @property
    def not_covered(self) -> int:
        """Registered households without a code yet."""
        return max((self.registered or 0) - self.issued, 0)


@dataclass(frozen=True)
class CommuneCodes:
    commune: CampaignCommune
    total: CodeCounts
    villages: list[CodeCounts]  # empty for a commune without villages (in the campaign's register)
    unassigned: CodeCounts | None  # codes of the commune given to no village, when there are any
    registered: bool  # whether the register was taken (before: `villages` previews the register)


def code_counts(campaign: Campaign, communes: list[CampaignCommune]) -> list[CommuneCodes]:
    """Registered households, codes issued and codes used per commune and village (two grouped
    queries over the campaign's codes)."""
    ids = [c.unit_id for c in communes]
    issued: dict[tuple[int, int | None], int] = {}
    used: dict[tuple[int, int | None], int] = {}
    if ids:
        for commune_id, village_id, n, u in db.session.execute(
            select(HouseholdCode.commune_id, HouseholdCode.village_id, func.count(HouseholdCode.id),
                   func.count(Response.id))
            .outerjoin(Response, Response.household_code_id == HouseholdCode.id)
            .where(HouseholdCode.campaign_id == campaign.id, HouseholdCode.commune_id.in_(ids))
            .group_by(HouseholdCode.commune_id, HouseholdCode.village_id)
        ):
            issued[(commune_id, village_id)] = n
            used[(commune_id, village_id)] = u
    tables = []
    for commune in communes:
        now = register_of(commune.unit)
        if commune.registered_at is None:  # what the register will be when the codes are issued
            sample = sampled_villages(campaign.id, commune.unit_id)
            rows = [CodeCounts(v, v.households, 0, 0) for v in now.villages
                    if not sample or v.id in sample]
            registered = sum(v.households or 0 for v in now.villages if v.id in sample) if sample \
                else now.households
        else:
            rows = [CodeCounts(v.village, v.households, issued.get((commune.unit_id, v.village_id), 0),
                               used.get((commune.unit_id, v.village_id), 0))
                    for v in campaign_villages(campaign, commune.unit_id)]
            registered = commune.households
        loose = (issued.get((commune.unit_id, None), 0), used.get((commune.unit_id, None), 0))
        unassigned = CodeCounts(None, None, *loose) if rows and loose[0] else None
        total_issued = sum(n for (c, _), n in issued.items() if c == commune.unit_id)
        total_used = sum(n for (c, _), n in used.items() if c == commune.unit_id)
        tables.append(CommuneCodes(
            commune, CodeCounts(commune.unit, registered, total_issued, total_used), rows,
            unassigned, commune.registered_at is not None))
    return tables
