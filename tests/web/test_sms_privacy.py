"""After an SMS survey nothing the SMS tables keep links the number to the response (docs/sms.md,
"Privacy"): no household code, no answer, no time finer than the day next to a number hash, no
conversation left; and a MessageSid re-sent by Twilio still gets the same reply."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from feedback_app.extensions import db, limiter
from feedback_app.models import Response, SmsConversation, SmsInbound, SmsNumber, SmsOpenAnswer

from ..sms_support import Phone, enable_app_logs, new_sid
from ..support import codes_of

ANSWERS = ["1", "2", "1", "2", "0", "1", "1", "2", "1", "1", "1", "0", "1", "1", "1", "2", "1",
           "1", "1", "2"]


def _sms_rows() -> dict[str, list[dict[str, object]]]:
    db.session.rollback()
    return {table.name: [dict(row._mapping) for row in db.session.execute(table.select())]
            for table in db.metadata.sorted_tables if table.name.startswith("sms_")}


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def _assert_nothing_links(code: str, answers: list[str]) -> None:
    rows = _sms_rows()
    dump = repr(rows)
    spaced = f"{code[:5]} {code[5:10]} {code[10:]}"
    assert code not in dump and spaced not in dump
    assert " ".join(answers) not in dump and "".join(answers) not in dump
    assert "Cam on" not in dump and "Cau " not in dump  # no reply in clear at all
    response = db.session.scalar(select(Response))
    assert response.uuid not in dump
    assert rows["sms_conversations"] == []  # a finished conversation leaves no row
    for name, table_rows in rows.items():
        for row in table_rows:
            if "number_hash" in row or name == "sms_inbound":
                times = [k for k, v in row.items() if isinstance(v, datetime)]
                assert times == [], f"{name} keeps a time of day: {times}"


def test_a_whole_sms_survey_leaves_no_code_answer_or_time_next_to_the_number(client, campaign):
    code = codes_of(campaign, "03390")[0]
    phone = Phone(client)
    bodies = [f"HL {code}", *ANSWERS, "Can them den duong"]  # the last one: the comment
    sids = [new_sid() for _ in bodies]
    replies = [phone.send(body, sid=sid).messages for body, sid in zip(bodies, sids, strict=True)]
    assert replies[-1][0].startswith("Cam on ong/ba! 20 cau va y kien da ghi nhan")
    _assert_nothing_links(code, ANSWERS)
    # Twilio re-sending any of those messages gets the very same reply and changes nothing
    limiter.reset()  # (the sender's allowance is 30 messages a minute)
    for body, sid, reply in zip(bodies, sids, replies, strict=True):
        assert phone.send(body, sid=sid).messages == reply
    assert _count(Response) == 1 and _count(SmsInbound) == len(sids)
    _assert_nothing_links(code, ANSWERS)
    # what the household sees afterwards has not changed
    assert phone.send("1").text.startswith("Phieu da duoc ghi nhan")


def test_a_compact_answer_by_commune_keyword_leaves_only_the_day(client, campaign):
    phone = Phone(client, "+84912000111")
    sid = new_sid()
    body = "HL 03430 " + " ".join(ANSWERS)
    done = phone.send(body, sid=sid).messages
    assert done[0].startswith("Cam on ong/ba! 20 cau da ghi nhan") and "xa Ta Leng" in done[0]
    _assert_nothing_links("0" * 15, ANSWERS)
    assert phone.send(body, sid=sid).messages == done
    assert _count(Response) == 1
    rows = _sms_rows()
    assert len(rows["sms_open_answers"]) == 1  # one response per number: kept, with its day only
    assert db.session.scalar(select(SmsNumber)).last_finished


def test_a_sealed_reply_opens_only_for_the_same_message(client, campaign):
    """A stored reply cannot be read back with another sender or body (the key is the message)."""
    code = codes_of(campaign)[0]
    sid = new_sid()
    Phone(client).send(f"HL {code} " + "1" * 20, sid=sid)
    other = Phone(client, "+84987654321").send(f"HL {code} " + "1" * 20, sid=sid)
    assert other.messages == []  # same MessageSid, another sender: nothing recorded, nothing said
    assert _count(Response) == 1


def test_the_sms_log_line_names_no_message_sid(client, campaign, caplog):
    """Twilio's log maps a MessageSid to the number; the log line's time is the response's."""
    enable_app_logs()
    caplog.set_level("INFO")
    sid = new_sid()
    Phone(client).send(f"HL {codes_of(campaign)[0]} " + "1" * 20, sid=sid)
    assert "sms from +849******78" in caplog.text
    assert sid not in caplog.text


@pytest.mark.parametrize("model", [SmsConversation, SmsOpenAnswer])
def test_models_with_a_number_hash_have_no_time_column(model):  # type: ignore[no-untyped-def]
    from sqlalchemy import DateTime

    for table in (model.__table__, SmsNumber.__table__, SmsInbound.__table__):
        assert not [c.name for c in table.columns if isinstance(c.type, DateTime)]
