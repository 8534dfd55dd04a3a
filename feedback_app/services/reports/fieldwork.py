"""How a survey was carried out in a unit, as a filed report states it (section I): the household
codes (the forms) issued, used (returned) and unused (missing), the answers that came without a
code (open link), and for a commune its villages one by one (registered households, codes
issued and used, answers, coverage, overall rate and verdict under the campaign's rules).

It is part of the report content (services.reports.content), so a submitted report freezes it
with its figures: codes issued after submission do not change a filed document. Two grouped
queries over the campaign's codes and the village counters (services.indices.villages); never a
scan of raw answers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ...extensions import db
from ...models import Campaign, HouseholdCode, Response, Unit
from ..indices.document import DECIMALS
from ..indices.index import IndexReport
from ..indices.villages import village_rows


def _codes(campaign: Campaign, communes: list[int]) -> dict[int | None, tuple[int, int]]:
    """(issued, used) per village id (None: codes given to no village) of the communes."""
    found: dict[int | None, tuple[int, int]] = {}
    if not communes:
        return found
    for village_id, issued, used in db.session.execute(
        select(HouseholdCode.village_id, func.count(HouseholdCode.id), func.count(Response.id))
        .outerjoin(Response, Response.household_code_id == HouseholdCode.id)
        .where(HouseholdCode.campaign_id == campaign.id, HouseholdCode.commune_id.in_(communes))
        .group_by(HouseholdCode.village_id)
    ):
        found[village_id] = (issued, used)
    return found


def _fraction(value: Any) -> float | None:
    return None if value is None else round(float(value), DECIMALS)


def fieldwork_document(campaign: Campaign, unit: Unit, communes: list[int], report: IndexReport
                       ) -> dict[str, Any]:
    """{codes: {issued, used, unused}, without_code, villages: [...]} for the unit whose campaign's
    communes below it are `communes` (ids) and whose index is `report`. `villages` is listed for a
    commune only (a province's hundreds of villages are its communes' reports)."""
    codes = _codes(campaign, communes)
    issued = sum(n for n, _ in codes.values())
    used = sum(u for _, u in codes.values())
    respondents = report.root.figures.counts.respondents
    villages = []
    if unit.level == "commune":
        for row in village_rows(campaign, unit.id, report.rules, report.survey.item_ids):
            village_issued, village_used = codes.get(row.village.id, (0, 0))
            overall = row.counts.overall
            villages.append({
                "code": row.village.code, "name": row.village.full_name, "name_en": row.village.full_name_en,
                "households": row.counts.households, "issued": village_issued, "used": village_used,
                "respondents": row.counts.respondents, "coverage": _fraction(row.figures.coverage),
                "satisfied": overall.satisfied, "valid": overall.valid, "rate": _fraction(overall.rate),
                "verdict": row.figures.verdict.value,
            })
    return {
        "codes": {"issued": issued, "used": used, "unused": issued - used},
        "without_code": max(respondents - used, 0),
        "villages": villages,
    }
