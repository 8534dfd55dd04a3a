"""A request that fails after its response was recorded leaves nothing behind: the recording is
part of the request's single transaction on every backend (SQLite's driver used to commit it early,
when the savepoint around the insert was released)."""

from __future__ import annotations

from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Answer, Response
from feedback_app.services.responses.record import Channel, Submission, record_response

from ..support import all_answers, codes_of


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Response.id))),
            db.session.scalar(select(func.count()).select_from(Answer)))


def test_a_rolled_back_request_stores_nothing(app, campaign):
    code = codes_of(campaign)[0]
    db.session.scalar(select(Response))  # the request has read something first, as pages do
    recorded = record_response(
        Submission(None, Channel.WEB, all_answers(campaign), household_code=code)
    )
    assert recorded.created
    db.session.rollback()  # e.g. the commit failed, or the view raised after recording
    db.session.remove()
    assert _counts() == (0, 0)


def test_a_committed_request_stores_the_response_with_all_answers(app, campaign):
    code = codes_of(campaign)[0]
    record_response(Submission(None, Channel.WEB, all_answers(campaign), household_code=code))
    db.session.commit()
    db.session.remove()
    assert _counts() == (1, 20)


def test_a_lost_race_for_a_household_code_is_refused_and_leaves_the_winner_whole(
    app, campaign, monkeypatch
):
    """Two households' forms for one code, both checked before either was stored: the database
    lets one win; the other gets 'code used', and the transaction stays usable."""
    from feedback_app.services.errors import Refused
    from feedback_app.services.responses import record as responses

    code = codes_of(campaign)[0]
    stale = responses.open_entry(None, household_code=code)  # the loser's check: code unused
    record_response(Submission(None, Channel.WEB, all_answers(campaign, 1), household_code=code))
    db.session.commit()

    monkeypatch.setattr(responses, "open_entry", lambda *args, **kwargs: stale)
    loser = Submission(None, Channel.WEB, all_answers(campaign, 2), household_code=code)
    try:
        record_response(loser)
    except Refused as refused:
        assert (refused.reason, refused.status) == ("code_used", 409)
    else:
        raise AssertionError("the second answer for one code was stored")
    db.session.commit()  # nothing broken: the request could still commit other work
    db.session.remove()
    assert _counts() == (1, 20)
    assert {a.value for a in db.session.scalars(select(Answer))} == {1}


def test_a_replay_racing_its_original_returns_the_original(app, campaign, monkeypatch):
    from feedback_app.services.responses import record as responses

    code = codes_of(campaign)[0]
    stale = responses.open_entry(None, household_code=code)
    first = Submission(None, Channel.WEB, all_answers(campaign), household_code=code,
                       client_uuid="5b7f0a4e-2f6b-4a8e-9a51-0c1d2e3f4a5b")
    original = record_response(first).response
    db.session.commit()
    monkeypatch.setattr(responses, "open_entry", lambda *args, **kwargs: stale)
    again = record_response(first)
    assert not again.created and again.response.id == original.id
    db.session.commit()
    db.session.remove()
    assert _counts() == (1, 20)
