"""The conversation's steps: forward on a valid answer, bounded re-prompts, pause and resume."""

from __future__ import annotations

from feedback_app.domain.sms.dialogue import MAX_INVALID_IN_A_ROW, DialogueState, Outcome, resume, step
from feedback_app.domain.sms.replies import ParsedAnswer, ReplyProblem

VALID = ParsedAnswer(1)
INVALID = ParsedAnswer(None, ReplyProblem.NOT_UNDERSTOOD)


def test_valid_answers_move_forward_and_complete():
    state = DialogueState()
    for expected in range(1, 3):
        moved = step(state, 3, VALID)
        assert moved.outcome is Outcome.ASK and moved.state.position == expected
        state = moved.state
    done = step(state, 3, ParsedAnswer(0))
    assert done.outcome is Outcome.COMPLETE and done.state.answers == (1, 1, 0)


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
