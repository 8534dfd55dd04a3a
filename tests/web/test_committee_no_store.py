"""Nothing behind the committee login is kept by a browser's or a proxy's cache: every URL the app
registers under /committee/ (and the committee API) answers `Cache-Control: no-store`, whatever
its status. The URLs come from app.url_map, so a new committee page is checked without being
listed here."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.routing import Rule

from feedback_app.extensions import db
from feedback_app.services.reports import workflow as reports

from ..committee_support import logged_in, make_account
from ..reports_support import answered, officer
from .test_export_jobs import rq  # noqa: F401 (the fixture: exports through the worker on Redis)

PROVINCE, COMMUNE = "12", "03390"
PRIVATE = ("/committee", "/api/v1/committee/")
# A value for each URL variable of the committee rules; a variable missing here fails the test.
VALUES: dict[str, list[str]] = {
    "key": ["test-campaign"],
    "campaign": ["test-campaign"],
    "code": [PROVINCE, COMMUNE],
    "commune": [COMMUNE],
    "kind": ["results", "report"],
    "fmt": ["csv", "xlsx", "html"],
    "job_id": ["0" * 32],
    "username": ["tinh-officer"],
    "token": ["not-a-reset-token"],
    "village": ["03390001"],
    "run_id": ["1"],
}


def _private_rules(app: Flask) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith(PRIVATE)]
    assert len(rules) >= 20, [r.rule for r in rules]  # the committee is there at all
    return rules


def _urls(app: Flask, rule: Rule) -> Iterator[str]:
    names = sorted(rule.arguments)
    missing = [n for n in names if n not in VALUES]
    assert not missing, f"{rule.rule}: give VALUES for {missing}"
    adapter = app.url_map.bind("localhost")
    for combo in itertools.product(*(VALUES[n] for n in names)):
        yield adapter.build(rule.endpoint, dict(zip(names, combo, strict=True)),
                            method=next(iter(rule.methods - {"HEAD", "OPTIONS"})))


def _assert_no_store(response, url: str) -> None:  # type: ignore[no-untyped-def]
    response.get_data()  # read a streamed body to its end, inside the request it belongs to
    assert response.status_code < 500, (url, response.status_code)
    assert response.headers.get("Cache-Control") == "no-store", (url, response.status_code)
    assert "Expires" not in response.headers


@pytest.fixture
def province(app, campaign):  # type: ignore[no-untyped-def]
    answered(campaign, COMMUNE, 6)
    reports.submit_report(officer(COMMUNE), campaign.key)
    db.session.commit()
    make_account("tinh-officer", PROVINCE)
    return logged_in(app.test_client(), "tinh-officer")


def test_every_committee_url_is_no_store_signed_in(app, province) -> None:  # type: ignore[no-untyped-def]
    seen: dict[int, int] = {}
    for rule in _private_rules(app):
        for url in _urls(app, rule):
            if "GET" in rule.methods:
                response = province.get(url, headers={"Authorization": "Bearer not-a-token"})
            else:  # a button's POST without its CSRF token: refused, and not kept either
                response = province.post(url)
            _assert_no_store(response, url)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
    assert seen.get(200, 0) >= 15, seen  # pages, print pages and downloads really were served


def test_downloads_and_print_pages_are_no_store(app, province) -> None:  # type: ignore[no-untyped-def]
    for fmt in ("csv", "xlsx", "html"):
        url = f"/committee/campaigns/test-campaign/units/{COMMUNE}/export/report.{fmt}"
        response = province.get(url)
        assert response.status_code == 200, (url, response.text)
        _assert_no_store(response, url)


def test_committee_urls_are_no_store_signed_out_too(app, campaign) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    for rule in _private_rules(app):
        for url in _urls(app, rule):
            response = client.get(url) if "GET" in rule.methods else client.post(url)
            _assert_no_store(response, url)
    _assert_no_store(client.get("/committee/login"), "/committee/login")


def test_export_job_pages_and_their_download_are_no_store(app, rq, province, runner) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    asked = province.get(f"/committee/campaigns/test-campaign/units/{PROVINCE}/export/results.xlsx")
    assert asked.status_code == 303
    job = re.fullmatch(r"/committee/exports/([0-9a-f]{32})", asked.location)
    assert job, asked.location
    _assert_no_store(asked, asked.location)
    _assert_no_store(province.get(asked.location), asked.location)  # waiting
    assert runner.invoke(args=["worker", "--burst"]).exit_code == 0
    db.session.rollback()
    ready = province.get(asked.location)
    assert 'data-state="done"' in ready.text
    _assert_no_store(ready, asked.location)
    download = province.get(asked.location + "/download")
    assert download.status_code == 200
    _assert_no_store(download, asked.location + "/download")


def test_resident_pages_keep_their_own_caching(client, campaign) -> None:  # type: ignore[no-untyped-def]
    """The rule is for the committee: the resident pages and static files are not changed."""
    assert client.get("/").headers.get("Cache-Control") != "no-store"
    assert client.get("/static/css/app.css").headers.get("Cache-Control") != "no-store"
