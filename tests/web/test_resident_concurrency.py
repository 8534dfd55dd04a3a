"""Households sending their answers at the same moment are all recorded, on SQLite too (each
answer takes the database's write lock when its transaction begins, instead of failing with "the
service is busy" when another answer was committed between its read and its write)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Response

from ..support import all_answers, at_once, codes_of

HOUSEHOLDS = 6


def _stored() -> int:
    db.session.rollback()  # a fresh snapshot
    return db.session.scalar(select(func.count()).select_from(Response))


def test_households_answering_at_once_by_the_form_are_all_recorded(app, campaign):
    codes = codes_of(campaign)[:HOUSEHOLDS]
    form = {f"q_{item}": value for item, value in all_answers(campaign).items()}
    statuses = at_once(HOUSEHOLDS, lambda n: app.test_client().post(f"/h/{codes[n]}", data=form)
                       .status_code)
    assert statuses == [303] * HOUSEHOLDS
    assert _stored() == HOUSEHOLDS


def test_answers_sent_at_once_through_the_api_are_all_recorded(app, campaign):
    answers = all_answers(campaign)

    def post(n: int) -> int:
        body = {"campaign": campaign.key, "commune": "03390", "uuid": str(uuid.uuid4()),
                "answers": answers}
        return app.test_client().post("/api/v1/responses", json=body).status_code

    assert at_once(HOUSEHOLDS, post) == [201] * HOUSEHOLDS
    assert _stored() == HOUSEHOLDS
