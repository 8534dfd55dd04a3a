"""A unit's results or report as an XLSX workbook (openpyxl, write-only mode: rows go straight
to the file, so a large province takes little memory). Sheets: summary, criteria, units.

Every text cell is written as text: one that begins like a formula (= + - @, a tab or a carriage
return: an officer's remarks) is typed as a string and quote-prefixed, so no spreadsheet program
runs it."""

from __future__ import annotations

import io
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .labels import item_label, status_label, text_in, unit_name, verdict_label
from .source import Source, walk
from .tables import looks_like_formula

PERCENT = "0.0%"


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    if looks_like_formula(value):  # openpyxl would store "=..." as a live formula
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _header(sheet: WriteOnlyWorksheet, titles: list[str]) -> None:
    cells = []
    for title in titles:
        cell = _cell(sheet, title)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def _row(sheet: WriteOnlyWorksheet, values: list[Any], percent_columns: set[int]) -> None:
    cells = []
    for column, value in enumerate(values):
        cell = _cell(sheet, value)
        if column in percent_columns and isinstance(value, float):
            cell.number_format = PERCENT
        cells.append(cell)
    sheet.append(cells)


def _summary(book: Workbook, source: Source, lang: str) -> None:
    content, index = source.content, source.content["index"]
    sheet = book.create_sheet(_("Summary"))
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 60
    campaign = content["campaign"]
    low, high = _("Confidence interval (95 %), low"), _("Confidence interval (95 %), high")
    rows: list[tuple[str, Any, bool]] = [  # label, value, shown as a percentage
        (_("Unit"), unit_name(content["unit"], lang), False),
        (_("Unit code"), content["unit"]["code"], False),
        (_("Survey"), text_in(campaign["title"], lang), False),
        (_("Campaign"), campaign["key"], False),
        (_("Opens on"), campaign["opens_on"], False),
        (_("Closes on"), campaign["closes_on"], False),
        (_("Registered households"), index["households"], False),
        (_("Households that answered"), index["respondents"], False),
        (_("Coverage"), index["coverage"], True),
        (_("Minimum coverage"), campaign["min_coverage"], True),
        (_("Satisfied"), index["satisfied"], False),
        (_("Valid answers"), index["valid"], False),
        (_("Satisfaction rate"), index["rate"], True),
        (low, index["ci_low"], True),
        (high, index["ci_high"], True),
        (_("Threshold"), campaign["threshold"], True),
        (_("Verdict"), verdict_label(index["verdict"]), False),
        (_("Communes meeting the threshold"), f"{index['communes_meeting']}/{index['communes_total']}",
         False),
        (_("Status"), status_label(source.status), False),
    ]
    if source.status != "live":
        rows += [(_("Prepared by"), content["prepared_by"]["username"], False),
                 (_("Prepared at (UTC)"), content["prepared_at"], False),
                 (_("Remarks"), content.get("remarks", ""), False),
                 (_("Content hash (SHA-256)"), source.meta["content_hash"], False)]
    for label, value, as_percent in rows:
        _row(sheet, [label, value], {1} if as_percent else set())


def _criteria(book: Workbook, source: Source, lang: str) -> None:
    sheet = book.create_sheet(_("Criteria"))
    sheet.column_dimensions["B"].width = 70
    _header(sheet, [_("Question"), _("Text"), _("Satisfied"), _("Valid answers"), _("No opinion"),
                    _("Satisfaction rate"), _("Confidence interval (95 %), low"),
                    _("Confidence interval (95 %), high")])
    labels = {item["id"]: item for item in source.content["items"]}
    for item in source.content["index"]["items"]:
        _row(sheet, [item["id"], item_label(labels[item["id"]], lang), item["satisfied"], item["valid"],
                     item["no_opinion"], item["rate"], item["ci_low"], item["ci_high"]], {5, 6, 7})


def _units(book: Workbook, source: Source, lang: str) -> None:
    sheet = book.create_sheet(_("Units"))
    sheet.column_dimensions["C"].width = 34
    _header(sheet, [_("Code"), _("Parent code"), _("Unit"), _("Households that answered"),
                    _("Registered households"), _("Coverage"), _("Satisfied"), _("Valid answers"),
                    _("Satisfaction rate"), _("Verdict"), _("Communes meeting the threshold")])
    index = source.content["index"]
    for node, parent in [(index, ""), *walk(index, index["unit"]["code"])]:
        _row(sheet, [node["unit"]["code"], parent, unit_name(node["unit"], lang), node["respondents"],
                     node["households"], node["coverage"], node["satisfied"], node["valid"], node["rate"],
                     verdict_label(node["verdict"]),
                     f"{node['communes_meeting']}/{node['communes_total']}"], {5, 8})


def xlsx_bytes(source: Source, lang: str = "vi") -> bytes:
    book = Workbook(write_only=True)
    with force_locale(lang):
        _summary(book, source, lang)
        _criteria(book, source, lang)
        _units(book, source, lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
