"""What a report says: one JSON-ready object built from the index services, never recomputed.

The same object is frozen into a submitted report (services.reports.workflow) and built on the fly for an
export of a unit's current results (services.exports), so a report and an export cannot differ in
how they count. `index` is the committee index document (services.indices.document) and `public` the
public variant of the same computation (small cells hidden), which the public results page shows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import Campaign, CampaignCommune, Unit
from ..campaigns.scope import left_out
from ..campaigns.setup import campaign_title
from ..errors import Refused
from ..indices.dashboard import communes_below
from ..indices.document import index_document, unit_ref
from ..indices.index import ancestry, campaign_index
from ..remarks.reasons import reasons_by_item, reasons_document
from ..surveys import survey_of
from .fieldwork import fieldwork_document

FORMAT = 1
REPORT_REASONS_PER_ITEM = 10  # the newest reasons per question a report quotes (the page lists all)


def timestamp(moment: datetime) -> str:
    """An ISO 8601 UTC time to the second (what the canonical JSON stores)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def campaign_ref(campaign: Campaign) -> dict[str, Any]:
    survey = survey_of(campaign.survey_version)
    return {
        "key": campaign.key,
        "campaign_title": campaign_title(campaign),
        "survey": survey.id,
        "survey_version": survey.version,
        "title": dict(survey.title),
        "opens_on": campaign.opens_on.isoformat(),
        "closes_on": campaign.closes_on.isoformat(),
        "threshold": round(float(Fraction(campaign.threshold)), 4),
        "min_coverage": round(float(Fraction(campaign.min_coverage)), 4),
        "scheme": campaign.unit.scheme,
    }


def item_labels(campaign: Campaign) -> list[dict[str, Any]]:
    """Each question of the survey with its criterion number and its texts in every language."""
    survey = survey_of(campaign.survey_version)
    return [{"id": item.id, "criterion": item.criterion, "overall": item.overall, "text": dict(item.text)}
            for item in survey.items]


def check_in_campaign(campaign: Campaign, unit: Unit) -> None:
    """Refused (404) unless a commune of the campaign is at or below the unit: the same rule as
    services.indices.index, without computing the index (two small queries)."""
    communes = db.session.scalars(select(CampaignCommune.unit_id)
                                  .where(CampaignCommune.campaign_id == campaign.id))
    parents, _ = ancestry(communes)
    if unit.id not in parents:
        raise Refused("unit_not_in_campaign", status=404, campaign=campaign.key, scheme=unit.scheme,
                      code=unit.code)


def results_content(campaign: Campaign, unit: Unit, depth: int = 1, public: bool = True) -> dict[str, Any]:
    """A unit's results for a campaign, as of now: campaign, unit, questions, committee index with
    `depth` levels of children, and (unless `public` is False) the public variant of the same
    figures, which a report needs for the public page and an export does not. `resident_reasons`
    quotes the newest reasons for not being satisfied per question, with their count: for the
    committees that read the report, never shown on the public page (which reads `public`)."""
    report = campaign_index(campaign.key, unit.code, campaign.unit.scheme, depth)
    communes = communes_below(campaign, unit)
    content = {
        "format": FORMAT,
        "campaign": campaign_ref(campaign),
        "unit": unit_ref(unit),
        "items": item_labels(campaign),
        "index": index_document(report),
        # Committees only: what households wrote when not satisfied (never in `public`)
        "resident_reasons": reasons_document(reasons_by_item(
            campaign, communes, report.survey, REPORT_REASONS_PER_ITEM)),
        # Codes issued, used and unused, and a commune's villages (section I of the filed document)
        "fieldwork": fieldwork_document(campaign, unit, communes, report),
    }
    if public:
        content["public"] = index_document(report, public=True)
    left = [] if unit.level == "commune" else left_out(campaign.key)
    if left:  # communes the province left out, with why (services.campaigns.scope)
        content["communes_left_out"] = [
            {"code": c.code, "name": c.name, "name_en": c.name_en, "reason": c.reason} for c in left]
    return content
