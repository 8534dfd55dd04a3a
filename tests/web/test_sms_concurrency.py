"""SMS webhooks handled at the same moment: Twilio delivering one message twice at once, and many
phones answering together (on SQLite too, where a step takes the write lock when it begins)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Response, SmsConversation, SmsInbound

from ..sms_support import Phone, Reply, new_sid
from ..support import at_once, codes_of

THREADS = 6


def _at_once(app, count: int, send: Callable[[Phone, int], Reply]) -> list[Reply]:  # type: ignore[no-untyped-def]
    """`send` from `count` threads released together, each with its own client."""
    return at_once(count, lambda n: send(Phone(app.test_client()), n))


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.rollback()  # a fresh snapshot: SQLite's reads see the database as it began
    return db.session.scalar(select(func.count()).select_from(model))


def test_one_message_delivered_several_times_at_once_records_once(app, campaign):
    code = codes_of(campaign, "03390")[0]
    sid = new_sid()
    replies = _at_once(app, THREADS, lambda phone, _: phone.send(f"HL {code} " + "1" * 20, sid=sid))
    assert {r.status for r in replies} == {200}
    assert len({tuple(r.messages) for r in replies}) == 1  # every delivery got the same reply
    assert replies[0].text.startswith("Cam on")
    assert _count(Response) == 1 and _count(SmsInbound) == 1


def test_one_answer_delivered_several_times_at_once_moves_the_survey_once(app, client, campaign):
    code = codes_of(campaign, "03390")[0]
    Phone(client).send(f"HL {code}")
    sid = new_sid()
    replies = _at_once(app, THREADS, lambda phone, _: phone.send("2", sid=sid))
    assert len({tuple(r.messages) for r in replies}) == 1
    assert replies[0].text.startswith("Cau 2/20")
    db.session.rollback()
    assert db.session.scalar(select(SmsConversation)).answers == [2]


def test_many_phones_answering_together_are_all_recorded(app, campaign):
    codes = codes_of(campaign)[:THREADS]

    def survey(phone: Phone, n: int) -> Reply:
        phone.number = f"+8491200{n:04d}"
        assert "Cau 1/20" in phone.send(f"HL {codes[n]}").text
        for _ in range(19):
            assert phone.send("1").status == 200
        assert phone.send("2").text.startswith("Da tra loi du 20 cau")
        return phone.send("K")

    replies = _at_once(app, THREADS, survey)
    assert all(r.text.startswith("Cam on") for r in replies)
    assert _count(Response) == THREADS


def test_opt_out_reports_arriving_together_are_all_kept(app, campaign):
    """Twilio's delivery reports of an invitation run come in bursts; each 21610 marks a number."""
    from feedback_app.models import SmsNumber

    from ..sms_support import STATUS, signed_post

    def report(n: int) -> int:
        params = {"MessageSid": new_sid(), "MessageStatus": "undelivered", "ErrorCode": "21610",
                  "To": f"+8491300{n:04d}"}
        return signed_post(app.test_client(), STATUS, params).status_code

    assert at_once(THREADS, report) == [204] * THREADS
    assert _count(SmsNumber) == THREADS
