"""Which survey a first message opens: a household code, or a commune keyword ("HL 03390")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...clock import local_today
from ...domain.sms.replies import StartRequest
from ...extensions import db
from ...models import Campaign, CampaignCommune, SmsOpenAnswer, Unit
from ..errors import Refused
from ..responses.record import Entry, open_entry


def resolve_start(hashed: str, start: StartRequest, today: date | None = None) -> tuple[Entry, str]:
    """The entry a start message opens and its compact answers (digits after the code).

    The first 15 digits are tried as a household code; when no issued code matches, the first group
    of digits is tried as a commune keyword of a campaign open to answers without codes.
    """
    code_refusal: Refused | None = None
    if start.code:
        code, rest = start.code
        try:
            return open_entry(None, household_code=code, today=today), rest
        except Refused as refused:
            if refused.reason not in ("code_mistyped", "code_unknown") or not start.commune:
                raise
            code_refusal = refused
    if start.commune:
        commune_code, rest = start.commune
        try:
            entry = open_commune_entry(commune_code, today)
        except Refused:
            if code_refusal is not None:
                raise code_refusal from None
            raise
        check_number_not_answered(entry, hashed)
        return entry, rest
    raise Refused("code_mistyped", status=400, code=start.digits)


def open_commune_entry(commune_code: str, today: date | None = None) -> Entry:
    """The one campaign open to answers by commune keyword for this commune code, today."""
    today = today or local_today()
    query = (
        select(Campaign)
        .join(CampaignCommune, CampaignCommune.campaign_id == Campaign.id)
        .join(Unit, Unit.id == CampaignCommune.unit_id)
        .where(Unit.code == commune_code)
        .order_by(Campaign.closes_on.desc())
    )
    campaigns = list(db.session.scalars(query))
    open_link = [c for c in campaigns if c.open_link]
    running = [c for c in open_link if c.opens_on <= today <= c.closes_on]
    if len(running) > 1:
        raise Refused("sms_commune_ambiguous", status=409, commune=commune_code)
    # Otherwise open_entry words the refusal: closed or not open yet (with the dates), or open
    # only to household codes.
    chosen = running or open_link or [c for c in campaigns if c.opens_on <= today <= c.closes_on]
    if chosen:
        return open_entry(chosen[0].key, commune_code=commune_code, today=today)
    raise Refused("sms_commune_unknown", status=404, commune=commune_code)


def check_number_not_answered(entry: Entry, hashed: str) -> None:
    """In commune-keyword campaigns each number answers once."""
    if entry.code is None and db.session.get(SmsOpenAnswer, (entry.campaign.id, hashed)):
        raise Refused("sms_number_answered", status=409, campaign=entry.campaign,
                      place=entry.commune.unit)


def claim_open_answer(entry: Entry, hashed: str) -> None:
    """Mark the number as having answered (the primary key settles two racing conversations)."""
    db.session.add(SmsOpenAnswer(campaign_id=entry.campaign.id, number_hash=hashed))
    db.session.flush()
