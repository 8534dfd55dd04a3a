"""A unit's results or report as CSV: UTF-8 with a byte-order mark, streamed in row batches so a
large export starts at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask_babel import force_locale

from ..indices.wording import item_numbers, reason_lines, rule_lines, rules_of
from .labels import item_label, unit_name
from .source import Source, walk

CSV_COLUMNS = (
    "kind", "code", "parent_code", "name", "level", "respondents", "households", "coverage",
    "satisfied", "valid", "no_opinion", "rate", "ci_low", "ci_high", "verdict",
    "communes_meeting", "communes_total", "verdict_reasons",
)
CSV_BATCH = 200  # rows per streamed chunk



def _unit_row(kind: str, node: dict[str, Any], parent: str, lang: str, numbers: dict[str, str]
              ) -> list[Any]:
    unit = node["unit"]
    with force_locale(lang):
        reasons = "; ".join(reason_lines(node.get("verdict_reasons", []), node["verdict"], numbers))
    return [kind, unit["code"], parent, unit_name(unit, lang), unit["level"], node["respondents"],
            node["households"], node["coverage"], node["satisfied"], node["valid"], node["no_opinion"],
            node["rate"], node["ci_low"], node["ci_high"], node["verdict"], node["communes_meeting"],
            node["communes_total"], reasons]


def csv_rows(source: Source, lang: str = "vi") -> Iterator[list[Any]]:
    """The header, the unit, then each question of the unit, then every unit below it (depth
    first), then the campaign (kind `rule`: its title, then each of its rules worded in `name`)."""
    yield list(CSV_COLUMNS)
    index = source.content["index"]
    labels = {item["id"]: item for item in source.content["items"]}
    numbers = item_numbers(source.content["items"])
    code = index["unit"]["code"]
    campaign = source.content["campaign"]
    yield _unit_row("unit", index, "", lang, numbers)
    for item in index["items"]:
        yield ["criterion", item["id"], code, item_label(labels[item["id"]], lang), "", "", "", "",
               item["satisfied"], item["valid"], item["no_opinion"], item["rate"], item["ci_low"],
               item["ci_high"], "", "", "", ""]
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
        writer.writerow(["" if value is None else value for value in row])
        if number % CSV_BATCH == 0:  # the header goes out alone, before the figures are computed
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")
