"""A household answers by SMS from a feature phone: the Twilio webhook end to end."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from feedback_app.clock import local_today
from feedback_app.domain.gsm import fits_one_segment
from feedback_app.extensions import db
from feedback_app.models import Answer, Response, SmsConversation, SmsInbound, SmsNumber
from feedback_app.services.responses.record import Channel, Submission, record_response

from ..sms_support import (
    INBOUND,
    STATUS,
    Phone,
    enable_app_logs,
    new_sid,
    signature,
    signed_post,
    twiml_messages,
)
from ..support import PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN, all_answers, codes_of


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def _answers() -> dict[str, int]:
    return {a.item_id: a.value for a in db.session.scalars(select(Answer))}


def _spaced(code: str) -> str:
    return f"{code[:5]} {code[5:10]} {code[10:]}"


@pytest.fixture
def phone(client):  # type: ignore[no-untyped-def]
    return Phone(client)


COMMENT_ASKED = "Da tra loi du 20 cau. Ong/ba co y kien khac khong?"
BINARY_OPTIONS = "Tra loi 1 hai long, 2 khong hai long, 0 khong y kien"
POSTED = "Ket qua se niem yet tai nha van hoa thon va tru so xa Binh Lu."


def test_whole_conversation_records_one_sms_response(phone, campaign):
    code = codes_of(campaign)[0]
    first = phone.send(f"HL {_spaced(code)}")
    assert first.status == 200
    assert first.text.startswith("Xa Binh Lu. Cau 1/20: Nhin chung, ong/ba co hai long voi ket "
                                 "qua xay dung nong thon moi")
    assert first.text.endswith("cua xa khong? " + BINARY_OPTIONS)
    replies = ["1", " 2. ", "hai long", "Không hài lòng", "KHONG Y KIEN", "１", "co", "khong",
               "Hài lòng ạ", "1", "1", "0", "1", "1", "1", "2", "1", "1", "1", "1"]
    texts = [phone.send(body).text for body in replies]
    for number, text in enumerate(texts[:-1], start=2):
        assert text.startswith(f"Cau {number}/20: Ong/ba co hai long voi ")
        assert text.endswith(" khong? " + BINARY_OPTIONS), text  # a question, its options
        assert fits_one_segment(text)
    assert texts[-1].startswith(COMMENT_ASKED) and "SUA 3" in texts[-1]
    assert _count(Response) == 0  # recorded once the comment (or K) comes
    done = phone.send("Đường ra đồng thôn 3 còn lầy lội").text
    assert done == ("Cam on ong/ba! 20 cau va y kien da ghi nhan: 14 hai long, 4 khong hai long, "
                    "2 khong y kien. " + POSTED)
    response = db.session.scalar(select(Response))
    assert response.channel == Channel.SMS.value
    assert response.household_code.code == code
    assert response.commune.code == "03390"
    assert response.comment == "Đường ra đồng thôn 3 còn lầy lội"
    answers = _answers()
    assert answers["overall"] == 1 and answers["c01"] == 2 and answers["c04"] == 0
    assert answers["c06"] == 1 and answers["c07"] == 2 and answers["c15"] == 2
    assert _count(SmsConversation) == 0
    assert phone.send("1").text.startswith("Phieu da duoc ghi nhan")


def _answer_all(phone, campaign, answers: str = "1" * 20) -> None:  # type: ignore[no-untyped-def]
    phone.send(codes_of(campaign)[0])
    for digit in answers:
        reply = phone.send(digit)
    assert reply.text.startswith(COMMENT_ASKED)


def test_sua_changes_an_earlier_answer_before_the_end(phone, campaign):
    phone.send(codes_of(campaign)[0])
    for digit in "1111":
        phone.send(digit)
    asked = phone.send("SỬA 2").text
    assert asked.startswith("Sua lai cau 2. Cau 2/20: Ong/ba co hai long voi quy hoach xa")
    assert asked.endswith(BINARY_OPTIONS)
    back = phone.send("2").text
    assert back.startswith("Da sua cau 2. Cau 5/20: ")  # back to the first unanswered question
    assert db.session.scalar(select(SmsConversation)).answers == [1, 2, 1, 1]
    in_one = phone.send("sua 4 khong y kien").text  # change and answer in one message
    assert in_one.startswith("Da sua cau 4. Cau 5/20: ")
    refused = phone.send("SUA 7").text
    assert refused.startswith("Cau 7 chua co tra loi de sua. Cau 5/20: ")
    assert refused.endswith(BINARY_OPTIONS)
    for digit in "1" * 16:
        reply = phone.send(digit)
    assert reply.text.startswith(COMMENT_ASKED)
    assert phone.send("sua 20").text.startswith("Sua lai cau 20. Cau 20/20: ")
    assert phone.send("2").text.startswith("Da sua cau 20. " + COMMENT_ASKED)
    done = phone.send("K").text
    assert done.startswith("Cam on ong/ba! 20 cau da ghi nhan: 17 hai long, 2 khong hai long, 1 "
                           "khong y kien. " + POSTED)
    answers = _answers()
    assert answers["c01"] == 2 and answers["c03"] == 0 and answers["c19"] == 2
    assert db.session.scalar(select(Response)).comment in (None, "")


@pytest.mark.parametrize("none", ["K", "khong", "Không có", "0", "no"])
def test_no_comment_records_without_one(phone, campaign, none):
    _answer_all(phone, campaign)
    done = phone.send(none).text
    assert done.startswith("Cam on ong/ba! 20 cau da ghi nhan: 20 hai long. " + POSTED)
    assert "va y kien" not in done
    assert _count(Response) == 1 and not db.session.scalar(select(Response)).comment


def test_a_comment_too_long_is_asked_again_and_nothing_is_lost(phone, campaign):
    _answer_all(phone, campaign)
    reply = phone.send("x " * 600).text
    assert reply.startswith("Y kien xin viet it hon 1000 ky tu.") and fits_one_segment(reply)
    assert _count(Response) == 0
    assert phone.send("Nen lam them duong").text.startswith("Cam on ong/ba! 20 cau va y kien da")
    assert db.session.scalar(select(Response)).comment == "Nen lam them duong"


def test_a_new_code_after_the_last_answer_records_the_first_household_first(phone, campaign):
    _answer_all(phone, campaign)
    second = codes_of(campaign)[1]
    replies = phone.send(f"HL {second}").messages
    assert len(replies) == 2
    assert replies[0].startswith("Cam on ong/ba! 20 cau da ghi nhan: 20 hai long.")
    assert replies[1].startswith("Xa Binh Lu. Cau 1/20")
    assert _count(Response) == 1 and _count(SmsConversation) == 1


@pytest.mark.parametrize("word", ["?", "HELP", "huong dan"])
def test_help_is_answered_at_any_time_and_after_a_pause(phone, campaign, word):
    phone.send(codes_of(campaign)[0])
    phone.send("1")
    helped = phone.send(word).messages
    assert len(helped) == 2 and helped[0].startswith("Huong dan: ") and "SUA 3" in helped[0]
    assert helped[1].startswith("Cau 2/20: ") and helped[1].endswith(BINARY_OPTIONS)
    for body in ("abc", "def", "ghi"):
        phone.send(body)
    assert phone.send("zzz").messages == []  # paused
    after_pause = phone.send(word).messages
    assert after_pause[0].startswith("Huong dan: ") and after_pause[1].startswith("Cau 2/20: ")
    assert phone.send("nope").text.startswith("Chua hieu tra loi. Cau 2/20")  # resumed
    for digit in "1" * 19:
        phone.send(digit)
    at_the_comment = phone.send(word).messages
    assert at_the_comment[0].startswith("Huong dan: ")
    assert at_the_comment[1].startswith(COMMENT_ASKED)
    assert all(fits_one_segment(m) for m in helped + after_pause + at_the_comment)


def test_five_point_survey_prompts_name_every_digit(phone, make_campaign):
    campaign = make_campaign(survey_id="ntm-commune-5")
    code = codes_of(campaign)[0]
    first = phone.send(code).text
    assert "Cau 1/20: Nhin chung, ong/ba hai long the nao" in first and fits_one_segment(first)
    assert first.endswith("Tra loi 1-5 (1 rat khong hai long, 5 rat hai long), 0 khong y kien")
    for body in ["5", "rất hài lòng", "binh thuong", "4"] + ["4"] * 16:
        reply = phone.send(body)
    assert reply.text.startswith(COMMENT_ASKED)
    done = phone.send("K").text
    assert done.startswith("Cam on ong/ba! 20 cau da ghi nhan: 19 hai long, 1 khong hai long. ")
    answers = _answers()
    assert answers["overall"] == 5 and answers["c01"] == 5 and answers["c02"] == 3


def test_compact_reply_records_in_one_go(phone, campaign):
    code = codes_of(campaign)[0]
    reply = phone.send(f"hl {_spaced(code)} 1 1 2 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 0")
    assert reply.text == ("Cam on ong/ba! 20 cau da ghi nhan: 18 hai long, 1 khong hai long, 1 "
                          "khong y kien. " + POSTED)
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
    assert "?" in paused
    assert phone.send("zzz").messages == []  # no endless loop
    assert phone.send("x x").messages == []
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
    assert restarted.startswith("Xa Binh Lu. Cau 1/20")  # from the first question
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
    assert done.startswith("Cam on ong/ba! 20 cau da ghi nhan: 20 hai long. Ket qua se niem yet")
    assert done.endswith("tru so xa Ta Leng.")
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


def test_english_on_request_is_english_to_the_end(phone, campaign):
    phone.send("EN")
    first = phone.send(codes_of(campaign)[0]).text
    assert first.startswith("Binh Lu Commune. Q1/20: Overall, are you satisfied with the results "
                            "of new rural construction in your commune?")
    assert first.endswith("Reply 1 satisfied, 2 not satisfied, 0 no opinion")
    assert phone.send("nope").text.startswith("Answer not understood. Q1/20")
    sent = [phone.send("1").text for _ in range(4)]
    assert sent[0].startswith("Q2/20: Are you satisfied with the commune plan")
    assert phone.send("CHANGE 2").text.startswith("Changing answer 2. Q2/20: Are you satisfied")
    assert phone.send("no opinion").text.startswith("Answer 2 changed. Q5/20: ")
    helped = phone.send("?").messages
    assert helped[0].startswith("Help: ") and helped[1].startswith("Q5/20: ")
    for _ in range(16):
        last = phone.send("2").text
    assert last.startswith("All 20 questions answered. Any other comment?")
    done = phone.send("More street lights please").text
    assert done == ("Thank you! 20 answers and your comment recorded: 3 satisfied, 16 not "
                    "satisfied, 1 no opinion. Results go up at the village hall and Binh Lu "
                    "Commune office.")
    everything = [first, *sent, last, done, *helped]
    assert all(fits_one_segment(t) and not re.search(r"\b(Cau|Tra loi|hai long)\b", t)
               for t in everything)


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


def test_a_signature_over_the_url_with_its_port_is_accepted_too(client, campaign):
    """Twilio signs some requests over the URL with the scheme's port written out: the quick check
    over PUBLIC_BASE_URL misses those, RequestValidator.validate still accepts them."""
    params = {"MessageSid": new_sid(), "From": "+84912345678", "Body": "Xin chao"}
    parts = urlsplit(PUBLIC_BASE_URL)
    port = 443 if parts.scheme == "https" else 80
    with_port = f"{parts.scheme}://{parts.hostname}:{port}{parts.path}{INBOUND}"
    signed = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(with_port, params)
    assert signed != signature(INBOUND, params)
    accepted = client.post(INBOUND, data=params, headers={"X-Twilio-Signature": signed})
    odd = client.post(INBOUND, data={**params, "MessageSid": new_sid()},
                      headers={"X-Twilio-Signature": "sign\xe9"})
    assert accepted.status_code == 200 and twiml_messages(accepted.get_data(as_text=True))
    assert odd.status_code == 403


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
