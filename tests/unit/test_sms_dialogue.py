"""The conversation's steps: forward on a valid answer, corrections (SUA n), the comment at the
end, bounded re-prompts, pause and resume."""

from __future__ import annotations

import pytest

from feedback_app.domain.sms.dialogue import (
    MAX_INVALID_IN_A_ROW,
    DialogueState,
    Outcome,
    change,
    finish,
    resume,
    step,
)
from feedback_app.domain.sms.replies import ParsedAnswer, ReplyProblem

VALID = ParsedAnswer(1)
INVALID = ParsedAnswer(None, ReplyProblem.NOT_UNDERSTOOD)


def test_valid_answers_move_forward_then_ask_for_a_comment_then_complete():
    state = DialogueState()
    for expected in range(1, 3):
        moved = step(state, 3, VALID)
        assert moved.outcome is Outcome.ASK and moved.state.position == expected
        assert not moved.state.commenting(3)
        state = moved.state
    last = step(state, 3, ParsedAnswer(0))
    assert last.outcome is Outcome.ASK_COMMENT and last.state.answers == (1, 1, 0)
    assert last.state.commenting(3)
    assert finish(last.state, 3).outcome is Outcome.COMPLETE
    with pytest.raises(ValueError):
        finish(state, 3)


def test_sua_asks_an_answered_question_again_and_its_answer_replaces_the_old_one():
    state = DialogueState(position=3, answers=(1, 1, 1))
    asked = change(state, 5, 2)
    assert asked.outcome is Outcome.ASK and asked.problem is None
    assert asked.state.position == 1 and asked.state.answers == (1, 1, 1)
    moved = step(asked.state, 5, ParsedAnswer(2))
    assert moved.outcome is Outcome.ASK and moved.changed == 2
    assert moved.state == DialogueState(position=3, answers=(1, 2, 1))  # back to the next one


def test_sua_during_the_comment_returns_to_the_comment():
    state = DialogueState(position=3, answers=(1, 1, 1))
    asked = change(state, 3, 3)
    moved = step(asked.state, 3, ParsedAnswer(0))
    assert moved.outcome is Outcome.ASK_COMMENT and moved.state.answers == (1, 1, 0)
    assert moved.changed == 3


@pytest.mark.parametrize("number", [0, 4, 9, 99])
def test_sua_of_a_question_not_answered_yet_is_refused_saying_which(number):
    state = DialogueState(position=3, answers=(1, 1, 1), invalid_streak=2, paused=True)
    refused = change(state, 5, number)
    assert refused.outcome is Outcome.REASK and refused.problem is ReplyProblem.NO_SUCH_ANSWER
    assert refused.number == str(number)
    assert refused.state == DialogueState(position=3, answers=(1, 1, 1))  # resumed, unchanged
    commenting = change(DialogueState(position=3, answers=(1, 1, 1)), 3, 7)
    assert commenting.outcome is Outcome.ASK_COMMENT and commenting.problem is not None


def test_sua_resumes_a_paused_conversation():
    paused = DialogueState(position=2, answers=(1, 1), invalid_streak=3, paused=True)
    asked = change(paused, 5, 1)
    assert asked.state == DialogueState(position=0, answers=(1, 1))


def test_invalid_replies_reask_then_pause_then_stay_silent():
    state = DialogueState(position=1, answers=(1,))
    outcomes = []
    for _ in range(MAX_INVALID_IN_A_ROW + 2):
        moved = step(state, 5, INVALID)
        outcomes.append(moved.outcome)
        state = moved.state
    assert outcomes == [Outcome.REASK, Outcome.REASK, Outcome.PAUSE, Outcome.SILENT, Outcome.SILENT]
    assert state.paused and state.position == 1 and state.answers == (1,)


def test_a_valid_answer_resets_the_streak_and_resumes():
    state = DialogueState(position=0, invalid_streak=2)
    moved = step(state, 5, VALID)
    assert moved.state.invalid_streak == 0
    paused = DialogueState(position=2, answers=(1, 1), invalid_streak=3, paused=True)
    answered = step(paused, 5, VALID)
    assert answered.outcome is Outcome.ASK and not answered.state.paused
    assert resume(paused) == DialogueState(position=2, answers=(1, 1))


def test_out_of_range_number_is_quoted_back():
    moved = step(DialogueState(), 5, ParsedAnswer(None, ReplyProblem.OUT_OF_RANGE, number="7"))
    assert moved.outcome is Outcome.REASK and moved.number == "7"
