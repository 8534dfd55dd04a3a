"""Exports of a unit's results and of a report: CSV (streamed, tables.py), XLSX (xlsx.py), a
printable HTML page (printed.py), and the report as a filed document (document.py) in Word
(docx.py) and PDF (pdf.py), all read from one `Source` (source.py). With Redis, jobs.py has the
worker build them; labels.py words them.
"""

from __future__ import annotations

from collections.abc import Iterator

from .docx import docx_bytes
from .pdf import pdf_bytes
from .printed import print_page
from .source import Source, report_source, results_source
from .tables import csv_chunks
from .xlsx import xlsx_bytes

__all__ = ["FORMATS", "MEDIA_TYPES", "Source", "render", "report_source", "results_source"]

FORMATS = ("csv", "xlsx", "html", "docx", "pdf")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

def render(source: Source, fmt: str, lang: str = "vi", standalone: bool = False) -> Iterator[bytes]:
    """The export as chunks of bytes (CSV is produced row batch by row batch). A standalone HTML
    page carries its stylesheet inside (a file opened without the server)."""
    if fmt == "csv":
        return csv_chunks(source, lang)
    if fmt == "xlsx":
        return iter([xlsx_bytes(source, lang)])
    if fmt == "docx":
        return iter([docx_bytes(source, lang)])
    if fmt == "pdf":
        return iter([pdf_bytes(source, lang)])
    if fmt == "html":
        return iter([print_page(source, lang, standalone).encode("utf-8")])
    raise ValueError(f"unknown export format {fmt!r}")
