"""Reading what households type on a phone keypad: commands, starts, answers, compact replies."""

from __future__ import annotations

import pytest

from feedback_app.domain.sms.fold import ascii_text, fold
from feedback_app.domain.sms.replies import (
    ChangeRequest,
    Command,
    CompactProblem,
    ReplyProblem,
    parse_answer,
    parse_change,
    parse_command,
    parse_comment,
    parse_compact,
    parse_start,
)

from .surveys import binary_survey, likert_survey


def test_fold_ignores_case_diacritics_width_and_punctuation():
    assert fold("  Không   HÀI-lòng!! ") == "khong hai long"
    assert fold("ＨＬ　５８２０１") == "hl 58201"
    assert fold("Đồng ý") == "dong y"
    assert ascii_text("Xã Đoàn Kết 😀") == "Xa Doan Ket"


@pytest.mark.parametrize(
    ("body", "command"),
    [("STOP", Command.OPT_OUT), ("stop.", Command.OPT_OUT), ("Hủy", Command.OPT_OUT),
     ("HUY", Command.OPT_OUT), ("từ chối", Command.OPT_OUT), ("Tu Choi", Command.OPT_OUT),
     ("start", Command.OPT_IN), ("Bắt đầu", Command.OPT_IN), ("TIEP", Command.RESUME),
     ("tiếp tục", Command.RESUME), ("en", Command.ENGLISH), ("Tiếng Việt", Command.VIETNAMESE),
     ("HL", Command.HELP), ("1", None), ("stop it now", None), ("", None)],
)
def test_commands_are_whole_messages(body, command):
    assert parse_command(body) is command


def test_start_reads_a_household_code_however_it_is_grouped():
    for body in ("HL 58201 93744 62817", "58201-93744-62817", "hl582019374462817",
                 "Mã hộ: ５８２０１ ９３７４４ ６２８１７", "HL 582 019 374 462 817"):
        start = parse_start(body)
        assert start is not None and start.code == ("582019374462817", ""), body


def test_start_carries_compact_answers_and_a_commune_reading():
    start = parse_start("HL 03390 1 1 2")
    assert start is not None and start.keyword
    assert start.commune == ("03390", "112")
    assert start.code is None
    long = parse_start("HL 58201 93744 62817 1 1 2")
    assert long is not None and long.code == ("582019374462817", "112")
    assert long.commune == ("58201", "9374462817112")  # tried only when no issued code matches


@pytest.mark.parametrize("body", ["1", "12", "hai long", "1 2 3", "", "STOP", "xin chao 12"])
def test_answers_and_words_are_not_starts(body):
    assert parse_start(body) is None


def test_a_keyword_alone_with_a_few_digits_is_a_start_to_be_refused():
    start = parse_start("HL 1")
    assert start is not None and start.code is None and start.commune is None


@pytest.mark.parametrize(
    ("body", "value"),
    [("1", 1), (" 2 ", 2), ("2.", 2), ("(0)", 0), ("１", 1), ("hai long", 1), ("Hài lòng", 1),
     ("HAI LONG", 1), ("khong hai long", 2), ("Không hài lòng ạ", 2), ("co", 1), ("Có", 1),
     ("khong", 2), ("ko", 2), ("khong y kien", 0), ("Không ý kiến", 0), ("kyk", 0),
     ("satisfied", 1), ("Not satisfied", 2), ("1 hai long", 1), ("01", 1)],
)
def test_binary_answers(body, value):
    assert parse_answer(body, binary_survey()).value == value


@pytest.mark.parametrize(
    ("body", "problem"),
    [("", ReplyProblem.EMPTY), ("?!", ReplyProblem.EMPTY), ("😀", ReplyProblem.EMPTY),
     ("3", ReplyProblem.OUT_OF_RANGE), ("9", ReplyProblem.OUT_OF_RANGE),
     ("1 2", ReplyProblem.SEVERAL), ("12", ReplyProblem.SEVERAL), ("1,1", ReplyProblem.SEVERAL),
     ("rat hai long", ReplyProblem.NOT_UNDERSTOOD), ("abc", ReplyProblem.NOT_UNDERSTOOD),
     ("2 hai long", ReplyProblem.NOT_UNDERSTOOD)],
)
def test_binary_invalid_replies_say_why(body, problem):
    parsed = parse_answer(body, binary_survey())
    assert parsed.value is None and parsed.problem is problem


def test_five_point_words_and_no_guessing_of_yes_no():
    survey = likert_survey()
    assert parse_answer("rất hài lòng", survey).value == 5
    assert parse_answer("rat khong hai long", survey).value == 1
    assert parse_answer("binh thuong", survey).value == 3
    assert parse_answer("5", survey).value == 5
    assert parse_answer("co", survey).problem is ReplyProblem.NOT_UNDERSTOOD


def test_compact_answers_in_survey_order():
    survey = binary_survey()
    result = parse_compact("1" * 19 + "0", survey)
    assert result.problem is None and len(result.answers) == 20
    assert result.answers["overall"] == 1 and result.answers["c19"] == 0


@pytest.mark.parametrize(
    ("digits", "problem", "position"),
    [("11311111111111111111", CompactProblem.INVALID, 3), ("1111", CompactProblem.MISSING, 5),
     ("", CompactProblem.MISSING, 1), ("1" * 21, CompactProblem.EXTRA, 21),
     ("1911", CompactProblem.INVALID, 2)],
)
def test_compact_refused_at_the_first_wrong_position(digits, problem, position):
    result = parse_compact(digits, binary_survey())
    assert (result.problem, result.position, result.answers) == (problem, position, {})



@pytest.mark.parametrize("file", ["ntm-commune.v1.yaml", "ntm-xa-2026.v1.yaml"])
@pytest.mark.parametrize(("body", "value"), [
    ("chua hai long", 2), ("Chưa hài lòng", 2), ("CHƯA HÀI LÒNG ạ", 2), ("chua", 2),
    ("khong hai long", 2), ("Không hài lòng", 2), ("2 chua hai long", 2), ("not yet satisfied", 2),
    ("hai long", 1), ("1 chưa hài lòng", None),
])
def test_both_negative_labels_mean_the_second_choice_whichever_the_survey_shows(file, body, value):
    """The Front's forms say "Không hài lòng" or "Chưa hài lòng"; a household may write either."""
    from .surveys import _load

    assert parse_answer(body, _load(file)).value == value


@pytest.mark.parametrize("body", ["?", " ? ", "??", "？", "HELP", "huong dan", "Hướng dẫn"])
def test_a_question_mark_or_help_asks_for_help(body):
    assert parse_command(body) is Command.HELP


@pytest.mark.parametrize(
    ("body", "number", "rest"),
    [("SUA 3", 3, None), ("sửa câu 3", 3, None), ("Sua3", 3, None), ("SUA 12 2", 12, "2"),
     ("sua 3: khong hai long", 3, "khong hai long"), ("CHANGE 4", 4, None), ("edit 20 1", 20, "1"),
     ("đổi câu 5", 5, None)],
)
def test_change_requests(body, number, rest):
    assert parse_change(body) == ChangeRequest(number, rest)


@pytest.mark.parametrize("body", ["sua", "1", "sua nha", "khong sua 3", "SUA 1234"])
def test_not_change_requests(body):
    assert parse_change(body) is None


@pytest.mark.parametrize("body", ["K", "khong", "Không có", "không ý kiến", "no", "0", "1", "  "])
def test_no_comment(body):
    assert parse_comment(body) == ""


def test_a_comment_keeps_its_words_and_diacritics():
    assert parse_comment("  Đường  thôn 3\n còn lầy lội ") == "Đường thôn 3 còn lầy lội"
