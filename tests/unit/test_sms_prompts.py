"""Composing prompts: the longest form that fits one segment, never more than one."""

from __future__ import annotations

from feedback_app.domain.gsm import fits_one_segment
from feedback_app.domain.sms.prompts import (
    PromptTexts,
    Tally,
    gsm_clip,
    gsm_safe,
    in_sentence,
    question_prompt,
    sentence,
    shorten,
    summary,
)
from feedback_app.domain.sms.replies import ReplyProblem

TEXTS = PromptTexts(
    question="Cau %(number)d/%(total)d: %(question)s",
    choices_all="Tra loi %(choices)s",
    choices_range="Tra loi %(low)d-%(high)d (%(low)d %(low_label)s, %(high)d %(high_label)s)",
    choices_no_opinion=", %(value)d %(label)s",
    choices_digits="Tra loi 1 so: %(digits)s",
    header="%(place)s: %(survey)s.",
    problems={p: f"{p.value}." for p in ReplyProblem},
)
BINARY = [(1, "hai long"), (2, "khong hai long"), (0, "khong y kien")]
FIVE = [(1, "rat khong hai long"), (2, "khong hai long"), (3, "binh thuong"), (4, "hai long"),
        (5, "rat hai long"), (0, "khong y kien")]
QUESTION = "Q" * 60
LONGEST = "Ong/ba co hai long voi " + "q" * 59 + " khong?"  # the schema allows 90 characters


def test_short_prompt_keeps_header_and_full_legend():
    text = question_prompt(TEXTS, "Ong/ba co hai long voi duong giao thong khong?", 1, 20, BINARY,
                           header=("Khao sat", "Xã Bình Lư"))
    assert text == ("Xa Binh Lu: Khao sat. Cau 1/20: Ong/ba co hai long voi duong giao thong "
                    "khong? Tra loi 1 hai long, 2 khong hai long, 0 khong y kien")


def test_a_question_without_punctuation_reads_as_a_sentence():
    assert sentence("Quy hoach xa") == "Quy hoach xa." and sentence("Co khong?") == "Co khong?"
    text = question_prompt(TEXTS, "Quy hoach xa", 2, 20, BINARY)
    assert text.startswith("Cau 2/20: Quy hoach xa. Tra loi 1 hai long")


def test_the_longest_question_is_asked_whole_with_every_option():
    text = question_prompt(TEXTS, LONGEST, 20, 20, BINARY)
    assert fits_one_segment(text) and LONGEST in text
    assert text.endswith("Tra loi 1 hai long, 2 khong hai long, 0 khong y kien")


def test_a_reprompt_cuts_the_question_before_it_drops_the_options():
    text = question_prompt(TEXTS, LONGEST, 20, 20, BINARY, problem=ReplyProblem.NOT_UNDERSTOOD,
                           note="Da sua cau 3.")
    assert fits_one_segment(text)
    assert text.startswith("not_understood. Da sua cau 3. Cau 20/20: Ong/ba co hai long")
    assert "..." in text and text.endswith("Tra loi 1 hai long, 2 khong hai long, 0 khong y kien")


def test_long_place_is_shortened_then_dropped_before_the_legend_is():
    text = question_prompt(TEXTS, QUESTION, 20, 20, BINARY, header=("K" * 40, "Xã " + "Đ" * 150))
    assert fits_one_segment(text)
    assert "Tra loi 1 hai long, 2 khong hai long, 0 khong y kien" in text and QUESTION in text


def test_five_point_scale_falls_back_to_a_range_legend():
    text = question_prompt(TEXTS, QUESTION, 20, 20, FIVE, problem=ReplyProblem.NOT_UNDERSTOOD)
    assert fits_one_segment(text)
    assert text.endswith("Tra loi 1-5 (1 rat khong hai long, 5 rat hai long), 0 khong y kien")


def test_last_resort_is_a_digit_list():
    long_labels = [(v, "x" * 45) for v in (1, 2, 3, 4, 5, 0)]
    text = question_prompt(TEXTS, QUESTION, 40, 40, long_labels, problem=ReplyProblem.SEVERAL)
    assert fits_one_segment(text) and text.endswith("Tra loi 1 so: 1, 2, 3, 4, 5, 0")


SUMMARY = ("Cam on ong/ba! %(total)d cau da ghi nhan: %(counts)s. Ket qua se niem yet tai nha "
           "van hoa thon va tru so %(place)s.")


def test_summary_counts_each_kind_of_answer_and_says_where_results_are_posted():
    tallies = [Tally(17, "hai long"), Tally(2, "khong hai long"), Tally(1, "khong y kien")]
    text = summary(SUMMARY, 20, tallies, "xa Binh Lu")
    assert text == ("Cam on ong/ba! 20 cau da ghi nhan: 17 hai long, 2 khong hai long, 1 khong y "
                    "kien. Ket qua se niem yet tai nha van hoa thon va tru so xa Binh Lu.")
    none_against = summary(SUMMARY, 20, [Tally(20, "hai long"), Tally(0, "khong hai long")], "xa A")
    assert "20 cau da ghi nhan: 20 hai long. " in none_against


def test_summary_shortens_a_long_place_but_keeps_every_count():
    tallies = [Tally(17, "hai long"), Tally(2, "khong hai long"), Tally(1, "khong y kien")]
    text = summary(SUMMARY, 20, tallies, "xa " + "Binh Lu " * 20)
    assert fits_one_segment(text) and "17 hai long, 2 khong hai long, 1 khong y kien" in text
    assert "..." in text


def test_a_unit_name_inside_a_sentence():
    assert in_sentence("Xã Bình Lư") == "xa Binh Lu" and in_sentence("Phường Tân Phong") == (
        "phuong Tan Phong")
    assert in_sentence("Binh Lu Commune") == "Binh Lu Commune"


def test_helpers():
    assert gsm_safe("Xã Đoàn Kết – 😀 `x`") == "Xa Doan Ket x"
    assert shorten("Xa Binh Lu Thuong", 12) == "Xa Binh..."
    clipped = gsm_clip("é" * 200 + "ấ")
    assert fits_one_segment(clipped) and clipped.endswith("...")
