"""What a filed report is made of (services.exports.document builds it; docx.py and pdf.py write
it): sections of paragraphs and tables, the signers, and the document's head and foot."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns aligned right (figures)
    widths: tuple[float, ...] = ()  # relative column widths
    id: str = ""
    # A heading row above `headers`: (label, columns spanned); a label over one column stands in
    # both heading rows (its entry in `headers` is not shown).
    groups: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Paragraph:
    text: str
    bullet: bool = False
    bold: bool = False


Block = Paragraph | Table


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: list[Block]
    subheading: bool = False


@dataclass(frozen=True)
class Signer:
    title: str  # "NGƯỜI LẬP", "TM. BAN THƯỜNG TRỰC"
    role: str  # "Người duyệt" under the title, or ""
    note: str  # "(Ký, ghi rõ họ tên)"
    person: str  # "Nguyễn Văn An (mttq-03390)", or "" (a line to fill in by hand)
    person_role: str  # "Cán bộ", or ""


@dataclass
class ReportDocument:
    lang: str
    reference_mark: str
    issuer: list[str]  # upper case, the first ones the parent committee
    number: str
    nation: str
    motto: str
    place_date: str
    title: str
    subtitle: list[str]
    addressee: str
    status: str  # for a report not accepted: its status (a draft is no signed document); "" else
    sections: list[Section] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signers: tuple[Signer, Signer] | None = None
    footer: list[str] = field(default_factory=list)  # who prepared it, when, and the content hash
    filename: str = ""
