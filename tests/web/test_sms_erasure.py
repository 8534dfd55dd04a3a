"""Law 91/2025/QH15: a number asks for its data to be deleted (XOA, or the committee typing it),
and a campaign's SMS rows are deleted when its retention period is over; the anonymous responses
stay."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import (
    Campaign,
    Response,
    SmsConversation,
    SmsInbound,
    SmsNumber,
    SmsNumberSend,
    SmsOpenAnswer,
)
from feedback_app.services.sms.numbers import hash_of
from feedback_app.services.sms.privacy import next_purge_time, purge, schedule_purge

from ..skips import require_redis
from ..sms_support import Phone
from ..support import codes_of

NUMBER = "+84912345678"


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def _rows_of(hashed: str) -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(
        select(func.count()).select_from(model).where(model.number_hash == hashed))
        for model in (SmsConversation, SmsOpenAnswer, SmsNumberSend)}


def test_xoa_deletes_everything_tied_to_the_number_but_the_anonymous_response(client, campaign):
    phone = Phone(client, NUMBER)
    assert phone.send("HL 03430 " + "1" * 20).text.startswith("Cam on")  # open link: marked
    phone.send(codes_of(campaign)[0])
    phone.send("1")  # a conversation running
    db.session.add(SmsNumberSend(number_hash=hash_of(NUMBER)))
    db.session.commit()
    hashed = hash_of(NUMBER)
    assert _rows_of(hashed) == {"sms_conversations": 1, "sms_open_answers": 1,
                                "sms_number_sends": 1}
    erased = phone.send("XÓA").text
    assert erased.startswith("Da xoa moi du lieu ve so nay") and "START" in erased
    assert _rows_of(hashed) == {"sms_conversations": 0, "sms_open_answers": 0,
                                "sms_number_sends": 0}
    (number,) = db.session.scalars(select(SmsNumber))
    assert number.opted_out and number.language is None and not number.last_finished
    assert _count(Response) == 1  # the response stays: it never named the number
    assert phone.send("1").messages == []  # no more messages until START
    assert phone.send("START").text
    assert "Cau 1/20" in phone.send(codes_of(campaign)[0]).text


def test_english_delete_is_answered_in_english(client, campaign):
    phone = Phone(client, NUMBER)
    phone.send("EN")
    assert phone.send("delete my data").text.startswith("Everything kept about this number is")


def test_the_committee_erases_a_typed_number(runner, client, campaign):
    phone = Phone(client, NUMBER)
    phone.send(codes_of(campaign)[0])
    result = runner.invoke(args=["sms", "erase-number", "--number", "0912 345 678"])
    assert result.exit_code == 0, result.output
    assert "+849******78: deleted 1 sms_conversations" in result.output
    assert "912345678" not in result.output
    assert _count(SmsConversation) == 0
    assert db.session.scalar(select(SmsNumber)).opted_out
    bad = runner.invoke(args=["sms", "erase-number", "--number", "12345"])
    assert bad.exit_code == 1 and "not a Vietnamese mobile number" in bad.output


def test_a_campaign_past_its_retention_loses_its_sms_rows_and_keeps_its_responses(
        runner, client, make_campaign):
    campaign = make_campaign()
    Phone(client, NUMBER).send("HL 03430 " + "1" * 20)  # a response, an open-link mark
    Phone(client, "+84987654321").send(codes_of(campaign)[0])  # a conversation left running
    Phone(client, "+84911111111").send("help")  # an inbound message of no campaign
    assert _count(SmsInbound) == 3 and _count(SmsOpenAnswer) == 1
    set_days = runner.invoke(args=["sms", "retention", "--campaign", campaign.key, "--days", "10"])
    assert set_days.exit_code == 0 and "deleted 10 days after it closes" in set_days.output
    closes = campaign.closes_on
    assert purge(closes + timedelta(days=10)).total == 0  # not yet: day 10 is the last one kept
    deleted = purge(closes + timedelta(days=11))
    assert deleted.counts["sms_conversations"] == 1 and deleted.counts["sms_open_answers"] == 1
    assert deleted.counts["sms_inbound"] == 2  # the campaign's two; the help one has its own time
    db.session.commit()
    assert _count(SmsConversation) == 0 and _count(SmsOpenAnswer) == 0
    assert _count(SmsInbound) == 1 and _count(Response) == 1
    later = purge(local_today() + timedelta(days=91))  # SMS_RETENTION_DAYS (90) later
    assert later.counts["sms_inbound"] == 1
    assert later.counts["sms_numbers"] == 2  # none opted out, none seen for 90 days


def test_an_opt_out_outlives_the_retention_period(client, campaign):
    Phone(client, NUMBER).send("STOP")
    Phone(client, "+84987654321").send(codes_of(campaign)[0])
    db.session.commit()
    purge(local_today() + timedelta(days=365))
    assert [n.opted_out for n in db.session.scalars(select(SmsNumber))] == [True]


def test_the_purge_command(runner, make_campaign):
    campaign = make_campaign()
    campaign.closes_on = local_today() - timedelta(days=200)
    campaign.opens_on = local_today() - timedelta(days=230)
    db.session.commit()
    result = runner.invoke(args=["sms", "purge"])
    assert result.exit_code == 0 and result.output.startswith("Deleted ")
    assert db.session.get(Campaign, campaign.id) is not None


def test_the_worker_schedules_the_daily_purge_once(app, monkeypatch):
    from rq.registry import ScheduledJobRegistry

    from feedback_app.adapters.queue import RQQueue

    queue = RQQueue(require_redis(), f"test-feedback-sms-{uuid.uuid4().hex}")
    monkeypatch.setitem(app.extensions, "task_queue", queue)
    try:
        schedule_purge()
        schedule_purge()
        registry = ScheduledJobRegistry(queue=queue.queue)
        assert registry.get_job_ids() == [f"{queue.name}-sms-purge"]
        scheduled = registry.get_scheduled_time(f"{queue.name}-sms-purge")
        assert abs((scheduled - next_purge_time()).total_seconds()) < 1
    finally:
        queue.queue.delete(delete_jobs=True)
        for key in queue.redis.scan_iter(f"*{queue.name}*"):
            queue.redis.delete(key)


def test_an_officer_erases_a_typed_number_from_the_committee_pages(app, campaign):
    from ..committee_support import csrf_token, logged_in, make_account

    Phone(app.test_client(), NUMBER).send(codes_of(campaign)[0])
    make_account("officer-03390", "03390")
    client = logged_in(app.test_client(), "officer-03390")
    assert "/committee/sms/erase" in client.get("/committee/").text
    page = client.get("/committee/sms/erase")
    assert page.status_code == 200 and "XOA" in page.text
    wrong = client.post("/committee/sms/erase", data={"number": "12345",
                                                      "csrf_token": csrf_token(page.text)})
    assert wrong.status_code == 422 and "không phải số di động Việt Nam" in wrong.text
    assert _count(SmsConversation) == 1
    done = client.post("/committee/sms/erase", data={"number": "0912 345 678",
                                                     "csrf_token": csrf_token(page.text)},
                       follow_redirects=True)
    assert done.status_code == 200 and "Đã xóa mọi dữ liệu kênh SMS lưu về số +849******78" in done.text
    assert "912345678" not in done.text
    assert _count(SmsConversation) == 0 and db.session.scalar(select(SmsNumber)).opted_out
    no_token = client.post("/committee/sms/erase", data={"number": "0912345678"})
    assert no_token.status_code in (400, 422)


def test_a_viewer_may_not_erase_numbers(client, campaign):
    from ..committee_support import logged_in, make_account

    make_account("viewer-03390", "03390", role="viewer")
    viewer = logged_in(client, "viewer-03390")
    assert viewer.get("/committee/sms/erase").status_code == 403
    assert "/committee/sms/erase" not in viewer.get("/committee/").text
