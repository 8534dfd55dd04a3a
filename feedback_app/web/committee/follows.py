"""The earlier round a campaign follows: its own page (/committee/campaigns/<key>/follows, officers
of the campaign's unit) and the comparison section that the dashboard and the report page include
(committee/_comparison.html, through the two template helpers registered below). Rules, scope and
the audit trail are the services' (services.campaigns.follows, services.indices.comparison)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal
from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from ...domain.access import Role
from ...domain.comparison import Change, Noise
from ...domain.index import Counts, Tally
from ...domain.survey import Survey
from ...i18n import fmt_date, language, text
from ...models import Campaign, Report
from ...services.campaigns import follows as service
from ...services.campaigns.manage import managed_campaign
from ...services.campaigns.setup import campaign_title
from ...services.errors import Refused
from ...services.indices.comparison import EarlierRound, Unmatched, UnmatchedUnit, earlier_round
from ...services.indices.index import IndexReport
from ...services.surveys import survey_of
from .auth import login_required

bp = Blueprint("follows", __name__, url_prefix="/committee")
NONE = ""


class FollowsForm(FlaskForm):
    earlier = SelectField(_l("Earlier campaign"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Save"))


def _choice_label(campaign: Campaign, following: Campaign) -> str:
    label = f"{campaign_title(campaign)} · {fmt_date(campaign.opens_on)} – {fmt_date(campaign.closes_on)}"
    if campaign.unit.scheme != following.unit.scheme:
        label += " · " + gettext("former units")
    return label


@bp.route("/campaigns/<key>/follows", methods=["GET", "POST"])
@login_required(Role.OFFICER)
def follows_page(key: str) -> ResponseReturnValue:
    campaign = managed_campaign(g.principal, key)
    current = service.followed(campaign)
    form = FollowsForm()
    form.earlier.choices = [(NONE, gettext("None: no comparison"))] + [
        (c.key, _choice_label(c, campaign)) for c in service.candidates(campaign)]
    if not form.is_submitted():
        form.earlier.data = current.key if current else NONE
    if form.validate_on_submit():
        try:
            entry = service.set_follows(g.principal, key, form.earlier.data or None)
        except Refused as refused:
            if not refused.reason.startswith("follows_"):
                raise
            form.earlier.errors = [gettext("This campaign cannot be followed: choose one of the list.")]
        else:
            if entry.earlier is None:
                flash(gettext("The campaign follows no earlier round any more."))
            else:
                flash(gettext("The campaign now follows %(title)s.", title=campaign_title(entry.earlier)))
            return redirect(url_for(".follows_page", key=key), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("committee/follows.html", campaign=campaign, current=current, form=form,
                           history=service.history(campaign)), status


def dashboard_comparison(report: IndexReport) -> EarlierRound | None:
    """The comparison at the dashboard's unit (its scope already checked by the dashboard)."""
    return earlier_round(report.campaign, report.unit(report.root), report.root.figures.counts, report.survey)


def report_comparison(report: Report, content: dict[str, Any]) -> EarlierRound | None:
    """The comparison of a report's frozen figures (its unit already checked by the report page)."""
    index = content["index"]
    now = Counts(
        index.get("respondents") or 0, index.get("households"),
        Tally(index.get("satisfied") or 0, index.get("valid") or 0),
        {item["id"]: Tally(item.get("satisfied") or 0, item.get("valid") or 0, item.get("no_opinion") or 0)
         for item in index.get("items", [])},
    )
    return earlier_round(report.campaign, report.unit, now, survey_of(report.campaign.survey_version))


def points(difference: Any) -> str:
    """A change of rate in percentage points, signed, in the reader's language ("+3,2" / "−1.0")."""
    if difference is None:
        return "–"
    value = round(float(difference) * 100, 1)
    shown = format_decimal(abs(value), format="#,##0.0", locale=language())
    return ("+" if value > 0 else "−" if value < 0 else "±") + shown


def noise_label(noise: Noise) -> str:
    labels: dict[Noise, str] = {Noise.WITHIN: gettext("Within the noise"),
                                Noise.BEYOND: gettext("Beyond the noise"),
                                Noise.UNKNOWN: gettext("Cannot be compared")}
    return labels[noise]


def unmatched_label(entry: UnmatchedUnit) -> str:
    """Why a unit is left out of the comparison, in words a committee can check."""
    why = entry.why
    if why is Unmatched.FORMER_NOT_SURVEYED:
        former = ", ".join(f"{u.display_name(language())} ({u.code})" for u in entry.former)
        return str(gettext("the earlier figures lack its former %(units)s, which the earlier round did "
                           "not survey", units=former))
    labels: dict[Unmatched, str] = {
        Unmatched.NOT_SURVEYED: gettext("not surveyed in the earlier round"),
        Unmatched.PART_OF_SPLIT: gettext("received part of a former commune that was split: not compared"),
        Unmatched.SPLIT: gettext("former commune split between several communes: its answers cannot "
                                 "be shared out"),
        Unmatched.NO_SUCCESSOR: gettext("former commune with no successor in the current units"),
    }
    return labels[why]


def short_label(survey: Survey, item_id: str) -> str:
    """An item's short label in the reader's language: its text before the first colon."""
    return str(text(survey.item(item_id).text).split(":", 1)[0].strip())


@dataclass(frozen=True)
class Row:
    label: str
    full: str
    item: str  # "overall" for the overall rate
    change: Change


def comparison_rows(comparison: EarlierRound) -> list[Row]:
    """The overall rate, then every matched item in the current survey's order."""
    survey = comparison.now_survey
    overall = comparison.change.overall
    rows = [Row(gettext("Overall"), gettext("Overall satisfaction rate"), "overall", overall)]
    rows += [Row(short_label(survey, c.item), str(text(survey.item(c.item).text)), c.item, c.change)
             for c in comparison.change.items]
    return rows


def unmatched_items(comparison: EarlierRound) -> tuple[list[str], list[str]]:
    """The labels of the items only this round asks, and of those only the earlier round asked."""
    matching = comparison.change.matching
    return ([short_label(comparison.now_survey, i) for i in matching.only_now],
            [short_label(comparison.survey, i) for i in matching.only_then])


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"dashboard_comparison": dashboard_comparison, "report_comparison": report_comparison,
            "points": points, "noise_label": noise_label, "unmatched_label": unmatched_label,
            "comparison_rows": comparison_rows, "unmatched_items": unmatched_items}
