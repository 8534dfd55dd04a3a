"""One inbound SMS, one dialogue step, in the request's transaction (flushes, never commits).

Order of handling: a repeated MessageSid gets its stored reply; opt-out and opt-in come before any
conversation logic; then language switches, a start (household code or commune keyword, possibly
with every answer at once), and finally an answer to the running conversation's question.
Responses are recorded by services.responses.record.record_response, like the web form's.

Idempotency costs no statement of its own: the query that reads the conversation also says whether
the MessageSid was handled before (then its stored replies are sent again and nothing changes),
and the step ends by inserting the message's row with its replies. When that insert finds the
row taken, the same message was being handled by another request at the same moment and won: the
step is rolled back, as if it never ran, and the winner's replies are returned.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ...clock import utcnow
from ...database import DIALECTS, dialect_insert, writing
from ...domain.phones import canonical_sender, mask_number
from ...domain.sms.dialogue import Outcome, resume, step
from ...domain.sms.prompts import confirmation, question_prompt
from ...domain.sms.replies import Command, parse_answer, parse_command, parse_compact, parse_start
from ...domain.survey import Survey
from ...extensions import db
from ...models import SmsConversation, SmsInbound
from ..errors import Refused
from ..responses.record import Channel, Entry, Submission, record_response
from . import texts
from .conversations import (
    Conversation,
    Found,
    current_conversation,
    end_conversation,
    entry_of,
    last_conversation,
    place_name,
    save_state,
    state_of,
)
from .numbers import hash_of, set_language, set_opted_out
from .starting import claim_open_answer, resolve_start

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inbound:
    message_sid: str
    sender: str
    body: str
    sender_hash: str | None = None  # hash_of(sender), when the caller has it already


def handle_inbound(message: Inbound, today: date | None = None) -> list[str]:
    """The replies to one inbound message (each fits one GSM-7 segment; possibly none)."""
    connection = writing(db.session)
    hashed = message.sender_hash or hash_of(message.sender)
    found = current_conversation(connection, hashed, message.message_sid)
    if found.seen_replies is not None:  # handled before: the same replies, nothing changes
        return list(found.seen_replies)
    replies = [texts.guard(r) for r in _Dialogue(connection, hashed, found, today).respond(message.body)]
    if not _store(connection, message.message_sid, replies):
        # Handled by another request at the same moment, which committed first: undo this step.
        db.session.rollback()
        seen = db.session.connection().execute(REPLIES, {"sid": message.message_sid}).scalar()
        return list(seen or [])
    log.info("sms %s from %s: %d replies", message.message_sid, _masked(message.sender), len(replies))
    return replies


INBOUND = SmsInbound.__table__
REPLIES = select(INBOUND.c.replies).where(INBOUND.c.message_sid == bindparam("sid"))
STORE = {
    dialect: dialect_insert(INBOUND, dialect).on_conflict_do_nothing(index_elements=["message_sid"])
    .returning(INBOUND.c.message_sid)
    for dialect in DIALECTS
}


# A prompt depends only on the survey version, the language, the question, the place named in the
# first one and the re-prompt's reason: composed once per process (translations are loaded once),
# not for every message. Bounded: cleared when full (a few surveys x 20 questions x 2 languages,
# plus one first question per commune).
PROMPT_CACHE_SIZE = 20_000
_PROMPTS_KEY = "feedback_app.sms_prompts"


def _prompt_cache() -> dict[tuple[object, ...], str]:
    return current_app.extensions.setdefault(_PROMPTS_KEY, {})


def _masked(sender: str) -> str:
    """The sender as logs show it: Twilio writes numbers in E.164 (+84...), which masks as it is;
    anything else is normalised first, so that a national form shows no more digits."""
    return mask_number(sender if sender.startswith("+") else canonical_sender(sender))


def _store(connection: Connection, message_sid: str, replies: list[str]) -> bool:
    """Insert the message's row with its replies unless it exists (one statement, no savepoint);
    False when another request stored it first (PostgreSQL waits for that request to end)."""
    inserted = connection.execute(STORE[connection.dialect.name], {
        "message_sid": message_sid, "replies": replies, "created_at": utcnow()})
    return inserted.first() is not None


class _Dialogue:
    def __init__(self, connection: Connection, hashed: str, found: Found,
                 today: date | None) -> None:
        self.connection = connection
        self.hashed = hashed
        self.today = today
        self.conversation, self.number = found.conversation, found.number
        default = current_app.config["BABEL_DEFAULT_LOCALE"]
        self.language = (self.number.language if self.number else None) or default

    def respond(self, body: str) -> list[str]:
        command = parse_command(body)
        conversation = self.conversation
        if command is Command.OPT_OUT:
            set_opted_out(self.hashed, True)
            end_conversation(self.connection, conversation.id if conversation else None, "stopped")
            return self._say(texts.opted_out_text)
        if self.number is not None and self.number.opted_out:
            if command is Command.OPT_IN:
                set_opted_out(self.hashed, False)
                return self._say(texts.opted_in_text)
            return []  # blocked until START
        if command is Command.OPT_IN:
            return self._say(texts.opted_in_text)
        if command in (Command.ENGLISH, Command.VIETNAMESE):
            self.language = "en" if command is Command.ENGLISH else "vi"
            set_language(self.hashed, self.language)
            if conversation is None:
                return self._say(texts.help_text)
            return self._continue(conversation, None, Command.HELP)
        start = parse_start(body)
        if start is not None and (conversation is None or start.keyword or start.code):
            return self._start(start, conversation)
        if conversation is None:
            last = last_conversation(self.hashed)
            if command is not Command.HELP and last is not None and last.status == "finished":
                return self._say(texts.finished_text)
            return self._say(texts.help_text)
        return self._continue(conversation, body, command)

    def _say(self, make, *args) -> list[str]:  # type: ignore[no-untyped-def]
        with texts.speaking(self.language):
            return [make(*args)]

    # -- starting -----------------------------------------------------------------------------

    def _start(self, start, conversation: Conversation | None) -> list[str]:  # type: ignore[no-untyped-def]
        try:
            entry, compact = resolve_start(self.hashed, start, self.today)
        except Refused as refused:
            return self._refused(refused)
        if compact:
            result = parse_compact(compact, entry.survey)
            if result.problem is not None:
                digits = ", ".join(str(v) for v, _ in texts.choice_labels(entry.survey, "vi"))
                return self._say(texts.compact_text, result.problem, result.position,
                                 len(entry.survey.items), digits)
        end_conversation(self.connection, conversation.id if conversation else None, "abandoned")
        started = SmsConversation(
            number_hash=self.hashed,
            campaign_id=entry.campaign.id,
            commune_id=entry.commune.unit_id,
            household_code_id=entry.code.id if entry.code else None,
            uuid=str(uuid.uuid4()),
            status="active",
            position=0,
            answers=[],
            invalid_streak=0,
        )
        db.session.add(started)
        db.session.flush()
        if compact:
            return self._record(started.id, started.uuid, entry,
                                parse_compact(compact, entry.survey).answers)
        return [self._prompt(entry, 0, header=True)]

    # -- answering ----------------------------------------------------------------------------

    def _continue(self, conversation: Conversation, body: str | None,
                  command: Command | None) -> list[str]:
        try:
            entry = entry_of(conversation, self.today)
        except Refused as refused:
            end_conversation(self.connection, conversation.id, "ended")
            return self._refused(refused)
        state = state_of(conversation)
        if command is Command.RESUME:
            state = resume(state)
            save_state(self.connection, conversation, state)
            return [self._prompt(entry, state.position)]
        if command is Command.HELP or body is None:
            return [self._prompt(entry, state.position)]
        moved = step(state, len(entry.survey.items), parse_answer(body, entry.survey))
        save_state(self.connection, conversation, moved.state)
        if moved.outcome is Outcome.COMPLETE:
            answers = dict(zip(entry.survey.item_ids, moved.state.answers, strict=True))
            return self._record(conversation.id, conversation.uuid, entry, answers)
        if moved.outcome is Outcome.ASK:
            return [self._prompt(entry, moved.state.position)]
        if moved.outcome is Outcome.REASK:
            return [self._prompt(entry, moved.state.position, problem=moved.problem,
                                 number=moved.number)]
        if moved.outcome is Outcome.PAUSE:
            return self._say(texts.paused_text, moved.state.position + 1, len(entry.survey.items))
        return []  # paused and still no valid answer: stay silent

    def _record(self, conversation_id: int, response_uuid: str | None, entry: Entry,
                answers: dict[str, int]) -> list[str]:
        """Record through the one service every channel uses; refused as a whole or not at all."""
        try:
            with db.session.begin_nested():
                if entry.code is None:
                    try:
                        with db.session.begin_nested():
                            claim_open_answer(entry, self.hashed)
                    except IntegrityError:
                        raise Refused("sms_number_answered", status=409, campaign=entry.campaign,
                                      place=entry.commune.unit) from None
                record_response(
                    Submission(
                        campaign_key=entry.campaign.key,
                        channel=Channel.SMS,
                        answers=answers,
                        client_uuid=response_uuid,
                        household_code=entry.code.code if entry.code else None,
                        commune_code=None if entry.code else entry.commune.unit.code,
                    ),
                    self.today,
                )
        except Refused as refused:
            end_conversation(self.connection, conversation_id, "ended")
            return self._refused(refused)
        end_conversation(self.connection, conversation_id, "finished")
        with texts.speaking(self.language):
            if entry.code is not None:
                who = texts.household_who(entry.code.code)
            else:
                who = place_name(entry.commune.unit, self.language)
            values = [answers[item_id] for item_id in entry.survey.item_ids]
            return [confirmation(texts.confirmation_template(), who, values)]

    # -- wording ------------------------------------------------------------------------------

    def _prompt(self, entry: Entry, position: int, header: bool = False, problem=None,  # type: ignore[no-untyped-def]
                number: str | None = None) -> str:
        place = place_name(entry.commune.unit, self.language) if header else None
        key = (entry.campaign.survey_version_id, entry.campaign.survey_sha256, self.language,
               position, place, problem, number)
        cache = _prompt_cache()
        text = cache.get(key)
        if text is None:
            text = self._compose_prompt(entry.survey, position, place, problem, number)
            if len(cache) >= PROMPT_CACHE_SIZE:
                cache.clear()
            cache[key] = text
        return text

    def _compose_prompt(self, survey: Survey, position: int, place: str | None, problem,  # type: ignore[no-untyped-def]
                        number: str | None) -> str:
        item = survey.items[position]
        with texts.speaking(self.language):
            return question_prompt(
                texts.prompt_texts(), item.sms, position + 1, len(survey.items),
                texts.choice_labels(survey, self.language),
                header=(survey.sms_name, place) if place is not None else None,
                problem=problem, out_of_range=number,
            )

    def _refused(self, refused: Refused) -> list[str]:
        with texts.speaking(self.language):
            return [texts.refusal_text(refused, self.language)]
