"""Campaign management for officers: create a campaign for their unit, print household-code slips
and a commune poster (its life, from editing to reopening: campaign_life.py). Role and scope are
checked by the services."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from werkzeug.wrappers import Response

from ...adapters.qr import qr_svg_inline
from ...adapters.sms import public_number
from ...clock import local_today
from ...domain.access import Role
from ...domain.campaign import DEFAULT_POSTING_DAYS, DEFAULT_SURVEY, field_window_too_long, working_days
from ...i18n import fmt_number, language, text
from ...links import commune_url, public_url
from ...services.accounts.access import unit_of
from ...services.campaigns import manage
from ...services.campaigns.setup import NewCampaign, code_rows
from ...services.campaigns.slips import slip_sheet
from ...services.errors import Refused
from ...services.indices.wording import rule_lines
from ...services.surveys import newest_surveys, survey_of
from ...services.units.villages import village_of
from .auth import login_required
from .campaign_life import history
from .forms import ActionForm, CampaignForm, item_rule_choices

bp = Blueprint("campaigns", __name__, url_prefix="/committee")


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required(Role.OFFICER)
def new_campaign() -> ResponseReturnValue:
    unit = unit_of(g.principal)
    surveys = newest_surveys(Path(current_app.config["SURVEYS_DIR"]))
    form = CampaignForm()
    form.survey.choices = [(key, f"{key} — {text(s.title)}") for key, s in surveys.items()]
    form.item_rule.choices = item_rule_choices()
    if request.method == "GET":
        today = local_today()
        form.opens_on.data = form.opens_on.data or today
        if form.survey.data is None and DEFAULT_SURVEY in surveys:
            form.survey.data = DEFAULT_SURVEY  # the criteria in force
    if form.validate_on_submit():
        opens_on, closes_on = form.opens_on.data, form.closes_on.data
        min_coverage, threshold = form.min_coverage.data, form.threshold.data
        # Each has DataRequired: a form that validated has them all.
        assert opens_on is not None and closes_on is not None
        assert min_coverage is not None and threshold is not None
        item_threshold, floor = form.item_threshold.data, form.commune_floor.data
        spec = NewCampaign(
            key=form.key.data or "", survey=surveys[form.survey.data],
            scheme=unit.scheme, unit_code=unit.code,
            opens_on=opens_on, closes_on=closes_on,
            min_coverage=Decimal(min_coverage) / 100,
            threshold=Decimal(threshold) / 100,
            household_codes=form.household_codes.data, open_link=form.open_link.data,
            title=form.title.data or None,
            item_rule=form.item_rule.data or None,
            item_threshold=Decimal(item_threshold) / 100 if form.item_rule.data and item_threshold is not None
            else None,
            commune_floor=None if floor is None else Decimal(floor) / 100,
            posting_days=form.posting_days.data or DEFAULT_POSTING_DAYS,
        )
        try:
            campaign = manage.create_for_unit(g.principal, spec)
        except Refused as refused:
            if refused.reason == "campaign_key_taken":
                form.key.errors = [gettext("This key is already used by another campaign.")]
            elif refused.reason == "campaign_key_invalid":
                form.key.errors = [gettext("Use 3 to 64 lower-case letters, digits and dashes.")]
            elif refused.reason == "campaign_no_communes":
                form.key.errors = [gettext("There is no rural commune to survey in your unit.")]
            elif refused.reason == "campaign_floor_commune":
                form.commune_floor.errors = [gettext("A campaign over one commune has no per-commune floor.")]
            elif refused.reason == "campaign_title":
                form.title.errors = [gettext("A title has at most 300 printable characters.")]
            else:
                raise
        else:
            flash(gettext("Campaign %(key)s created.", key=campaign.key))
            if field_window_too_long(opens_on, closes_on):
                flash(gettext("The answering window has %(n)s working days, more than the Front's 20.",
                              n=working_days(opens_on, closes_on)))
            return redirect(url_for(".campaign", key=campaign.key), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("committee/campaign_new.html", form=form, unit=unit,
                           several_communes=unit.level != "commune"), status


@bp.get("/campaigns/<key>/manage")
@login_required(Role.OFFICER)
def campaign(key: str) -> str:
    managed = manage.campaign_to_manage(g.principal, key, local_today())
    found = managed.campaign
    return render_template(
        "committee/campaign.html", campaign=found, communes=managed.communes,
        codes=manage.codes_of_communes(found, managed.communes) if found.household_codes else [],
        form=ActionForm(), state=managed.state, may_change_dates=managed.may_change_dates,
        rules=rule_lines(managed.rules), window_days=managed.window_days,
        window_too_long=managed.window_too_long, history=history(found),
    )


def _check_action_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.get("/campaigns/<key>/communes/<code>/slips")
@login_required(Role.OFFICER)
def slips(key: str, code: str) -> str:
    """A commune's slips, a bundle per village, or one village's (?village=); ?unused=1 for a
    reprint. Without codes it says what to do next (it was a blank page)."""
    found, commune = manage.commune_to_manage(g.principal, key, code)
    if not found.household_codes:
        raise Refused("campaign_without_codes", status=404, campaign=found.key)
    village_code = request.args.get("village", "")[:16] or None
    village = village_of(commune.unit, village_code, current=False) if village_code else None
    unused = request.args.get("unused") == "1"
    rows = list(code_rows(found, commune.unit.code, unused_only=unused, village_code=village_code))
    place = commune.unit.display_name(language())
    if village is not None:
        place = f"{village.display_name(language())}, {place}"
    return render_template("print/slips.html", **slip_sheet(found, rows, unused), place_name=place,
                           manage_url=url_for(".campaign", key=found.key, _anchor=f"codes-{code}"))


@bp.post("/campaigns/<key>/communes/<code>/codes")
@login_required(Role.OFFICER)
def issue_codes(key: str, code: str) -> Response:
    """Issue household codes from the register, for the commune or one of its villages."""
    _check_action_form()
    issued = manage.issue_for(g.principal, key, code, request.form.to_dict())
    if issued:
        flash(ngettext("%(n)s household code issued.", "%(n)s household codes issued.", issued,
                       n=fmt_number(issued)))
    else:
        flash(gettext("No code issued: every registered household here has one already."))
    return redirect(url_for(".campaign", key=key, _anchor=f"codes-{code}"), 303)


@bp.get("/campaigns/<key>/communes/<code>/poster")
@login_required(Role.OFFICER)
def poster(key: str, code: str) -> str:
    found, commune = manage.commune_to_manage(g.principal, key, code)
    link = commune_url(found.key, commune.unit.code) if found.open_link else public_url("resident.home")
    sms_number = public_number()
    return render_template("committee/poster.html", campaign=found, survey=survey_of(found.survey_version),
                           commune=commune.unit, link=link, qr_svg=qr_svg_inline(link), sms_number=sms_number)
