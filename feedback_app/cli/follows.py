"""`flask --app wsgi campaigns follows KEY [EARLIER]`: name the earlier round a campaign follows.

The same service as the campaign's page in the web (services.campaigns.follows); the setting is
recorded with the operator at the shell as who set it.
"""

from __future__ import annotations

import getpass

import click

from ..domain.access import Principal, Role
from ..services.campaigns import follows as service
from ..services.campaigns.setup import get_campaign
from .common import unit_of_work


def operator() -> Principal:
    """The operator as the record names them: the shell's user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        who = "unknown"
    return Principal(name=f"shell:{who}", role=Role.ADMIN)


@click.command("follows")
@click.argument("key")
@click.argument("earlier", required=False)
@click.option("--none", "clear", is_flag=True, help="The campaign follows no earlier round any more.")
def follows(key: str, earlier: str | None, clear: bool) -> None:
    """Say which earlier campaign KEY follows (EARLIER: its key), or show it and the campaigns it
    may follow when EARLIER is left out.

    The earlier campaign must be of the same unit, or of a unit that KEY's unit succeeded (through
    the succession table, e.g. a vn-legacy province for its vn-2025 successor), and must have
    opened before KEY. The dashboard and the report page then show the change of the overall rate
    and of every item matched by name, with both 95 % intervals, and list what cannot be matched.
    """
    if earlier and clear:
        raise click.BadParameter("give EARLIER or --none, not both", param_hint="--none")
    if earlier or clear:
        with unit_of_work():
            entry = service.set_follows(operator(), key, earlier, check_scope=False)
            shown = entry.earlier.key if entry.earlier else None
        click.echo(f"campaign {key} follows {shown}" if shown else f"campaign {key} follows no earlier round")
        return
    with unit_of_work():
        campaign = get_campaign(key)
        current = service.followed(campaign)
        click.echo(f"campaign {key} follows {current.key if current else 'no earlier round'}")
        choices = service.candidates(campaign)
        click.echo("it may follow: " + (", ".join(c.key for c in choices) if choices else "none"))
