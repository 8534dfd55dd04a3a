"""Whatever a phone sends, the webhook answers without a 500 and every reply fits one segment."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback_app.domain.gsm import fits_one_segment

from ..sms_support import Phone
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
