"""Composing prompts: the longest form that fits one segment, never more than one."""

from __future__ import annotations

from feedback_app.domain.gsm import fits_one_segment
from feedback_app.domain.sms.prompts import (
    PromptTexts,
    confirmation,
    gsm_clip,
    gsm_safe,
    question_prompt,
    shorten,
)
from feedback_app.domain.sms.replies import ReplyProblem

TEXTS = PromptTexts(
    question="Cau %(number)d/%(total)d: %(question)s.",
    choices_all="Tra loi %(choices)s",
    choices_range="Tra loi %(low)d-%(high)d (%(low)d %(low_label)s, %(high)d %(high_label)s)",
    choices_no_opinion=", %(value)d %(label)s",
    choices_digits="Tra loi 1 so: %(digits)s",
    header="%(survey)s, %(place)s.",
    problems={p: f"{p.value}." for p in ReplyProblem},
)
BINARY = [(1, "hai long"), (2, "khong hai long"), (0, "khong y kien")]
FIVE = [(1, "rat khong hai long"), (2, "khong hai long"), (3, "binh thuong"), (4, "hai long"),
        (5, "rat hai long"), (0, "khong y kien")]
QUESTION = "Q" * 60  # the schema's longest item text


def test_short_prompt_keeps_header_and_full_legend():
    text = question_prompt(TEXTS, "TC2 Giao thong", 1, 20, BINARY,
                           header=("Khao sat", "Xã Bình Lư"))
    assert text == ("Khao sat, Xa Binh Lu. Cau 1/20: TC2 Giao thong. "
                    "Tra loi 1 hai long, 2 khong hai long, 0 khong y kien")


def test_long_place_is_shortened_then_dropped_before_the_legend_is():
    text = question_prompt(TEXTS, QUESTION, 20, 20, BINARY, header=("K" * 40, "Xã " + "Đ" * 150))
    assert fits_one_segment(text)
    assert "Tra loi 1 hai long, 2 khong hai long, 0 khong y kien" in text and QUESTION in text


def test_five_point_scale_falls_back_to_a_range_legend():
    text = question_prompt(TEXTS, QUESTION, 20, 20, FIVE, problem=ReplyProblem.NOT_UNDERSTOOD)
    assert fits_one_segment(text)
    assert text.endswith("Tra loi 1-5 (1 rat khong hai long, 5 rat hai long), 0 khong y kien")


def test_last_resort_is_a_digit_list():
    long_labels = [(v, "x" * 30) for v in (1, 2, 3, 4, 5, 0)]
    text = question_prompt(TEXTS, QUESTION, 40, 40, long_labels, problem=ReplyProblem.SEVERAL)
    assert fits_one_segment(text) and text.endswith("Tra loi 1 so: 1, 2, 3, 4, 5, 0")


def test_confirmation_drops_spaces_then_shortens_the_name_but_keeps_every_answer():
    template = "Cam on! Da ghi nhan phieu %(who)s: %(answers)s"
    spaced = " ".join(["1"] * 40)
    text = confirmation(template, "Xa " + "Binh Lu " * 8, [1] * 40)
    assert fits_one_segment(text) and text.endswith("1" * 40) and "Binh Lu " * 7 in text
    text = confirmation(template, "Xa " + "Binh Lu " * 12, [1] * 40)
    assert fits_one_segment(text) and text.endswith(spaced) and "..." in text
    longer = confirmation("Cam on Ong/Ba rat nhieu! Phieu tra loi da duoc ghi nhan day du cho "
                          "%(who)s: %(answers)s", "ho 58201 93744 62817", [1] * 40)
    assert fits_one_segment(longer) and longer.endswith("1" * 40)


def test_helpers():
    assert gsm_safe("Xã Đoàn Kết – 😀 `x`") == "Xa Doan Ket x"
    assert shorten("Xa Binh Lu Thuong", 12) == "Xa Binh..."
    clipped = gsm_clip("é" * 200 + "ấ")
    assert fits_one_segment(clipped) and clipped.endswith("...")
