"""Loading and saving SMS conversations, and what they point at.

Every inbound message of a running survey reads, in ONE locked query, its conversation, the
number's settings, the conversation's entry (campaign, commune, household code and whether the code
was used meanwhile) and the sealed replies of its MessageSid when it was handled before; it writes
its new state in one UPDATE. An ended conversation's row is deleted: the number keeps only whether
that last conversation was finished (sms_numbers.last_finished). SQLAlchemy Core statements built
once, run on the connection the caller hands in, returning small frozen views (the webhook's
throughput is in BENCHMARKS.md, "SMS webhook").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.engine import Connection

from ...clock import local_today
from ...database import DIALECTS, dialect_insert
from ...domain.sms.dialogue import DialogueState
from ...models import SmsConversation, SmsInbound, SmsNumber, Unit
from ..responses.entries import (
    CAMPAIGNS,
    CODES,
    UNITS,
    VERSIONS,
    CodeView,
    Entry,
    campaign_columns,
    code_used_column,
    entry_of_row,
    unit_columns,
)
from ..responses.record import check_may_answer

ACTIVE = ("active", "paused")
CONVERSATIONS = SmsConversation.__table__
NUMBERS = SmsNumber.__table__
INBOUND = SmsInbound.__table__


@dataclass(frozen=True)
class NumberSettings:
    opted_out: bool
    language: str | None
    last_finished: bool = False  # its last conversation ended with a recorded response


@dataclass(frozen=True)
class Conversation:
    """A running conversation as one message found it (its row is locked until the commit)."""

    id: int
    uuid: str | None
    status: str
    position: int
    answers: tuple[int, ...]
    invalid_streak: int
    entry: Entry
    code_used: bool  # the household code was used (on the web, by a cadre) since it started


def _number_column(name: str) -> Any:
    return (select(NUMBERS.c[name]).where(NUMBERS.c.number_hash == bindparam("hashed"))
            .scalar_subquery().label(f"number_{name}"))


def _seen_column() -> Any:
    """The sealed replies stored for this MessageSid (NULL when it was never handled)."""
    return (select(INBOUND.c.sealed).where(INBOUND.c.message_sid == bindparam("sid"))
            .scalar_subquery().label("seen_sealed"))


def _current_query() -> Any:
    c = CONVERSATIONS.c
    return (
        select(c.id, c.uuid, c.status, c.position, c.answers, c.invalid_streak,
               *campaign_columns(), *unit_columns(), CODES.c.id.label("code_id"),
               CODES.c.code, CODES.c.village_id, code_used_column(c.household_code_id),
               _number_column("opted_out"), _number_column("language"), _seen_column())
        .select_from(
            CONVERSATIONS.join(CAMPAIGNS, CAMPAIGNS.c.id == c.campaign_id)
            .join(VERSIONS, VERSIONS.c.id == CAMPAIGNS.c.survey_version_id)
            .join(UNITS, UNITS.c.id == c.commune_id)
            .outerjoin(CODES, CODES.c.id == c.household_code_id)
        )
        # Two comparisons, not `status IN (...)`: a list is an expanding parameter, which makes
        # SQLAlchemy render the statement again at every execution.
        .where(c.number_hash == bindparam("hashed"), or_(*(c.status == status for status in ACTIVE)))
        .order_by(c.id.desc())
        .limit(1)
        .with_for_update(of=CONVERSATIONS)
    )


CURRENT = _current_query()
# Without a running conversation: the number's settings and the MessageSid's replies (one row,
# NULLs for what is not stored).
NUMBER = select(_number_column("opted_out"), _number_column("language"),
                _number_column("last_finished"), _seen_column())
SAVE_STATE = (
    update(CONVERSATIONS)
    .where(CONVERSATIONS.c.id == bindparam("conversation"))
    .values(position=bindparam("position"),
            answers=bindparam("answers", type_=CONVERSATIONS.c.answers.type),
            invalid_streak=bindparam("invalid_streak"), status=bindparam("status"))
)
END = delete(CONVERSATIONS).where(CONVERSATIONS.c.id == bindparam("conversation"))
# The number's row, with whether its last conversation finished: written when a conversation starts
# (so that a row is created in the order numbers first start, never in the order responses are
# recorded) and when it ends.
MARK = {
    dialect: dialect_insert(NUMBERS, dialect).values(
        number_hash=bindparam("hashed"), opted_out=False, last_finished=bindparam("finished"),
        last_seen_on=bindparam("today"))
    .on_conflict_do_update(index_elements=["number_hash"],
                           set_={"last_finished": bindparam("finished"),
                                 "last_seen_on": bindparam("today")})
    for dialect in DIALECTS
}


@dataclass(frozen=True)
class Found:
    """What one message finds: the number's running conversation (locked), its settings, and the
    sealed replies already sent for this MessageSid (None when it is new)."""

    conversation: Conversation | None
    number: NumberSettings | None
    seen_sealed: bytes | None


def current_conversation(connection: Connection, hashed: str, message_sid: str) -> Found:
    """The number's running conversation, locked until the end of the transaction (PostgreSQL), so
    two messages from one phone handled at once cannot both answer the same question; the
    number's settings (None when the product has never stored any for it); and whether this
    MessageSid was handled already."""
    params = {"hashed": hashed, "sid": message_sid}
    row = connection.execute(CURRENT, params).first()
    if row is None:
        row = connection.execute(NUMBER, params).one()
        conversation = None
    else:
        code = (CodeView(row.code_id, row.code, row.village_id) if row.code_id is not None
                else None)
        conversation = Conversation(
            id=row.id, uuid=row.uuid, status=row.status, position=row.position,
            answers=tuple(int(v) for v in row.answers), invalid_streak=row.invalid_streak,
            entry=entry_of_row(row, code), code_used=bool(row.code_used),
        )
    settings = (NumberSettings(bool(row.number_opted_out), row.number_language,
                               bool(getattr(row, "number_last_finished", False)))
                if row.number_opted_out is not None else None)
    return Found(conversation, settings, row.seen_sealed)


def mark_started(connection: Connection, hashed: str) -> None:
    """A conversation starts: the number's row exists from now on, its last one is not finished."""
    connection.execute(MARK[connection.dialect.name],
                       {"hashed": hashed, "finished": False, "today": local_today()})


def end_conversation(connection: Connection, conversation_id: int | None, status: str,
                     hashed: str) -> None:
    """End a conversation (status: finished, stopped, abandoned, ended): its row is deleted, with
    its household code, response key, answers and day; the number keeps only whether it finished."""
    if conversation_id is None:
        return
    connection.execute(END, {"conversation": conversation_id})
    connection.execute(MARK[connection.dialect.name],
                       {"hashed": hashed, "finished": status == "finished", "today": local_today()})


def state_of(conversation: Conversation) -> DialogueState:
    return DialogueState(
        position=conversation.position,
        answers=conversation.answers,
        invalid_streak=conversation.invalid_streak,
        paused=conversation.status == "paused",
    )


def save_state(connection: Connection, conversation: Conversation, state: DialogueState) -> None:
    connection.execute(SAVE_STATE, {
        "conversation": conversation.id, "position": state.position,
        "answers": list(state.answers), "invalid_streak": state.invalid_streak,
        "status": "paused" if state.paused else "active",
    })


def entry_of(conversation: Conversation, today: date | None = None) -> Entry:
    """Check again, at every step, that the household may still answer (its code may have been
    used on the web meanwhile): services.responses.record' rules, applied to what the conversation
    already points at."""
    entry = conversation.entry
    check_may_answer(entry.campaign, entry.code, conversation.code_used, today)
    return entry


def place_name(unit: Unit | Any, language: str) -> str:
    return unit.full_name if language == "vi" else unit.full_name_en
