"""Exports through the RQ worker when REDIS_URL is set (against the real Redis at 127.0.0.1:6379,
skipped when it is not there): the committee member gets a waiting page at once, `flask worker`
builds the file with services.exports, Redis keeps it an hour, and only the account that asked
(still in scope) downloads it. Without Redis the export is still built in the request."""

from __future__ import annotations

import csv
import io
import re
import uuid

import openpyxl
import pytest
from flask import g
from redis import Redis
from rq import Queue

from feedback_app.adapters.export_store import RedisExportStore
from feedback_app.adapters.queue import RQQueue
from feedback_app.extensions import db
from feedback_app.models import Account, Unit
from feedback_app.services.exports import jobs as export_jobs
from feedback_app.services.exports.tables import CSV_COLUMNS
from feedback_app.services.reports import workflow as reports

from ..committee_support import logged_in, make_account
from ..reports_support import answered, officer
from ..skips import require_redis
from ..sms_support import enable_app_logs

DASH = "/committee/campaigns/test-campaign/units"
COMMUNE, OTHER_COMMUNE, PROVINCE = "03390", "03430", "12"
JOB_URL = re.compile(r"^/committee/exports/([0-9a-f]{32})$")


@pytest.fixture
def rq(app, monkeypatch):  # type: ignore[no-untyped-def]
    """The app's queues on the real Redis, under names of this test alone, removed afterwards."""
    redis_url = require_redis()
    name = f"test-feedback-{uuid.uuid4().hex}"
    queue = RQQueue(redis_url, f"{name}-sms", f"{name}-exports")
    store = RedisExportStore(queue.redis, queue.exports, app.config["EXPORT_TTL"])
    monkeypatch.setitem(app.extensions, "task_queue", queue)
    monkeypatch.setitem(app.extensions, "export_store", store)
    listening = queue.worker()  # a worker is up (registered, as `flask worker` does at start)
    listening.register_birth()
    yield queue
    listening.register_death()
    for q in (queue.queue, queue.exports):
        q.delete(delete_jobs=True)
    for pattern in (f"{name}*", f"rq:*{name}*"):
        for key in queue.redis.scan_iter(pattern):
            queue.redis.delete(key)


@pytest.fixture
def province_client(app, campaign):  # type: ignore[no-untyped-def]
    answered(campaign, COMMUNE, 6)
    answered(campaign, OTHER_COMMUNE, 3, value=2)
    make_account("tinh-officer", PROVINCE)
    return logged_in(app.test_client(), "tinh-officer")


def _client(app, username: str, unit: str):  # type: ignore[no-untyped-def]
    make_account(username, unit)
    g.pop("csrf_token", None)
    return logged_in(app.test_client(), username)


def _ask(client, url: str) -> str:  # type: ignore[no-untyped-def]
    """Click an export link: answered at once by a redirect to the job's page; its id."""
    response = client.get(url)
    assert response.status_code == 303, response.text
    found = JOB_URL.match(response.location)
    assert found, response.location
    return found.group(1)


def _work(runner) -> None:  # type: ignore[no-untyped-def]
    """`flask --app wsgi worker --burst`: the worker picks the export jobs up."""
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    db.session.rollback()


def _in_request(app, client, url: str) -> bytes:  # type: ignore[no-untyped-def]
    """The same export built in the request, as without Redis."""
    store = app.extensions["export_store"]
    app.extensions["export_store"] = None
    try:
        response = client.get(url)
    finally:
        app.extensions["export_store"] = store
    assert response.status_code == 200
    return response.data


def _cells(data: bytes) -> list[list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


def test_csv_is_prepared_by_the_worker_and_downloaded_by_its_owner(app, rq, runner, province_client):  # type: ignore[no-untyped-def]
    url = f"{DASH}/{PROVINCE}/export/results.csv"
    job = _ask(province_client, url)
    assert rq.exports.count == 1 and rq.queue.count == 0  # its own queue, not the SMS one

    waiting = province_client.get(f"/committee/exports/{job}")
    assert waiting.status_code == 200
    assert "Đang chuẩn bị tệp xuất" in waiting.text and "test-campaign-12-results.csv" in waiting.text
    assert '<meta http-equiv="refresh" content="2">' in waiting.text
    assert f'href="/committee/exports/{job}"' in waiting.text  # "check again", without script
    assert "<script>" not in waiting.text
    early = province_client.get(f"/committee/exports/{job}/download")
    assert early.status_code == 303 and early.location == f"/committee/exports/{job}"

    _work(runner)
    ready = province_client.get(f"/committee/exports/{job}")
    assert ready.status_code == 200 and 'data-state="done"' in ready.text
    assert f'<meta http-equiv="refresh" content="1;url=/committee/exports/{job}/download">' in ready.text
    download = province_client.get(f"/committee/exports/{job}/download")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == 'attachment; filename="test-campaign-12-results.csv"'
    assert download.data == _in_request(app, province_client, url)
    rows = list(csv.DictReader(io.StringIO(download.data.decode("utf-8-sig")), fieldnames=CSV_COLUMNS))[1:]
    assert int(next(r for r in rows if r["kind"] == "unit")["respondents"]) == 9

    record, file = f"{rq.exports.name}:export:{job}", f"{rq.exports.name}:export:{job}:file"
    assert 0 < rq.redis.ttl(record) <= 3600 and 0 < rq.redis.ttl(file) <= 3600


def test_every_response_is_prepared_by_the_worker_one_row_each(app, rq, runner, province_client):  # type: ignore[no-untyped-def]
    url = f"{DASH}/{PROVINCE}/export/responses.csv"
    job = _ask(province_client, url)
    assert "test-campaign-12-responses.csv" in province_client.get(f"/committee/exports/{job}").text
    _work(runner)
    download = province_client.get(f"/committee/exports/{job}/download")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.data == _in_request(app, province_client, url)
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))[1:]
    assert sorted(row[1] for row in rows) == [COMMUNE] * 6 + [OTHER_COMMUNE] * 3
    # a sibling commune may not ask for the province's responses, nor fetch this file
    sibling = _client(app, "xa-khac", OTHER_COMMUNE)
    assert sibling.get(url).status_code == 403
    assert sibling.get(f"/committee/exports/{job}/download").status_code == 404


def test_xlsx_of_a_report_in_english_matches_the_in_request_one(app, rq, runner, campaign):  # type: ignore[no-untyped-def]
    answered(campaign, COMMUNE, 4)
    reports.submit_report(officer(COMMUNE), campaign.key)
    db.session.commit()
    client = _client(app, "xa-officer", COMMUNE)
    url = f"{DASH}/{COMMUNE}/export/report.xlsx?lang=en"
    job = _ask(client, url)
    assert "Preparing your export" in client.get(f"/committee/exports/{job}").text
    _work(runner)
    download = client.get(f"/committee/exports/{job}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert download.headers["Content-Disposition"] == 'attachment; filename="test-campaign-03390-report.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(download.data)).sheetnames == ["Summary", "Criteria", "Units"]
    assert _cells(download.data) == _cells(_in_request(app, client, url))


def test_another_account_cannot_see_or_fetch_the_export(app, rq, runner, province_client):  # type: ignore[no-untyped-def]
    job = _ask(province_client, f"{DASH}/{PROVINCE}/export/results.csv")
    _work(runner)
    colleague = _client(app, "tinh-officer-2", PROVINCE)  # same unit, same role: still not theirs
    for page in (f"/committee/exports/{job}", f"/committee/exports/{job}/download"):
        response = colleague.get(page)
        assert response.status_code == 404 and "Không tìm thấy tệp xuất" in response.text
    anonymous = app.test_client().get(f"/committee/exports/{job}/download")
    assert anonymous.status_code == 302 and "/committee/login" in anonymous.location
    assert province_client.get(f"/committee/exports/{job}/download").status_code == 200


def test_unknown_and_expired_jobs_are_404(rq, runner, province_client):  # type: ignore[no-untyped-def]
    for job in (uuid.uuid4().hex, "not-a-job", "x" * 300):
        for page in (f"/committee/exports/{job}", f"/committee/exports/{job}/download"):
            assert province_client.get(page).status_code == 404
    job = _ask(province_client, f"{DASH}/{PROVINCE}/export/results.csv")
    _work(runner)
    for key in rq.redis.scan_iter(f"{rq.exports.name}:export:{job}*"):  # as when the TTL runs out
        rq.redis.delete(key)
    expired = province_client.get(f"/committee/exports/{job}/download")
    assert expired.status_code == 404 and "đã hết hạn" in expired.text


def test_a_failed_job_shows_a_page_to_try_again(rq, runner, province_client, monkeypatch):  # type: ignore[no-untyped-def]
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    working = export_jobs.render
    monkeypatch.setattr(export_jobs, "render", broken)
    url = f"{DASH}/{PROVINCE}/export/results.xlsx?depth=2"
    job = _ask(province_client, url)
    _work(runner)
    for page in (f"/committee/exports/{job}", f"/committee/exports/{job}/download"):
        failed = province_client.get(page)
        assert failed.status_code == 409, page
        assert "Không thể chuẩn bị tệp xuất" in failed.text
        assert f'id="export-again" href="{url}"' in failed.text
        assert "http-equiv" not in failed.text  # it does not refresh forever
    monkeypatch.setattr(export_jobs, "render", working)
    again = _ask(province_client, url)
    _work(runner)
    assert province_client.get(f"/committee/exports/{again}/download").status_code == 200


def test_a_job_lost_by_its_worker_is_failed_not_waited_for_forever(rq, province_client):  # type: ignore[no-untyped-def]
    job = _ask(province_client, f"{DASH}/{PROVINCE}/export/results.csv")
    rq.exports.delete(delete_jobs=True)  # as when a worker died with it and RQ gave it up
    assert province_client.get(f"/committee/exports/{job}").status_code == 409


def test_scope_is_checked_when_asking_and_when_fetching(app, rq, runner, campaign):  # type: ignore[no-untyped-def]
    client = _client(app, "xa-officer", COMMUNE)
    refused = client.get(f"{DASH}/{PROVINCE}/export/results.csv")
    assert refused.status_code == 403 and "Không phải đơn vị của bạn" in refused.text
    assert client.get(f"{DASH}/{OTHER_COMMUNE}/export/results.xlsx").status_code == 403
    assert client.get(f"{DASH}/{COMMUNE}/export/report.csv").status_code == 404  # no report yet
    assert rq.exports.count == 0

    job = _ask(client, f"{DASH}/{COMMUNE}/export/results.csv")
    _work(runner)
    account = db.session.scalar(db.select(Account).where(Account.username == "xa-officer"))
    account.unit_id = db.session.scalar(db.select(Unit.id).where(Unit.code == OTHER_COMMUNE))
    db.session.commit()  # the account moved to another commune meanwhile
    assert client.get(f"/committee/exports/{job}/download").status_code == 403


def test_the_worker_builds_nothing_for_an_account_out_of_scope(app, rq, runner, campaign):  # type: ignore[no-untyped-def]
    client = _client(app, "xa-officer", COMMUNE)
    job = _ask(client, f"{DASH}/{COMMUNE}/export/results.csv")
    account = db.session.scalar(db.select(Account).where(Account.username == "xa-officer"))
    account.active = False
    db.session.commit()
    _work(runner)
    store = app.extensions["export_store"]
    assert store.record(job)["state"] == "failed" and store.file(job) is None


def test_without_redis_the_export_is_streamed_in_the_request(app, province_client):  # type: ignore[no-untyped-def]
    assert app.extensions["export_store"] is None
    response = province_client.get(f"{DASH}/{PROVINCE}/export/results.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="test-campaign-12-results.csv"'
    assert response.data.startswith("\ufeffDòng,Mã,".encode())  # read it all: closes the stream
    xlsx = province_client.get(f"{DASH}/{PROVINCE}/export/results.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_print_page_stays_in_the_request_with_redis(rq, province_client):  # type: ignore[no-untyped-def]
    page = province_client.get(f"{DASH}/{PROVINCE}/export/results.html")
    assert page.status_code == 200 and page.mimetype == "text/html" and rq.exports.count == 0


def test_redis_unreachable_when_asking_falls_back_to_the_request(app, rq, province_client, monkeypatch):  # type: ignore[no-untyped-def]
    down = Redis.from_url("redis://127.0.0.1:1/0")
    monkeypatch.setitem(app.extensions, "export_store",
                        RedisExportStore(down, Queue(rq.exports.name, connection=down), 3600))
    response = province_client.get(f"{DASH}/{PROVINCE}/export/results.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.data.startswith("\ufeffDòng,Mã,".encode())  # read it all: closes the stream


def test_without_a_running_worker_the_export_is_built_in_the_request(app, rq, province_client,
                                                                    caplog):  # type: ignore[no-untyped-def]
    """REDIS_URL set but no `flask worker` running: queueing would leave the member waiting on a
    page that never finishes, so the file is built in the request, as without Redis."""
    enable_app_logs()
    caplog.set_level("WARNING")
    for worker in list(rq.worker().all(queue=rq.exports)):
        worker.register_death()
    url = f"{DASH}/{PROVINCE}/export/results.csv"
    response = province_client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert rq.exports.count == 0
    assert "no worker listens to the export queue" in caplog.text
