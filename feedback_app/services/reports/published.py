"""The public results page of a commune: what residents' answers led to, once the commune's report
is accepted. It shows the public variant frozen in the accepted report (services.indices.document:
no counts of answers, no rate from fewer than 5 valid answers), never anything before acceptance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...domain.reports import Status
from ...models import Campaign, Report, Unit
from ..campaigns.setup import get_campaign, get_unit
from ..errors import Refused
from .workflow import find_report


@dataclass(frozen=True)
class Published:
    campaign: dict[str, Any]  # report_content.campaign_ref
    unit: dict[str, Any]
    index: dict[str, Any]  # the public index document
    items: dict[str, dict[str, Any]]  # question id -> its texts
    accepted_at: datetime | None


def has_public_page(report: Report) -> bool:
    """Whether this report's figures are on a public results page: a commune's accepted report."""
    return report.status == Status.ACCEPTED and report.unit.level == "commune"


def is_published(campaign: Campaign, commune: Unit) -> bool:
    """Whether the commune's results are on its public page (its report is accepted)."""
    report = find_report(campaign, commune)
    return report is not None and has_public_page(report)


def published_results(campaign_key: str, commune_code: str) -> Published:
    """The accepted report's public figures; Refused('results_not_published', 404) before that."""
    campaign = get_campaign(campaign_key)
    try:
        unit = get_unit(campaign.unit.scheme, commune_code)
    except Refused:
        raise Refused("unknown_commune", status=404, campaign=campaign.key, commune=commune_code) from None
    if unit.level != "commune":
        raise Refused("unknown_commune", status=404, campaign=campaign.key, commune=commune_code)
    report = find_report(campaign, unit)
    if report is None or report.status != Status.ACCEPTED:
        raise Refused("results_not_published", status=404, unit=unit, campaign=campaign)
    content = json.loads(report.content)
    return Published(content["campaign"], content["unit"], content["public"],
                     {item["id"]: item for item in content["items"]}, report.decided_at)
