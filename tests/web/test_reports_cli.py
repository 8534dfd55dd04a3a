"""`flask --app wsgi reports ...`: every step of upward reporting and the exports, from the shell."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from feedback_app.services.exports.tables import CSV_COLUMNS

from ..reports_support import answered


def run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["reports", *args, "--campaign", "test-campaign"])


def test_reports_cli_walks_the_whole_procedure(runner, campaign, tmp_path):
    answered(campaign, "03390", 6)
    commune = ("--as", "ly", "--role", "officer", "--unit", "03390")
    province = ("--as", "an", "--role", "officer", "--unit", "12")

    result = run(runner, "submit", *commune, "--remarks", "Đủ phiếu")
    assert result.exit_code == 0, result.output
    assert "submitted, revision 1, sha256 " in result.output
    result = run(runner, "accept", "--as", "ly", "--role", "officer", "--unit", "03430", "--child", "03390")
    assert result.exit_code == 1 and "out of scope" in result.output
    result = run(runner, "return", *province, "--child", "03390", "--reason", "Thiếu thôn 2")
    assert result.exit_code == 0 and "returned" in result.output
    result = run(runner, "status", *province)
    assert "03390\tXã Bình Lư\treturned" in result.output and "Thiếu thôn 2" in result.output
    assert "03430\tXã Tả Lèng\tnone" in result.output
    assert run(runner, "submit", *commune).exit_code == 0
    result = run(runner, "accept", *province, "--child", "03390")
    assert result.exit_code == 0 and "accepted" in result.output
    result = run(runner, "submit", *commune, "--remarks", "sửa")
    assert result.exit_code == 1 and "report accepted" in result.output
    result = run(runner, "submit", *province)
    assert result.exit_code == 1 and "children not accepted (pending=03430)" in result.output

    log = run(runner, "log", *province).output.splitlines()
    assert [line.split("\t")[2] for line in log] == ["submit", "return", "resubmit", "accept"]
    assert "an (officer, vn-2025:12)" in log[1] and "Thiếu thôn 2" in log[1]
    sibling = run(runner, "log", "--as", "x", "--role", "viewer", "--unit", "03430")
    assert sibling.output.strip() == "no entries"

    out = tmp_path / "report.csv"
    result = runner.invoke(args=["reports", "export", "--campaign", "test-campaign", "--unit", "03390",
                                 "--report", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig")), fieldnames=CSV_COLUMNS))[1:]
    assert (rows[0]["code"], rows[0]["respondents"], rows[0]["rate"]) == ("03390", "6", "1.0")
    xlsx = tmp_path / "results.xlsx"
    result = runner.invoke(args=["reports", "export", "--campaign", "test-campaign", "--unit", "12",
                                 "--format", "xlsx", "--out", str(xlsx), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert load_workbook(xlsx).sheetnames == ["Summary", "Criteria", "Units"]
    result = runner.invoke(args=["reports", "export", "--campaign", "test-campaign", "--unit", "03430",
                                 "--report", "--format", "html", "--out", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and "report missing" in result.output
