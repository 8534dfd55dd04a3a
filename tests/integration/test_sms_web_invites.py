"""The invitations page sends through the same service and test doubles as `sms invite`: RQ on the
real Redis (the worker sends; the numbers are in the queued jobs only, and gone once sent) or the
in-process queue; provider failures are counted on the run and shown on the progress page."""

from __future__ import annotations

import re
import uuid
import zlib

from sqlalchemy import select

from feedback_app.adapters.queue import RQQueue
from feedback_app.adapters.sms import SmsError
from feedback_app.extensions import db
from feedback_app.models import SmsInvitationRun

from ..committee_support import csrf_token, logged_in, make_account
from ..sms_support import STATUS, new_sid, signed_post

PAGE = "/committee/campaigns/test-campaign/invitations"
STATEMENT = "These households gave their numbers at the village meeting to receive the survey by SMS."


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def _invite(client, numbers: str):  # type: ignore[no-untyped-def]
    import io

    make_account("tinh-lai-chau", "12")
    logged_in(client, "tinh-lai-chau")
    token = csrf_token(client.get(PAGE).text)
    preview = client.post(f"{PAGE}/preview", data={
        "csrf_token": token, "place": "03390", "language": "vi",
        "file": (io.BytesIO(numbers.encode()), "numbers.txt")}, content_type="multipart/form-data")
    assert preview.status_code == 200, preview.text
    html = preview.text
    sent = client.post(f"{PAGE}/send", data={
        "csrf_token": csrf_token(html), "place": _hidden(html, "place"),
        "language": _hidden(html, "language"), "numbers": _hidden(html, "numbers"),
        "lawful_basis": "consent", "statement": STATEMENT, "confirm": "y"})
    assert sent.status_code == 303, sent.text
    return sent.headers["Location"]


def _readable(value: bytes) -> bytes:
    try:
        return zlib.decompress(value)  # RQ compresses a job's data (its pickled arguments)
    except zlib.error:
        return value


def _everything_in(queue: RQQueue, job_ids: list[str]) -> bytes:
    """Every key and value of this queue (its own keys and its jobs'), job data decompressed; the
    Redis may be shared with other test runs, whose keys are not looked at."""
    redis = queue.redis
    keys = [*redis.scan_iter(f"{queue.name}*"), *redis.scan_iter(f"rq:*{queue.name}*"),
            *(f"rq:job:{job_id}".encode() for job_id in job_ids)]
    found = []
    for key in keys:
        kind = redis.type(key)
        if kind == b"string":
            found.append(redis.get(key) or b"")
        elif kind == b"hash":
            found.extend(v for pair in redis.hgetall(key).items() for v in pair)
        elif kind == b"list":
            found.extend(redis.lrange(key, 0, -1))
        elif kind in (b"set", b"zset"):
            found.extend(redis.smembers(key) if kind == b"set" else redis.zrange(key, 0, -1))
        found.append(key)
    return b"\n".join(_readable(v) for v in found)


def _figure(html: str, name: str) -> str:
    found = re.search(rf'id="progress-{name}"><dt>[^<]*</dt><dd>([^<]*)</dd>', html)
    assert found, name
    return found.group(1)


def test_through_rq_the_worker_sends_and_the_numbers_leave_redis(client, runner, campaign, outbox,
                                                                 rq_queue):
    progress_url = _invite(client, "0912345678\n0987654321\n")
    assert outbox.sent == [] and rq_queue.queue.count == 2
    # The numbers are in the queued jobs, and only there.
    job_ids = list(rq_queue.queue.job_ids)
    assert len(job_ids) == 2 and b"912345678" in _everything_in(rq_queue, job_ids)
    waiting = client.get(progress_url).text
    assert _figure(waiting, "queued") == "2" and 'http-equiv="refresh"' in waiting

    worker = runner.invoke(args=["worker", "--burst"])
    assert worker.exit_code == 0, worker.output
    assert sorted(m.to for m in outbox.sent) == ["+84912345678", "+84987654321"]
    assert rq_queue.queue.count == 0
    assert b"912345678" not in _everything_in(rq_queue, job_ids)
    assert not any(rq_queue.redis.exists(f"rq:job:{job_id}") for job_id in job_ids)
    db.session.expire_all()
    run = db.session.scalars(select(SmsInvitationRun)).one()
    assert (run.numbers, run.sent, run.failed) == (2, 2, 0)
    done = client.get(progress_url).text
    assert _figure(done, "sent") == "2" and _figure(done, "queued") == "0"
    assert 'http-equiv="refresh"' not in done


def test_in_process_a_provider_refusal_is_counted_as_failed(app, client, campaign, outbox):
    outbox.fail_next(SmsError("Twilio refused the message (error 21211, HTTP 400)", 21211, False))
    progress_url = _invite(client, "0912345678\n0987654321\n")
    app.extensions["task_queue"].join()
    page = client.get(progress_url).text
    assert _figure(page, "failed") == "1" and _figure(page, "sent") == "1"
    assert _figure(page, "queued") == "0"


def test_delivery_reports_count_once_on_the_run(app, client, campaign, outbox):
    progress_url = _invite(client, "0912345678\n0987654321\n")
    app.extensions["task_queue"].join()
    first, second = outbox.sent
    report = {"MessageSid": first.sid, "MessageStatus": "delivered", "To": first.to}
    assert signed_post(client, STATUS, report).status_code == 204
    assert signed_post(client, STATUS, report).status_code == 204  # Twilio may report twice
    failed = {"MessageSid": second.sid, "MessageStatus": "undelivered", "To": second.to,
              "ErrorCode": "30003"}
    assert signed_post(client, STATUS, failed).status_code == 204
    stranger = {"MessageSid": new_sid(), "MessageStatus": "delivered", "To": "+84911111111"}
    assert signed_post(client, STATUS, stranger).status_code == 204
    page = client.get(progress_url).text
    assert _figure(page, "delivered") == "1" and _figure(page, "sent") == "2"


def test_a_kannel_delivery_report_counts_for_its_invitation(app, client, campaign, monkeypatch):
    from feedback_app.adapters.kannel import DLR_DELIVERED, dlr_signature
    from feedback_app.services.sms.status import expect_delivery

    secret = "kannel-test-secret-0123456789"
    monkeypatch.setitem(app.config, "KANNEL_MO_SECRET", secret)
    run = SmsInvitationRun(campaign_id=campaign.id, language="vi", numbers=1, skipped_opted_out=0,
                           rate=1, sent=1)
    db.session.add(run)
    db.session.commit()
    reference = uuid.uuid4().hex
    expect_delivery("kannel", reference, f"{run.id}-{uuid.uuid4().hex}")  # what the job notes
    to = "84912345678"
    params = {"ref": reference, "to": to, "sig": dlr_signature(secret, reference, to),
              "type": str(DLR_DELIVERED), "answer": "ACK/"}
    for _ in range(2):  # a report delivered twice counts once
        assert client.get("/sms/kannel/status", query_string=params,
                          environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(SmsInvitationRun, run.id).delivered == 1
