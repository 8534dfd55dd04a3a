from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app

from ..clock import local_today
from ..services.demo.accounts import ensure_demo_accounts
from ..services.demo.earlier import ensure_earlier_round
from ..services.demo.province import CODES_SHOWN, describe_demo, ensure_demo
from .common import unit_of_work


@click.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print the demo as one JSON object.")
def command(as_json: bool) -> None:
    """Create (or reuse) the demo province, campaign and household codes, and say how to try it."""
    with unit_of_work():
        demo = ensure_demo(Path(current_app.config["SURVEYS_DIR"]), local_today())
        accounts = ensure_demo_accounts(demo.campaign)
        ensure_earlier_round(Path(current_app.config["SURVEYS_DIR"]), demo.campaign)
    info = describe_demo(demo)
    info["accounts"] = accounts
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    campaign = info["campaign"]
    first = info["communes"][0] if info["communes"] else None
    click.echo(f"Demo campaign {campaign['key']} ({'created' if demo.created else 'already there'}): "
               f"{campaign['unit']['name']}, {len(info['communes'])} communes, "
               f"open {campaign['opens_on']} to {campaign['closes_on']}.")
    click.echo(info["households_note"])
    click.echo(info["answers_note"])
    click.echo(f"\nOpen {info['home_url']} on a phone or in a browser and type a household code,")
    click.echo("or open a household's own link (what its QR code encodes):")
    if first:
        for url in first["household_code_urls"][:CODES_SHOWN]:
            click.echo(f"  {url}")
        click.echo(f"\nOpen link for {first['name']} (any number of answers): {first['survey_url']}")
    province = accounts[0]
    click.echo(f"\nCommittee dashboard: {province['dashboard_url']}")
    click.echo(f"  log in as {province['username']} / {province['password']} (demo officer of the province;")
    click.echo("  every demo commune has one too: mttq-<commune code> / demo-mttq-<commune code>)")
    click.echo("\nAll communes, links, codes and accounts: flask --app wsgi demo --json")
