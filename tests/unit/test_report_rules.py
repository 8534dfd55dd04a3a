"""The report state machine, who may take each step, and the content hash (pure)."""

from __future__ import annotations

import hashlib

import pytest

from feedback_app.domain.canonical import canonical_json, content_hash
from feedback_app.domain.reports import (
    Action,
    Relation,
    Role,
    Status,
    Transition,
    next_status,
    permitted,
)


def test_submit_return_resubmit_accept():
    status = next_status(None, Action.DRAFT)
    assert status is Status.DRAFT
    status = next_status(status, Action.SUBMIT)
    assert status is Status.SUBMITTED
    status = next_status(status, Action.RETURN)
    assert status is Status.RETURNED
    assert next_status(status, Action.DRAFT) is Status.RETURNED  # corrections keep it returned
    status = next_status(status, Action.RESUBMIT)
    assert status is Status.SUBMITTED
    assert next_status(status, Action.ACCEPT) is Status.ACCEPTED
    assert next_status(None, Action.SUBMIT) is Status.SUBMITTED  # submitting without a draft


@pytest.mark.parametrize("action", list(Action))
def test_nothing_happens_to_an_accepted_report(action):
    with pytest.raises(Transition) as refused:
        next_status(Status.ACCEPTED, action)
    assert refused.value.reason == "report_accepted"


@pytest.mark.parametrize(("status", "action", "reason"), [
    (None, Action.ACCEPT, "report_missing"),
    (None, Action.RETURN, "report_missing"),
    (Status.DRAFT, Action.ACCEPT, "report_not_submitted"),
    (Status.RETURNED, Action.ACCEPT, "report_not_submitted"),
    (Status.SUBMITTED, Action.SUBMIT, "report_awaiting_decision"),
    (Status.SUBMITTED, Action.DRAFT, "report_awaiting_decision"),
])
def test_impossible_steps_say_why(status, action, reason):
    with pytest.raises(Transition) as refused:
        next_status(status, action)
    assert refused.value.reason == reason


def test_only_the_parents_officer_decides():
    for role in (Role.OFFICER, Role.ADMIN):
        assert permitted(role, Relation.CHILD, Action.ACCEPT)
        assert permitted(role, Relation.CHILD, Action.RETURN)
        assert permitted(role, Relation.OWN, Action.SUBMIT)
        for relation in (Relation.OWN, Relation.BELOW, Relation.OUTSIDE):
            assert not permitted(role, relation, Action.ACCEPT)
            assert not permitted(role, relation, Action.RETURN)
        for relation in (Relation.CHILD, Relation.BELOW, Relation.OUTSIDE):
            assert not permitted(role, relation, Action.SUBMIT)
    for action in Action:
        assert permitted(Role.VIEWER, Relation.OWN, action) is (action is Action.VIEW)
        assert not permitted(Role.ADMIN, Relation.OUTSIDE, action)
    assert permitted(Role.VIEWER, Relation.BELOW, Action.VIEW)


def test_content_hash_is_sha256_of_the_canonical_json():
    a = canonical_json({"b": 1, "a": "Xã Bình Lư", "c": [1.5, None]})
    b = canonical_json({"c": [1.5, None], "a": "Xã Bình Lư", "b": 1})
    assert a == b == '{"a":"Xã Bình Lư","b":1,"c":[1.5,null]}'
    assert content_hash(a) == hashlib.sha256(a.encode("utf-8")).hexdigest()
    assert content_hash(a) != content_hash(canonical_json({"a": "Xã Bình Lư", "b": 2, "c": [1.5, None]}))


def test_one_canonical_spelling_keeps_the_hashes_already_stored_for_surveys():
    """Survey versions were hashed with json.dumps(sort_keys, ensure_ascii=False, compact
    separators): domain.canonical spells content the same way, so stored versions keep their hash."""
    import hashlib
    import json

    source = {"id": "ntm-commune", "version": 1, "title": {"vi": "Khảo sát", "en": "Survey"},
              "items": [{"id": "overall", "max": 2.5}]}
    before = hashlib.sha256(json.dumps(source, sort_keys=True, ensure_ascii=False,
                                       separators=(",", ":")).encode("utf-8")).hexdigest()
    assert content_hash(source) == before == content_hash(canonical_json(source))
