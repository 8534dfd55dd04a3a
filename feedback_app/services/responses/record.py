"""Recording one household's answers: the single path for the web form, SMS, the API and cadres."""

from __future__ import annotations

import hashlib
import json
import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Insert, Integer, SmallInteger, String, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.orm import joinedload

from ...clock import local_today, utcnow
from ...database import DIALECTS, dialect_insert, writing
from ...domain.campaign import Window, window
from ...domain.canonical import content_hash
from ...domain.codes import normalise_code
from ...domain.sms.fold import fold
from ...domain.survey import Survey, check_answers, clean_reasons
from ...extensions import db
from ...models import Answer, Campaign, HouseholdCode, Remark, Response, Unit
from ..errors import Refused
from ..indices import counters
from ..surveys import survey_of
from .entries import CodeView, Entry, check_digits, code_entry, link_entry
from .provenance import Provenance

__all__ = ["Channel", "Entry", "Provenance", "Recorded", "Submission", "check_may_answer", "open_entry",
           "record_response"]

RESPONSES = Response.__table__
ANSWERS = Answer.__table__
REMARKS = Remark.__table__


class Channel(StrEnum):
    WEB = "web"
    SMS = "sms"
    ASSISTED = "assisted"


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
    # An open-link answer from a device that already answered this campaign's open link, without
    # the person confirming it is for another household (web/device.py reads the marker).
    device_answered_before: bool = False
    reasons: Mapping[str, str] = field(default_factory=dict)  # item id -> why not satisfied
    # Who collected it, from which browser and address, how long it took (the verifier's flags).
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True)
class Recorded:
    """A stored response: its id and client UUID, and whether this call stored it (False when the
    same client UUID and content were recorded before: a replay)."""

    response_id: int
    uuid: str
    created: bool

    @property
    def response(self) -> Response:
        """The whole stored row, for callers that show more than its UUID."""
        response = db.session.get(Response, self.response_id)
        assert response is not None
        return response


class AnsweringRules(Protocol):
    """What the rules read of a campaign (a services.responses.entries.CampaignView or a Campaign row)."""

    @property
    def household_codes(self) -> bool: ...
    @property
    def open_link(self) -> bool: ...
    @property
    def opens_on(self) -> date: ...
    @property
    def closes_on(self) -> date: ...


def check_window(campaign: AnsweringRules, today: date | None = None) -> None:
    state = window(campaign.opens_on, campaign.closes_on, today or local_today())
    if state is Window.NOT_OPEN:
        raise Refused("campaign_not_open", status=403, campaign=campaign)
    if state is Window.CLOSED:
        raise Refused("campaign_closed", status=403, campaign=campaign)


def lookup_code(raw: str) -> HouseholdCode:
    """The issued code a household typed, or Refused: mistyped (check digit), unknown."""
    code = db.session.scalar(
        select(HouseholdCode)
        .filter_by(code=check_digits(raw))
        .options(joinedload(HouseholdCode.campaign).joinedload(Campaign.survey_version))
    )
    if code is None:
        raise Refused("code_unknown", status=404, code=raw)
    return code


def open_entry(
    campaign_key: str | None,
    household_code: str | None = None,
    commune_code: str | None = None,
    today: date | None = None,
) -> Entry:
    """Resolve and check who may answer, before answers are shown or taken (one query).

    With a household code: the code must be issued, unused, and its campaign open to codes.
    With a commune code: the campaign must be open to answers through its commune link.
    """
    if household_code is not None:
        entry, used = code_entry(household_code)
        if campaign_key is not None and entry.campaign.key != campaign_key:
            raise Refused("code_unknown", status=404, code=household_code)
        check_may_answer(entry.campaign, entry.code, used, today)
        return entry
    if campaign_key is None or commune_code is None:
        raise Refused("who_missing", status=400)
    entry = link_entry(campaign_key, commune_code)
    check_may_answer(entry.campaign, None, False, today)
    return entry


def check_may_answer(
    campaign: AnsweringRules, code: CodeView | None, used: bool, today: date | None = None
) -> None:
    """The rules every channel applies before taking answers, in this order: the way of answering
    is open (household codes, or the open commune link when there is no code), the campaign's
    dates include today, and the code has not been used."""
    if not (campaign.household_codes if code is not None else campaign.open_link):
        raise Refused("channel_closed", status=403, campaign=campaign)
    check_window(campaign, today)
    if code is not None and used:
        raise Refused("code_used", status=409, code=code.code, campaign=campaign)


def submission_hash(entry: Entry, channel: Channel, answers: Mapping[str, int], comment: str,
                    reasons: Mapping[str, str] | None = None) -> str:
    """What a replay must repeat to count as the same submission."""
    return content_hash(_submission(entry.campaign.key, entry.commune.unit_id,
                                    entry.code.code if entry.code else None, channel, answers, comment,
                                    reasons))


def _submission(campaign_key: str, commune_id: int, code: str | None, channel: Channel,
                answers: Mapping[str, int], comment: str,
                reasons: Mapping[str, str] | None = None) -> dict[str, Any]:
    submission = {
        "campaign": campaign_key,
        "commune": commune_id,
        "code": code,
        "channel": channel.value,
        "answers": dict(sorted(answers.items())),
        "comment": comment,
    }
    if reasons:  # only then: a response stored before reasons existed keeps its hash
        submission["reasons"] = dict(sorted(reasons.items()))
    return submission


def _reasons_of(sub: Submission) -> dict[str, str]:
    return {str(item): (text or "").strip() for item, text in sub.reasons.items()}


def _same_submission(stored_hash: str, submission: dict[str, Any]) -> bool:
    """Whether a stored response's hash is this submission's. Responses stored before the hash
    became domain.canonical's spelling (December 2026) carry the hash of json.dumps' default
    spelling; a replay of one of those (a phone's offline queue) is still the same submission."""
    legacy = hashlib.sha256(json.dumps(submission, sort_keys=True).encode()).hexdigest()
    return stored_hash in (content_hash(submission), legacy)


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
    reasons = _reasons_of(sub)
    writing(db.session)  # SQLite: take the write lock before the first read (database.py says why)
    try:
        entry = open_entry(sub.campaign_key, sub.household_code, sub.commune_code, today)
    except Refused:
        previous = _replay(client_uuid)  # e.g. the code is used: by this very answer, re-sent?
        if previous is not None:
            return _replayed(previous, sub, comment)
        raise
    answers, problems = check_answers(entry.survey, sub.answers, comment, reasons)
    if problems:
        previous = _replay(client_uuid)
        if previous is not None:
            return _replayed(previous, sub, comment)
        raise Refused("answers_invalid", status=422, problems=problems, survey=entry.survey)
    if entry.code is None and sub.device_answered_before:
        return replay_on_device(entry, client_uuid, sub, comment)
    reasons = clean_reasons(entry.survey, answers, reasons)
    now = utcnow()
    response_id = _insert_unless_taken({
        "uuid": client_uuid,
        "campaign_id": entry.campaign.id,
        "commune_id": entry.commune.unit_id,
        "household_code_id": entry.code.id if entry.code else None,
        "village_id": entry.code.village_id if entry.code else None,
        "channel": sub.channel.value,
        "comment": comment or None,
        "content_hash": submission_hash(entry, sub.channel, answers, comment, reasons),
        "created_at": now,
        **sub.provenance.columns(),
    })
    if response_id is None:
        # The same UUID or the same household code is stored already (a replay, or a lost race).
        previous = _replay(client_uuid)
        if previous is not None:
            return _replayed(previous, sub, comment)
        raise Refused("code_used", status=409, code=entry.code.code if entry.code else None,
                      campaign=entry.campaign)
    _insert_answers(db.session.connection(), response_id, answers, reasons)
    _insert_remarks(db.session.connection(), {
        "response_id": response_id, "campaign_id": entry.campaign.id,
        "commune_id": entry.commune.unit_id, "channel": sub.channel.value, "created_at": now,
    }, comment, reasons)
    # The index counters move in the same transaction as the response (atomic n = n + 1 updates).
    counters.count_response(
        counters.Counted(entry.campaign.id, entry.commune.unit_id, sub.channel.value, now,
                         entry.code.village_id if entry.code else None, coded=entry.code is not None,
                         commented=bool(comment)),
        entry.survey, answers)
    return Recorded(response_id, client_uuid, created=True)


_INSERT_RESPONSE = {
    dialect: dialect_insert(RESPONSES, dialect).on_conflict_do_nothing().returning(RESPONSES.c.id)
    for dialect in DIALECTS
}


def _answers_from_arrays() -> Insert:
    """PostgreSQL: every answer of a response in one statement with two array parameters, the
    same SQL whatever the survey (psycopg prepares it once). An executemany sends one INSERT per
    answer, and its parameter handling costs three times as much."""
    rows = select(bindparam("response_id", type_=Integer),
                  func.unnest(bindparam("items", type_=postgresql.ARRAY(String))),
                  func.unnest(bindparam("values", type_=postgresql.ARRAY(SmallInteger))),
                  func.unnest(bindparam("reasons", type_=postgresql.ARRAY(String))))
    return insert(ANSWERS).from_select(["response_id", "item_id", "value", "reason"], rows)


ANSWERS_FROM_ARRAYS = _answers_from_arrays()


def _insert_answers(connection: Connection, response_id: int, answers: Mapping[str, int],
                    reasons: Mapping[str, str]) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(ANSWERS_FROM_ARRAYS, {"response_id": response_id, "items": list(answers),
                                                 "values": list(answers.values()),
                                                 "reasons": [reasons.get(k) for k in answers]})
    else:  # SQLite runs in-process: an executemany costs no round trips
        connection.execute(insert(ANSWERS), [{"response_id": response_id, "item_id": k, "value": v,
                                              "reason": reasons.get(k)}
                                             for k, v in answers.items()])


def _insert_remarks(connection: Connection, where: dict[str, Any], comment: str,
                    reasons: Mapping[str, str]) -> None:
    """The comment and reasons as rows of the committees' remarks table (no statement when the
    household wrote nothing, as most do)."""
    texts: list[tuple[str | None, str]] = [(item, text) for item, text in reasons.items()]
    if comment:
        texts.append((None, comment))
    if texts:
        connection.execute(insert(REMARKS), [{**where, "item_id": item, "text": text,
                                              "folded": fold(text)} for item, text in texts])


def _insert_unless_taken(values: dict[str, Any]) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a unique
    value (uuid, household code) is taken. Unlike a savepoint around a plain INSERT, a conflict
    leaves the transaction usable, and it costs one round trip instead of three."""
    connection = db.session.connection()
    return connection.execute(_INSERT_RESPONSE[connection.dialect.name], values).scalar()


def replay_on_device(entry: Entry, client_uuid: str, sub: Submission, comment: str) -> Recorded:
    """An open-link answer from a device that answered this campaign before: a re-sent copy of a
    stored answer (same UUID: a lost reply, the offline queue) is the original; anything else is
    Refused('device_answered') until the person says it is for another household (the channel
    asks). Nothing is stored either way."""
    previous = _replay(client_uuid)
    if previous is not None:
        return _replayed(previous, sub, comment)  # uuid_conflict when it says something else
    raise Refused("device_answered", status=409, campaign=entry.campaign, commune=entry.commune.unit)


def _replayed(previous: Response, sub: Submission, comment: str) -> Recorded:
    """A submission whose UUID is stored: the original when it says the same, else 409."""
    survey: Survey = survey_of(previous.campaign.survey_version)
    reasons = _reasons_of(sub)
    answers, problems = check_answers(survey, sub.answers, comment, reasons)
    code = previous.household_code.code if previous.household_code else None
    if (
        problems
        or not _same_who(previous, sub)
        or not _same_submission(previous.content_hash, _submission(
            previous.campaign.key, previous.commune_id, code, sub.channel, answers, comment,
            clean_reasons(survey, answers, reasons)))
    ):
        raise Refused("uuid_conflict", status=409, uuid=previous.uuid)
    return Recorded(previous.id, previous.uuid, created=False)


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
