"""The printable sheet of household-code slips: one bundle per village committee (a cover with the
village's name and the number of slips, then the slips, each with the village's name)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from ...adapters.qr import qr_svg_inline
from ...adapters.sms import public_number
from ...domain.codes import format_code
from ...links import household_url, public_url
from ...models import Campaign
from ..surveys import survey_of
from .setup import CodeRow, campaign_title

SLIPS_PER_PAGE = 10  # 2 columns x 5 rows on A4


@dataclass(frozen=True)
class Slip:
    commune_name: str
    code: str
    url: str
    qr_svg: str
    village_name: str | None = None


@dataclass(frozen=True)
class Bundle:
    """The slips one village committee receives (village None: the commune's codes of no village)."""

    commune_name: str
    village_name: str | None
    village_code: str | None
    count: int
    pages: list[list[Slip]]


def slip_sheet(campaign: Campaign, rows: Sequence[CodeRow], unused_only: bool = False) -> dict[str, Any]:
    """Template context: bundles of slips grouped in pages, each slip with its QR code as inline
    SVG, and the number to text when an SMS route is set (households without a smartphone answer
    by SMS). `rows` come in print order (setup.code_rows: commune, village, issue order)."""
    bundles = []
    for (_, village_code), group in groupby(rows, key=lambda r: (r.commune_code, r.village_code)):
        found = list(group)
        slips = [
            Slip(row.commune_name, format_code(row.code), household_url(row.code),
                 qr_svg_inline(household_url(row.code)), row.village_name)
            for row in found
        ]
        pages = [slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)]
        bundles.append(Bundle(found[0].commune_name, found[0].village_name, village_code,
                              len(slips), pages))
    return {
        "campaign": campaign,
        "title": campaign_title(campaign),
        "survey": survey_of(campaign.survey_version),
        "bundles": bundles,
        "total": sum(b.count for b in bundles),
        "unused_only": unused_only,
        "home_url": public_url("resident.home"),
        "sms_number": public_number(),
    }
