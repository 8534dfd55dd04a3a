"""A campaign's life on its officers' pages: edit it before it opens, open it, extend it, close it
after a confirmation, reopen it with a reason; its History. Role, scope and the date rules are the
service's (services.campaigns.life); every view parses, calls it once and redirects."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from ...clock import local_today
from ...domain.access import Role
from ...domain.campaign import Window, field_window_too_long, window, working_days
from ...domain.campaign_life import Action
from ...i18n import fmt_date, fmt_number, fmt_percent, language
from ...models import Campaign, CampaignEvent
from ...services.campaigns import life
from ...services.campaigns.events import SETTINGS, events_of, values_of
from ...services.errors import Refused
from ...services.exports.labels import role_label
from ..messages.campaign_life import life_problem
from .auth import login_required
from .forms import ActionForm, item_rule_choices
from .life_forms import CampaignDatesForm, CampaignEditForm, CloseForm

bp = Blueprint("campaign_life", __name__, url_prefix="/committee")


@bp.route("/campaigns/<key>/edit", methods=["GET", "POST"])
@login_required(Role.OFFICER)
def edit(key: str) -> ResponseReturnValue:
    campaign = life.managed(g.principal, key)
    today = local_today()
    if window(campaign.opens_on, campaign.closes_on, today) is not Window.NOT_OPEN:
        raise Refused("campaign_edit_opened", status=409, campaign=campaign.key)
    several = campaign.unit.level != "commune"
    form = CampaignEditForm(obj=None if request.method == "POST" else _Prefill(campaign))
    form.item_rule.choices = item_rule_choices()
    form.communes.choices = [(u.code, f"{u.display_name(language())} ({u.code})")
                             for u in life.commune_choices(campaign)] if several else []
    if form.validate_on_submit():
        assert form.opens_on.data is not None and form.closes_on.data is not None
        assert form.min_coverage.data is not None and form.threshold.data is not None
        settings = life.Settings(
            title=form.title.data or None, opens_on=form.opens_on.data, closes_on=form.closes_on.data,
            min_coverage=_fraction(form.min_coverage.data), threshold=_fraction(form.threshold.data),
            item_rule=form.item_rule.data or None,
            item_threshold=_fraction(form.item_threshold.data) if form.item_rule.data else None,
            commune_floor=_fraction(form.commune_floor.data) if several else None,
            posting_days=form.posting_days.data or campaign.posting_days,
            communes=tuple(form.communes.data or ()) if several else None)
        try:
            life.edit(g.principal, key, settings, today)
        except Refused as refused:
            problem = life_problem(refused)
            if problem is None:
                raise
            field, sentence = problem
            getattr(form, field, form.title).errors = [sentence]
        else:
            flash(gettext("The campaign's settings are saved."))
            if field_window_too_long(settings.opens_on, settings.closes_on):
                flash(gettext("The answering window has %(n)s working days, more than the Front's 20.",
                              n=working_days(settings.opens_on, settings.closes_on)))
            return redirect(url_for("campaigns.campaign", key=key), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("committee/campaign_edit.html", form=form, campaign=campaign,
                           several_communes=several), status


@bp.post("/campaigns/<key>/open")
@login_required(Role.OFFICER)
def open_campaign(key: str) -> Response:
    _check(ActionForm())
    life.open_today(g.principal, key, local_today())
    flash(gettext("The campaign is open from today."))
    return redirect(url_for("campaigns.campaign", key=key), 303)


@bp.route("/campaigns/<key>/close", methods=["GET", "POST"])
@login_required(Role.OFFICER)
def close_campaign(key: str) -> ResponseReturnValue:
    """GET: what closing means, and the button; POST (from that page only): close it."""
    campaign = life.managed(g.principal, key)
    today = local_today()
    state = window(campaign.opens_on, campaign.closes_on, today)
    form = CloseForm()
    if form.is_submitted():
        _check(form)
        if form.confirm.data != "yes":
            return redirect(url_for(".close_campaign", key=key), 303)
        life.close(g.principal, key, today)
        flash(gettext("The campaign is closed: it takes no more answers."))
        return redirect(url_for("campaigns.campaign", key=key), 303)
    if state is Window.NOT_OPEN:
        raise Refused("campaign_never_opened", status=409, campaign=campaign.key)
    if state is Window.CLOSED:
        raise Refused("campaign_state", status=409, campaign=campaign.key, state=state.value)
    return render_template("committee/campaign_close.html", campaign=campaign, form=form,
                           last_day=today - timedelta(days=1))


@bp.route("/campaigns/<key>/extend", methods=["GET", "POST"])
@login_required(Role.OFFICER)
def extend(key: str) -> ResponseReturnValue:
    return _dates_page(key, reopening=False)


@bp.route("/campaigns/<key>/reopen", methods=["GET", "POST"])
@login_required(Role.OFFICER)
def reopen(key: str) -> ResponseReturnValue:
    return _dates_page(key, reopening=True)


def _dates_page(key: str, reopening: bool) -> ResponseReturnValue:
    """Extend an open campaign (reason optional) or reopen a closed one (reason required)."""
    campaign = life.managed(g.principal, key)
    today = local_today()
    state = window(campaign.opens_on, campaign.closes_on, today)
    if state is not (Window.CLOSED if reopening else Window.OPEN):
        raise Refused("campaign_state", status=409, campaign=campaign.key, state=state.value)
    form = CampaignDatesForm()
    if form.validate_on_submit():
        assert form.closes_on.data is not None
        try:
            if reopening:
                life.reopen(g.principal, key, form.closes_on.data, today, form.reason.data or "")
            else:
                life.extend(g.principal, key, form.closes_on.data, today, form.reason.data or "")
        except Refused as refused:
            problem = life_problem(refused)
            if problem is None:
                raise
            field, sentence = problem
            getattr(form, field, form.closes_on).errors = [sentence]
        else:
            flash(gettext("The campaign is open again until %(day)s.", day=fmt_date(form.closes_on.data))
                  if reopening else
                  gettext("The campaign now closes on %(day)s.", day=fmt_date(form.closes_on.data)))
            return redirect(url_for("campaigns.campaign", key=key), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("committee/campaign_dates.html", form=form, campaign=campaign,
                           reopening=reopening, today=today), status


def _check(form: ActionForm | CloseForm) -> None:
    if not form.validate_on_submit():
        abort(400)


def _fraction(percent: Decimal | None) -> Decimal:
    return Decimal(0) if percent is None else Decimal(percent) / 100


class _Prefill:
    """The campaign's settings as the form shows them (percentages)."""

    def __init__(self, campaign: Campaign) -> None:
        self.title = campaign.title or ""
        self.opens_on, self.closes_on = campaign.opens_on, campaign.closes_on
        self.min_coverage = _percent(campaign.min_coverage)
        self.threshold = _percent(campaign.threshold)
        self.item_rule = campaign.item_rule or ""
        self.item_threshold = _percent(campaign.item_threshold)
        self.commune_floor = _percent(campaign.commune_floor)
        self.posting_days = campaign.posting_days
        self.communes = [c.unit.code for c in campaign.communes]


def _percent(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else Decimal(format((Decimal(fraction) * 100).normalize(), "f"))


# The History section of the manage page (templates/committee/_campaign_history.html).

def history(campaign: Campaign) -> list[dict[str, Any]]:
    """The campaign's log, newest first, worded in the reader's language and Vietnam time."""
    return [_entry(e) for e in events_of(campaign)]


def _entry(entry: CampaignEvent) -> dict[str, Any]:
    before, after = values_of(entry.before), values_of(entry.after)
    changes = [(_setting_label(name), _value(name, before.get(name)) if name in before else "",
                _value(name, after.get(name))) for name in SETTINGS if name in before or name in after]
    if entry.action == Action.CREATED:  # the settings it was created with, those that are set
        changes = [(label, "", new) for label, _, new in changes if new != "–"]
    return {"at": entry.at, "action": entry.action, "label": _action_label(entry.action),
            "actor": entry.actor, "role": role_label(entry.actor_role), "changes": changes,
            "reason": entry.reason}


def _action_label(action: str) -> str:
    labels = {
        Action.CREATED: gettext("Campaign created"), Action.EDITED: gettext("Settings changed"),
        Action.OPENED: gettext("Opened"), Action.EXTENDED: gettext("Closing date extended"),
        Action.CLOSED: gettext("Closed"), Action.REOPENED: gettext("Reopened"),
    }
    return str(labels.get(action, action))


def _setting_label(name: str) -> str:
    labels = {
        "title": gettext("Title"), "opens_on": gettext("Opens on"), "closes_on": gettext("Closes on"),
        "min_coverage": gettext("Minimum household coverage"), "threshold": gettext("Overall threshold"),
        "item_rule": gettext("Content items"), "item_threshold": gettext("Item threshold"),
        "commune_floor": gettext("Per-commune floor"), "posting_days": gettext("Posting of the results"),
        "communes": gettext("Communes surveyed"),
    }
    return str(labels.get(name, name))


def _value(name: str, value: Any) -> str:
    if value is None or value == "":
        return "–"
    if name in ("opens_on", "closes_on"):
        return fmt_date(str(value))
    if name in ("min_coverage", "threshold", "item_threshold", "commune_floor"):
        percent = Decimal(str(value)) * 100
        return fmt_percent(Decimal(str(value)), decimals=0 if percent == percent.to_integral_value() else 1)
    if name == "item_rule":
        return dict(item_rule_choices()).get(str(value), str(value))
    if name == "posting_days":
        return str(ngettext("%(n)s day", "%(n)s days", int(value), n=fmt_number(int(value))))
    if name == "communes" and isinstance(value, list):
        shown = ", ".join(str(code) for code in value[:12])
        more = len(value) - 12
        return shown + (" " + gettext("and %(n)s more", n=fmt_number(more)) if more > 0 else "")
    return str(value)
