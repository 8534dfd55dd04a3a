"""The steps of an SMS conversation: one question per message, bounded re-prompts.

A reply that answers the question moves to the next one; an invalid reply gets the question again
saying what is expected; the third invalid reply in a row pauses the conversation, which then stays
silent until the household sends a valid answer or TIEP (continue). No endless loops.
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
    COMPLETE = "complete"  # every question answered: record the response


@dataclass(frozen=True)
class DialogueState:
    position: int = 0  # index of the question being asked
    answers: tuple[int, ...] = ()  # answers so far, in survey order
    invalid_streak: int = 0
    paused: bool = False


@dataclass(frozen=True)
class Step:
    state: DialogueState
    outcome: Outcome
    problem: ReplyProblem | None = None
    number: str | None = None


def step(state: DialogueState, question_count: int, reply: ParsedAnswer) -> Step:
    """Apply one reply to the question at `state.position`."""
    if reply.value is not None:
        answers = (*state.answers, reply.value)
        moved = DialogueState(len(answers), answers, 0, False)
        return Step(moved, Outcome.COMPLETE if len(answers) >= question_count else Outcome.ASK)
    if state.paused:
        return Step(state, Outcome.SILENT, reply.problem)
    streak = state.invalid_streak + 1
    if streak >= MAX_INVALID_IN_A_ROW:
        paused = replace(state, invalid_streak=streak, paused=True)
        return Step(paused, Outcome.PAUSE, reply.problem)
    return Step(replace(state, invalid_streak=streak), Outcome.REASK, reply.problem, reply.number)


def resume(state: DialogueState) -> DialogueState:
    """TIEP: ask the current question again, with a fresh allowance of invalid replies."""
    return replace(state, invalid_streak=0, paused=False)
