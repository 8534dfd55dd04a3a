"""The report as the document a Front office files, in Vietnamese administrative layout: one
`ReportDocument` built from an export `Source` (the report's frozen snapshot, or a unit's results
as of now), which docx.py writes with python-docx and pdf.py lays out as HTML for WeasyPrint, so
the Word file and the PDF say the same thing in the same order.

The layout follows the Front's reports: the issuing committee and its number ("Số: …/BC-MTTQ") on
the left, the national name and motto on the right, place and date, the title, "Kính gửi", then
I. how the survey was organised, II. its results (a table per item, the overall question, the
highest and lowest items, the results by unit below), III. the verdict and the rules that decided
it, IV. remarks and recommendations, and the signatures of the preparer and the approver. It is
marked "mẫu tham khảo" (a reference layout) until the Front publishes its own template.

Not in it yet: a table per village and the reasons for dissatisfaction (the product records
neither yet), plausibility flags and the verification outcome (not built yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from ...clock import local_today
from ...i18n import fmt_date, fmt_datetime, fmt_number, fmt_percent, to_vietnam_time
from ..indices.wording import item_numbers, reason_lines, rule_lines, rules_of
from .labels import item_label, role_label, status_label, unit_name, verdict_label
from .source import METHODS, Signatory, Source

# Level words a place name starts with ("Xã Bình Lư" is written "Bình Lư, ngày …" at the head).
_PLACE_PREFIXES = ("Thành phố ", "Thị trấn ", "Thị xã ", "Phường ", "Huyện ", "Quận ", "Tỉnh ", "Xã ")
_PLACE_SUFFIXES = (" Commune", " Ward", " Township", " District", " Town", " City", " Province")


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()  # columns aligned right (figures)
    widths: tuple[float, ...] = ()  # relative column widths
    id: str = ""


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


def _place(unit: dict[str, Any], lang: str) -> str:
    name = unit_name(unit, lang)
    for prefix in _PLACE_PREFIXES if lang == "vi" else ():
        if name.startswith(prefix):
            return name[len(prefix):]
    for suffix in _PLACE_SUFFIXES if lang != "vi" else ():
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _day_of(source: Source) -> date:
    prepared = source.content.get("prepared_at") if source.status != "live" else None
    return to_vietnam_time(prepared).date() if prepared else local_today()


def _signer(title: str, role: str, note: str, who: Signatory | None) -> Signer:
    return Signer(title, role, note, who.person if who else "", role_label(who.role) if who else "")


def _organisation(source: Source, lang: str) -> Section:
    content, index = source.content, source.content["index"]
    campaign = content["campaign"]
    blocks: list[Block] = [Paragraph(_("Period: from %(opens)s to %(closes)s.",
                                       opens=fmt_date(campaign["opens_on"]),
                                       closes=fmt_date(campaign["closes_on"])))]
    methods = [str(METHODS[key]) for key in source.meta.get("method_keys") or ()]
    if methods:
        blocks.append(Paragraph(_("Ways of answering: %(methods)s.", methods="; ".join(methods))))
    coverage_label = _("Households surveyed (coverage, minimum %(minimum)s)",
                       minimum=fmt_percent(campaign["min_coverage"], decimals=0))
    blocks.append(Table(
        [_("Figure"), _("Number")],
        [[_("Registered households"), fmt_number(index["households"])],
         [_("Households that answered (forms returned)"), fmt_number(index["respondents"])],
         [coverage_label, fmt_percent(index["coverage"])],
         [_("Valid answers to the overall question"), fmt_number(index["valid"])]]
        + ([[_("Communes meeting the threshold"),
             f"{fmt_number(index['communes_meeting'])} / {fmt_number(index['communes_total'])}"]]
           if index["communes_total"] > 1 else []),
        numeric=frozenset({1}), widths=(7, 3), id="organisation"))
    left = content.get("communes_left_out") or []
    if left:  # the province left these out (services.campaigns.scope): said, with the reasons
        blocks.append(Paragraph(_("Communes left out of the survey (not counted in any figure):"), bold=True))
        blocks.extend(Paragraph(f"{c['name'] if lang == 'vi' else c['name_en']} ({c['code']}): {c['reason']}",
                                bullet=True) for c in left)
    return Section(_("I. HOW THE SURVEY WAS ORGANISED"), blocks)


def _share(part: int | None, whole: int | None) -> str:
    return fmt_percent(part / whole) if part is not None and whole else "–"


def _results(source: Source, lang: str) -> list[Section]:
    content, index = source.content, source.content["index"]
    labels = {item["id"]: item for item in content["items"]}
    rows, rated = [], []
    overall = None
    number = 0
    for item in index["items"]:
        label = labels[item["id"]]
        if label.get("overall"):
            overall = item
            continue
        number += 1
        valid, satisfied = item["valid"], item["satisfied"]
        unsatisfied = valid - satisfied if valid is not None and satisfied is not None else None
        rows.append([str(number), item_label(label, lang), fmt_number(satisfied), _share(satisfied, valid),
                     fmt_number(unsatisfied), _share(unsatisfied, valid)])
        if item["rate"] is not None:
            rated.append((item["rate"], item_label(label, lang)))
    blocks: list[Block] = [Table(
        [_("No."), _("Item"), _("Satisfied (number)"), _("Satisfied (%)"), _("Not satisfied (number)"),
         _("Not satisfied (%)")],
        rows, numeric=frozenset({0, 2, 3, 4, 5}), widths=(0.6, 5.4, 1.2, 1.2, 1.3, 1.3), id="items")]
    if overall is not None:
        blocks.append(Paragraph(_(
            "Overall question: %(satisfied)s of %(valid)s valid answers satisfied, that is %(rate)s "
            "(95 %% confidence interval %(low)s – %(high)s).",
            satisfied=fmt_number(overall["satisfied"]), valid=fmt_number(overall["valid"]),
            rate=fmt_percent(overall["rate"]), low=fmt_percent(overall["ci_low"]),
            high=fmt_percent(overall["ci_high"])), bold=True))
    if rated:
        high, low = max(rated), min(rated)
        blocks.append(Paragraph(_("Highest: %(item)s (%(rate)s).", item=high[1], rate=fmt_percent(high[0])),
                                bullet=True))
        blocks.append(Paragraph(_("Lowest: %(item)s (%(rate)s).", item=low[1], rate=fmt_percent(low[0])),
                                bullet=True))
    sections = [Section(_("II. RESULTS"), blocks)]
    children = index.get("children") or []
    if children:
        status = {c["unit"]: c["status"] for c in content.get("children_reports", [])}
        sections.append(Section(_("Results by unit"), [Table(
            [_("No."), _("Unit"), _("Answered / households"), _("Coverage"), _("Rate"), _("Verdict"),
             *([_("Report")] if status else [])],
            [[str(n), unit_name(child["unit"], lang),
              f"{fmt_number(child['respondents'])} / {fmt_number(child['households'])}",
              fmt_percent(child["coverage"]), fmt_percent(child["rate"]), verdict_label(child["verdict"]),
              *([status_label(status.get(child["unit"]["code"], "none"))] if status else [])]
             for n, child in enumerate(children, start=1)],
            numeric=frozenset({0, 2, 3, 4}), widths=(0.6, 3.4, 1.8, 1.3, 1.3, 2.2, 1.8)[:7 if status else 6],
            id="children")], subheading=True))
    return sections


def _verdict(source: Source) -> Section:
    content, index = source.content, source.content["index"]
    lines = reason_lines(index.get("verdict_reasons", []), index["verdict"], item_numbers(content["items"]))
    rules = rule_lines(rules_of(index))
    return Section(_("III. VERDICT"), [
        Paragraph(verdict_label(index["verdict"]), bold=True),
        *(Paragraph(line, bullet=True) for line in lines),
        Table([_("Rule of the campaign"), _("Setting")], [[label, setting] for label, setting in rules],
              widths=(6, 4), id="rules"),
    ])


def report_document(source: Source, lang: str = "vi") -> ReportDocument:
    """The document of a report (or of a unit's results as of now) in `lang`."""
    with force_locale(lang):
        content = source.content
        unit, campaign = content["unit"], content["campaign"]
        addressee = source.meta.get("addressee")
        parent = unit_name(addressee, lang) if addressee else ""
        preparer, approver = source.preparer, source.approver
        document = ReportDocument(
            lang=lang,
            reference_mark=_("REFERENCE LAYOUT (mẫu tham khảo) until the Front publishes its template"),
            issuer=[*([_("Vietnam Fatherland Front Committee of %(unit)s", unit=parent).upper()]
                      if parent else []),
                    _("Standing Committee of the Fatherland Front of %(unit)s",
                      unit=unit_name(unit, lang)).upper()],
            number=_("No.: …/BC-MTTQ"),
            nation=_("Socialist Republic of Vietnam").upper(),
            motto=_("Independence – Freedom – Happiness"),
            place_date=_("%(place)s, %(date)s", place=_place(unit, lang), date=fmt_date(_day_of(source))),
            title=_("Report").upper(),
            subtitle=[_("Results of the survey of residents' satisfaction with new rural construction"),
                      campaign.get("campaign_title") or campaign["key"]],
            addressee=_("To: the Standing Committee of the Fatherland Front of %(unit)s", unit=parent)
            if parent else "",
            status="" if source.status == "accepted" else
            _("Status: %(status)s. This document is signed once the report is accepted.",
              status=status_label(source.status)),
            filename=source.filename,
        )
        document.sections = [_organisation(source, lang), *_results(source, lang), _verdict(source),
                             Section(_("IV. REMARKS AND RECOMMENDATIONS"),
                                     [Paragraph(content.get("remarks") or _("None."))])]
        as_above, filed = _("As above"), _("Filed")
        document.recipients = [_("Recipients:"), *(["- " + as_above + ";"] if parent else []),
                               "- " + filed + "."]
        document.signers = (
            _signer(_("Prepared by").upper(), "", _("(signature and full name)"), preparer),
            _signer(_("On behalf of the Standing Committee").upper(), _("Approved by"),
                    _("(signature and seal)"), approver),
        )
        if source.status != "live":
            document.footer.append(_("Prepared by %(who)s at %(when)s (Vietnam time), revision %(revision)s.",
                                     who=preparer.person if preparer else "–",
                                     when=fmt_datetime(content.get("prepared_at")),
                                     revision=content.get("revision", 1)))
            seal = _("Content hash (SHA-256)")
            document.footer.append(f"{seal}: {source.meta.get('content_hash', '')}")
        else:
            document.footer.append(_("Current results (not a submitted report)"))
    return document
