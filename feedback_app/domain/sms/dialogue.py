"""The steps of an SMS conversation: one question per message, corrections, a comment, bounded
re-prompts.

A reply that answers the question moves to the next unanswered one; once every question is
answered the household is asked for an optional comment ("Y kien khac"), and the response is
recorded with it (or without, for K). Before that end, SUA n asks question n again and its new
answer replaces the old one. An invalid reply gets the question again saying what is expected;
the third invalid reply in a row pauses the conversation, which then stays silent until the
household sends a valid answer, TIEP (continue) or "?" (help). No endless loops.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from .replies import ParsedAnswer, ReplyProblem

MAX_INVALID_IN_A_ROW = 3


class Outcome(StrEnum):
    ASK = "ask"  # ask the question at the new position
    REASK = "reask"  # the reply was invalid: ask the same question again, saying why
    PAUSE = "pause"  # too many invalid replies: say how to resume, then stay silent
    SILENT = "silent"  # paused, and still no valid answer: send nothing
    ASK_COMMENT = "ask_comment"  # every question answered: ask for an optional comment
    COMPLETE = "complete"  # the comment (or none) came: record the response


@dataclass(frozen=True)
class DialogueState:
    """Where a conversation stands. `position` is the question being asked; it equals the number
    of questions while the comment is asked for. A position before len(answers) is a correction
    (SUA n): its answer replaces the one given before."""

    position: int = 0
    answers: tuple[int, ...] = ()  # answers so far, in survey order
    invalid_streak: int = 0
    paused: bool = False

    def commenting(self, question_count: int) -> bool:
        return self.position >= question_count and len(self.answers) >= question_count


@dataclass(frozen=True)
class Step:
    state: DialogueState
    outcome: Outcome
    problem: ReplyProblem | None = None
    number: str | None = None
    changed: int | None = None  # 1-based question whose answer this step replaced


def step(state: DialogueState, question_count: int, reply: ParsedAnswer) -> Step:
    """Apply one reply to the question at `state.position`."""
    if reply.value is not None:
        answers = list(state.answers)
        changed = None
        if state.position < len(answers):
            answers[state.position] = reply.value
            changed = state.position + 1
        else:
            answers.append(reply.value)
        moved = DialogueState(len(answers), tuple(answers), 0, False)
        outcome = Outcome.ASK_COMMENT if len(answers) >= question_count else Outcome.ASK
        return Step(moved, outcome, changed=changed)
    if state.paused:
        return Step(state, Outcome.SILENT, reply.problem)
    streak = state.invalid_streak + 1
    if streak >= MAX_INVALID_IN_A_ROW:
        paused = replace(state, invalid_streak=streak, paused=True)
        return Step(paused, Outcome.PAUSE, reply.problem)
    return Step(replace(state, invalid_streak=streak), Outcome.REASK, reply.problem, reply.number)


def change(state: DialogueState, question_count: int, number: int) -> Step:
    """SUA n: ask question n again (it must have been answered); resumes a paused conversation.
    A question not answered yet is refused, and the current question (or comment) asked again."""
    if 1 <= number <= min(len(state.answers), question_count):
        return Step(DialogueState(number - 1, state.answers, 0, False), Outcome.ASK)
    outcome = Outcome.ASK_COMMENT if state.commenting(question_count) else Outcome.REASK
    return Step(resume(state), outcome, ReplyProblem.NO_SUCH_ANSWER, str(number))


def finish(state: DialogueState, question_count: int) -> Step:
    """The comment (or K for none) came while the comment was asked for: the end."""
    if not state.commenting(question_count):
        raise ValueError("the comment comes after every question is answered")
    return Step(state, Outcome.COMPLETE)


def resume(state: DialogueState) -> DialogueState:
    """TIEP or help: ask the current question again, with a fresh allowance of invalid replies."""
    return replace(state, invalid_streak=0, paused=False)
