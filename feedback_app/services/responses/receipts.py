"""What the thank-you page shows after an answer: the response's campaign, survey and commune, and
whether the commune's results are published yet (then the page links to them)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...domain.survey import Survey
from ...extensions import db
from ...models import Campaign, Response, Unit
from ..reports.published import is_published
from ..surveys import survey_of


@dataclass(frozen=True)
class Receipt:
    response: Response
    survey: Survey
    commune: Unit
    published: bool


def receipt(rid: str) -> Receipt | None:
    """The receipt of the response with the client's UUID `rid`; None when there is none."""
    response = db.session.scalar(
        select(Response)
        .filter_by(uuid=rid)
        .options(joinedload(Response.campaign).joinedload(Campaign.survey_version),
                 joinedload(Response.commune))
    )
    if response is None:
        return None
    return Receipt(response, survey_of(response.campaign.survey_version), response.commune,
                   is_published(response.campaign, response.commune))
