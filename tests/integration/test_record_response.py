"""The one service that records a response, for every channel."""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import Answer, Response
from feedback_app.services.errors import Refused
from feedback_app.services.responses import record as responses
from feedback_app.services.responses.record import Channel, Submission, record_response
from feedback_app.services.surveys import freeze, survey_of

from ..support import all_answers, codes_of


def rows() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Response.id))),
            db.session.scalar(select(func.count()).select_from(Answer)))


def by_code(campaign, code, **kw) -> Submission:  # type: ignore[no-untyped-def]
    fields = {"campaign_key": None, "channel": Channel.WEB, "answers": all_answers(campaign),
              "household_code": code, "client_uuid": str(uuid.uuid4())}
    fields.update(kw)
    return Submission(**fields)


def test_replaying_a_uuid_returns_the_original_and_adds_nothing(campaign):
    sub = by_code(campaign, codes_of(campaign)[0])
    first = record_response(sub)
    db.session.commit()
    again = record_response(sub)
    assert first.created and not again.created
    assert again.response.id == first.response.id
    assert rows() == (1, 20)


def test_a_replay_of_a_response_stored_with_the_old_hash_spelling_is_still_the_same(campaign):
    """Responses stored before the fingerprint moved to domain.canonical carry json.dumps' default
    spelling: a phone's queued replay of one must not become a 409."""
    import hashlib
    import json

    sub = by_code(campaign, codes_of(campaign)[0], comment="Đường làng đã sạch")
    first = record_response(sub)
    stored = db.session.get(Response, first.response.id)
    payload = {"campaign": campaign.key, "commune": stored.commune_id, "code": stored.household_code.code,
               "channel": "web", "answers": dict(sorted(sub.answers.items())), "comment": sub.comment}
    legacy = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    assert legacy != stored.content_hash  # the new spelling differs (no \u escapes, no spaces)
    stored.content_hash = legacy
    db.session.commit()
    again = record_response(sub)
    assert not again.created and again.response.id == first.response.id


def test_same_uuid_with_different_content_is_a_conflict(campaign):
    sub = by_code(campaign, codes_of(campaign)[0])
    record_response(sub)
    db.session.commit()
    changed = dict(sub.answers, overall=2)
    with pytest.raises(Refused) as refused:
        record_response(by_code(campaign, sub.household_code, client_uuid=sub.client_uuid,
                                answers=changed))
    assert (refused.value.reason, refused.value.status) == ("uuid_conflict", 409)


def test_open_link_records_under_the_commune_without_a_code(campaign):
    sub = Submission("test-campaign", Channel.ASSISTED, all_answers(campaign, 0),
                     commune_code="03430")
    recorded = record_response(sub)
    assert recorded.response.commune.code == "03430"
    assert recorded.response.household_code is None
    assert recorded.response.channel == "assisted"


def test_open_link_refused_when_the_campaign_allows_only_codes(make_campaign):
    campaign = make_campaign(open_link=False)
    with pytest.raises(Refused) as refused:
        record_response(Submission("test-campaign", Channel.WEB, all_answers(campaign),
                                   commune_code="03390"))
    assert refused.value.reason == "channel_closed"


@pytest.mark.parametrize(
    ("opens", "closes", "reason"),
    [(3, 10, "campaign_not_open"), (-20, -2, "campaign_closed")],
)
def test_answers_only_while_the_campaign_is_open(make_campaign, opens, closes, reason):
    today = local_today()
    campaign = make_campaign(opens_on=today + timedelta(days=opens),
                             closes_on=today + timedelta(days=closes))
    with pytest.raises(Refused) as refused:
        record_response(by_code(campaign, codes_of(campaign)[0]))
    assert (refused.value.reason, refused.value.status) == (reason, 403)
    assert rows() == (0, 0)


def test_a_code_races_to_one_response(campaign, monkeypatch):
    """Two posts with the same code that both passed the 'unused' check: the database keeps one."""
    code = codes_of(campaign)[0]
    record_response(by_code(campaign, code))
    db.session.commit()
    fresh = responses.code_entry  # the second post's check ran before the first was stored
    monkeypatch.setattr(responses, "code_entry", lambda raw: (fresh(raw)[0], False))
    with pytest.raises(Refused) as refused:
        record_response(by_code(campaign, code, answers=all_answers(campaign, 2)))
    assert refused.value.reason == "code_used"
    db.session.rollback()
    assert rows() == (1, 20)
    assert set(db.session.scalars(select(Answer.value))) == {1}


@pytest.mark.parametrize(
    ("code", "reason", "status"),
    [("123", "code_mistyped", 400), ("", "code_mistyped", 400), ("000000000000000", "code_unknown", 404)],
)
def test_bad_codes(campaign, code, reason, status):
    with pytest.raises(Refused) as refused:
        record_response(by_code(campaign, code))
    assert (refused.value.reason, refused.value.status) == (reason, status)


def test_a_bad_uuid_is_refused(campaign):
    with pytest.raises(Refused) as refused:
        record_response(by_code(campaign, codes_of(campaign)[0], client_uuid="not-a-uuid"))
    assert refused.value.reason == "uuid_invalid"


def test_a_version_with_responses_never_changes(campaign):
    survey = survey_of(campaign.survey_version)
    changed = copy.deepcopy(survey.source)
    changed["items"][1]["text"]["vi"] = "Một câu hỏi khác"
    from feedback_app.domain.survey_schema import parse_survey

    # Before any answer, the stored version follows the file.
    assert freeze(parse_survey(copy.deepcopy(changed))).spec["items"][1]["text"]["vi"] == "Một câu hỏi khác"
    freeze(parse_survey(copy.deepcopy(survey.source)))
    record_response(by_code(campaign, codes_of(campaign)[0]))
    db.session.commit()
    with pytest.raises(Refused) as refused:
        freeze(parse_survey(changed))
    assert refused.value.reason == "survey_version_frozen"
    assert survey_of(campaign.survey_version).items[1].text["vi"].startswith("Tiêu chí 1")
