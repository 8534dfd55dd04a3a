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

Section I counts the forms (household codes) issued, returned and missing from the report's
frozen `fieldwork` (services.reports.fieldwork); II has the reasons for dissatisfaction grouped
per item (reasons.py) and, for a commune, a row per village; an accepted report ends with V., the
verification by the committee above (verification.py: who accepted it, the plausibility flags
acknowledged and the re-contact sample's outcomes). The blocks it is made of are in blocks.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from ...clock import local_today
from ...i18n import fmt_date, fmt_datetime, fmt_number, fmt_percent, to_vietnam_time
from ..indices.wording import item_numbers, reason_lines, rule_lines, rules_of
from .blocks import Block, Paragraph, ReportDocument, Section, Signer, Table
from .labels import item_label, role_label, status_label, unit_name, verdict_label
from .reasons import reasons_by_item, reasons_cell
from .source import METHODS, Signatory, Source
from .verification import verification_section

# Level words a place name starts with ("Xã Bình Lư" is written "Bình Lư, ngày …" at the head).
_PLACE_PREFIXES = ("Thành phố ", "Thị trấn ", "Thị xã ", "Phường ", "Huyện ", "Quận ", "Tỉnh ", "Xã ")
_PLACE_SUFFIXES = (" Commune", " Ward", " Township", " District", " Town", " City", " Province")


def _place(unit: dict[str, Any], lang: str) -> str:
    name = unit_name(unit, lang)
    for prefix in _PLACE_PREFIXES if lang == "vi" else ():
        if name.startswith(prefix):
            return name[len(prefix):]
    for suffix in _PLACE_SUFFIXES if lang != "vi" else ():
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _committee(unit: dict[str, Any], lang: str) -> str:
    """The Front committee of a unit: "Ủy ban MTTQ Việt Nam Tỉnh Lai Châu", or the central one."""
    if unit.get("level") == "country":
        return str(_("Central Committee of the Vietnam Fatherland Front"))
    return str(_("Vietnam Fatherland Front Committee of %(unit)s", unit=unit_name(unit, lang)))


def _day_of(source: Source) -> date:
    prepared = source.content.get("prepared_at") if source.status != "live" else None
    return to_vietnam_time(prepared).date() if prepared else local_today()


def _signer(title: str, role: str, note: str, who: Signatory | None) -> Signer:
    return Signer(title, role, note, who.person if who else "", role_label(who.role) if who else "")


def _forms(fieldwork: dict[str, Any], households: int | None, respondents: int) -> list[list[str]]:
    """Rows of the forms (household codes) issued, returned and missing, and answers without one."""
    codes = fieldwork["codes"]
    rows = []
    if codes["issued"]:
        rows += [[_("Forms issued (household codes)"), fmt_number(codes["issued"]),
                  _share(codes["issued"], households)],
                 [_("Forms returned (codes used)"), fmt_number(codes["used"]),
                  _share(codes["used"], codes["issued"])],
                 [_("Forms not returned (codes unused)"), fmt_number(codes["unused"]),
                  _share(codes["unused"], codes["issued"])]]
    if fieldwork.get("without_code"):
        rows.append([_("Answers without a form (open link)"), fmt_number(fieldwork["without_code"]),
                     _share(fieldwork["without_code"], respondents)])
    return rows


def _organisation(source: Source, lang: str) -> Section:
    content, index = source.content, source.content["index"]
    campaign = content["campaign"]
    fieldwork = content.get("fieldwork")  # not in reports frozen before it existed
    blocks: list[Block] = [Paragraph(_("Period: from %(opens)s to %(closes)s.",
                                       opens=fmt_date(campaign["opens_on"]),
                                       closes=fmt_date(campaign["closes_on"])))]
    methods = [str(METHODS[key]) for key in source.meta.get("method_keys") or ()]
    if methods:
        blocks.append(Paragraph(_("Ways of answering: %(methods)s.", methods="; ".join(methods))))
    villages = (fieldwork or {}).get("villages") or []
    if villages:
        blocks.append(Paragraph(ngettext(
            "The village Front committees of %(n)s village handed out the forms: %(names)s.",
            "The village Front committees of %(n)s villages handed out the forms: %(names)s.",
            len(villages), n=fmt_number(len(villages)),
            names=", ".join(unit_name(v, lang) for v in villages))))
    elif index["communes_total"] > 1:
        blocks.append(Paragraph(ngettext("Communes surveyed: %(n)s.", "Communes surveyed: %(n)s.",
                                         index["communes_total"], n=fmt_number(index["communes_total"]))))
    households, respondents = index["households"], index["respondents"]
    coverage_label = _("Households surveyed (coverage, minimum %(minimum)s)",
                       minimum=fmt_percent(campaign["min_coverage"], decimals=0))
    rows = [[_("Registered households"), fmt_number(households), ""],
            *(_forms(fieldwork, households, respondents) if fieldwork else []),
            [coverage_label, fmt_number(respondents), fmt_percent(index["coverage"])],
            [_("Valid forms (overall question answered)"), fmt_number(index["valid"]),
             _share(index["valid"], respondents)]]
    if index["communes_total"] > 1:
        rows.append([_("Communes meeting the threshold"),
                     f"{fmt_number(index['communes_meeting'])} / {fmt_number(index['communes_total'])}",
                     _share(index["communes_meeting"], index["communes_total"])])
    blocks.append(Table([_("Figure"), _("Number"), _("Per cent")], rows, numeric=frozenset({1, 2}),
                        widths=(6.4, 1.8, 1.8), id="organisation"))
    left = content.get("communes_left_out") or []
    if left:  # the province left these out (services.campaigns.scope): said, with the reasons
        blocks.append(Paragraph(_("Communes left out of the survey (not counted in any figure):"), bold=True))
        blocks.extend(Paragraph(f"{c['name'] if lang == 'vi' else c['name_en']} ({c['code']}): {c['reason']}",
                                bullet=True) for c in left)
    return Section(_("I. HOW THE SURVEY WAS ORGANISED"), blocks)


def _share(part: int | None, whole: int | None) -> str:
    return fmt_percent(part / whole) if part is not None and whole else "–"


def _items_table(source: Source, lang: str) -> tuple[Table, dict[str, Any] | None, list[tuple[float, str]]]:
    """The table STT | Nội dung | Hài lòng (số, %) | Không hài lòng (số, %) | Lý do, the overall
    question's figures (not a row: a sentence of its own) and the items' rates."""
    content, index = source.content, source.content["index"]
    labels = {item["id"]: item for item in content["items"]}
    reasons = reasons_by_item(content.get("resident_reasons") or [])
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
                     fmt_number(unsatisfied), _share(unsatisfied, valid),
                     reasons_cell(reasons.get(item["id"]))])
        if item["rate"] is not None:
            rated.append((item["rate"], item_label(label, lang)))
    table = Table(
        [_("No."), _("Item"), _("Forms"), _("Per cent"), _("Forms"), _("Per cent"), _("Reasons")],
        rows, numeric=frozenset({0, 2, 3, 4, 5}), widths=(0.85, 4.3, 1.1, 1.35, 1.1, 1.35, 2.95), id="items",
        groups=((_("No."), 1), (_("Item"), 1), (_("Satisfied"), 2), (_("Not satisfied"), 2),
                (_("Reasons"), 1)))
    return table, overall, rated


def _villages(source: Source, lang: str) -> Section | None:
    """A commune's villages, one row each: households, forms issued and returned, coverage, rate,
    verdict (frozen with the report)."""
    villages = (source.content.get("fieldwork") or {}).get("villages") or []
    if not villages:
        return None
    return Section(_("Results by village"), [Table(
        [_("No."), _("Village"), _("Households"), _("Handed out"), _("Collected"), _("Coverage"),
         _("Satisfied"), _("Per cent"), _("Verdict")],
        [[str(n), unit_name(v, lang), fmt_number(v["households"]), fmt_number(v["issued"]),
          fmt_number(v["respondents"]), fmt_percent(v["coverage"]),
          f"{fmt_number(v['satisfied'])} / {fmt_number(v['valid'])}", fmt_percent(v["rate"]),
          verdict_label(v["verdict"])]
         for n, v in enumerate(villages, start=1)],
        numeric=frozenset({0, 2, 3, 4, 5, 6, 7}), widths=(0.85, 2.1, 1.3, 1.15, 1.2, 1.35, 1.25, 1.35, 1.9),
        id="villages",
        groups=((_("No."), 1), (_("Village"), 1), (_("Registered households"), 1), (_("Forms"), 2),
                (_("Coverage"), 1), (_("Overall question"), 2), (_("Verdict"), 1)))], subheading=True)


def _results(source: Source, lang: str) -> list[Section]:
    content, index = source.content, source.content["index"]
    table, overall, rated = _items_table(source, lang)
    blocks: list[Block] = [table]
    if overall is not None:
        blocks.append(Paragraph(_(
            "Overall question: %(satisfied)s of %(valid)s valid answers satisfied, that is %(rate)s "
            "(95 %% confidence interval %(low)s – %(high)s).",
            satisfied=fmt_number(overall["satisfied"]), valid=fmt_number(overall["valid"]),
            rate=fmt_percent(overall["rate"]), low=fmt_percent(overall["ci_low"]),
            high=fmt_percent(overall["ci_high"])), bold=True))
        why = reasons_cell(reasons_by_item(content.get("resident_reasons") or []).get(overall["id"]))
        if why:
            blocks.append(Paragraph(_("Reasons for not being satisfied overall: %(reasons)s", reasons=why)))
    if rated:
        high, low = max(rated), min(rated)
        blocks.append(Paragraph(_("Highest: %(item)s (%(rate)s).", item=high[1], rate=fmt_percent(high[0])),
                                bullet=True))
        blocks.append(Paragraph(_("Lowest: %(item)s (%(rate)s).", item=low[1], rate=fmt_percent(low[0])),
                                bullet=True))
    sections = [Section(_("II. RESULTS"), blocks)]
    villages = _villages(source, lang)
    if villages is not None:
        sections.append(villages)
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
            numeric=frozenset({0, 2, 3, 4}), widths=(0.75, 3.3, 1.8, 1.3, 1.3, 2.2, 1.8)[:7 if status else 6],
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
            issuer=[*([_committee(addressee, lang).upper()] if addressee else []),
                    _("Standing Committee of the Fatherland Front of %(unit)s",
                      unit=unit_name(unit, lang)).upper()],
            number=_("No.: …/BC-MTTQ"),
            nation=_("Socialist Republic of Vietnam").upper(),
            motto=_("Independence – Freedom – Happiness"),
            place_date=_("%(place)s, %(date)s", place=_place(unit, lang), date=fmt_date(_day_of(source))),
            title=_("Report").upper(),
            subtitle=[_("Results of the survey of residents' satisfaction with new rural construction"),
                      campaign.get("campaign_title") or campaign["key"]],
            addressee=("" if not addressee else
                       _("To: the Central Committee of the Vietnam Fatherland Front")
                       if addressee.get("level") == "country" else
                       _("To: the Standing Committee of the Fatherland Front of %(unit)s", unit=parent)),
            status="" if source.status == "accepted" else
            _("Status: %(status)s. This document is signed once the report is accepted.",
              status=status_label(source.status)),
            filename=source.filename,
        )
        verification = verification_section(
            source, _committee(source.meta["addressee"], lang) if source.meta.get("addressee") else "–")
        document.sections = [_organisation(source, lang), *_results(source, lang), _verdict(source),
                             Section(_("IV. REMARKS AND RECOMMENDATIONS"),
                                     [Paragraph(content.get("remarks") or _("None."))]),
                             *([verification] if verification else [])]
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
