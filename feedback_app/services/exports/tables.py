"""A unit's results or report as CSV: UTF-8 with a byte-order mark, streamed in row batches so a
large export starts at once.

A text cell that a spreadsheet program would read as a formula (it begins with = + - @, a tab or a
carriage return: an officer's remarks, a name) is written with a leading apostrophe, so that it is
shown as the text it is and never run (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..indices.wording import item_numbers, reason_lines, rule_lines, rules_of
from .labels import item_label, status_label, unit_name, verdict_label
from .source import Source, walk

# The columns, in order, and their headings in the file (in the reader's language).
CSV_COLUMNS = (
    "kind", "code", "parent_code", "name", "level", "respondents", "households", "coverage",
    "satisfied", "valid", "no_opinion", "rate", "ci_low", "ci_high", "verdict",
    "communes_meeting", "communes_total", "verdict_reasons", "status", "content_hash",
    "prepared_by", "approved_by",
)
CSV_HEADINGS = {
    "kind": _l("Row"), "code": _l("Code"), "parent_code": _l("Parent code"), "name": _l("Name"),
    "level": _l("Level"), "respondents": _l("Households that answered"),
    "households": _l("Registered households"), "coverage": _l("Coverage (0–1)"),
    "satisfied": _l("Satisfied"), "valid": _l("Valid answers"), "no_opinion": _l("No opinion"),
    "rate": _l("Satisfaction rate (0–1)"), "ci_low": _l("Confidence interval (95 %), low"),
    "ci_high": _l("Confidence interval (95 %), high"), "verdict": _l("Verdict"),
    "communes_meeting": _l("Communes meeting the threshold"), "communes_total": _l("Communes"),
    "verdict_reasons": _l("Reasons for the verdict"), "status": _l("Status"),
    "content_hash": _l("Content hash (SHA-256)"), "prepared_by": _l("Prepared by"),
    "approved_by": _l("Approved by"),
}
# The row kinds (unit, criterion, child, rule) and unit levels stay codes: programs filter on them.
CSV_BATCH = 200  # rows per streamed chunk
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Whether a spreadsheet program could take this text cell for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> object:
    """A value as written to the CSV: nothing for None, formula-like text neutralised."""
    if value is None:
        return ""
    return f"'{value}" if looks_like_formula(value) else value


def _unit_row(kind: str, node: dict[str, Any], parent: str, lang: str, numbers: dict[str, str]
              ) -> list[Any]:
    unit = node["unit"]
    with force_locale(lang):
        reasons = "; ".join(reason_lines(node.get("verdict_reasons", []), node["verdict"], numbers))
        verdict = verdict_label(node["verdict"]) if node["verdict"] else ""
    return [kind, unit["code"], parent, unit_name(unit, lang), unit["level"], node["respondents"],
            node["households"], node["coverage"], node["satisfied"], node["valid"], node["no_opinion"],
            node["rate"], node["ci_low"], node["ci_high"], verdict, node["communes_meeting"],
            node["communes_total"], reasons, "", "", "", ""]


def csv_rows(source: Source, lang: str = "vi") -> Iterator[list[Any]]:
    """The headings, the unit (with the export's status and, for a report, its content hash, who
    prepared it and who accepted it), then
    each question of the unit, then every unit below it (depth first), then the campaign (kind
    `rule`: its title, then each of its rules worded in `name`). Words are in `lang`; rates and
    coverage stay fractions 0–1 with a decimal point, for programs to read."""
    with force_locale(lang):
        headings = [str(CSV_HEADINGS[column]) for column in CSV_COLUMNS]
    yield headings
    index = source.content["index"]
    labels = {item["id"]: item for item in source.content["items"]}
    numbers = item_numbers(source.content["items"])
    code = index["unit"]["code"]
    campaign = source.content["campaign"]
    with force_locale(lang):
        first = _unit_row("unit", index, "", lang, numbers)
        preparer, approver = source.preparer, source.approver
        first[-4:] = [status_label(source.status), source.meta.get("content_hash", ""),
                      preparer.person if preparer else "", approver.person if approver else ""]
    yield first
    for item in index["items"]:
        yield ["criterion", item["id"], code, item_label(labels[item["id"]], lang), "", "", "", "",
               item["satisfied"], item["valid"], item["no_opinion"], item["rate"], item["ci_low"],
               item["ci_high"], "", "", "", "", "", "", "", ""]
    for node, parent in walk(index, code):
        yield _unit_row("child", node, parent, lang, numbers)
    blank = [""] * (len(CSV_COLUMNS) - 4)
    yield ["rule", "campaign", code, campaign.get("campaign_title") or campaign["key"], *blank]
    with force_locale(lang):
        rules = rule_lines(rules_of(index))
    for label, setting in rules:
        yield ["rule", "", code, f"{label}: {setting}", *blank]


def csv_chunks(source: Source, lang: str = "vi") -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (so spreadsheet programs read Vietnamese), in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    for number, row in enumerate(csv_rows(source, lang)):
        writer.writerow([csv_cell(value) for value in row])
        if number % CSV_BATCH == 0:  # the header goes out alone, before the figures are computed
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")
