"""Rate limits: guessing household codes is throttled; a flood gets a 429 page with a retry time."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Response

from ..support import codes_of, form_fields, mistyped_code, unissued_code

ALICE = {"REMOTE_ADDR": "198.51.100.7"}
BOB = {"REMOTE_ADDR": "198.51.100.8"}


@pytest.fixture
def limits(app):
    saved = {k: app.config[k] for k in app.config if k.startswith("RATELIMIT_")}
    yield app.config
    app.config.update(saved)


def test_failed_code_lookups_are_throttled_per_address(client, campaign, limits):
    limits["RATELIMIT_CODE_FAILURES"] = "3 per hour"
    statuses = [client.get(f"/h/{unissued_code(n)}", environ_base=ALICE).status_code
                for n in range(3)]
    assert statuses == [404, 404, 404]

    blocked = client.get(f"/h/{unissued_code(3)}", environ_base=ALICE)
    assert blocked.status_code == 429
    retry = int(blocked.headers["Retry-After"])
    assert 0 < retry <= 3600 + 1  # whole seconds, rounded up
    html = blocked.get_data(as_text=True)
    assert "Nhập sai mã hộ quá nhiều lần" in html  # Vietnamese by default
    assert re.search(r"từ [0-9:/, ]+ trở đi", html)  # the local time from which to retry

    # Even a real code is held back for this address until the window ends: a guesser cannot
    # tell a hit from a miss. Another address is not affected, nor are QR images of real codes.
    real = codes_of(campaign)[0]
    assert client.get(f"/h/{real}", environ_base=ALICE).status_code == 429
    assert client.head(f"/h/{unissued_code(9)}", environ_base=ALICE).status_code == 429
    assert client.get(f"/qr/h/{unissued_code(9)}.png", environ_base=ALICE).status_code == 429
    assert client.get(f"/h/{real}", environ_base=BOB).status_code == 200


def test_mistyped_codes_and_qr_lookups_count_as_failures_too(client, campaign, limits):
    limits["RATELIMIT_CODE_FAILURES"] = "2 per minute"
    # A wrong check digit (400), then an unknown code asked for as a QR image (404).
    assert client.get(f"/h/{mistyped_code(1)}", environ_base=ALICE).status_code == 400
    assert client.get(f"/qr/h/{unissued_code(1)}.svg", environ_base=ALICE).status_code == 404
    english = client.get(f"/h/{mistyped_code(2)}?lang=en", environ_base=ALICE)
    assert english.status_code == 429
    assert "Too many wrong household codes" in english.get_data(as_text=True)
    assert 0 < int(english.headers["Retry-After"]) <= 60 + 1


def test_successful_lookups_do_not_use_up_the_failure_allowance(client, campaign, limits):
    limits["RATELIMIT_CODE_FAILURES"] = "1 per hour"
    for code in codes_of(campaign)[:4]:
        assert client.get(f"/h/{code}", environ_base=ALICE).status_code == 200
    assert client.get(f"/h/{unissued_code(5)}", environ_base=ALICE).status_code == 404
    assert client.get(f"/h/{unissued_code(6)}", environ_base=ALICE).status_code == 429


def test_household_code_lookups_have_an_overall_limit(client, campaign, limits):
    """QR images and refused codes count; a household opening its own unused code does not."""
    limits["RATELIMIT_CODE_LOOKUP"] = "2 per minute"
    code = codes_of(campaign)[0]
    for _ in range(3):
        assert client.get(f"/h?code={code}", environ_base=ALICE).status_code == 303
        assert client.get(f"/h/{code}", environ_base=ALICE).status_code == 200
    assert client.get(f"/qr/h/{code}.png", environ_base=ALICE).status_code == 200
    assert client.get(f"/qr/h/{code}.svg", environ_base=ALICE).status_code == 200
    blocked = client.get(f"/qr/h/{code}.png", environ_base=ALICE)
    assert blocked.status_code == 429
    assert "Too many requests" in client.get(f"/h/{code}?lang=en", environ_base=ALICE).get_data(
        as_text=True)


def test_answer_submissions_are_limited_and_a_blocked_post_stores_nothing(client, campaign, limits):
    """Open-link answers are counted per address (nothing else tells them apart); answers with a
    household code are not (the code works once)."""
    limits["RATELIMIT_SUBMIT"] = "2 per minute"
    html = client.get("/c/test-campaign/03390", environ_base=ALICE).get_data(as_text=True)
    items = set(re.findall(r'name="(q_\w+)"', html))
    statuses = []
    for _ in range(3):
        # one phone answering for several households: each says so (web/device.py's guard)
        data = {**dict.fromkeys(items, "1"), "rid": str(uuid.uuid4()), "another_household": "1"}
        statuses.append(client.post("/c/test-campaign/03390", data=data, environ_base=ALICE))
    assert [r.status_code for r in statuses] == [303, 303, 429]
    assert "Quá nhiều phiếu được gửi" in statuses[2].get_data(as_text=True)
    assert int(statuses[2].headers["Retry-After"]) > 0
    assert db.session.scalar(select(func.count(Response.id))) == 2
    for code in codes_of(campaign)[:3]:  # the same address, over the limit: households still answer
        html = client.get(f"/h/{code}", environ_base=ALICE).get_data(as_text=True)
        data = form_fields(html)
        data.update({name: "1" for name in set(re.findall(r'name="(q_\w+)"', html))})
        assert client.post(f"/h/{code}", data=data, environ_base=ALICE).status_code == 303
    assert db.session.scalar(select(func.count(Response.id))) == 5
    assert client.post("/c/test-campaign/03390", data={}, environ_base=ALICE).status_code == 429


def test_an_ipv6_client_is_counted_by_its_64_prefix(client, campaign, limits):
    limits["RATELIMIT_CODE_FAILURES"] = "2 per hour"
    for n, host in enumerate(["2001:db8:1:2::1", "2001:db8:1:2::ffff"]):
        response = client.get(f"/h/{unissued_code(n)}", environ_base={"REMOTE_ADDR": host})
        assert response.status_code == 404
    same_subscriber = client.get(f"/h/{unissued_code(7)}",
                                 environ_base={"REMOTE_ADDR": "2001:db8:1:2:abcd::9"})
    assert same_subscriber.status_code == 429
    other = client.get(f"/h/{unissued_code(8)}", environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"})
    assert other.status_code == 404


def test_the_api_submission_shares_the_limits_and_answers_429_in_json(client, campaign, limits):
    limits["RATELIMIT_CODE_FAILURES"] = "2 per hour"
    body = {"campaign": None, "commune": None, "comment": "", "answers": {"overall": 1}}
    for n in range(2):
        sent = client.post("/api/v1/responses", environ_base=ALICE,
                           json={**body, "uuid": str(uuid.uuid4()), "household_code": unissued_code(n)})
        assert sent.status_code == 404 and sent.get_json()["reason"] == "code_unknown"
    # A guess on the web form after two on the API: the same address, the same allowance.
    assert client.get(f"/h/{unissued_code(3)}", environ_base=ALICE).status_code == 429
    blocked = client.post("/api/v1/responses", environ_base=ALICE,
                          json={**body, "uuid": str(uuid.uuid4()), "household_code": unissued_code(4)})
    assert blocked.status_code == 429
    assert blocked.get_json()["reason"] == "too_many_requests"
    assert int(blocked.headers["Retry-After"]) > 0


def test_committee_login_is_rate_limited(client, limits):
    """Password guessing: the login form answers 429 once an address has tried too often."""
    limits["RATELIMIT_LOGIN"] = "3 per minute"
    statuses = []
    for _ in range(4):
        page = client.get("/committee/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
        assert token, "the login form carries a CSRF token"
        data = {"username": "nobody", "password": "wrong", "csrf_token": token.group(1)}
        statuses.append(client.post("/committee/login", data=data).status_code)
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429


def test_retry_after_is_the_wait_of_the_window_that_blocks(client, campaign, limits):
    """Both windows are used up: the minute's ends first, but the hour's is what holds the request
    back. Retry-After and the page say the hour's wait, not the minute's."""
    limits["RATELIMIT_CODE_FAILURES"] = "2 per minute; 2 per hour"
    for n in range(2):
        assert client.get(f"/h/{unissued_code(n)}", environ_base=ALICE).status_code == 404
    blocked = client.get(f"/h/{unissued_code(2)}?lang=en", environ_base=ALICE)
    assert blocked.status_code == 429
    assert 3500 < int(blocked.headers["Retry-After"]) <= 3601
    assert "try again in 1 hour" in blocked.get_data(as_text=True)


def test_the_page_names_the_limit_that_blocks_longest(client, campaign, limits):
    """Two limits hold a lookup back: the overall one for a minute, the wrong-codes one for a day.
    The page is about the wrong codes, with the day's wait."""
    limits["RATELIMIT_CODE_LOOKUP"] = "2 per minute"
    limits["RATELIMIT_CODE_FAILURES"] = "2 per day"
    for n in range(2):
        assert client.get(f"/h/{unissued_code(n)}", environ_base=ALICE).status_code == 404
    blocked = client.get(f"/h/{unissued_code(2)}?lang=en", environ_base=ALICE)
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 3600
    html = blocked.get_data(as_text=True)
    assert "Too many wrong household codes" in html
    assert "try again in 1 day" in html


def test_two_hundred_households_on_one_address_are_all_recorded(client, make_campaign, limits):
    """A village meeting on the cultural house's Wi-Fi (or a carrier's shared address): 200
    households with valid codes answer from one address within minutes, with the default limits,
    half by the plain form and half by the API (the offline queue). None is refused; the code is
    the credential and works once. Open links and wrong codes stay limited on that address."""
    from feedback_app.deployment import DEFAULT_LIMITS

    limits.update(DEFAULT_LIMITS)
    cp = make_campaign(codes=200, unit_code="03390")
    codes = codes_of(cp, "03390")
    assert len(codes) == 200
    statuses = []
    for n, code in enumerate(codes):
        if n % 2:
            html = client.get(f"/h/{code}", environ_base=ALICE).get_data(as_text=True)
            data = form_fields(html)
            data.update({name: "1" for name in set(re.findall(r'name="(q_\w+)"', html))})
            statuses.append(client.post(f"/h/{code}", data=data, environ_base=ALICE).status_code)
        else:
            items = set(re.findall(r'name="q_(\w+)"', client.get(f"/h/{code}", environ_base=ALICE)
                                   .get_data(as_text=True)))
            statuses.append(client.post("/api/v1/responses", environ_base=ALICE, json={
                "uuid": str(uuid.uuid4()), "household_code": code,
                "answers": dict.fromkeys(items, 1)}).status_code)
    assert statuses == [201 if n % 2 == 0 else 303 for n in range(200)]
    assert db.session.scalar(select(func.count(Response.id))) == 200

    # The same address is still held back where an address is all there is to count.
    open_link = [client.post("/c/test-campaign/03390", data={}, environ_base=ALICE).status_code
                 for _ in range(21)]
    assert open_link[-1] == 429 and 429 not in open_link[:20]
    wrong = [client.get(f"/h/{unissued_code(n)}", environ_base=ALICE).status_code for n in range(11)]
    assert wrong == [404] * 10 + [429]


def test_a_used_code_sent_again_and_again_is_counted(client, campaign, limits):
    limits["RATELIMIT_CODE_LOOKUP"] = "3 per minute"
    code = codes_of(campaign)[0]
    body = {"household_code": code, "answers": {"overall": 1}}
    statuses = [client.post("/api/v1/responses", environ_base=ALICE,
                            json={**body, "uuid": str(uuid.uuid4())}).status_code for _ in range(4)]
    assert statuses[-1] == 429 and 201 not in statuses  # refused every time: each one counts


def test_the_before_request_pass_runs_only_for_limits_outside_the_views(client, campaign, limits,
                                                                        monkeypatch):
    """Every limit of this app decorates its view, so Flask-Limiter's before_request pass (which
    counts only application, default, blueprint and meta limits) is skipped; the views' own
    limits still count, and the pass comes back as soon as a limit of those kinds exists."""
    from flask_limiter import Limiter

    from feedback_app.extensions import limiter

    passes: list[bool] = []
    original = Limiter._check_request_limit

    def spy(self, callable_name=None, in_middleware=True):  # type: ignore[no-untyped-def]
        passes.append(in_middleware)
        return original(self, callable_name=callable_name, in_middleware=in_middleware)

    monkeypatch.setattr(Limiter, "_check_request_limit", spy)
    limits["RATELIMIT_CODE_FAILURES"] = "2 per minute"
    assert not limiter._limits_outside_views()
    statuses = [client.get(f"/h/{unissued_code(n)}", environ_base=ALICE).status_code
                for n in range(3)]
    assert statuses == [404, 404, 429] and True not in passes and passes  # only the views' own checks

    passes.clear()
    monkeypatch.setattr(type(limiter), "_limits_outside_views", lambda self: True)
    client.get("/")
    assert passes == [True]
