"""Residents' comments and reasons as CSV (streamed, UTF-8 with a byte-order mark) or XLSX, with
the page's filters. Committees only (the scope is checked when the Scope is made). Every text
cell that a spreadsheet could take for a formula is neutralised as in the other exports
(services.exports.tables): a resident's words are never run."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook

from ...i18n import to_vietnam_time
from ..exports.tables import CSV_BATCH, csv_cell
from ..exports.xlsx import MOMENT, _cell, _header
from .listing import Filters, Row, Scope, all_remarks


def _headings() -> list[str]:
    return [_("Time (Vietnam)"), _("Commune code"), _("Commune"), _("Way of answering"),
            _("Question"), _("Kind"), _("Text")]


def _channel(channel: str) -> str:
    return str({"web": _("Web"), "sms": _("SMS"), "assisted": _("Assisted")}.get(channel, channel))


def _values(scope: Scope, row: Row, lang: str) -> list[object]:
    if row.item_id is None:
        question, kind = "", _("Other comments")
    else:
        item = scope.survey.item(row.item_id)
        words = item.text.get(lang) or item.text["vi"]
        question = _("Overall") if item.overall else words.split(":", 1)[0].strip()
        kind = _("Reason for not being satisfied")
    return [to_vietnam_time(row.created_at).replace(tzinfo=None), row.commune.code,
            row.commune.display_name(lang), _channel(row.channel), question, kind, row.text]


def csv_chunks(scope: Scope, filters: Filters, lang: str) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    with force_locale(lang):
        writer.writerow(_headings())
    yield buffer.getvalue().encode("utf-8")  # at once: the download starts before the rows are read
    buffer.seek(0)
    buffer.truncate()
    for number, row in enumerate(all_remarks(scope, filters), start=1):
        with force_locale(lang):
            values = _values(scope, row, lang)
        # Vietnam time, written as spreadsheet programs read a date-time
        values[0] = to_vietnam_time(row.created_at).strftime("%Y-%m-%d %H:%M")
        writer.writerow([csv_cell(value) for value in values])
        if number % CSV_BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def xlsx_bytes(scope: Scope, filters: Filters, lang: str) -> bytes:
    book = Workbook(write_only=True)
    with force_locale(lang):
        sheet = book.create_sheet(_("Comments and reasons"))
        _header(sheet, _headings(), [17, 12, 30, 12, 28, 22, 80])
        for row in all_remarks(scope, filters):
            values = _values(scope, row, lang)
            cells = [_cell(sheet, value) for value in values]
            cells[0].number_format = MOMENT
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
