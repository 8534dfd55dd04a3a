"""Loading and saving SMS conversations, and what they point at."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...domain.sms.dialogue import DialogueState
from ...extensions import db
from ...models import SmsConversation, Unit
from ..responses import Entry, open_entry

ACTIVE = ("active", "paused")


def current_conversation(hashed: str) -> SmsConversation | None:
    """The number's running conversation, locked until the end of the transaction (PostgreSQL), so
    two messages from one phone handled at once cannot both answer the same question."""
    query = (
        select(SmsConversation)
        .where(SmsConversation.number_hash == hashed, SmsConversation.status.in_(ACTIVE))
        .order_by(SmsConversation.id.desc())
        .limit(1)
        .with_for_update()
    )
    return db.session.scalar(query)


def last_conversation(hashed: str) -> SmsConversation | None:
    query = (
        select(SmsConversation)
        .where(SmsConversation.number_hash == hashed)
        .order_by(SmsConversation.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def end_conversation(conversation: SmsConversation | None, status: str) -> None:
    """Finish a conversation and forget what linked the number to a household and its answers."""
    if conversation is None:
        return
    conversation.status = status
    conversation.answers = []
    conversation.household_code_id = None
    conversation.uuid = None
    db.session.flush()


def state_of(conversation: SmsConversation) -> DialogueState:
    return DialogueState(
        position=conversation.position,
        answers=tuple(int(v) for v in conversation.answers),
        invalid_streak=conversation.invalid_streak,
        paused=conversation.status == "paused",
    )


def save_state(conversation: SmsConversation, state: DialogueState) -> None:
    conversation.position = state.position
    conversation.answers = list(state.answers)
    conversation.invalid_streak = state.invalid_streak
    conversation.status = "paused" if state.paused else "active"
    db.session.flush()


def entry_of(conversation: SmsConversation, today: date | None = None) -> Entry:
    """Check again, at every step, that the household may still answer (campaign open, code unused:
    the code may have been used on the web meanwhile)."""
    if conversation.household_code is not None:
        return open_entry(None, household_code=conversation.household_code.code, today=today)
    return open_entry(conversation.campaign.key, commune_code=conversation.commune.code, today=today)


def place_name(unit: Unit, language: str) -> str:
    return unit.full_name if language == "vi" else unit.full_name_en
