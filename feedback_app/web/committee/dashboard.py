"""Committee dashboards: the campaigns a committee may read, and one campaign × unit's figures,
charts, answers over time and residents' comments. Every page needs a login; every unit is checked
against the account's scope by the services (services.accounts.access)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template
from flask_babel import gettext

from ...adapters.charts import TICKS, Bar, CriteriaWords, criteria_figure, timeline_figure
from ...clock import local_today
from ...domain.rollup import Node
from ...i18n import fmt_number, fmt_percent, language, text
from ...models import Unit
from ...services.accounts.access import can_see, unit_of
from ...services.campaigns.manage import visible_campaigns
from ...services.campaigns.setup import campaign_title
from ...services.indices import dashboard
from ...services.indices.answer_kinds import answer_kinds
from ...services.indices.document import rules_document, verdict_reasons
from ...services.indices.index import IndexReport
from ...services.indices.villages import VillageRow, village_rows
from ...services.indices.wording import item_numbers, reason_lines, rule_lines, rules_of
from ...services.remarks.reasons import reasons_by_item
from .auth import login_required
from .reports import report_panel

bp = Blueprint("dashboard", __name__, url_prefix="/committee")
LATEST_COMMENTS = 5


@bp.get("/")
@login_required()
def home() -> str:
    return render_template("committee/home.html", unit=unit_of(g.principal),
                           campaigns=visible_campaigns(g.principal, local_today()))


@bp.get("/campaigns/<key>/")
@bp.get("/campaigns/<key>/units/<code>")
@login_required()
def unit_dashboard(key: str, code: str | None = None) -> str:
    report = dashboard.unit_index(g.principal, key, code)
    unit = report.unit(report.root)
    communes = dashboard.communes_below(report.campaign, unit)
    days = dashboard.timeline(report.campaign, communes)
    latest = dashboard.comments(report.campaign, communes, per_page=LATEST_COMMENTS)
    reasons_per_item = reasons_by_item(report.campaign, communes, report.survey)
    charts = {"criteria": _criteria_chart(report), "timeline": _timeline_chart(days)}
    numbers = item_numbers([{"id": i.id, "criterion": i.criterion} for i in report.survey.items])
    reasons = reason_lines(verdict_reasons(report, report.root), report.root.figures.verdict.value, numbers)
    return render_template("committee/dashboard.html", report=report, node=report.root, unit=unit,
                           villages=_villages(report),
                           breadcrumb=_breadcrumb(report), days=days, comments=latest,
                           charts=charts, item_label=_item_label, reporting=report_panel(report),
                           reasons=reasons, rules=rule_lines(rules_document(report.campaign, report.rules)),
                           kinds=answer_kinds(report.campaign, communes),
                           resident_reasons=reasons_per_item)


def _villages(report: IndexReport) -> list[VillageRow]:
    """A commune's villages in the campaign's register, for the drilldown (committee/_villages.html)."""
    unit = report.unit(report.root)
    if unit.level != "commune":
        return []
    return village_rows(report.campaign, unit.id, report.rules, report.survey.item_ids)


def _breadcrumb(report: IndexReport) -> list[Unit]:
    """The units above this one that the committee may see, top first (for drilling back up)."""
    trail = []
    current = report.unit(report.root).parent
    while current is not None and can_see(g.principal, current):
        trail.append(current)
        current = current.parent
    return trail[::-1]


def _item_label(report: IndexReport, item_id: str) -> tuple[str, str]:
    """(short label, full question) of a survey item in the page's language."""
    item = next(i for i in report.survey.items if i.id == item_id)
    full = text(item.text)
    if item.overall:
        return gettext("Overall"), full
    return full.split(":", 1)[0].strip(), full


def _narrow_label(report: IndexReport, item_id: str, short: str) -> str:
    """The axis label on a phone: "Tiêu chí 3" for a criterion's question (whatever its wording:
    the 2026 survey's texts have no "Tiêu chí N –" in front), else the short label."""
    item = next(i for i in report.survey.items if i.id == item_id)
    if item.criterion is not None and not item.overall:
        return str(gettext("Criterion %(number)s", number=item.criterion))
    return short


def _criteria_chart(report: IndexReport) -> dict[str, Any]:
    node: Node = report.root
    bars = []
    for item_id, tally in node.figures.counts.items.items():
        short, full = _item_label(report, item_id)
        rate = tally.rate
        bars.append(Bar(short, full, None if rate is None else float(rate), tally.valid,
                        text=fmt_percent(rate), valid_text=fmt_number(tally.valid),
                        tag=_narrow_label(report, item_id, short)))
    threshold = report.rules.threshold
    words = CriteriaWords(
        threshold=gettext("Threshold %(rate)s", rate=fmt_percent(threshold)),
        rate=gettext("Satisfied"), no_answer=gettext("No valid answer yet"),
        meets=gettext("Reaches the threshold"), below=gettext("Below the threshold"),
        ticks=[fmt_percent(t / 100, decimals=0) for t in TICKS])
    return criteria_figure(bars, float(threshold), words, language())


def _timeline_chart(days: dashboard.Timeline) -> dict[str, Any]:
    labels = {"web": gettext("Web"), "sms": gettext("SMS"), "assisted": gettext("Assisted")}
    return timeline_figure(days.days, days.per_channel, labels, gettext("Answers per day"), language())


# The rules and reasons of any index document (reports, frozen or live), on every page.
for _function in (campaign_title, item_numbers, reason_lines, rule_lines, rules_of):
    bp.add_app_template_global(_function)
