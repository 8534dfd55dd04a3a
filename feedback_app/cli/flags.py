"""`flask --app wsgi reports flags` and `flask --app wsgi campaigns flag-settings`: the verifier's
plausibility flags of a unit's report, and a campaign's own limits for them."""

from __future__ import annotations

import click
from flask_babel import force_locale

from ..domain.plausibility import Settings, settings_values
from ..services.campaigns.setup import get_campaign
from ..services.verification.settings import campaign_overrides, campaign_settings, set_campaign_settings
from ..services.verification.shown import flags_for
from ..services.verification.wording import sentence, title
from .common import unit_of_work
from .reports import _actor, actor_options

SETTING_NAMES = ", ".join(Settings.__annotations__)


@click.command("flags")
@actor_options
@click.option("--of", "unit_code", required=True, help="The unit whose report is verified.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="en", show_default=True)
def report_flags(campaign_key: str, username: str, role: str, actor_unit: str, actor_scheme: str,
                 unit_code: str, lang: str) -> None:
    """The plausibility flags of a unit's report (and of the units directly below it), for the
    committee above it: one line per flag, its id first (give the ids to
    `reports accept --acknowledge`)."""
    with unit_of_work():
        found = flags_for(_actor(username, role, actor_unit, actor_scheme), campaign_key, unit_code)
        campaign = get_campaign(campaign_key)
        settings = campaign_settings(campaign)
        with force_locale(lang):
            lines = [f"{f.ident}\t{f.unit.full_name}\t{title(f)}: {sentence(f, campaign, settings)}"
                     for f in found]
    click.echo("\n".join(lines) if lines else "no flags")


@click.command("flag-settings")
@click.option("--campaign", "campaign_key", required=True, help="Campaign key.")
@click.option("--set", "changes", multiple=True, metavar="NAME=VALUE",
              help=f"Change one limit (repeatable). Names: {SETTING_NAMES}. Shares as 0.5, 50% or "
                   "1/2; counts as whole numbers.")
@click.option("--reset", is_flag=True, help="Drop the campaign's own limits first (back to the app's).")
def flag_settings(campaign_key: str, changes: tuple[str, ...], reset: bool) -> None:
    """Show (and with --set or --reset change) the limits of a campaign's plausibility flags; a
    limit the campaign does not set is the app's FLAG_SETTINGS, else the product's default."""
    parsed: dict[str, object] = {}
    for change in changes:
        name, sep, value = change.partition("=")
        if not sep:
            raise click.BadParameter(f"{change!r}: write NAME=VALUE", param_hint="--set")
        parsed[name.strip()] = value.strip()
    with unit_of_work():
        campaign = get_campaign(campaign_key)
        settings = (set_campaign_settings(campaign, parsed, reset) if parsed or reset
                    else campaign_settings(campaign))
        own = campaign_overrides(campaign)
    for name, limit in settings_values(settings).items():
        click.echo(f"{name}\t{limit}{chr(9) + '(campaign)' if name in own else ''}")
