"""Cadres sending assisted answers at the same moment are all recorded, on SQLite too: a collect
request takes the database's write lock when its transaction begins (before it reads the account),
instead of answering "the service is busy" when another answer was committed meanwhile."""

from __future__ import annotations

import uuid

from flask import g
from sqlalchemy import func, select

from feedback_app.extensions import db, limiter
from feedback_app.models import Response

from ..committee_support import csrf_token, logged_in, make_account
from ..support import all_answers, at_once, codes_of

POSTS = 12
PAGE = "/committee/collect/test-campaign/03390"


def _stored() -> int:
    db.session.rollback()  # a fresh snapshot
    return db.session.scalar(select(func.count()).select_from(Response))


def _cadres(app, count: int):  # type: ignore[no-untyped-def]
    make_account("mttq-03390", "03390")
    cadres = []
    for _ in range(count):
        cadres.append(logged_in(app.test_client(), "mttq-03390"))
        limiter.reset()  # (the login limit is 10 a minute)
    return cadres


def test_twelve_collect_posts_at_once_are_all_recorded(app, make_campaign):
    campaign = make_campaign(codes=2 * POSTS)
    codes = codes_of(campaign, "03390")
    answers = all_answers(campaign)
    cadres = _cadres(app, POSTS)

    def post(n: int) -> int:
        body = {"uuid": str(uuid.uuid4()), "household_code": codes[n], "answers": answers}
        return cadres[n].post(PAGE + "/answers", json=body).status_code

    assert at_once(POSTS, post) == [201] * POSTS
    assert _stored() == POSTS

    tokens = []
    for cadre in cadres:
        g.pop("csrf_token", None)  # Flask-WTF keeps a token in g, shared by this test's requests
        tokens.append(csrf_token(cadre.get(PAGE).text))
    fields = {f"q_{k}": str(v) for k, v in answers.items()}

    def submit(n: int) -> int:
        data = dict(fields, household_code=codes[POSTS + n], rid=str(uuid.uuid4()),
                    csrf_token=tokens[n])
        return cadres[n].post(PAGE, data=data).status_code

    assert at_once(POSTS, submit) == [303] * POSTS
    assert _stored() == 2 * POSTS
