"""Kept flags (models.FlagSnapshot): a page uses the flags last computed while nothing they depend on
has changed, and computes again, from the responses, only the units where something did; what it
shows is always what computing them afresh gives."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Collection
from datetime import timedelta
from typing import Any

import pytest
from flask import g
from sqlalchemy import delete, func, select

from feedback_app.adapters.export_store import RedisExportStore
from feedback_app.adapters.queue import InProcessQueue, RQQueue
from feedback_app.extensions import db
from feedback_app.models import CampaignCommune, FlagSnapshot
from feedback_app.services.campaigns.setup import get_campaign, get_unit
from feedback_app.services.errors import Refused
from feedback_app.services.reports import workflow as reports
from feedback_app.services.responses.record import Channel, Provenance, Submission, record_response
from feedback_app.services.verification import flags as flags_service
from feedback_app.services.verification.flags import children_flags, unit_flags
from feedback_app.services.verification.settings import set_campaign_settings

from ..committee_support import logged_in, make_account
from ..reports_support import officer
from ..skips import require_redis
from ..support import all_answers


@pytest.fixture
def demo(runner):  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["demo"]).exit_code == 0
    return get_campaign("demo-ntm-lai-chau")


@pytest.fixture
def reads(monkeypatch):  # type: ignore[no-untyped-def]
    """The communes each read of the responses asked for, in order."""
    asked: list[set[int]] = []
    read = flags_service._rows

    def counted(campaign, commune_ids: Collection[int]):  # type: ignore[no-untyped-def]
        asked.append(set(commune_ids))
        return read(campaign, commune_ids)
    monkeypatch.setattr(flags_service, "_rows", counted)
    return asked


def _records(by_unit) -> dict[int, list[dict[str, object]]]:  # type: ignore[no-untyped-def]
    return {unit_id: [f.record() for f in flags] for unit_id, flags in by_unit.items()}


def _afresh(campaign) -> dict[int, list[dict[str, object]]]:  # type: ignore[no-untyped-def]
    """children_flags of the province with nothing kept (in a savepoint, so the kept rows stay)."""
    nested = db.session.begin_nested()
    db.session.execute(delete(FlagSnapshot))
    fresh = _records(children_flags(campaign, get_unit("vn-2025", "12")))
    nested.rollback()
    return fresh


def _one_answer(campaign, commune: str, seconds: int = 300) -> None:  # type: ignore[no-untyped-def]
    record_response(Submission(campaign_key=campaign.key, channel=Channel.WEB,
                               answers=all_answers(campaign, 1), client_uuid=str(uuid.uuid4()),
                               commune_code=commune, provenance=Provenance(seconds=seconds)))
    db.session.commit()


def test_a_second_view_reads_no_response_and_shows_the_same_flags(demo, reads) -> None:  # type: ignore[no-untyped-def]
    province = get_unit("vn-2025", "12")
    first = _records(children_flags(demo, province))
    db.session.commit()
    assert reads == [{c.unit_id for c in demo.communes}]  # one read of the province's responses
    assert any(first.values())
    second = _records(children_flags(demo, province))
    for commune in demo.communes:  # a commune's own flags are the same kept ones
        assert [f.record() for f in unit_flags(demo, commune.unit)] == first[commune.unit_id]
    assert len(reads) == 1 and second == first == _afresh(demo)


def test_a_new_answer_reads_again_only_its_commune(demo, reads) -> None:  # type: ignore[no-untyped-def]
    province = get_unit("vn-2025", "12")
    children_flags(demo, province)
    db.session.commit()
    quiet = get_unit("vn-2025", "03394")
    assert _records(children_flags(demo, province))[quiet.id] == []
    for _ in range(10):  # ten answers in seconds: the median completion time becomes very short
        _one_answer(demo, "03394", seconds=5)
    reads.clear()
    after = _records(children_flags(demo, province))
    assert reads == [{quiet.id}]
    assert "fast_completion" in [flag["rule"] for flag in after[quiet.id]]
    assert after == _afresh(demo)


def test_the_settings_the_window_and_the_register_each_compute_again(demo, reads) -> None:  # type: ignore[no-untyped-def]
    commune = get_unit("vn-2025", "03390")

    def rules() -> list[str]:
        found = [f"{f.flag.rule.value}" for f in unit_flags(demo, commune) if f.unit.id == commune.id]
        db.session.commit()
        return found

    assert "burst" in rules() and len(reads) == 1
    assert "burst" in rules() and len(reads) == 1  # kept
    set_campaign_settings(demo, {"burst_answers": 1000})
    db.session.commit()
    assert "burst" not in rules() and len(reads) == 2

    assert "above_register" not in rules() and len(reads) == 2
    row = db.session.scalar(db.select(CampaignCommune).filter_by(campaign_id=demo.id, unit_id=commune.id))
    row.households = 1
    db.session.commit()
    assert "above_register" in rules() and len(reads) == 3

    assert "outside_window" not in rules()
    demo.opens_on = demo.opens_on + timedelta(days=400)  # every answer now before the window
    demo.closes_on = demo.closes_on + timedelta(days=400)
    db.session.commit()
    assert "outside_window" in rules() and len(reads) == 4


def test_the_province_page_keeps_what_it_computed(app, demo, reads) -> None:  # type: ignore[no-untyped-def]
    """A committee's page (a GET) keeps the flags it computed: the next view reads no response."""
    make_account("tinh-kept", "12")
    g.pop("csrf_token", None)
    client = logged_in(app.test_client(), "tinh-kept")
    url = f"/committee/campaigns/{demo.key}/units/12"
    first = client.get(url)
    assert first.status_code == 200 and 'data-flag="03390:burst:device"' in first.text
    assert len(reads) == 1
    g.pop("csrf_token", None)
    g.pop("flag_lines", None)
    second = client.get(url)
    assert second.status_code == 200 and 'data-flag="03390:burst:device"' in second.text
    assert len(reads) == 1


class RecordingQueue(InProcessQueue):
    """The in-process queue with its jobs kept for the test to run when it chooses."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.jobs: list[tuple[Any, tuple[Any, ...]]] = []

    def enqueue(self, func: Any, *args: Any, description: str) -> None:
        self.jobs.append((func, args))

    def run(self) -> None:
        jobs, self.jobs = self.jobs, []
        for job, args in jobs:
            job(*args)


@pytest.fixture
def small_budget(app, monkeypatch):  # type: ignore[no-untyped-def]
    """A page may read 5 responses to compute flags; its jobs wait for the test."""
    monkeypatch.setitem(app.config, "FLAGS_INLINE_RESPONSES", 5)
    queue = RecordingQueue(app)
    monkeypatch.setitem(app.extensions, "task_queue", queue)
    return queue


def _province_page(app, demo, username: str = "tinh-late"):  # type: ignore[no-untyped-def]
    make_account(username, "12")
    g.pop("csrf_token", None)
    client = logged_in(app.test_client(), username)

    def view() -> str:
        g.pop("csrf_token", None)  # (the tests' requests share one app context: its g)
        g.pop("flag_lines", None)
        page = client.get(f"/committee/campaigns/{demo.key}/units/12")
        assert page.status_code == 200
        return page.text
    return view


def test_beyond_the_budget_the_worker_computes_and_the_page_says_so(app, demo, small_budget, reads) -> None:  # type: ignore[no-untyped-def]
    view = _province_page(app, demo)
    first = view()
    assert 'data-flag="03390:burst:device"' not in first  # too many answers to read in the request
    assert 'data-late="Xã Bình Lư"' in first
    assert "đang tính các dấu hiệu từ rất nhiều câu trả lời" in first
    queued = len(small_budget.jobs)
    assert queued >= 1 and all(func is flags_service.refresh_flags for func, _ in small_budget.jobs)
    assert all(get_unit("vn-2025", "03390").id not in ids for ids in reads)  # its answers not read
    view()  # a second view while the jobs wait queues nothing more
    assert len(small_budget.jobs) == queued

    small_budget.run()  # the worker
    reads.clear()
    done = view()
    assert reads == [] and 'data-flag="03390:burst:device"' in done and "data-late" not in done

    _one_answer(demo, "03390")
    small_budget._once.clear()  # as after REFRESH_SECONDS
    late = view()
    assert 'data-flag="03390:burst:device"' in late  # the flags last computed, said to be so
    assert "đang tính lại. Đang hiển thị: các dấu hiệu tính lúc" in late
    assert len(small_budget.jobs) == 1
    small_budget.run()
    assert "data-late" not in view()


def test_the_late_card_in_english(app, demo, small_budget) -> None:  # type: ignore[no-untyped-def]
    view = _province_page(app, demo, "tinh-late-en")
    view()
    small_budget.run()
    _one_answer(demo, "03390")
    small_budget._once.clear()
    g.pop("csrf_token", None)
    g.pop("flag_lines", None)
    client = logged_in(app.test_client(), "tinh-late-en")
    page = client.get(f"/committee/campaigns/{demo.key}/units/12?lang=en").text
    assert "new answers since its flags were computed; they are being computed again" in page


def test_accepting_checks_the_flags_as_they_are_then(app, demo, small_budget) -> None:  # type: ignore[no-untyped-def]
    """Beyond the budget the accept boxes may be late; accepting computes the flags itself."""
    reports.submit_report(officer("03390"), demo.key, "Đã rà soát")
    db.session.commit()
    page = _province_page(app, demo, "tinh-accept")()
    assert "Các dấu hiệu của Xã Bình Lư đang được tính lại" in page  # above the accept button
    assert 'value="03390:burst:device"' not in page
    with pytest.raises(Refused) as refused:
        reports.accept_report(officer("12"), demo.key, "03390", acknowledged=[])
    assert refused.value.status == 422 and "03390:burst:device" in refused.value.data["flags"]


def test_the_rq_worker_computes_late_flags(app, demo, runner, monkeypatch, reads) -> None:  # type: ignore[no-untyped-def]
    redis_url = require_redis()
    name = f"test-feedback-{uuid.uuid4().hex}"
    queue = RQQueue(redis_url, f"{name}-sms", f"{name}-exports")
    monkeypatch.setitem(app.extensions, "task_queue", queue)
    monkeypatch.setitem(app.config, "FLAGS_INLINE_RESPONSES", 5)
    monkeypatch.setitem(app.extensions, "export_store",
                        RedisExportStore(queue.redis, queue.exports, app.config["EXPORT_TTL"]))
    listening = queue.worker()
    try:
        view = _province_page(app, demo, "tinh-rq")
        first = view()
        assert "data-late" in first
        assert "Chưa có tiến trình nền (worker) nào chạy" in first  # nobody would compute them
        assert queue.exports is not None and queue.exports.count >= 1 and queue.queue.count == 0
        listening.register_birth()  # a worker is up, as `flask worker` registers itself at start
        again = view()
        assert "data-late" in again and "flag-no-worker" not in again
        assert queue.exports.count == len(set(queue.exports.job_ids))  # none queued twice
        listening.register_death()
        result = runner.invoke(args=["worker", "--burst"])
        assert result.exit_code == 0, result.output
        db.session.rollback()
        reads.clear()
        done = view()
        assert reads == [] and 'data-flag="03390:burst:device"' in done and "data-late" not in done
    finally:
        for q in (queue.queue, queue.exports):
            if q is not None:
                q.delete(delete_jobs=True)
        for pattern in (f"{name}*", f"rq:*{name}*"):
            for key in queue.redis.scan_iter(pattern):
                queue.redis.delete(key)


def test_enqueue_once_in_process(app) -> None:  # type: ignore[no-untyped-def]
    """The in-process queue runs a job queued once, and refuses the same key within its time."""
    queue = InProcessQueue(app)
    ran: list[int] = []
    assert queue.enqueue_once("k", 60, ran.append, 1, description="one")
    assert not queue.enqueue_once("k", 60, ran.append, 2, description="again")
    assert queue.enqueue_once("other", 60, ran.append, 3, description="another key")
    queue.join()
    assert ran == [1, 3]
    assert queue.enqueue_once("short", 0, ran.append, 4, description="no time")
    assert queue.enqueue_once("short", 0, ran.append, 5, description="its time is over")
    queue.join()
    assert ran == [1, 3, 4, 5]


def test_a_page_that_computes_flags_while_an_answer_arrives(app, demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An answer recorded (and committed) by another worker while the page computes: the page is
    shown, and its flags are kept after it (on SQLite a write in the page's own reading
    transaction would fail at once: database.writing)."""
    read = flags_service._rows
    key = demo.key

    def meanwhile(campaign, commune_ids: Collection[int]):  # type: ignore[no-untyped-def]
        rows = read(campaign, commune_ids)

        def answer() -> None:
            with app.app_context():
                _one_answer(get_campaign(key), "03394")
                db.session.remove()
        worker = threading.Thread(target=answer)
        worker.start()
        worker.join()
        return rows
    monkeypatch.setattr(flags_service, "_rows", meanwhile)
    view = _province_page(app, demo, "tinh-meanwhile")
    assert 'data-flag="03390:burst:device"' in view()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FlagSnapshot)) > 0
