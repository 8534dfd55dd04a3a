"""`flask --app wsgi sms invite`: one SMS per number, after the commit, at a rate, with retries,
through RQ on the real Redis or in process; the numbers are never stored."""

from __future__ import annotations

import pytest
from redis import Redis
from sqlalchemy import func, select

from feedback_app.adapters.sms import SmsError
from feedback_app.domain.gsm import fits_one_segment
from feedback_app.extensions import db
from feedback_app.models import SmsInvitationRun, SmsNumber
from feedback_app.services.sms.invites import read_invite_file
from feedback_app.services.sms.numbers import hash_of, set_opted_out

from ..sms_support import enable_app_logs
from ..support import past

NUMBERS = "number,commune\n0912345678,03390\n+84 162 345 6789,03430\n84987654321,03390\n"


@pytest.fixture
def numbers_file(tmp_path):  # type: ignore[no-untyped-def]
    def write(text: str = NUMBERS) -> str:
        path = tmp_path / "numbers.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def _invite(runner, path: str, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["sms", "invite", "--campaign", "test-campaign", "--file", path,
                               "--rate", "100", "--lawful-basis", "consent",
                               "--consent-statement", STATEMENT, "--yes", *extra])


STATEMENT = ("These households gave their numbers at the village meeting to receive the survey "
             "by SMS, and were told how to refuse.")


def _dump_database() -> str:
    return "\n".join(str(row) for table in db.metadata.sorted_tables
                     for row in db.session.execute(table.select()))


def test_invite_file_accepts_every_written_form_and_reports_bad_lines():
    parsed = read_invite_file(["sdt;x\n", "0912345678\n", "0912 345 678\n", "01623456789\n",
                               "02439876543\n", "hello\n", "\n"])
    assert [row.number for row in parsed.rows] == ["+84912345678", "+84323456789"]
    assert parsed.duplicates == 1
    assert [(p.line, p.problem) for p in parsed.problems] == [
        (1, "not a Vietnamese mobile number"), (5, "not a Vietnamese mobile number"),
        (6, "not a Vietnamese mobile number")]
    with_header = read_invite_file(["Commune,Phone\n", "03390,0912345678\n"])
    assert [(r.number, r.commune) for r in with_header.rows] == [("+84912345678", "03390")]


def test_in_process_invitations_are_sent_with_progress_and_not_stored(runner, campaign, outbox,
                                                                      numbers_file):
    result = _invite(runner, numbers_file())
    assert result.exit_code == 0, result.output
    assert "3 invitations queued (in-process" in result.output
    assert "3 sent, 0 skipped, 0 failed" in result.output
    sent = {message.to: message.body for message in outbox.sent}
    assert set(sent) == {"+84912345678", "+84323456789", "+84987654321"}
    assert sent["+84912345678"].startswith("Mat tran To quoc xa Binh Lu moi ong/ba gop y ve nong "
                                           "thon moi den ")
    assert sent["+84912345678"].endswith(": gui HL 03390 toi so nay (22 tin). Tu choi: gui HUY.")
    assert "HL 03430" in sent["+84323456789"]
    run = db.session.scalar(select(SmsInvitationRun))
    assert (run.numbers, run.skipped_opted_out, run.language) == (3, 0, "vi")
    dump = _dump_database()
    assert "912345678" not in dump and "323456789" not in dump


def test_household_code_invitation_without_commune(runner, make_campaign, outbox, numbers_file):
    campaign = make_campaign(open_link=False)
    result = _invite(runner, numbers_file("0912345678\n"), "--lang", "en")
    assert result.exit_code == 0, result.output
    closes = campaign.closes_on
    assert outbox.sent[0].body == (
        f"Fatherland Front of Lai Chau Province: answer our new rural survey by "
        f"{closes.day} {closes.strftime('%b')} {closes.year}. Send HL and the code on your slip "
        f"here (22 messages). STOP to refuse.")


def test_opted_out_numbers_are_skipped(runner, campaign, outbox, numbers_file):
    set_opted_out(hash_of("+84912345678"), True)
    db.session.commit()
    result = _invite(runner, numbers_file())
    assert result.exit_code == 0, result.output
    assert "1 opted-out numbers skipped" in result.output
    assert "+84912345678" not in {m.to for m in outbox.sent} and len(outbox.sent) == 2


def test_bad_lines_refuse_the_run_unless_skipped(runner, campaign, outbox, numbers_file):
    path = numbers_file(NUMBERS + "02439876543,03390\n")
    refused = _invite(runner, path)
    assert refused.exit_code == 1
    assert "line 5: 0243*****43: not a Vietnamese mobile number" in refused.output
    assert outbox.sent == [] and db.session.scalar(select(func.count(SmsInvitationRun.id))) == 0
    sent = _invite(runner, path, "--skip-invalid")
    assert sent.exit_code == 0 and len(outbox.sent) == 3


def test_closed_campaign_sends_nothing(runner, make_campaign, outbox, numbers_file):
    make_campaign(opens_on=past(30), closes_on=past(1))
    result = _invite(runner, numbers_file())
    assert result.exit_code == 1 and "campaign closed" in result.output
    assert outbox.sent == []


def test_unknown_commune_sends_nothing(runner, campaign, outbox, numbers_file):
    result = _invite(runner, numbers_file("0912345678,99999\n"))
    assert result.exit_code == 1 and "unknown commune" in result.output
    assert outbox.sent == [] and db.session.scalar(select(func.count(SmsInvitationRun.id))) == 0


def test_transient_errors_are_retried_and_permanent_ones_are_not(runner, campaign, outbox,
                                                                 numbers_file):
    outbox.fail_next(SmsError("busy", 20429, transient=True), SmsError("down", None, True))
    result = _invite(runner, numbers_file("0912345678,03390\n"))
    assert "1 sent" in result.output and outbox.attempts == 3
    outbox.reset()
    outbox.fail_next(SmsError("invalid 'To'", 21211, transient=False))
    result = _invite(runner, numbers_file("0912345678,03390\n"))
    assert "0 sent, 0 skipped, 1 failed" in result.output and outbox.attempts == 1


def test_provider_opt_out_error_marks_the_number(runner, campaign, outbox, numbers_file):
    outbox.fail_next(SmsError("unsubscribed recipient", 21610))
    result = _invite(runner, numbers_file("0912345678,03390\n"))
    assert "0 sent, 1 skipped" in result.output
    assert db.session.scalar(select(SmsNumber)).opted_out


def test_rq_invitations_wait_for_the_worker(runner, campaign, outbox, numbers_file, rq_queue):
    result = _invite(runner, numbers_file(), "--no-wait")
    assert result.exit_code == 0, result.output
    assert "3 invitations queued (rq" in result.output
    assert "flask --app wsgi worker" in result.output
    assert outbox.sent == [] and rq_queue.queue.count == 3
    worker = runner.invoke(args=["worker", "--burst"])
    assert worker.exit_code == 0, worker.output
    assert {m.to for m in outbox.sent} == {"+84912345678", "+84323456789", "+84987654321"}
    assert rq_queue.queue.count == 0
    run = db.session.scalar(select(SmsInvitationRun))
    assert run.numbers == 3


def test_rq_rate_limit_spaces_messages_on_the_redis_clock(rq_queue):
    delays: list[float] = []
    limiter = rq_queue.rate_limiter(10)
    limiter._sleep = delays.append  # type: ignore[attr-defined]
    for _ in range(5):
        limiter.wait()
    assert len(delays) >= 4  # the first slot is free
    waits = sorted(delays)[-4:]
    for expected, waited in zip((0.1, 0.2, 0.3, 0.4), waits, strict=True):
        assert expected - 0.05 <= waited <= expected + 0.001


def test_worker_needs_redis(runner, app):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output


def test_invitation_logs_mask_numbers(runner, campaign, outbox, numbers_file, caplog):
    enable_app_logs()
    caplog.set_level("DEBUG")
    outbox.fail_next(SmsError("busy", None, True), SmsError("invalid To", 21211))
    _invite(runner, numbers_file("0912345678,03390\n"))
    assert "+849******78" in caplog.text and "912345678" not in caplog.text


def _redis_goes_down(queue, monkeypatch, comes_back_after: int | None):  # type: ignore[no-untyped-def]
    """After the command's check, the queue's Redis becomes a closed port (real connection errors);
    it comes back after `comes_back_after` waits of the enqueue retry, or never."""
    from rq import Queue

    from feedback_app.adapters import queue as queue_module

    real = queue.queue
    down = Queue(queue.name, connection=Redis.from_url("redis://127.0.0.1:1/0"))
    checked = queue.check
    waits: list[float] = []

    def check_then_fail() -> None:
        checked()
        queue.queue = down

    def wait(seconds: float) -> None:
        waits.append(seconds)
        if comes_back_after is not None and len(waits) >= comes_back_after:
            queue.queue = real

    monkeypatch.setattr(queue, "check", check_then_fail)
    monkeypatch.setattr(queue_module, "_sleep", wait)
    return waits, real


def test_redis_down_after_the_commit_delays_invitations_and_loses_none(
        runner, campaign, outbox, numbers_file, rq_queue, monkeypatch, app):
    waits, _ = _redis_goes_down(rq_queue, monkeypatch, comes_back_after=3)
    result = _invite(runner, numbers_file(), "--no-wait")
    assert result.exit_code == 0, result.output
    assert waits == [1.0, 2.0, 4.0]  # backed off while it was down
    assert rq_queue.queue.count == 3
    worker = runner.invoke(args=["worker", "--burst"])
    assert worker.exit_code == 0, worker.output
    assert {m.to for m in outbox.sent} == {"+84912345678", "+84323456789", "+84987654321"}


def test_redis_down_for_good_names_the_lines_to_send_again(
        runner, campaign, outbox, numbers_file, rq_queue, monkeypatch, app):
    monkeypatch.setitem(app.config, "SMS_ENQUEUE_PATIENCE", 20)
    waits, real = _redis_goes_down(rq_queue, monkeypatch, comes_back_after=None)
    fake_now = iter(range(0, 10_000, 8))  # 8 s pass between two looks at the clock
    from feedback_app.adapters import queue as queue_module
    monkeypatch.setattr(queue_module, "_clock", lambda: next(fake_now))
    result = _invite(runner, numbers_file(), "--no-wait")
    rq_queue.queue = real  # Redis back, for the fixture's clean-up
    assert result.exit_code == 1
    assert "0 of 3 invitations were queued" in result.output
    assert "send them again: 2-4" in result.output  # the file's lines (line 1 is the header)
    assert waits == [1.0, 2.0]  # deadline 0 + 20 s; tries at 8, 16, then 24: gave up
    assert rq_queue.queue.count == 0 and outbox.sent == []


def test_invitations_start_with_the_registered_brand_name(runner, campaign, outbox, numbers_file,
                                                          app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_BRAND_NAME", "MTTQLAICHAU")
    result = _invite(runner, numbers_file("0912345678,03390\n"))
    assert result.exit_code == 0, result.output
    (sent,) = outbox.sent
    assert sent.body.startswith("MTTQLAICHAU: Mat tran To quoc xa Binh Lu moi ong/ba gop y ve")
    assert sent.body.endswith("Tu choi: gui HUY.") and fits_one_segment(sent.body)


def test_the_run_records_the_lawful_basis_and_the_statement_shown(runner, campaign, outbox,
                                                                  numbers_file):
    result = _invite(runner, numbers_file("0912345678,03390\n"))
    assert result.exit_code == 0, result.output
    assert f"Lawful basis: consent. The committee confirms: {STATEMENT}" in result.output
    run = db.session.scalar(select(SmsInvitationRun))
    assert (run.lawful_basis, run.consent_statement) == ("consent", STATEMENT)


def test_without_a_confirmed_statement_nothing_is_sent(runner, campaign, outbox, numbers_file):
    path = numbers_file("0912345678,03390\n")
    base = ["sms", "invite", "--campaign", "test-campaign", "--file", path, "--rate", "100"]
    from feedback_app.cli.sms import invite

    required = {p.name for p in invite.params if p.required}
    assert {"lawful_basis", "consent_statement"} <= required  # click refuses the run without them
    short = runner.invoke(args=[*base, "--lawful-basis", "consent", "--consent-statement", "ok",
                                "--yes"])
    assert short.exit_code == 1 and "consent statement" in short.output
    refused = runner.invoke(args=[*base, "--lawful-basis", "consent", "--consent-statement",
                                  STATEMENT], input="n\n")
    assert refused.exit_code == 1 and "not confirmed; nothing was sent" in refused.output
    assert outbox.sent == [] and db.session.scalar(select(func.count(SmsInvitationRun.id))) == 0
