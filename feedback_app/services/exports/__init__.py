"""Exports of a unit's results and of a report: CSV (streamed), XLSX and a printable HTML page.

Every format reads one `Source`: the report content object (services.reports.content) — built now
for current results, or the frozen snapshot of a submitted report — so the figures are those of
services.indices.index, never recomputed here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from functools import cached_property
from typing import Any

from flask import render_template
from flask_babel import force_locale, format_date

from ...domain.reports import Action, Actor
from ..campaigns.setup import get_campaign, get_unit
from ..reports.content import check_in_campaign, results_content
from ..reports.workflow import authorize, get_report
from .labels import item_label, percent, status_label, unit_name, verdict_label

FORMATS = ("csv", "xlsx", "html")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
CSV_COLUMNS = (
    "kind", "code", "parent_code", "name", "level", "respondents", "households", "coverage",
    "satisfied", "valid", "no_opinion", "rate", "ci_low", "ci_high", "verdict",
    "communes_meeting", "communes_total",
)
CSV_BATCH = 200  # rows per streamed chunk


class Source:
    """What an export shows: the content object and, for a report, its status and seal.

    The content may be given as a function: it is then built on first use, so that a streamed CSV
    sends its first bytes before the index of a large unit is computed (checks of who may see it
    are made before, when the source is created).
    """

    def __init__(self, content: dict[str, Any] | Callable[[], dict[str, Any]], filename: str,
                 status: str = "live", meta: dict[str, Any] | None = None) -> None:
        self._content = content
        self.filename = filename
        self.status = status
        self.meta = meta or {}  # content_hash, submitted_at, decided_by...

    @cached_property
    def content(self) -> dict[str, Any]:
        return self._content() if callable(self._content) else self._content


def results_source(actor: Actor | None, campaign_key: str, unit_code: str, depth: int = 1) -> Source:
    """A unit's results as of now, with `depth` levels of units below it."""
    campaign = get_campaign(campaign_key)
    unit = get_unit(campaign.unit.scheme, unit_code)
    if actor is not None:
        authorize(actor, campaign, unit, Action.VIEW)
    check_in_campaign(campaign, unit)
    return Source(lambda: results_content(campaign, unit, depth, public=False),
                  f"{campaign.key}-{unit.code}-results")


def report_source(actor: Actor | None, campaign_key: str, unit_code: str) -> Source:
    """A unit's report: its frozen snapshot, status and content hash."""
    report = get_report(actor, campaign_key, unit_code)
    filename = f"{report.campaign.key}-{report.unit.code}-report"
    return Source(json.loads(report.content), filename, report.status, {
        "content_hash": report.content_hash,
        "submitted_at": report.submitted_at,
        "decided_by": report.decided_by,
        "decided_at": report.decided_at,
        "return_reason": report.return_reason,
    })


def render(source: Source, fmt: str, lang: str = "vi", standalone: bool = False) -> Iterator[bytes]:
    """The export as chunks of bytes (CSV is produced row batch by row batch). A standalone HTML
    page carries its stylesheet inside (a file opened without the server)."""
    if fmt == "csv":
        return csv_chunks(source, lang)
    if fmt == "xlsx":
        from .xlsx import xlsx_bytes
        return iter([xlsx_bytes(source, lang)])
    if fmt == "html":
        return iter([print_page(source, lang, standalone).encode("utf-8")])
    raise ValueError(f"unknown export format {fmt!r}")


def _walk(node: dict[str, Any], parent: str) -> Iterator[tuple[dict[str, Any], str]]:
    for child in node.get("children") or ():
        yield child, parent
        yield from _walk(child, child["unit"]["code"])


def _unit_row(kind: str, node: dict[str, Any], parent: str, lang: str) -> list[Any]:
    unit = node["unit"]
    return [kind, unit["code"], parent, unit_name(unit, lang), unit["level"], node["respondents"],
            node["households"], node["coverage"], node["satisfied"], node["valid"], node["no_opinion"],
            node["rate"], node["ci_low"], node["ci_high"], node["verdict"], node["communes_meeting"],
            node["communes_total"]]


def csv_rows(source: Source, lang: str = "vi") -> Iterator[list[Any]]:
    """The header, the unit, then each question of the unit, then every unit below it (depth first)."""
    yield list(CSV_COLUMNS)
    index = source.content["index"]
    labels = {item["id"]: item for item in source.content["items"]}
    code = index["unit"]["code"]
    yield _unit_row("unit", index, "", lang)
    for item in index["items"]:
        yield ["criterion", item["id"], code, item_label(labels[item["id"]], lang), "", "", "", "",
               item["satisfied"], item["valid"], item["no_opinion"], item["rate"], item["ci_low"],
               item["ci_high"], "", "", ""]
    for node, parent in _walk(index, code):
        yield _unit_row("child", node, parent, lang)


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


def long_date(iso: str | date | None) -> str:
    if iso is None:
        return "–"
    day = iso if isinstance(iso, date) else date.fromisoformat(str(iso)[:10])
    return format_date(day, "long")


def print_page(source: Source, lang: str = "vi", standalone: bool = False) -> str:
    """The printable report (A4, print stylesheet) laid out like a Front report."""
    content = source.content
    labels = {item["id"]: item for item in content["items"]}
    with force_locale(lang):
        return render_template(
            "reports/print.html", content=content, index=content["index"], source=source, lang=lang,
            standalone=standalone,
            labels=labels, child_status={c["unit"]: c["status"] for c in content.get("children_reports", [])},
            percent=percent, verdict_label=verdict_label, status_label=status_label,
            unit_name=unit_name, item_label=item_label, long_date=long_date,
        )
