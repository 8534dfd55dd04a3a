"""Whatever a phone sends, the webhook answers without a 500 and every reply fits one segment."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback_app.domain.gsm import fits_one_segment

from ..sms_support import INBOUND, STATUS, Phone, new_sid, signed_post, twiml_messages
from ..support import codes_of

EMOJI = st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=40)
CONTROL = st.text(st.characters(codec="utf-8", categories=["Cc"]), max_size=40)
UCS2 = st.text(st.characters(min_codepoint=0x0100, max_codepoint=0xFFFF,
                             exclude_categories=["Cs"]), max_size=200)
VIETNAMESE = st.text(
    st.sampled_from(list("aàáảãạăằắẳẵặâầấẩẫậđeèéêếềệoòóôồốơờớuùúưừứyỳý 0123456789")), max_size=60)
KEYPAD = st.text(st.sampled_from(list("0123456789 .,-HLhl")), max_size=60)
BODIES = st.one_of(
    st.just(""), st.text(max_size=300), EMOJI, CONTROL, UCS2, VIETNAMESE, KEYPAD,
    st.text(min_size=2000, max_size=2000), st.sampled_from(["STOP", "START", "TIEP", "EN", "VI"]),
)
_numbers = itertools.count()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(bodies=st.lists(BODIES, min_size=1, max_size=4))
def test_no_body_gives_a_500_and_every_reply_fits_one_segment(client, campaign, bodies):
    code = codes_of(campaign)[next(_numbers) % 6]
    phone = Phone(client, f"+8491{next(_numbers):07d}")
    phone.send(f"HL {code}")  # some bodies arrive mid-conversation, others in no conversation
    fresh = Phone(client, f"+8498{next(_numbers):07d}")
    for body in bodies:
        for sender in (phone, fresh):
            reply = sender.send(body)
            assert reply.status == 200, body
            for message in reply.messages:
                assert fits_one_segment(message), message


ANY_TEXT = st.one_of(st.text(max_size=80), CONTROL, UCS2, EMOJI, KEYPAD, st.text(min_size=300, max_size=300))
SIDS = st.one_of(st.builds(new_sid), ANY_TEXT)
SENDERS = st.one_of(st.sampled_from(["+84912345678", "0912345678", "84912345678", "+14155550100",
                                     "12345", "client:bob", ""]), KEYPAD, ANY_TEXT)
EXTRA = st.dictionaries(st.text(st.characters(codec="ascii", exclude_categories=["Cc"]), min_size=1,
                                max_size=20), ANY_TEXT, max_size=4)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sid=SIDS, sender=SENDERS, body=st.one_of(BODIES, st.none()), extra=EXTRA,
       drop=st.sets(st.sampled_from(["MessageSid", "From"]), max_size=2))
def test_any_signed_inbound_form_gets_twiml_or_a_400(client, campaign, sid, sender, body, extra, drop):
    """Every field is fuzzed (not only Body): odd senders, malformed or missing SIDs, extra fields
    Twilio may add; each post is correctly signed, so it reaches the parser and the dialogue."""
    params = {**extra, "MessageSid": sid, "From": sender}
    if body is not None:
        params["Body"] = body
    for name in drop:
        params.pop(name)
    response = signed_post(client, INBOUND, params)
    assert response.status_code in (200, 400), params
    if response.status_code == 200:
        for message in twiml_messages(response.get_data(as_text=True)):
            assert fits_one_segment(message), message


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sid=SIDS, to=SENDERS, status=st.one_of(st.sampled_from(["delivered", "failed", "undelivered"]),
                                              ANY_TEXT),
       error=st.one_of(st.sampled_from(["21610", "30003", "", "x"]), ANY_TEXT), extra=EXTRA)
def test_any_signed_status_callback_gets_a_204_or_a_400(client, campaign, sid, to, status, error, extra):
    params = {**extra, "MessageSid": sid, "To": to, "MessageStatus": status, "ErrorCode": error}
    assert signed_post(client, STATUS, params).status_code in (204, 400), params
