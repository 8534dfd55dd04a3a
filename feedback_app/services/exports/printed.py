"""The printable report: an HTML page (A4, print stylesheet) laid out like a Front report."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import force_locale

from ...i18n import fmt_date
from ..indices.wording import item_numbers, reason_lines, rule_lines, rules_of
from .labels import item_label, percent, role_label, status_label, unit_name, verdict_label
from .source import Source


def long_date(iso: str | date | None) -> str:
    """"ngày 2 tháng 3 năm 2027" / "March 2, 2027" in the current (forced) language."""
    return fmt_date(iso)


def print_page(source: Source, lang: str = "vi", standalone: bool = False) -> str:
    """The printable report (A4, print stylesheet) laid out like a Front report."""
    content = source.content
    labels = {item["id"]: item for item in content["items"]}
    with force_locale(lang):
        return render_template(
            "reports/print.html", content=content, index=content["index"], source=source, lang=lang,
            standalone=standalone,
            labels=labels, child_status={c["unit"]: c["status"] for c in content.get("children_reports", [])},
            percent=percent, verdict_label=verdict_label, status_label=status_label, role_label=role_label,
            unit_name=unit_name, item_label=item_label, long_date=long_date,
            rules=rule_lines(rules_of(content["index"])),
            reasons=reason_lines(content["index"].get("verdict_reasons", []), content["index"]["verdict"],
                                 item_numbers(content["items"])),
        )
