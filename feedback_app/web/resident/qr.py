"""QR images of the survey links, PNG or SVG, always encoding absolute URLs under PUBLIC_BASE_URL."""

from __future__ import annotations

from flask import Blueprint, Response

from ...adapters.qr import MEDIA_TYPES, Format, qr_image
from ...domain.codes import normalise_code
from ...links import commune_url, household_url
from ...services.campaigns.setup import campaign_commune, get_campaign
from ...services.responses.record import lookup_code
from ..limits import code_lookups, failed_code_lookups

bp = Blueprint("qr", __name__, url_prefix="/qr")
CACHE = "public, max-age=86400"


def _image(url: str, fmt: Format) -> Response:
    return Response(qr_image(url, fmt), mimetype=MEDIA_TYPES[fmt], headers={"Cache-Control": CACHE})


@bp.get("/h/<code>.<any(png, svg):fmt>")
@code_lookups
@failed_code_lookups
def household(code: str, fmt: Format) -> Response:
    issued = lookup_code(code)
    return _image(household_url(normalise_code(issued.code)), fmt)


@bp.get("/c/<campaign>/<commune>.<any(png, svg):fmt>")
def commune(campaign: str, commune: str, fmt: Format) -> Response:
    found = get_campaign(campaign)
    campaign_commune(found, commune)
    return _image(commune_url(found.key, commune), fmt)
