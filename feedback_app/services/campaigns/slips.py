"""The printable sheet of household-code slips."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...adapters.qr import qr_svg_inline
from ...adapters.sms import public_number
from ...domain.codes import format_code
from ...links import household_url, public_url
from ...models import Campaign
from ..surveys import survey_of
from .setup import CodeRow

SLIPS_PER_PAGE = 10  # 2 columns x 5 rows on A4


@dataclass(frozen=True)
class Slip:
    commune_name: str
    code: str
    url: str
    qr_svg: str


def slip_sheet(campaign: Campaign, rows: Sequence[CodeRow]) -> dict[str, Any]:
    """Template context: slips grouped in pages, each slip with its QR code as inline SVG, and the
    number to text when an SMS route is set (households without a smartphone answer by SMS)."""
    slips = [
        Slip(row.commune_name, format_code(row.code), household_url(row.code),
             qr_svg_inline(household_url(row.code)))
        for row in rows
    ]
    pages = [slips[i : i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)]
    return {
        "campaign": campaign,
        "survey": survey_of(campaign.survey_version),
        "pages": pages,
        "home_url": public_url("resident.home"),
        "sms_number": public_number(),
    }
