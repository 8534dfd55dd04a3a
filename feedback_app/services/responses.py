"""Recording one household's answers: the single path for the web form, SMS, the API and cadres."""

from __future__ import annotations

import hashlib
import json
import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain.campaign import Window, window
from ..domain.codes import is_valid_code, looks_like_code, normalise_code
from ..domain.survey import Survey, check_answers
from ..extensions import db
from ..models import Answer, Campaign, CampaignCommune, HouseholdCode, Response, Unit
from . import counters
from .campaigns import campaign_commune, get_campaign
from .errors import Refused
from .surveys import survey_of

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Channel(StrEnum):
    WEB = "web"
    SMS = "sms"
    ASSISTED = "assisted"


def local_today(now: datetime | None = None) -> date:
    return (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ).date()


@dataclass(frozen=True)
class Submission:
    """What a channel hands in. Exactly one of household_code / commune_code says who answers."""

    campaign_key: str | None
    channel: Channel
    answers: Mapping[str, object]
    client_uuid: str | None = None
    household_code: str | None = None
    commune_code: str | None = None
    comment: str = ""


@dataclass(frozen=True)
class Recorded:
    response: Response
    created: bool  # False when the same client UUID was recorded before (a replay)


@dataclass(frozen=True)
class Entry:
    """Where a household answers: a campaign's commune, and its code when it came with one."""

    campaign: Campaign
    commune: CampaignCommune
    code: HouseholdCode | None
    survey: Survey = field(compare=False)


def check_window(campaign: Campaign, today: date | None = None) -> None:
    state = window(campaign.opens_on, campaign.closes_on, today or local_today())
    if state is Window.NOT_OPEN:
        raise Refused("campaign_not_open", status=403, campaign=campaign)
    if state is Window.CLOSED:
        raise Refused("campaign_closed", status=403, campaign=campaign)


def lookup_code(raw: str) -> HouseholdCode:
    """The issued code a household typed, or Refused: mistyped (check digit), unknown."""
    digits = normalise_code(raw)
    if not looks_like_code(digits) or not is_valid_code(digits):
        raise Refused("code_mistyped", status=400, code=raw)
    code = db.session.scalar(select(HouseholdCode).filter_by(code=digits))
    if code is None:
        raise Refused("code_unknown", status=404, code=raw)
    return code


def code_used(code: HouseholdCode) -> bool:
    return db.session.scalar(select(Response.id).filter_by(household_code_id=code.id)) is not None


def open_entry(
    campaign_key: str | None,
    household_code: str | None = None,
    commune_code: str | None = None,
    today: date | None = None,
) -> Entry:
    """Resolve and check who may answer, before answers are shown or taken.

    With a household code: the code must be issued, unused, and its campaign open to codes.
    With a commune code: the campaign must be open to answers through its commune link.
    """
    if household_code is not None:
        code = lookup_code(household_code)
        campaign = code.campaign
        if campaign_key is not None and campaign.key != campaign_key:
            raise Refused("code_unknown", status=404, code=household_code)
        if not campaign.household_codes:
            raise Refused("channel_closed", status=403, campaign=campaign)
        commune = db.session.scalar(
            select(CampaignCommune).filter_by(campaign_id=campaign.id, unit_id=code.commune_id)
        )
        assert commune is not None, "codes are only issued for a campaign's communes"
        check_window(campaign, today)
        if code_used(code):
            raise Refused("code_used", status=409, code=code.code, campaign=campaign)
        return Entry(campaign, commune, code, survey_of(campaign.survey_version))
    if campaign_key is None or commune_code is None:
        raise Refused("who_missing", status=400)
    campaign = get_campaign(campaign_key)
    commune = campaign_commune(campaign, commune_code)
    if not campaign.open_link:
        raise Refused("channel_closed", status=403, campaign=campaign)
    check_window(campaign, today)
    return Entry(campaign, commune, None, survey_of(campaign.survey_version))


def content_hash(entry: Entry, channel: Channel, answers: Mapping[str, int], comment: str) -> str:
    """What a replay must repeat to count as the same submission."""
    payload = {
        "campaign": entry.campaign.key,
        "commune": entry.commune.unit_id,
        "code": entry.code.code if entry.code else None,
        "channel": channel.value,
        "answers": dict(sorted(answers.items())),
        "comment": comment,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _replay(client_uuid: str) -> Response | None:
    return db.session.scalar(select(Response).filter_by(uuid=client_uuid))


def parse_client_uuid(raw: str | None) -> str:
    if raw is None or raw == "":
        return str(uuidlib.uuid4())
    try:
        return str(uuidlib.UUID(str(raw)))
    except ValueError as exc:
        raise Refused("uuid_invalid", status=400, value=str(raw)[:64]) from exc


def record_response(sub: Submission, today: date | None = None) -> Recorded:
    """Validate and store one response; flushes, never commits.

    A replay of a client UUID returns the original response (created=False) when the content is the
    same, and is refused with 409 when it differs. A household code yields at most one response
    (enforced by the database, so two racing submissions cannot both win).
    """
    client_uuid = parse_client_uuid(sub.client_uuid)
    comment = (sub.comment or "").strip()
    previous = _replay(client_uuid)
    if previous is not None:
        return _replayed(previous, sub, comment)
    entry = open_entry(sub.campaign_key, sub.household_code, sub.commune_code, today)
    answers, problems = check_answers(entry.survey, sub.answers, comment)
    if problems:
        raise Refused("answers_invalid", status=422, problems=problems, survey=entry.survey)
    response = Response(
        uuid=client_uuid,
        campaign_id=entry.campaign.id,
        commune_id=entry.commune.unit_id,
        household_code_id=entry.code.id if entry.code else None,
        channel=sub.channel.value,
        comment=comment or None,
        content_hash=content_hash(entry, sub.channel, answers, comment),
        answers=[Answer(item_id=k, value=v) for k, v in answers.items()],
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        # Lost a race: the same UUID or the same household code was stored meanwhile.
        previous = _replay(client_uuid)
        if previous is not None:
            return _replayed(previous, sub, comment)
        raise Refused("code_used", status=409, code=entry.code.code if entry.code else None,
                      campaign=entry.campaign) from None
    # The index counters move in the same transaction as the response (atomic n = n + 1 updates).
    counters.count_response(response, entry.survey, answers)
    return Recorded(response, created=True)


def _replayed(previous: Response, sub: Submission, comment: str) -> Recorded:
    entry = Entry(
        previous.campaign,
        db.session.scalar(
            select(CampaignCommune).filter_by(
                campaign_id=previous.campaign_id, unit_id=previous.commune_id
            )
        ),
        previous.household_code,
        survey_of(previous.campaign.survey_version),
    )
    answers, problems = check_answers(entry.survey, sub.answers, comment)
    same_who = _same_who(previous, sub)
    if (
        problems
        or not same_who
        or content_hash(entry, sub.channel, answers, comment) != previous.content_hash
    ):
        raise Refused("uuid_conflict", status=409, uuid=previous.uuid)
    return Recorded(previous, created=False)


def _same_who(previous: Response, sub: Submission) -> bool:
    if sub.household_code is not None:
        return previous.household_code is not None and (
            previous.household_code.code == normalise_code(sub.household_code)
        )
    commune = db.session.get(Unit, previous.commune_id)
    return (
        previous.household_code is None
        and commune is not None
        and commune.code == sub.commune_code
        and previous.campaign.key == sub.campaign_key
    )
