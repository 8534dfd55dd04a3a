"""Every response of a unit and of everything below it, one row each, as CSV or XLSX: what ODK
Central and Kobo give as "one row per submission", for committees who analyse the answers
themselves. Committees only, in the account's scope (the Scope of services.remarks.listing,
checked when it is made); never public.

A row says where and how a household answered, never who: village, commune, channel, the day
(Vietnam time), every answer by its question's name, the reasons and the closing comment. No
household code, phone hash, device, time of day or anything else that would single a household
out is written. Text a spreadsheet could take for a formula is neutralised as in the other
exports (services.exports.tables).

Memory stays flat whatever the number of responses: rows are read commune by commune in keyset
batches of BATCH responses (Core rows, no ORM objects), with their answers in one query per
batch; the place names are read once. CSV is streamed batch by batch, so the download starts at
once; XLSX goes through openpyxl's write-only mode into a temporary file, then is sent from it in
chunks (bench/response_export.py measures both at 20,000 and 200,000 responses)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from ...clock import VIETNAM
from ...extensions import db
from ...models import Answer, Unit
from ...models import Response as ResponseRow
from ..remarks.listing import Scope
from .tables import csv_cell, looks_like_formula

BATCH = 1000  # responses read per query
CHUNK = 64 * 1024  # bytes per piece of a file sent from disk
CHANNELS = {"web": "Web", "sms": "SMS", "assisted": "Assisted"}


@dataclass(frozen=True)
class Column:
    """One column: its heading, and where its value comes from (`item`: an answer or, with
    `reason`, the reason under it)."""

    heading: str
    item: str | None = None
    reason: bool = False


def _columns(scope: Scope, lang: str) -> list[Column]:
    columns = [Column(_("Day (Vietnam)")), Column(_("Commune code")), Column(_("Commune")),
               Column(_("Village code")), Column(_("Village")), Column(_("Way of answering"))]
    for item in scope.survey.items:
        words = item.text.get(lang) or item.text["vi"]
        name = _("Overall") if item.overall else words.split(":", 1)[0].strip()
        columns.append(Column(f"{item.id} – {name}", item.id))
        if item.reason:
            columns.append(Column(_("%(question)s: reason", question=item.id), item.id, True))
    columns.append(Column(_("Other comments")))
    return columns


def _channel(channel: str) -> str:
    words = {"web": _("Web"), "sms": _("SMS"), "assisted": _("Assisted")}
    return str(words.get(channel, channel))


class ResponseExport:
    """The rows of a scope's responses, in the reader's language (read when iterated)."""

    def __init__(self, scope: Scope, lang: str) -> None:
        # Plain values only: a streamed download reads its rows after the view has returned and
        # the request's session has committed (its ORM objects expired), so nothing here may
        # need the session to load an attribute.
        self.lang = lang
        self.campaign_id = scope.campaign.id
        self.communes = [(c.id, c.code, c.display_name(lang)) for c in scope.communes]
        self.filename = f"{scope.campaign.key}-{scope.unit.code}-responses"
        with force_locale(lang):
            self.columns = _columns(scope, lang)
            self.headings = [column.heading for column in self.columns]
            self._channels = {key: _channel(key) for key in CHANNELS}
            options = {option.value: option.label.get(lang) or option.label["vi"]
                       for option in scope.survey.options}
        self._options = options
        self._answer_columns = [(c.item, c.reason) for c in self.columns if c.item]

    def _villages(self) -> dict[int, tuple[str, str]]:
        """The code and name of every village of the scope's communes (one query)."""
        name = Unit.full_name if self.lang == "vi" else Unit.full_name_en
        query = select(Unit.id, Unit.code, name).where(
            Unit.parent_id.in_([commune_id for commune_id, _, _ in self.communes]),
            Unit.level == "village")
        return {row[0]: (row[1], row[2]) for row in db.session.execute(query)}

    def rows(self) -> Iterator[list[Any]]:
        """One list of values per response, commune by commune (in name order), then in the order
        they arrived. The day is a date; answers are their options' labels."""
        villages = self._villages()
        campaign_id = self.campaign_id
        for commune_id, commune_code, commune_name in self.communes:
            after = 0
            while True:
                batch = db.session.execute(
                    select(ResponseRow.id, ResponseRow.village_id, ResponseRow.channel,
                           ResponseRow.created_at, ResponseRow.comment)
                    .where(ResponseRow.campaign_id == campaign_id,
                           ResponseRow.commune_id == commune_id, ResponseRow.id > after)
                    .order_by(ResponseRow.id).limit(BATCH)).all()
                if not batch:
                    break
                after = batch[-1][0]
                answers: dict[int, dict[str, tuple[int, str | None]]] = {}
                for response_id, item_id, value, reason in db.session.execute(
                        select(Answer.response_id, Answer.item_id, Answer.value, Answer.reason)
                        .where(Answer.response_id.in_([row[0] for row in batch]))):
                    answers.setdefault(response_id, {})[item_id] = (value, reason)
                for response_id, village_id, channel, created_at, comment in batch:
                    village = villages.get(village_id) if village_id is not None else None
                    given = answers.get(response_id, {})
                    values: list[Any] = [
                        _vietnam_day(created_at), commune_code, commune_name,
                        village[0] if village else None, village[1] if village else None,
                        self._channels.get(channel, channel)]
                    for item_id, is_reason in self._answer_columns:
                        answer = given.get(item_id)
                        if answer is None:
                            values.append(None)
                        elif is_reason:
                            values.append(answer[1])
                        else:
                            values.append(self._options.get(answer[0], answer[0]))
                    values.append(comment or None)
                    yield values
                if len(batch) < BATCH:
                    break


def _vietnam_day(moment: datetime) -> date:
    """The Vietnam day of a stored instant (UTC, without a zone)."""
    return moment.replace(tzinfo=UTC).astimezone(VIETNAM).date()


def csv_chunks(export: ResponseExport) -> Iterator[bytes]:
    """The CSV (UTF-8 with a byte-order mark), the header row at once, then a chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(export.headings)
    yield buffer.getvalue().encode("utf-8")  # the download starts before any row is read
    buffer.seek(0)
    buffer.truncate()
    for number, values in enumerate(export.rows(), start=1):
        values[0] = values[0].isoformat()
        writer.writerow([csv_cell(value) for value in values])
        if number % BATCH == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def xlsx_chunks(export: ResponseExport) -> Iterator[bytes]:
    """The workbook, written row by row (openpyxl write-only) into a temporary file that is then
    read out in chunks: the rows are never all in memory, nor the file."""
    book = Workbook(write_only=True)
    with force_locale(export.lang):
        sheet = book.create_sheet(_("Responses"))
    sheet.freeze_panes = "A2"
    widths = [12, 10, 28, 10, 24, 12] + [14] * (len(export.columns) - 7) + [40]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    bold = Font(bold=True)
    header = []
    for heading in export.headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in export.rows():
        first = WriteOnlyCell(sheet, value=values[0])
        first.number_format = "dd/mm/yyyy"
        row: list[Any] = [first]
        for value in values[1:]:
            if looks_like_formula(value):  # typed as text and quote-prefixed: never run
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cell.quotePrefix = True
                row.append(cell)
            else:  # plain values are written as they are (a cell object each would be slower)
                row.append(value)
        sheet.append(row)
    with tempfile.TemporaryFile() as file:
        book.save(file)
        file.seek(0)
        while piece := file.read(CHUNK):
            yield piece


RESPONSE_FORMATS = ("csv", "xlsx")


def response_chunks(export: ResponseExport, fmt: str) -> Iterator[bytes]:
    if fmt == "csv":
        return csv_chunks(export)
    if fmt == "xlsx":
        return xlsx_chunks(export)
    raise ValueError(f"the responses are exported as csv or xlsx, not {fmt!r}")
