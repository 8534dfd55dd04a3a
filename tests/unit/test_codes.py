"""Household codes: 15 keypad digits, >= 40 bits of entropy, typos caught by the check digit."""

from __future__ import annotations

import math
import random

from feedback_app.domain import codes
from feedback_app.domain.campaign import Window, window
from feedback_app.domain.gsm import fits_one_segment, gsm7_length


def test_generated_codes_are_valid_digits_with_enough_entropy():
    generated = {codes.generate_code() for _ in range(2000)}
    assert len(generated) == 2000
    assert all(len(c) == 15 and c.isdigit() and codes.is_valid_code(c) for c in generated)
    assert codes.RANDOM_DIGITS * math.log2(10) >= 40


def test_every_single_digit_typo_and_adjacent_swap_is_caught():
    rng = random.Random(7)
    for _ in range(200):
        code = codes.generate_code()
        i = rng.randrange(15)
        wrong = str((int(code[i]) + rng.randrange(1, 10)) % 10)
        assert not codes.is_valid_code(code[:i] + wrong + code[i + 1 :])
        j = rng.randrange(14)
        if code[j] != code[j + 1]:
            swapped = code[:j] + code[j + 1] + code[j] + code[j + 2 :]
            assert not codes.is_valid_code(swapped)


def test_typed_forms_normalise_to_the_canonical_code():
    code = codes.generate_code()
    printed = codes.format_code(code)
    assert printed.count(" ") == 2 and printed.replace(" ", "") == code
    full_width = "".join(chr(ord("０") + int(d)) for d in code)
    for typed in (printed, code[:5] + "-" + code[5:10] + "." + code[10:], full_width, f" {code} "):
        assert codes.normalise_code(typed) == code


def test_only_digits_and_separators_are_written_as_a_code():
    code = codes.generate_code()
    full_width = "".join(chr(ord("０") + int(d)) for d in code)
    for typed in (codes.format_code(code), f" {code}\n", code[:5] + "-" + code[5:], full_width):
        assert codes.is_code_text(typed)
    for typed in (code + "x", "HL " + code, code[:7] + "\x00" + code[7:], "l" + code[1:]):
        assert not codes.is_code_text(typed)


def test_campaign_window_dates_are_inclusive():
    from datetime import date

    opens, closes = date(2026, 11, 1), date(2026, 11, 30)
    assert window(opens, closes, date(2026, 10, 31)) is Window.NOT_OPEN
    assert window(opens, closes, opens) is Window.OPEN
    assert window(opens, closes, closes) is Window.OPEN
    assert window(opens, closes, date(2026, 12, 1)) is Window.CLOSED


def test_gsm7_segments():
    assert fits_one_segment("Tra loi 1 = hai long, 2 = khong hai long" + "x" * 100)
    assert not fits_one_segment("Đường ra đồng")  # Đ, ư, ờ, ồ are not GSM-7 (à, ò are)
    assert gsm7_length("a€") == 3
    assert not fits_one_segment("x" * 161)
