"""Fuzzing the resident form post: whatever is sent, never a 5xx, and nothing is stored unless the
post is a valid complete answer (then exactly that answer is stored).

Posts go to a commune link (any number of answers) and to household-code links; fields are near-
valid forms with mutations, random field names and values (unicode, control characters, huge
values, repeated fields), and raw bodies of any content type.
"""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from feedback_app.extensions import db, limiter
from feedback_app.models import Answer, Response
from feedback_app.services.surveys import survey_of
from feedback_app.web import device

from ..support import codes_of

ITEMS = ("overall", *(f"c{n:02d}" for n in range(1, 20)))  # ntm-commune v1
ALLOWED = {0, 1, 2}
COMMENT_MAX = 1000
VALUE_MAX = 8  # longest answer value the form reader takes (web/resident/forms.py)

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)

texts = st.text(max_size=40)  # any unicode but surrogates: control characters, NUL, RTL marks...
huge = st.builds(lambda ch, n: ch * n, st.characters(codec="utf-8"), st.integers(1_000, 300_000))
values = st.one_of(
    st.sampled_from(["1", "2", "0", " 1 ", "01", "3", "-1", "1.0", "", "１", "1\x00"]),
    texts,
    huge,
    st.uuids().map(str),
)
names = st.one_of(
    st.sampled_from(["rid", "comment", *(f"q_{i}" for i in ITEMS)]),
    texts.map(lambda s: "q_" + s),
    texts,
)


@st.composite
def near_valid(draw: Any) -> list[tuple[str, str]]:
    """A complete valid answer, then a few mutations (or none)."""
    pairs = [(f"q_{i}", draw(st.sampled_from(["0", "1", "2"]))) for i in ITEMS]
    pairs.append(("rid", draw(st.one_of(st.uuids().map(str), st.just(""), texts))))
    pairs.append(("comment", draw(st.one_of(texts, st.text(min_size=990, max_size=1010), huge))))
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["drop", "repeat", "value", "field"]))
        at = draw(st.integers(0, len(pairs) - 1))
        if kind == "drop":
            pairs.pop(at)
        elif kind == "repeat":
            pairs.insert(draw(st.integers(0, len(pairs))), (pairs[at][0], draw(values)))
        elif kind == "value":
            pairs[at] = (pairs[at][0], draw(values))
        else:
            pairs.insert(at, (draw(names), draw(values)))
        if not pairs:
            break
    return draw(st.permutations(pairs))


forms = st.one_of(near_valid(), st.lists(st.tuples(names, values), max_size=30))


def _clean_comment(raw: str) -> str:
    return "".join(ch for ch in raw if ch in "\t\n\r" or unicodedata.category(ch) != "Cc").strip()


def _expected(pairs: list[tuple[str, str]]) -> dict[str, Any] | None:
    """What must be stored for these fields, or None when they are not a valid complete answer.

    The rules: every item exactly once with a value among the options (ASCII digits, surrounding
    spaces allowed); no field for an unknown item; rid empty or a UUID; the comment, with control
    characters dropped and trimmed, at most the survey's limit."""
    answers = [(k[2:], v) for k, v in pairs if k.startswith("q_")]
    if sorted(k for k, _ in answers) != sorted(ITEMS):
        return None
    parsed = {}
    for item, raw in answers:
        text = raw.strip()
        if len(raw) > VALUE_MAX or not (text.isascii() and text.isdigit()):
            return None
        if int(text) not in ALLOWED:
            return None
        parsed[item] = int(text)
    fields = MultiDict(pairs)
    rid = fields.get("rid") or ""
    if len(rid) > 64:
        return None
    if rid:
        try:
            rid = str(uuid.UUID(rid))
        except ValueError:
            return None
    comment = _clean_comment(fields.get("comment", ""))
    if len(fields.get("comment", "")) > 20_000 or len(comment) > COMMENT_MAX:
        return None
    return {"rid": rid, "answers": parsed, "comment": comment or None}


def _size(pairs: list[tuple[str, str]]) -> int:
    return len(urlencode(pairs).encode())


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Response.id))),
            db.session.scalar(select(func.count()).select_from(Answer)))


def _post(client, path: str, pairs: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    limiter.reset()  # this test is about input, not about floods
    client.delete_cookie(device.COOKIE)  # nor about a phone answering an open link twice
    db.session.remove()
    before = _counts()
    sent = client.post(path, data=MultiDict(pairs))
    db.session.remove()
    assert sent.status_code < 500, sent.get_data(as_text=True)[:500]
    return sent, before, _counts()


@pytest.fixture
def open_campaign(make_campaign):  # type: ignore[no-untyped-def]
    campaign = make_campaign(codes=40)
    assert survey_of(campaign.survey_version).item_ids == ITEMS
    return campaign


def _check(sent, before, after, pairs, code_was_unused: bool) -> None:  # type: ignore[no-untyped-def]
    expected = _expected(pairs)
    if sent.status_code != 303:
        assert after == before, "a refused post stored something"
        # A valid complete answer is refused only for a reason outside the answer: a post larger
        # than MAX_CONTENT_LENGTH as a whole, or a rid already used for another answer.
        if expected is not None and code_was_unused and _size(pairs) <= 256 * 1024:
            assert sent.status_code == 409 and expected["rid"], sent.status_code
        return
    assert expected is not None, "an invalid or incomplete post was stored"
    rid = sent.headers["Location"].rsplit("/", 1)[-1]
    stored = db.session.scalar(select(Response).filter_by(uuid=rid))
    assert stored is not None
    assert {a.item_id: a.value for a in stored.answers} == expected["answers"]
    assert stored.comment == expected["comment"]
    if expected["rid"]:
        assert rid == expected["rid"]
    # One new response with all its answers, or none when the same rid was replayed.
    assert after in (before, (before[0] + 1, before[1] + len(ITEMS)))


VALID = [(f"q_{i}", "1") for i in ITEMS]


@FUZZ
@given(pairs=forms)
@example(pairs=[*VALID, ("comment", "Đường\x00 ra đồng\x1b[31m lầy lội\r\n")])  # NUL: PostgreSQL
@example(pairs=[*VALID, ("q_overall", "2")])  # an answer sent twice
@example(pairs=[*VALID, ("rid", "00000000-0000-0000-0000-000000000000"), ("comment", "ok")])
def test_commune_link_post(client, open_campaign, pairs):
    sent, before, after = _post(client, "/c/test-campaign/03390", pairs)
    _check(sent, before, after, pairs, code_was_unused=True)


@FUZZ
@given(pairs=forms, which=st.integers(0, 39))
def test_household_code_post(client, open_campaign, pairs, which):
    code = codes_of(open_campaign, "03390")[which]
    db.session.remove()
    unused = db.session.scalar(
        select(func.count(Response.id)).join(Response.household_code).filter_by(code=code)) == 0
    sent, before, after = _post(client, f"/h/{code}", pairs)
    _check(sent, before, after, pairs, code_was_unused=unused)


@FUZZ
@given(
    body=st.one_of(st.binary(max_size=3000), huge.map(lambda s: s.encode("utf-8", "replace"))),
    content_type=st.sampled_from([
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
        "multipart/form-data", "text/plain", "application/json", "application/octet-stream",
    ]),
)
def test_raw_bodies(client, open_campaign, body, content_type):
    limiter.reset()
    before = _counts()
    sent = client.post("/c/test-campaign/03390", data=body, content_type=content_type)
    assert sent.status_code < 500
    assert sent.status_code != 303 and _counts() == before
