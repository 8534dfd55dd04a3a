"""The report as a PDF (WeasyPrint): the document of `document.py` laid out by
templates/reports/document.html, with its stylesheet inside (no request, no network: WeasyPrint
fetches nothing). The font is DejaVu Serif, which carries every Vietnamese letter (see
static/css/report-document.css)."""

from __future__ import annotations

from flask import render_template

from .document import report_document
from .source import Source


def document_html(source: Source, lang: str = "vi") -> str:
    return render_template("reports/document.html", doc=report_document(source, lang))


def pdf_bytes(source: Source, lang: str = "vi") -> bytes:
    from weasyprint import HTML  # loads Pango: imported when a PDF is asked for, not at start-up

    pdf: bytes = HTML(string=document_html(source, lang)).write_pdf()
    return pdf
