"""A unit's results or report as an XLSX workbook (openpyxl, write-only mode: rows go straight
to the file, so a large province takes little memory). Sheets: summary, criteria, units.

Cells are typed: counts are numbers, rates percentages, days dates and instants Vietnam-time
date-times (never ISO text); questions are named ("Tiêu chí 1 – Quy hoạch"), not their ids; each
table's header row is frozen and its columns have readable widths.

Every text cell is written as text: one that begins like a formula (= + - @, a tab or a carriage
return: an officer's remarks) is typed as a string and quote-prefixed, so no spreadsheet program
runs it."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ...i18n import to_vietnam_time
from ..indices.wording import item_numbers, reason_lines, rule_lines, rules_of
from .labels import item_label, item_short_label, status_label, text_in, unit_name, verdict_label
from .source import Source, walk
from .tables import looks_like_formula

PERCENT = "0.0%"
COUNT = "#,##0"
DAY = "dd/mm/yyyy"
MOMENT = "dd/mm/yyyy hh:mm"


def _cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None = None) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    if looks_like_formula(value):  # openpyxl would store "=..." as a live formula
        cell.data_type = "s"
        cell.quotePrefix = True
    if number_format is not None and value is not None and not isinstance(value, str):
        cell.number_format = number_format
    return cell


def _header(sheet: Any, titles: list[str], widths: list[int]) -> None:  # WriteOnlyWorksheet
    """The header row, frozen (it stays in view while scrolling), and the columns' widths."""
    sheet.freeze_panes = "A2"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    cells = []
    for title in titles:
        cell = _cell(sheet, title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        cells.append(cell)
    sheet.append(cells)


def _row(sheet: WriteOnlyWorksheet, values: list[Any], formats: dict[int, str]) -> None:
    sheet.append([_cell(sheet, value, formats.get(column)) for column, value in enumerate(values)])


def _day(iso: str | None) -> date | None:
    return date.fromisoformat(iso[:10]) if iso else None


def _local(moment: datetime | str | None) -> datetime | None:
    """An instant as Vietnam's clock reads it, without a zone (spreadsheets hold none)."""
    return to_vietnam_time(moment).replace(tzinfo=None) if moment else None


def _summary(book: Workbook, source: Source, lang: str) -> None:
    content, index = source.content, source.content["index"]
    sheet = book.create_sheet(_("Summary"))
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 60
    campaign = content["campaign"]
    low, high = _("Confidence interval (95 %), low"), _("Confidence interval (95 %), high")
    rows: list[tuple[str, Any, str | None]] = [  # label, value, number format
        (_("Unit"), unit_name(content["unit"], lang), None),
        (_("Unit code"), content["unit"]["code"], None),
        (_("Survey"), text_in(campaign["title"], lang), None),
        (_("Campaign"), campaign.get("campaign_title") or campaign["key"], None),
        (_("Opens on"), _day(campaign["opens_on"]), DAY),
        (_("Closes on"), _day(campaign["closes_on"]), DAY),
        (_("Registered households"), index["households"], COUNT),
        (_("Households that answered"), index["respondents"], COUNT),
        (_("Coverage"), index["coverage"], PERCENT),
        (_("Minimum coverage"), campaign["min_coverage"], PERCENT),
        (_("Satisfied"), index["satisfied"], COUNT),
        (_("Valid answers"), index["valid"], COUNT),
        (_("Satisfaction rate"), index["rate"], PERCENT),
        (low, index["ci_low"], PERCENT),
        (high, index["ci_high"], PERCENT),
        (_("Threshold"), campaign["threshold"], PERCENT),
        (_("Verdict"), verdict_label(index["verdict"]), None),
        *((_("Reason"), line, None) for line in reason_lines(
            index.get("verdict_reasons", []), index["verdict"], item_numbers(content["items"]))),
        *((label, setting, None) for label, setting in rule_lines(rules_of(index))),
        (_("Campaign key"), campaign["key"], None),
        (_("Communes meeting the threshold"), index["communes_meeting"], COUNT),
        (_("Communes"), index["communes_total"], COUNT),
        (_("Status"), status_label(source.status), None),
    ]
    if source.status != "live":
        preparer, approver = source.preparer, source.approver
        rows += [(_("Prepared by"), preparer.person if preparer else "", None),
                 *(((_("Approved by"), approver.person, None),) if approver else ()),
                 (_("Prepared at (Vietnam time)"), _local(content["prepared_at"]), MOMENT),
                 (_("Remarks"), content.get("remarks", ""), None),
                 (_("Content hash (SHA-256)"), source.meta["content_hash"], None)]
    for label, value, number_format in rows:
        _row(sheet, [label, value], {1: number_format} if number_format else {})


def _criteria(book: Workbook, source: Source, lang: str) -> None:
    sheet = book.create_sheet(_("Criteria"))
    _header(sheet, [_("Question"), _("Text"), _("Satisfied"), _("Valid answers"), _("No opinion"),
                    _("Satisfaction rate"), _("Confidence interval (95 %), low"),
                    _("Confidence interval (95 %), high")], [28, 70, 12, 12, 12, 14, 16, 16])
    labels = {item["id"]: item for item in source.content["items"]}
    for item in source.content["index"]["items"]:
        label = labels[item["id"]]
        _row(sheet, [item_short_label(label, lang), item_label(label, lang), item["satisfied"],
                     item["valid"], item["no_opinion"], item["rate"], item["ci_low"], item["ci_high"]],
             {2: COUNT, 3: COUNT, 4: COUNT, 5: PERCENT, 6: PERCENT, 7: PERCENT})


def _units(book: Workbook, source: Source, lang: str) -> None:
    sheet = book.create_sheet(_("Units"))
    _header(sheet, [_("Code"), _("Parent code"), _("Unit"), _("Households that answered"),
                    _("Registered households"), _("Coverage"), _("Satisfied"), _("Valid answers"),
                    _("Satisfaction rate"), _("Verdict"), _("Communes meeting the threshold"),
                    _("Communes")], [10, 10, 34, 14, 14, 12, 12, 12, 14, 30, 16, 10])
    index = source.content["index"]
    for node, parent in [(index, ""), *walk(index, index["unit"]["code"])]:
        _row(sheet, [node["unit"]["code"], parent, unit_name(node["unit"], lang), node["respondents"],
                     node["households"], node["coverage"], node["satisfied"], node["valid"], node["rate"],
                     verdict_label(node["verdict"]), node["communes_meeting"], node["communes_total"]],
             {3: COUNT, 4: COUNT, 5: PERCENT, 6: COUNT, 7: COUNT, 8: PERCENT, 10: COUNT, 11: COUNT})


def xlsx_bytes(source: Source, lang: str = "vi") -> bytes:
    book = Workbook(write_only=True)
    with force_locale(lang):
        _summary(book, source, lang)
        _criteria(book, source, lang)
        _units(book, source, lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
