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

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import contains_eager, joinedload

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


def _check_digits(raw: str) -> str:
    digits = normalise_code(raw)
    if not looks_like_code(digits) or not is_valid_code(digits):
        raise Refused("code_mistyped", status=400, code=raw)
    return digits


def lookup_code(raw: str) -> HouseholdCode:
    """The issued code a household typed, or Refused: mistyped (check digit), unknown."""
    code = db.session.scalar(
        select(HouseholdCode)
        .filter_by(code=_check_digits(raw))
        .options(joinedload(HouseholdCode.campaign).joinedload(Campaign.survey_version))
    )
    if code is None:
        raise Refused("code_unknown", status=404, code=raw)
    return code


def code_used(code: HouseholdCode) -> bool:
    return db.session.scalar(select(Response.id).filter_by(household_code_id=code.id)) is not None


def _code_entry(raw: str) -> tuple[HouseholdCode, CampaignCommune, bool]:
    """The issued code with its campaign (and survey version), its campaign commune (and unit),
    and whether a response used it, in one query: every page and answer of a household needs it."""
    used = select(Response.id).where(Response.household_code_id == HouseholdCode.id).exists()
    row = db.session.execute(
        select(HouseholdCode, CampaignCommune, used)
        .join(HouseholdCode.campaign)
        .join(CampaignCommune, (CampaignCommune.campaign_id == HouseholdCode.campaign_id)
              & (CampaignCommune.unit_id == HouseholdCode.commune_id))
        .where(HouseholdCode.code == _check_digits(raw))
        .options(contains_eager(HouseholdCode.campaign).joinedload(Campaign.survey_version),
                 joinedload(CampaignCommune.unit))
    ).first()
    if row is None:  # codes are only issued for a campaign's communes
        raise Refused("code_unknown", status=404, code=raw)
    return row[0], row[1], bool(row[2])


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
        code, commune, used = _code_entry(household_code)
        campaign = code.campaign
        if campaign_key is not None and campaign.key != campaign_key:
            raise Refused("code_unknown", status=404, code=household_code)
        check_may_answer(campaign, code, used, today)
        return Entry(campaign, commune, code, survey_of(campaign.survey_version))
    if campaign_key is None or commune_code is None:
        raise Refused("who_missing", status=400)
    campaign = get_campaign(campaign_key)
    commune = campaign_commune(campaign, commune_code)
    check_may_answer(campaign, None, False, today)
    return Entry(campaign, commune, None, survey_of(campaign.survey_version))


def check_may_answer(
    campaign: Campaign, code: HouseholdCode | None, used: bool, today: date | None = None
) -> None:
    """The rules every channel applies before taking answers, in this order: the way of answering
    is open (household codes, or the open commune link when there is no code), the campaign's
    dates include today, and the code has not been used."""
    if not (campaign.household_codes if code is not None else campaign.open_link):
        raise Refused("channel_closed", status=403, campaign=campaign)
    check_window(campaign, today)
    if code is not None and used:
        raise Refused("code_used", status=409, code=code.code, campaign=campaign)


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

    The usual path: one query says who may answer, then the response row, its answers and the
    counters are written; the replay lookup runs only when that check refuses or the row meets a
    unique constraint (uuid, household code).
    """
    client_uuid = parse_client_uuid(sub.client_uuid)
    comment = (sub.comment or "").strip()
    try:
        entry = open_entry(sub.campaign_key, sub.household_code, sub.commune_code, today)
    except Refused:
        previous = _replay(client_uuid)  # e.g. the code is used: by this very answer, re-sent?
        if previous is not None:
            return _replayed(previous, sub, comment)
        raise
    answers, problems = check_answers(entry.survey, sub.answers, comment)
    if problems:
        previous = _replay(client_uuid)
        if previous is not None:
            return _replayed(previous, sub, comment)
        raise Refused("answers_invalid", status=422, problems=problems, survey=entry.survey)
    response = _insert_unless_taken(
        uuid=client_uuid,
        campaign_id=entry.campaign.id,
        commune_id=entry.commune.unit_id,
        household_code_id=entry.code.id if entry.code else None,
        channel=sub.channel.value,
        comment=comment or None,
        content_hash=content_hash(entry, sub.channel, answers, comment),
    )
    if response is None:
        # The same UUID or the same household code is stored already (a replay, or a lost race).
        previous = _replay(client_uuid)
        if previous is not None:
            return _replayed(previous, sub, comment)
        raise Refused("code_used", status=409, code=entry.code.code if entry.code else None,
                      campaign=entry.campaign)
    db.session.execute(
        insert(Answer),
        [{"response_id": response.id, "item_id": k, "value": v} for k, v in answers.items()],
    )
    # The index counters move in the same transaction as the response (atomic n = n + 1 updates).
    counters.count_response(response, entry.survey, answers)
    return Recorded(response, created=True)


_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _insert_unless_taken(**values: object) -> Response | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: the new row, or None when a unique value
    (uuid, household code) is taken. Unlike a savepoint around a plain INSERT, a conflict
    leaves the transaction usable, and it costs one round trip instead of three."""
    dialect = db.session.get_bind().dialect.name
    statement = _INSERTS[dialect](Response).values(**values).on_conflict_do_nothing()
    return db.session.scalars(statement.returning(Response)).first()


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
