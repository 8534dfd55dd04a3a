"""A commune's villages in a campaign: answers, coverage, rate and verdict per village, from the
village counters and the campaign's register (three indexed queries, O(villages) whatever the
number of responses: never a scan of raw responses).

Each village is judged by the campaign's rules as a commune is (minimum coverage against the
village's registered households, the overall threshold, the items' rule); the per-commune floor
is a rule over communes and does not apply. The committee's dashboard shows every figure; a
public view takes `public_rows`, which hides every rate computed from fewer than
domain.index.MIN_PUBLIC_VALID valid answers and every count of answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from sqlalchemy import select

from ...domain.index import MIN_PUBLIC_VALID, Counts, Figures, Rules, Tally, Verdict, evaluate
from ...extensions import db
from ...models import Campaign, CampaignVillage, Unit, VillageCounter, VillageItemCounter


@dataclass(frozen=True)
class VillageRow:
    village: Unit
    figures: Figures

    @property
    def counts(self) -> Counts:
        return self.figures.counts

    @property
    def small(self) -> bool:
        """Fewer valid overall answers than a public view may show a rate for."""
        return self.counts.overall.valid < MIN_PUBLIC_VALID


@dataclass(frozen=True)
class PublicVillage:
    """What a resident-facing page may show of a village: no counts, no rate from a small cell."""

    name: str
    code: str
    coverage: Fraction | None
    rate: Fraction | None  # None when hidden (small cell) or nothing valid
    rate_hidden: bool
    verdict: Verdict


def village_counts(campaign: Campaign, commune_id: int, item_ids: tuple[str, ...]
                   ) -> list[tuple[Unit, Counts]]:
    """Each village of the campaign's register of a commune with its counts, by village code."""
    registered = db.session.execute(
        select(Unit, CampaignVillage.households, VillageCounter.respondents,
               VillageCounter.overall_satisfied, VillageCounter.overall_valid)
        .join(CampaignVillage, CampaignVillage.village_id == Unit.id)
        .outerjoin(VillageCounter, (VillageCounter.campaign_id == CampaignVillage.campaign_id)
                   & (VillageCounter.village_id == CampaignVillage.village_id))
        .where(CampaignVillage.campaign_id == campaign.id, CampaignVillage.commune_id == commune_id)
        .order_by(Unit.code)
    ).all()
    ids = [unit.id for unit, *_ in registered]
    items: dict[int, dict[str, Tally]] = {v: {i: Tally() for i in item_ids} for v in ids}
    wanted = set(item_ids)
    if ids:
        for village, item_id, s, v, n in db.session.execute(
            select(VillageItemCounter.village_id, VillageItemCounter.item_id, VillageItemCounter.satisfied,
                   VillageItemCounter.valid, VillageItemCounter.no_opinion)
            .where(VillageItemCounter.campaign_id == campaign.id, VillageItemCounter.village_id.in_(ids))
        ):
            if item_id in wanted:
                items[village][item_id] = Tally(s, v, n)
    return [
        (unit, Counts(respondents or 0, households,
                      Tally(satisfied or 0, valid or 0, (respondents or 0) - (valid or 0)), items[unit.id]))
        for unit, households, respondents, satisfied, valid in registered
    ]


def village_rows(campaign: Campaign, commune_id: int, rules: Rules, item_ids: tuple[str, ...]
                 ) -> list[VillageRow]:
    """The committee's drilldown: every village's figures and verdict under the campaign's rules."""
    village_rules = replace(rules, commune_floor=None)
    return [VillageRow(unit, evaluate(counts, village_rules))
            for unit, counts in village_counts(campaign, commune_id, item_ids)]


def public_rows(rows: list[VillageRow], locale: str) -> list[PublicVillage]:
    """The same villages for a public view: the small-cell rule applied."""
    return [PublicVillage(row.village.display_name(locale), row.village.code, row.figures.coverage,
                          None if row.small else row.figures.rate, row.small and row.counts.overall.valid > 0,
                          row.figures.verdict)
            for row in rows]
