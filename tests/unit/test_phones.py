"""Vietnamese mobile numbers: every written form is one number, stored only as a keyed hash."""

from __future__ import annotations

import pytest

from feedback_app.domain.phones import canonical_sender, mask_number, normalise_vn_mobile, number_hash


@pytest.mark.parametrize(
    "raw", ["0912345678", "0912 345 678", "091.234.5678", "+84912345678", "+84 91 234 56 78",
            "84912345678", "0084912345678", "(+84) 912-345-678", "912345678"],
)
def test_ten_digit_forms(raw):
    assert normalise_vn_mobile(raw) == "+84912345678"


@pytest.mark.parametrize(
    ("old", "new"),
    [("01623456789", "+84323456789"), ("+84 162 345 6789", "+84323456789"),
     ("841693456789", "+84393456789"), ("01203456789", "+84703456789"),
     ("01233456789", "+84833456789"), ("01863456789", "+84563456789"),
     ("01993456789", "+84593456789")],
)
def test_old_eleven_digit_forms_are_renumbered(old, new):
    assert normalise_vn_mobile(old) == new


@pytest.mark.parametrize(
    "raw", ["", "abc", "02439876543", "+1 202 555 0143", "091234567", "09123456789012", "+84"],
)
def test_not_vietnamese_mobile_numbers(raw):
    assert normalise_vn_mobile(raw) is None


def test_inbound_senders_are_canonical_even_when_foreign():
    assert canonical_sender("+84 162 345 6789") == "+84323456789"
    assert canonical_sender("+1 202 555 0143") == "+12025550143"


def test_hash_is_keyed_and_stable():
    assert number_hash(b"k1", "+84912345678") == number_hash(b"k1", "+84912345678")
    assert number_hash(b"k1", "+84912345678") != number_hash(b"k2", "+84912345678")
    assert "912345678" not in number_hash(b"k1", "+84912345678")


def test_mask_hides_the_middle():
    assert mask_number("+84912345678") == "+849******78"
    assert "2345" not in mask_number("+84912345678")
    assert mask_number("12") == "**"


def test_a_cadres_contact_number_may_be_a_landline_or_abroad():
    from feedback_app.domain.phones import display_number, normalise_contact_phone

    assert normalise_contact_phone("0912 345 678") == "+84912345678"
    assert normalise_contact_phone("0162 345 6789") == "+84323456789"  # the old 11-digit form
    assert normalise_contact_phone("0213 3876 555") == "+842133876555"  # Lai Châu landline
    assert normalise_contact_phone("+33 1 42 68 53 00") == "+33142685300"
    for wrong in ("12345", "", "0912", "phone", "+84 912 345 678 9999"):
        assert normalise_contact_phone(wrong) is None, wrong
    assert display_number("+84912345678") == "0912 345 678"
    assert display_number("+33142685300") == "+33 1 42 68 53 00"


def test_an_email_address_is_checked_for_its_shape_only():
    from feedback_app.domain.contact import normalise_email

    assert normalise_email(" An.NV@MTTQ.LaiChau.vn ") == "An.NV@mttq.laichau.vn"
    assert normalise_email("cán.bộ@mặttrận.vn") == "cán.bộ@mặttrận.vn"
    for wrong in ("an at mttq.vn", "an@mttq", "@mttq.vn", "an@@mttq.vn", "an nv@mttq.vn", "a@b..vn",
                  "x" * 250 + "@a.vn"):
        assert normalise_email(wrong) is None, wrong
