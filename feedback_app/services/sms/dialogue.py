"""One inbound SMS, one dialogue step, in the request's transaction (flushes, never commits).

Order of handling: a repeated MessageSid gets its stored reply; opt-out and opt-in come before any
conversation logic; then language switches, a start (household code or commune keyword, possibly
with every answer at once), and finally an answer to the running conversation's question.
Responses are recorded by services.responses.record.record_response, like the web form's.

Idempotency costs no statement of its own: the query that reads the conversation also says whether
the MessageSid was handled before (then its stored replies are sent again and nothing changes),
and the step ends by inserting the message's row with its replies, sealed (services.sms.replays:
the row keeps no household code or answer in clear). When that insert finds the row taken, the
same message was being handled by another request at the same moment and won: the step is rolled
back, as if it never ran, and the winner's replies are returned.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ...database import writing
from ...domain.phones import canonical_sender, mask_number
from ...domain.sms.dialogue import DialogueState, Outcome, Step, change, finish, resume, step
from ...domain.sms.prompts import question_prompt, summary
from ...domain.sms.replies import (
    Command,
    ReplyProblem,
    StartRequest,
    parse_answer,
    parse_change,
    parse_command,
    parse_comment,
    parse_compact,
    parse_start,
)
from ...domain.survey import Survey
from ...extensions import db
from ...models import SmsConversation
from ..errors import Refused
from ..responses.record import Channel, Entry, Provenance, Submission, record_response
from . import replays, texts
from .conversations import (
    Conversation,
    Found,
    current_conversation,
    end_conversation,
    entry_of,
    mark_started,
    place_name,
    save_state,
    state_of,
)
from .numbers import hash_of, set_language, set_opted_out
from .privacy import erase_number
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
    key = replays.reply_key(message.message_sid, message.sender, message.body)
    if found.seen_sealed is not None:  # handled before: the same replies, nothing changes
        return replays.opened(key, found.seen_sealed)
    dialogue = _Dialogue(connection, hashed, found, today)
    replies = [texts.guard(r) for r in dialogue.respond(message.body)]
    if not replays.store(connection, message.message_sid, key, replies, dialogue.campaign_id):
        # Handled by another request at the same moment, which committed first: undo this step.
        db.session.rollback()
        return replays.opened(key, replays.stored(db.session.connection(), message.message_sid))
    log.info("sms from %s: %d replies", _masked(message.sender), len(replies))
    return replies


# A prompt depends only on the survey version, the language, the question, the place named in the
# first one and the re-prompt's reason: composed once per process (translations are loaded once),
# not for every message. Bounded: cleared when full (a few surveys x 20 questions x 2 languages,
# plus one first question per commune).
PROMPT_CACHE_SIZE = 20_000
_PROMPTS_KEY = "feedback_app.sms_prompts"


def _prompt_cache() -> dict[tuple[object, ...], str]:
    cache: dict[tuple[object, ...], str] = current_app.extensions.setdefault(_PROMPTS_KEY, {})
    return cache


def _masked(sender: str) -> str:
    """The sender as logs show it: Twilio writes numbers in E.164 (+84...), which masks as it is;
    anything else is normalised first, so that a national form shows no more digits."""
    return mask_number(sender if sender.startswith("+") else canonical_sender(sender))


class _Dialogue:
    def __init__(self, connection: Connection, hashed: str, found: Found,
                 today: date | None) -> None:
        self.connection = connection
        self.hashed = hashed
        self.today = today
        self.conversation, self.number = found.conversation, found.number
        default = current_app.config["BABEL_DEFAULT_LOCALE"]
        self.language = (self.number.language if self.number else None) or default
        # The campaign this message belongs to, stored with it for the campaign's retention.
        self.campaign_id = self.conversation.entry.campaign.id if self.conversation else None

    def respond(self, body: str) -> list[str]:
        command = parse_command(body)
        conversation = self.conversation
        if command is Command.OPT_OUT:
            set_opted_out(self.hashed, True)
            end_conversation(self.connection, conversation.id if conversation else None, "stopped",
                             self.hashed)
            return self._say(texts.opted_out_text)
        if command is Command.ERASE:  # at any time, opted out or not
            erase_number(self.hashed)
            self.campaign_id = None
            return self._say(texts.erased_text)
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
            return self._continue(conversation, None, None)
        start = parse_start(body)
        if start is not None and (conversation is None or start.keyword or start.code):
            return self._start(start, conversation)
        if conversation is None:
            if command is not Command.HELP and self.number is not None and self.number.last_finished:
                return self._say(texts.finished_text)
            return self._say(texts.help_text)
        return self._continue(conversation, body, command)

    def _say(self, make: Callable[..., str], *args: object) -> list[str]:
        with texts.speaking(self.language):
            return [make(*args)]

    # -- starting -----------------------------------------------------------------------------

    def _start(self, start: StartRequest, conversation: Conversation | None) -> list[str]:
        try:
            entry, compact = resolve_start(self.hashed, start, self.today)
        except Refused as refused:
            return self._refused(refused)
        self.campaign_id = entry.campaign.id
        if compact:
            result = parse_compact(compact, entry.survey)
            if result.problem is not None:
                digits = ", ".join(str(v) for v, _ in texts.choice_labels(entry.survey, "vi"))
                return self._say(texts.compact_text, result.problem, result.position,
                                 len(entry.survey.items), digits)
        pending = self._record_pending(conversation)
        end_conversation(self.connection, conversation.id if conversation else None, "abandoned",
                         self.hashed)
        mark_started(self.connection, self.hashed)
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
            return pending + self._record(started.id, started.uuid, entry,
                                          parse_compact(compact, entry.survey).answers)
        return [*pending, self._prompt(entry, 0, header=True)]

    def _record_pending(self, conversation: Conversation | None) -> list[str]:
        """A new household code while the last one was asked only for its comment: every answer
        of the last one is recorded first, without a comment (nothing answered is lost)."""
        if conversation is None:
            return []
        try:
            entry = entry_of(conversation, self.today)
        except Refused:
            return []
        state = state_of(conversation)
        if not state.commenting(len(entry.survey.items)):
            return []
        answers = dict(zip(entry.survey.item_ids, state.answers, strict=True))
        return self._record(conversation.id, conversation.uuid, entry, answers)

    # -- answering ----------------------------------------------------------------------------

    def _continue(self, conversation: Conversation, body: str | None,
                  command: Command | None) -> list[str]:
        try:
            entry = entry_of(conversation, self.today)
        except Refused as refused:
            end_conversation(self.connection, conversation.id, "ended", self.hashed)
            return self._refused(refused)
        survey = entry.survey
        count = len(survey.items)
        state = state_of(conversation)
        if command is Command.HELP:  # at any time, paused too: help, then the question again
            state = resume(state)
            save_state(self.connection, conversation, state)
            return [*self._say(texts.conversation_help_text), self._ask(entry, state)]
        if command is Command.RESUME or body is None:
            state = resume(state)
            save_state(self.connection, conversation, state)
            return [self._ask(entry, state)]
        requested = parse_change(body)
        if requested is not None:
            moved = change(state, count, requested.number)
            save_state(self.connection, conversation, moved.state)
            if moved.problem is not None:
                return [self._ask(entry, moved.state, moved.problem, moved.number)]
            if requested.rest is None:
                with texts.speaking(self.language):
                    note = texts.changing_note(requested.number)
                return [self._ask(entry, moved.state, note=note)]
            state = moved.state  # "SUA 3 2": the new answer comes in the same message
        elif state.commenting(count):
            comment = parse_comment(body)
            if len(comment) > survey.comment_max_length:
                return [self._ask(entry, state, ReplyProblem.COMMENT_TOO_LONG,
                                  str(survey.comment_max_length))]
            finish(state, count)
            answers = dict(zip(survey.item_ids, state.answers, strict=True))
            return self._record(conversation.id, conversation.uuid, entry, answers, comment)
        else:
            requested = None
        text = requested.rest if requested is not None and requested.rest else body
        moved = step(state, count, parse_answer(text, survey))
        save_state(self.connection, conversation, moved.state)
        return self._after(entry, moved)

    def _after(self, entry: Entry, moved: Step) -> list[str]:
        if moved.outcome in (Outcome.ASK, Outcome.ASK_COMMENT):
            note = None
            if moved.changed is not None:
                with texts.speaking(self.language):
                    note = texts.changed_note(moved.changed)
            return [self._ask(entry, moved.state, note=note)]
        if moved.outcome is Outcome.REASK:
            return [self._ask(entry, moved.state, moved.problem, moved.number)]
        if moved.outcome is Outcome.PAUSE:
            return self._say(texts.paused_text, moved.state.position + 1, len(entry.survey.items))
        return []  # paused and still no valid answer: stay silent

    def _record(self, conversation_id: int, response_uuid: str | None, entry: Entry,
                answers: dict[str, int], comment: str = "") -> list[str]:
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
                        comment=comment,
                        # the number's keyed hash is the SMS answer's device (bursts per phone)
                        provenance=Provenance(device_key=self.hashed[:32]),
                    ),
                    self.today,
                )
        except Refused as refused:
            end_conversation(self.connection, conversation_id, "ended", self.hashed)
            return self._refused(refused)
        end_conversation(self.connection, conversation_id, "finished", self.hashed)
        values = [answers[item_id] for item_id in entry.survey.item_ids]
        place = place_name(entry.commune.unit, self.language)
        with texts.speaking(self.language):
            return [summary(texts.summary_template(bool(comment)), len(values),
                            texts.tallies(entry.survey, values, self.language),
                            texts.in_sentence(place))]

    # -- wording ------------------------------------------------------------------------------

    def _ask(self, entry: Entry, state: DialogueState, problem: ReplyProblem | None = None,
             number: str | None = None, note: str | None = None) -> str:
        """The question at the state's position, or the comment's when every one is answered."""
        if not state.commenting(len(entry.survey.items)):
            return self._prompt(entry, state.position, problem=problem, number=number, note=note)
        with texts.speaking(self.language):
            lead = texts.prompt_texts().problems[problem] % {"number": number or ""} if problem else note
            return texts.comment_again(lead, len(entry.survey.items))

    def _prompt(self, entry: Entry, position: int, header: bool = False,
                problem: ReplyProblem | None = None, number: str | None = None,
                note: str | None = None) -> str:
        place = place_name(entry.commune.unit, self.language) if header else None
        key = (entry.campaign.survey_version_id, entry.campaign.survey_sha256, self.language,
               position, place, problem, number, note)
        cache = _prompt_cache()
        text = cache.get(key)
        if text is None:
            text = self._compose_prompt(entry.survey, position, place, problem, number, note)
            if len(cache) >= PROMPT_CACHE_SIZE:
                cache.clear()
            cache[key] = text
        return text

    def _compose_prompt(self, survey: Survey, position: int, place: str | None,
                        problem: ReplyProblem | None, number: str | None,
                        note: str | None) -> str:
        item = survey.items[position]
        with texts.speaking(self.language):
            return question_prompt(
                texts.prompt_texts(), texts.question_text(item, self.language), position + 1,
                len(survey.items), texts.choice_labels(survey, self.language),
                header=(texts.survey_name(survey, self.language), place)
                if place is not None else None,
                problem=problem, out_of_range=number, note=note,
            )

    def _refused(self, refused: Refused) -> list[str]:
        with texts.speaking(self.language):
            return [texts.refusal_text(refused, self.language)]
