"""The report as a Word document (python-docx), in Vietnamese administrative layout: A4, Times New
Roman 13 pt, margins of a Front document (left 30 mm), the two-column head (committee and number;
nation, motto, place and date), the title, "Kính gửi", the sections of `document.py`, and the
signature block. What it says comes from `report_document`, the same as the PDF."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as DocxParagraph

from .blocks import Paragraph, ReportDocument, Signer, Table
from .document import report_document
from .source import Source

FONT = "Times New Roman"
SIZE = Pt(13)
TABLE_SIZE = Pt(11.5)
TEXT_WIDTH_MM = 210 - 30 - 15


def _line(target: _Cell | DocxDocument, text: str, bold: bool = False, italic: bool = False,
          underline: bool = False, size: Pt | None = None, centre: bool = True,
          first: bool = False) -> DocxParagraph:
    """A paragraph of one run; `first`: write into the cell's existing empty paragraph."""
    paragraph: DocxParagraph = (target.paragraphs[0] if first and isinstance(target, _Cell)
                                else target.add_paragraph())
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size is not None:
        run.font.size = size
    return paragraph


def _widths(table: DocxTable, widths: tuple[float, ...]) -> None:
    total = sum(widths)
    for column, share in enumerate(widths):
        width = Mm(TEXT_WIDTH_MM * share / total)
        for row in table.rows:
            row.cells[column].width = width


def _head(doc: DocxDocument, document: ReportDocument) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    for n, line in enumerate(document.issuer):
        _line(left, line, bold=n == len(document.issuer) - 1, size=Pt(12), first=n == 0)
    _line(left, document.number, size=Pt(12))
    _line(right, document.nation, bold=True, size=Pt(12), first=True)
    _line(right, document.motto, bold=True, underline=True)
    _line(right, document.place_date, italic=True).paragraph_format.space_before = Pt(6)
    _widths(table, (4.5, 5.5))


def _heading_rows(table: DocxTable, block: Table) -> int:
    """Write the heading row(s); with `groups`, a first row of groups over the headers, a group of
    one column merged down into the second. Returns how many rows they take."""
    if not block.groups:
        for cell, title in zip(table.rows[0].cells, block.headers, strict=True):
            _line(cell, title, bold=True, size=TABLE_SIZE, first=True)
        return 1
    top, below = table.rows[0].cells, table.add_row().cells  # type: ignore[no-untyped-call]
    column = 0
    for label, span in block.groups:
        if span == 1:
            merged = top[column].merge(below[column])
            _line(merged, label, bold=True, size=TABLE_SIZE, first=True)
        else:
            merged = top[column].merge(top[column + span - 1])
            _line(merged, label, bold=True, size=TABLE_SIZE, first=True)
            for n in range(column, column + span):
                _line(below[n], block.headers[n], bold=True, size=TABLE_SIZE, first=True)
        column += span
    return 2


def _table(doc: DocxDocument, block: Table) -> None:
    table = doc.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows[:_heading_rows(table, block)]:
        _repeat_heading(row)
    for values in block.rows:
        cells = table.add_row().cells
        for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
            paragraph = _line(cell, value, size=TABLE_SIZE, centre=False, first=True)
            if column in block.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if block.widths:
        _widths(table, block.widths)
    doc.add_paragraph()


def _repeat_heading(row: _Row) -> None:
    """The heading row is repeated at the top of every page the table runs on."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _paragraph(doc: DocxDocument, block: Paragraph) -> None:
    paragraph = doc.add_paragraph(style="List Bullet" if block.bullet else None)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    run = paragraph.add_run(block.text)
    run.bold = block.bold


def _signer(cell: _Cell, signer: Signer, first: bool) -> None:
    _line(cell, signer.title, bold=True, first=first)
    _line(cell, signer.role, bold=True)  # empty on one side: the two names stand on one line
    _line(cell, signer.note, italic=True, size=Pt(11))
    for _ in range(4):
        _line(cell, "")
    _line(cell, signer.person or "……………………………", bold=bool(signer.person))
    if signer.person_role:
        _line(cell, signer.person_role, italic=True, size=Pt(11))


def _page_number(paragraph: DocxParagraph) -> None:
    """The page number, centred at the foot of every page (Word's PAGE field)."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def docx_bytes(source: Source, lang: str = "vi") -> bytes:
    document = report_document(source, lang)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, SIZE
    normal.paragraph_format.space_after = Pt(4)
    mark = section.header.paragraphs[0]
    mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = mark.add_run(document.reference_mark)
    run.italic, run.font.size = True, Pt(9)
    _page_number(section.footer.paragraphs[0])

    _head(doc, document)
    _line(doc, document.title, bold=True, size=Pt(14)).paragraph_format.space_before = Pt(12)
    for line in document.subtitle:
        _line(doc, line, bold=True)
    if document.addressee:
        _line(doc, document.addressee).paragraph_format.space_before = Pt(8)
    if document.status:
        _line(doc, document.status, italic=True).paragraph_format.space_before = Pt(6)
    for part in document.sections:
        heading = doc.add_paragraph()
        heading.paragraph_format.space_before = Pt(10)
        heading.paragraph_format.keep_with_next = True
        run = heading.add_run(part.heading)
        run.bold, run.italic = True, part.subheading
        for block in part.blocks:
            if isinstance(block, Table):
                _table(doc, block)
            else:
                _paragraph(doc, block)
    if document.signers:
        signatures = doc.add_table(rows=1, cols=2)
        left, right = signatures.rows[0].cells
        _signer(left, document.signers[0], first=True)
        _signer(right, document.signers[1], first=True)
        _widths(signatures, (1, 1))
    recipients = doc.add_paragraph()
    recipients.paragraph_format.space_before = Pt(12)
    for n, line in enumerate(document.recipients):
        run = recipients.add_run(line + ("\n" if n < len(document.recipients) - 1 else ""))
        run.font.size = Pt(11)
        run.bold = run.italic = n == 0
    for line in document.footer:
        _line(doc, line, italic=True, size=Pt(9), centre=False)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
