"""A household answers by SMS from a feature phone: the Twilio webhook end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from feedback_app.clock import local_today
from feedback_app.domain.gsm import fits_one_segment
from feedback_app.extensions import db
from feedback_app.models import Answer, Response, SmsConversation, SmsInbound, SmsNumber
from feedback_app.services.responses.record import Channel, Submission, record_response

from ..sms_support import INBOUND, STATUS, Phone, enable_app_logs, new_sid, signature, signed_post
from ..support import all_answers, codes_of


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def _answers() -> dict[str, int]:
    return {a.item_id: a.value for a in db.session.scalars(select(Answer))}


def _spaced(code: str) -> str:
    return f"{code[:5]} {code[5:10]} {code[10:]}"


@pytest.fixture
def phone(client):  # type: ignore[no-untyped-def]
    return Phone(client)


def test_whole_conversation_records_one_sms_response(phone, campaign):
    code = codes_of(campaign, "03390")[0]
    first = phone.send(f"HL {_spaced(code)}")
    assert first.status == 200
    assert "Cau 1/20" in first.text and "Xa Binh Lu" in first.text
    assert "1 hai long, 2 khong hai long, 0 khong y kien" in first.text
    replies = ["1", " 2. ", "hai long", "Không hài lòng", "KHONG Y KIEN", "１", "co", "khong",
               "Hài lòng ạ", "1", "1", "0", "1", "1", "1", "2", "1", "1", "1", "1"]
    texts = [phone.send(body).text for body in replies]
    for number, text in enumerate(texts[:-1], start=2):
        assert text.startswith(f"Cau {number}/20: ")
        assert fits_one_segment(text)
    last = texts[-1]
    assert last.startswith("Cam on Ong/Ba! Da ghi nhan phieu ho " + _spaced(code))
    assert last.endswith("1 2 1 2 0 1 1 2 1 1 1 0 1 1 1 2 1 1 1 1")
    response = db.session.scalar(select(Response))
    assert response.channel == Channel.SMS.value
    assert response.household_code.code == code
    assert response.commune.code == "03390"
    answers = _answers()
    assert answers["overall"] == 1 and answers["c01"] == 2 and answers["c04"] == 0
    assert answers["c06"] == 1 and answers["c07"] == 2 and answers["c15"] == 2
    assert phone.send("1").text.startswith("Phieu da duoc ghi nhan")


def test_five_point_survey_prompts_name_every_digit(phone, make_campaign):
    campaign = make_campaign(survey_id="ntm-commune-5")
    code = codes_of(campaign)[0]
    first = phone.send(code).text
    assert "Cau 1/20" in first and fits_one_segment(first)
    for digit in "123450":
        assert digit in first.split("Tra loi", 1)[1]
    for body in ["5", "rất hài lòng", "binh thuong", "4"] + ["4"] * 16:
        reply = phone.send(body)
    assert reply.text.startswith("Cam on Ong/Ba!")
    answers = _answers()
    assert answers["overall"] == 5 and answers["c01"] == 5 and answers["c02"] == 3


def test_compact_reply_records_in_one_go(phone, campaign):
    code = codes_of(campaign)[0]
    reply = phone.send(f"hl {_spaced(code)} 1 1 2 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 0")
    assert reply.text.startswith("Cam on Ong/Ba! Da ghi nhan phieu ho")
    assert _count(Response) == 1
    assert _answers()["c02"] == 2 and _answers()["c19"] == 0


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ("1 1 7 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", "tra loi thu 3 khong hop le"),
        ("1 1 1 1 1", "thieu tra loi tu cau 6"),
        ("1" * 22, "thua tra loi tu vi tri 21"),
    ],
)
def test_compact_reply_is_refused_as_a_whole_naming_the_first_wrong_place(
        phone, campaign, answers, expected):
    code = codes_of(campaign)[0]
    reply = phone.send(f"HL {code} {answers}")
    assert expected in reply.text and reply.text.startswith("Chua ghi nhan")
    assert fits_one_segment(reply.text)
    assert _count(Response) == 0
    assert phone.send(f"HL {code} " + "1" * 20).text.startswith("Cam on")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("9", "Khong co lua chon 9."),
        ("1 2", "Moi tin chi gui 1 so."),
        ("12", "Moi tin chi gui 1 so."),
        ("toi khong biet noi sao", "Chua hieu tra loi."),
        ("1 khong hai long", "Chua hieu tra loi."),
        ("   ", "Tin nhan trong."),
        ("😀🎉", "Tin nhan trong."),
    ],
)
def test_each_invalid_reply_is_reasked_saying_what_is_expected(phone, campaign, body, reason):
    phone.send(codes_of(campaign)[0])
    phone.send("1")
    reply = phone.send(body).text
    assert reply.startswith(reason)
    assert "Cau 2/20" in reply and "Tra loi 1 hai long, 2 khong hai long, 0 khong y kien" in reply
    assert fits_one_segment(reply)
    conversation = db.session.scalar(select(SmsConversation))
    assert conversation.position == 1 and conversation.answers == [1]


def test_three_invalid_replies_pause_until_tiep_or_a_valid_answer(phone, campaign):
    phone.send(codes_of(campaign)[0])
    assert phone.send("x").text.startswith("Chua hieu")
    assert phone.send("y y").text.startswith("Chua hieu")
    paused = phone.send("z").text
    assert paused.startswith("Tam dung") and "cau 1/20" in paused and "TIEP" in paused
    assert phone.send("zzz").messages == []  # no endless loop
    assert phone.send("???").messages == []
    resumed = phone.send("tiếp tục").text
    assert resumed.startswith("Cau 1/20")
    assert phone.send("x").text.startswith("Chua hieu")  # a fresh allowance after TIEP
    for _ in range(2):
        phone.send("x")
    assert phone.send("2").text.startswith("Cau 2/20")  # a valid answer also resumes


def test_a_repeated_message_sid_records_nothing_twice_and_gets_the_same_reply(phone, campaign):
    code = codes_of(campaign)[0]
    phone.send(code)
    sid = new_sid()
    first = phone.send("2", sid=sid)
    again = phone.send("2", sid=sid)
    assert again.messages == first.messages
    assert db.session.scalar(select(SmsConversation)).answers == [2]
    compact_sid = new_sid()
    done = phone.send(f"HL {code} " + "1" * 20, sid=compact_sid)
    repeat = phone.send(f"HL {code} " + "1" * 20, sid=compact_sid)
    assert repeat.messages == done.messages and done.text.startswith("Cam on")
    assert _count(Response) == 1
    assert _count(SmsInbound) == 3


@pytest.mark.parametrize("word", ["STOP", "stop", "Hủy", "HUY", "từ chối", "TU CHOI", "tu choi."])
def test_opt_out_ends_the_conversation_and_blocks_until_start(phone, campaign, word):
    code = codes_of(campaign)[0]
    phone.send(code)
    phone.send("1")
    stopped = phone.send(word).text
    assert "START" in stopped
    assert _count(SmsConversation) == 0  # an ended conversation leaves no row
    assert phone.send("1").messages == []
    assert phone.send(code).messages == []
    assert phone.send("Start").text.startswith("Ong/Ba da nhan tin lai")
    restarted = phone.send(code).text
    assert restarted.startswith("Khao sat") and "Cau 1/20" in restarted  # from the first question
    assert _count(Response) == 0


def test_numbers_are_stored_only_as_keyed_hashes(phone, campaign, app):
    phone.number = "0912 345 678"
    phone.send(codes_of(campaign)[0])
    phone.send("STOP")
    row = db.session.scalar(select(SmsNumber))
    assert row.opted_out and len(row.number_hash) == 64
    dump = "\n".join(str(r) for t in db.metadata.sorted_tables
                     for r in db.session.execute(t.select()))
    assert "912345678" not in dump and "2345678" not in dump
    # the same number written as +84 or with the old form of another number is the same phone
    assert Phone(phone.client, "+84912345678").send("1").messages == []


def test_old_eleven_digit_form_is_the_same_phone(client, campaign):
    Phone(client, "+841623456789").send("STOP")
    assert Phone(client, "+84323456789").send("hello").messages == []


def test_code_used_on_the_web_meanwhile_ends_the_conversation(phone, campaign):
    code = codes_of(campaign)[0]
    phone.send(code)
    record_response(Submission(None, Channel.WEB, all_answers(campaign), household_code=code))
    db.session.commit()
    reply = phone.send("1").text
    assert reply.startswith("Ma ho " + _spaced(code) + " da duoc dung")
    assert _count(SmsConversation) == 0  # an ended conversation leaves no row
    assert _count(Response) == 1


def test_closed_campaign_gets_its_dates(phone, make_campaign):
    today = local_today()
    campaign = make_campaign(opens_on=today - timedelta(days=30),
                             closes_on=today - timedelta(days=1))
    reply = phone.send(f"HL {codes_of(campaign)[0]}").text
    assert reply.startswith("Khao sat da ket thuc ngay " + campaign.closes_on.strftime("%d/%m/%Y"))
    assert phone.send("HL 03390").text.startswith("Khao sat da ket thuc")


def test_mistyped_and_unknown_codes_say_what_to_check(phone, campaign):
    code = codes_of(campaign)[0]
    wrong_digit = code[:-1] + str((int(code[-1]) + 1) % 10)
    assert phone.send(f"HL {wrong_digit}").text.startswith("Xin kiem tra ma ho")
    assert phone.send("HL 12345").text.startswith("Khong tim thay ma 12345")
    assert phone.send("HL 1").text.startswith("Xin kiem tra ma ho")


def test_open_commune_keyword_takes_one_response_per_number(client, campaign):
    phone = Phone(client, "+84987654321")
    assert "Xa Ta Leng" in phone.send("HL 03430").text
    done = phone.send("HL 03430 " + "1" * 20).text
    assert done.startswith("Cam on Ong/Ba! Da ghi nhan phieu Xa Ta Leng")
    again = phone.send("HL 03430").text
    assert again.startswith("So dien thoai nay da tra loi khao sat cua Xa Ta Leng")
    other = Phone(client, "+84987654322")
    assert other.send("hl 03430 " + "2" * 20).text.startswith("Cam on")
    responses = list(db.session.scalars(select(Response)))
    assert len(responses) == 2
    assert all(r.household_code_id is None and r.commune.code == "03430" for r in responses)


def test_commune_keyword_is_refused_where_the_campaign_takes_only_codes(phone, make_campaign):
    make_campaign(open_link=False)
    assert phone.send("HL 03390").text.startswith("Khao sat nay chi nhan tra loi bang ma ho")


def test_english_on_request(phone, campaign):
    phone.send("EN")
    first = phone.send(codes_of(campaign)[0]).text
    assert "Q1/20" in first and "Reply 1 satisfied, 2 not satisfied, 0 no opinion" in first
    assert "Binh Lu Commune" in first
    assert phone.send("nope").text.startswith("Answer not understood. Q1/20")


def test_unknown_sender_gets_help(phone, app):
    reply = phone.send("Xin chào").text
    assert "HL" in reply and "STOP" in reply and fits_one_segment(reply)


def test_wrong_or_missing_signature_is_refused_and_nothing_is_stored(client, campaign):
    params = {"MessageSid": new_sid(), "From": "+84912345678",
              "Body": f"HL {codes_of(campaign)[0]} " + "1" * 20}
    forged = client.post(INBOUND, data=params,
                         headers={"X-Twilio-Signature": signature(INBOUND, params, "wrong-token")})
    missing = client.post(INBOUND, data=params)
    other_url = client.post(INBOUND, data=params,
                            headers={"X-Twilio-Signature": signature("/elsewhere", params)})
    tampered = client.post(INBOUND, data={**params, "Body": "HL 1"},
                           headers={"X-Twilio-Signature": signature(INBOUND, params)})
    status = client.post(STATUS, data={"MessageSid": new_sid(), "ErrorCode": "21610",
                                       "To": "+84912345678"})
    assert [r.status_code for r in (forged, missing, other_url, tampered, status)] == [403] * 5
    assert _count(Response) == 0 and _count(SmsInbound) == 0 and _count(SmsNumber) == 0
    assert _count(SmsConversation) == 0


def test_webhook_without_a_configured_token_refuses_everything(client, campaign, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", None)
    assert Phone(client).send("hello").status == 403


def test_missing_fields_get_a_400(client, app):
    reply = signed_post(client, INBOUND, {"From": "+84912345678", "Body": "1"})
    assert reply.status_code == 400
    bad_sid = signed_post(client, INBOUND, {"MessageSid": "x", "From": "+8491", "Body": "1"})
    assert bad_sid.status_code == 400
    assert _count(SmsInbound) == 0


def test_status_callback_21610_marks_the_number_opted_out(client, campaign):
    params = {"MessageSid": new_sid(), "MessageStatus": "undelivered", "ErrorCode": "21610",
              "To": "+84912345678", "From": "+84900000000"}
    assert signed_post(client, STATUS, params).status_code == 204
    assert db.session.scalar(select(SmsNumber)).opted_out
    assert Phone(client).send(codes_of(campaign)[0]).messages == []
    delivered = {"MessageSid": new_sid(), "MessageStatus": "delivered", "To": "+84911111111"}
    assert signed_post(client, STATUS, delivered).status_code == 204
    assert _count(SmsNumber) == 1


def test_commune_keyword_with_two_open_campaigns_asks_for_the_household_code(phone, make_campaign):
    make_campaign(key="first-campaign")
    make_campaign(key="second-campaign", codes=0)
    reply = phone.send("HL 03390").text
    assert reply.startswith("Ma xa 03390 co nhieu khao sat dang mo")
    assert _count(SmsConversation) == 0


def test_logs_never_show_a_number_in_clear(phone, campaign, caplog):
    enable_app_logs()
    caplog.set_level("DEBUG")
    phone.send(codes_of(campaign)[0])
    phone.send("1")
    phone.send("STOP")
    signed_post(phone.client, STATUS, {"MessageSid": new_sid(), "MessageStatus": "failed",
                                       "ErrorCode": "30003", "To": "+84912345678"})
    assert "sms " in caplog.text and "+849******78" in caplog.text
    assert "912345678" not in caplog.text


def test_the_same_message_delivered_twice_at_once_is_recorded_once(app, campaign):
    import threading

    code = codes_of(campaign)[0]
    db.session.commit()
    sid = new_sid()
    barrier = threading.Barrier(2)
    replies: list = []

    def deliver() -> None:
        barrier.wait()
        replies.append(Phone(app.test_client()).send(f"HL {code} " + "1" * 20, sid=sid))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status for r in replies] == [200, 200]
    assert replies[0].messages == replies[1].messages
    assert replies[0].text.startswith("Cam on")
    db.session.rollback()
    assert _count(Response) == 1 and _count(SmsInbound) == 1
