from __future__ import annotations

import csv
import sys
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from ..domain.campaign import (
    DEFAULT_MIN_COVERAGE,
    DEFAULT_POSTING_DAYS,
    DEFAULT_SURVEY,
    DEFAULT_THRESHOLD,
    FIELD_WINDOW_WORKING_DAYS,
    field_window_too_long,
    working_days,
)
from ..domain.codes import format_code
from ..extensions import db
from ..links import household_url
from ..models import Campaign
from ..services.campaigns import setup as service
from ..services.campaigns.follows import set_follows
from ..services.campaigns.slips import slip_sheet
from ..services.surveys import find_survey
from ..services.units.villages import village_of
from .common import unit_of_work
from .follows import operator

group = click.Group("campaigns", help="Survey rounds: create them, issue and print household codes.")


# click 8.4 made ParamType generic; subscripted only for the checker, so that the older click that
# Flask accepts still imports this module.
if TYPE_CHECKING:
    _DecimalType = click.ParamType[Decimal, object]
else:
    _DecimalType = click.ParamType


class Fraction(_DecimalType):
    """0.9, 90% or 90 -> Decimal('0.9')."""

    name = "fraction"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        try:
            number = Decimal(text.rstrip("%"))
        except InvalidOperation:
            self.fail(f"{value!r} is not a number such as 0.9 or 90%", param, ctx)
        if text.endswith("%") or number > 1:
            number = number / 100
        if not Decimal(0) <= number <= Decimal(1):
            self.fail(f"{value!r} is not between 0 and 100 %", param, ctx)
        return number


@group.command("create")
@click.option("--key", required=True, help="Short id used in links, e.g. ntm-laichau-2026.")
@click.option("--survey", "survey_id", default=DEFAULT_SURVEY, show_default=True,
              help="Survey id (ntm-commune: the 19 criteria of 2021–2025).")
@click.option("--version", type=int, default=None, help="Survey version (default: newest).")
@click.option("--unit", "unit_code", required=True, help="Code of the unit whose communes are surveyed.")
@click.option("--scheme", default="vn-2025", show_default=True)
@click.option("--opens", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day (YYYY-MM-DD).")
@click.option("--closes", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day, inclusive.")
@click.option("--title", default=None,
              help="Human title shown on pages and reports (default: survey title, unit, year).")
@click.option("--min-coverage", type=Fraction(), default=str(DEFAULT_MIN_COVERAGE), show_default=True,
              help="Minimum household coverage, e.g. 70%.")
@click.option("--overall-threshold", "--threshold", "threshold", type=Fraction(),
              default=str(DEFAULT_THRESHOLD), show_default=True,
              help="Threshold of the overall question (--threshold is the same option).")
@click.option("--item-threshold", type=Fraction(), default=None,
              help="Threshold of the content items (default: items not judged).")
@click.option("--item-rule", type=click.Choice(["each", "average"]), default=None,
              help="Apply the item threshold to each item or to their average (default: each).")
@click.option("--commune-floor", type=Fraction(), default=None,
              help="Over several communes: every commune must reach it on every item.")
@click.option("--posting-days", type=click.IntRange(1, 90), default=DEFAULT_POSTING_DAYS, show_default=True,
              help="How many days the results are posted.")
@click.option("--codes/--no-codes", default=True, show_default=True, help="Household codes.")
@click.option("--open-link/--no-open-link", default=False, show_default=True,
              help="Also accept answers through an open link per commune.")
@click.option("--include-urban", is_flag=True, help="Also survey wards and towns.")
@click.option("--follows", "follows", default=None, metavar="EARLIER",
              help="Key of the earlier campaign this one follows (compared on the dashboard).")
@click.option("--issue-codes", "per_commune", type=int, default=None,
              help="Issue this many codes per commune now (default: none; see `codes issue`).")
def create(key: str, survey_id: str, version: int | None, unit_code: str, scheme: str, opens: datetime,
           closes: datetime, title: str | None, min_coverage: Decimal, threshold: Decimal,
           item_threshold: Decimal | None, item_rule: str | None, commune_floor: Decimal | None,
           posting_days: int, codes: bool, open_link: bool, include_urban: bool,
           per_commune: int | None, follows: str | None) -> None:
    """Create a campaign over the communes below a unit."""
    if item_rule and item_threshold is None:
        raise click.BadParameter("give --item-threshold with --item-rule", param_hint="--item-rule")
    with unit_of_work():
        survey = find_survey(Path(current_app.config["SURVEYS_DIR"]), survey_id, version)
        campaign = service.create_campaign(
            service.NewCampaign(
                key=key, survey=survey, scheme=scheme, unit_code=unit_code,
                opens_on=opens.date(), closes_on=closes.date(), min_coverage=min_coverage,
                threshold=threshold, household_codes=codes, open_link=open_link,
                include_urban=include_urban, title=title, item_threshold=item_threshold,
                item_rule=item_rule, commune_floor=commune_floor, posting_days=posting_days,
            )
        )
        if per_commune:
            for commune in campaign.communes:
                service.issue_codes(campaign, commune, per_commune)
        if follows:
            set_follows(operator(), campaign.key, follows, check_scope=False)
    click.echo(f"campaign {campaign.key} ({campaign.title}): {survey.key}, "
               f"{len(campaign.communes)} communes, {opens.date()} to {closes.date()}")
    if field_window_too_long(opens.date(), closes.date()):
        click.echo(f"warning: the answering window has {working_days(opens.date(), closes.date())} working "
                   f"days, more than the Front's {FIELD_WINDOW_WORKING_DAYS}", err=True)


codes = click.Group("codes", help="Household codes of a campaign.")
group.add_command(codes)


@codes.command("issue")
@click.option("--campaign", "campaign_key", required=True)
@click.option("--commune", "commune_code", default=None, help="Only this commune (default: all).")
@click.option("--village", "village_code", default=None,
              help="Only this village of the commune (needs --commune).")
@click.option("--count", type=click.IntRange(0), default=None,
              help="Codes per commune or village (default: one per registered household not yet "
                   "covered).")
def issue(campaign_key: str, commune_code: str | None, village_code: str | None,
          count: int | None) -> None:
    """Issue household codes from the register (the first issue for a commune takes the campaign's
    copy of its villages' households)."""
    if village_code and not commune_code:
        raise click.BadParameter("give --commune with --village", param_hint="--village")
    total = 0
    with unit_of_work():
        campaign = service.get_campaign(campaign_key)
        communes = ([service.campaign_commune(campaign, commune_code)] if commune_code
                    else campaign.communes)
        for commune in communes:
            village = (village_of(commune.unit, village_code, current=False) if village_code
                       else None)
            total += service.issue_codes(campaign, commune, count, village)
    click.echo(f"{total} codes issued for {len(communes)} communes")


@codes.command("export")
@click.option("--campaign", "campaign_key", required=True)
@click.option("--commune", "commune_code", default=None)
@click.option("--unused-only", is_flag=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV file to write (default: standard output).")
def export(campaign_key: str, commune_code: str | None, unused_only: bool, out: Path | None) -> None:
    """Household codes as CSV: commune, code, printed form, link, used."""
    with unit_of_work():
        campaign = service.get_campaign(campaign_key)
        handle = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
        try:
            writer = csv.writer(handle)
            writer.writerow(["campaign", "commune_code", "commune_name", "code", "code_printed",
                             "url", "used"])
            for row in service.code_rows(campaign, commune_code, unused_only):
                writer.writerow([campaign.key, row.commune_code, row.commune_name, row.code,
                                 format_code(row.code), household_url(row.code),
                                 "yes" if row.used else "no"])
        finally:
            if out:
                handle.close()


@group.command("slips")
@click.option("--campaign", "campaign_key", required=True)
@click.option("--commune", "commune_code", default=None)
@click.option("--unused-only", is_flag=True, help="Only codes not used yet (reprints).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="HTML file to write; open it in a browser and print on A4.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def slips(campaign_key: str, commune_code: str | None, unused_only: bool, out: Path,
          lang: str) -> None:
    """A printable sheet of household-code slips (10 per A4 page: QR, code, instructions)."""
    with unit_of_work():
        campaign = service.get_campaign(campaign_key)
        rows = list(service.code_rows(campaign, commune_code, unused_only))
        with current_app.test_request_context("/"), force_locale(lang):
            html = render_template("print/slips.html", standalone=True, **slip_sheet(campaign, rows))
    out.write_text(html, encoding="utf-8")
    click.echo(f"{len(rows)} slips written to {out}")


@group.command("list")
def list_campaigns() -> None:
    """Campaigns with their survey, unit, dates and ways of answering."""
    for campaign in db.session.scalars(select(Campaign).order_by(Campaign.id)):
        ways = [w for w, on in (("codes", campaign.household_codes),
                                ("open link", campaign.open_link)) if on]
        click.echo(
            f"{campaign.key}\t{campaign.survey_version.survey_id} v{campaign.survey_version.version}"
            f"\t{campaign.unit.scheme}:{campaign.unit.code} {campaign.unit.name}"
            f"\t{campaign.opens_on} – {campaign.closes_on}\t{', '.join(ways)}"
        )

