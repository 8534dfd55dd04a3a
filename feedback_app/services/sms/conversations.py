"""Loading and saving SMS conversations, and what they point at."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...domain.sms.dialogue import DialogueState
from ...extensions import db
from ...models import Campaign, CampaignCommune, SmsConversation, Unit
from ..responses import Entry, check_may_answer, code_used
from ..surveys import survey_of

ACTIVE = ("active", "paused")


def current_conversation(hashed: str) -> SmsConversation | None:
    """The number's running conversation, locked until the end of the transaction (PostgreSQL), so
    two messages from one phone handled at once cannot both answer the same question."""
    query = (
        select(SmsConversation)
        .where(SmsConversation.number_hash == hashed, SmsConversation.status.in_(ACTIVE))
        .order_by(SmsConversation.id.desc())
        .limit(1)
        .options(
            joinedload(SmsConversation.campaign).joinedload(Campaign.survey_version),
            joinedload(SmsConversation.household_code),
        )
        .with_for_update(of=SmsConversation)
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


def entry_of(conversation: SmsConversation, today: date | None = None) -> Entry:
    """Check again, at every step, that the household may still answer (its code may have been
    used on the web meanwhile): services.responses' rules, applied to what the conversation
    already points at."""
    campaign = conversation.campaign
    code = conversation.household_code
    check_may_answer(campaign, code, code is not None and code_used(code), today)
    commune = db.session.scalar(
        select(CampaignCommune).filter_by(campaign_id=campaign.id, unit_id=conversation.commune_id)
    )
    assert commune is not None, "conversations start in a campaign's commune"
    return Entry(campaign, commune, code, survey_of(campaign.survey_version))


def place_name(unit: Unit, language: str) -> str:
    return unit.full_name if language == "vi" else unit.full_name_en
