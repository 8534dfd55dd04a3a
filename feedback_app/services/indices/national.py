"""The national view for the central committee of the Front: every province's campaigns of one
survey, each with its communes meeting the rules, coverage, verdict and the province's report.

A province runs its own campaign with its own rules; the view sets them side by side and never pools
them into one national rate (their thresholds and coverage minimums may differ). Only an account of
a country unit reads it; the figures are the campaign indices of services.indices, read from the
counters (one index per campaign, whatever the number of responses).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...domain.access import Principal, Relation
from ...domain.reports import Action, permitted
from ...domain.rollup import Node
from ...extensions import db
from ...models import Campaign, Report, Unit
from ..accounts.access import unit_of
from ..errors import Refused
from .index import campaign_index


@dataclass(frozen=True)
class ProvinceRow:
    campaign: Campaign
    province: Unit
    figures: Node  # the campaign unit's node (figures; its children are not expanded)
    report_status: str | None  # the province's own report: draft, submitted, returned, accepted


@dataclass(frozen=True)
class NationalView:
    country: Unit
    survey_id: str | None  # the survey shown (None: there is no campaign under the country)
    survey_ids: list[str]  # every survey with a campaign under the country, for the chooser
    rows: list[ProvinceRow]
    provinces_without: list[Unit]  # provinces with no campaign of this survey
    may_decide: bool  # the principal may accept or return the provinces' (its children's) reports

    @property
    def communes_meeting(self) -> int:
        return sum(row.figures.figures.communes_meeting for row in self.rows)

    @property
    def communes_total(self) -> int:
        return sum(row.figures.figures.communes_total for row in self.rows)


def national_view(principal: Principal, survey_id: str | None = None) -> NationalView:
    """The provinces' campaigns of one survey (default: the survey of the latest campaign), newest
    first within a province. Refused 403 unless the principal's unit is a country."""
    country = unit_of(principal)
    if country.level != "country":
        raise Refused("not_national", status=403, code=country.code)
    provinces = list(db.session.scalars(
        select(Unit).where(Unit.parent_id == country.id).order_by(Unit.code)))
    campaigns = list(db.session.scalars(
        select(Campaign).join(Unit, Campaign.unit_id == Unit.id)
        .where(Unit.parent_id == country.id)
        .options(joinedload(Campaign.survey_version), joinedload(Campaign.unit))
        .order_by(Campaign.opens_on.desc(), Campaign.id.desc())))
    survey_ids = sorted({c.survey_version.survey_id for c in campaigns})
    if survey_id is None:
        survey_id = campaigns[0].survey_version.survey_id if campaigns else None
    elif survey_id not in survey_ids:
        raise Refused("unknown_survey", status=404, survey=survey_id)
    chosen = [c for c in campaigns if c.survey_version.survey_id == survey_id]
    statuses = {
        (report.campaign_id, report.unit_id): report.status
        for report in db.session.scalars(select(Report).where(
            Report.campaign_id.in_([c.id for c in chosen])))
    } if chosen else {}
    rows = [
        ProvinceRow(campaign, campaign.unit, campaign_index(campaign.key, depth=0).root,
                    statuses.get((campaign.id, campaign.unit_id)))
        for campaign in sorted(chosen, key=lambda c: (c.unit.code, -c.opens_on.toordinal(), -c.id))
    ]
    surveyed = {row.province.id for row in rows}
    return NationalView(country, survey_id, survey_ids, rows,
                        [p for p in provinces if p.id not in surveyed],
                        permitted(principal.role, Relation.CHILD, Action.ACCEPT))

