"""`flask --app wsgi api-tokens create|list|revoke`: committee API tokens."""

from __future__ import annotations

import click

from ..services.accounts import tokens
from .common import unit_of_work

group = click.Group("api-tokens", help="Bearer tokens for the committee API, scoped to a unit.")


@group.command("create")
@click.option("--unit", "unit_code", required=True, help="Code of the unit the token may see (and below).")
@click.option("--scheme", default="vn-2025", show_default=True)
@click.option("--name", required=True, help="Who holds it, e.g. 'MTTQ xã Bình Lư'.")
def create(unit_code: str, scheme: str, name: str) -> None:
    """Create a token and print it once: only its hash is stored."""
    with unit_of_work():
        row, token = tokens.create_token(name, scheme, unit_code)
        unit = f"{row.unit.full_name} ({row.unit.scheme} {row.unit.code})"
        token_id = row.id
    click.echo(f"token {token_id} for {name}, sees {unit} and the units below it.")
    click.echo("It is shown only now; keep it secret. Send it as 'Authorization: Bearer <token>':")
    click.echo(token)


@group.command("list")
def list_tokens() -> None:
    """Tokens with their unit and state (the tokens themselves are not stored)."""
    for row in tokens.list_tokens():
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
        click.echo(f"{row.id}\t{row.name}\t{row.unit.scheme} {row.unit.code} {row.unit.full_name}"
                   f"\tcreated {row.created_at:%Y-%m-%d}\t{state}")


@group.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke a token by its number (see `list`)."""
    with unit_of_work():
        row = tokens.revoke_token(token_id)
        name = row.name
    click.echo(f"token {token_id} ({name}) revoked")
