"""A request that fails after its response was recorded leaves nothing behind: the recording is
part of the request's single transaction on every backend (SQLite's driver used to commit it early,
when the savepoint around the insert was released)."""

from __future__ import annotations

from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Answer, Response
from feedback_app.services.responses import Channel, Submission, record_response

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
