"""`flask --app wsgi users create|list|set-password|disable|enable`: committee accounts."""

from __future__ import annotations

import click

from ..services.accounts import users as accounts
from .common import unit_of_work

group = click.Group("users", help="Committee accounts, each scoped to a unit and the units below it.")


@group.command("create")
@click.option("--username", required=True)
@click.option("--unit", "unit_code", required=True, help="Code of the committee's unit.")
@click.option("--scheme", default="vn-2025", show_default=True)
@click.option("--role", type=click.Choice(["viewer", "officer", "admin"]), default="viewer",
              show_default=True, help="viewer reads; officer also manages campaigns; admin as officer.")
@click.option("--full-name", default="", help="The person's full name, as signed on reports.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for (hidden) when not given.")
def create(username: str, unit_code: str, scheme: str, role: str, full_name: str,
           password: str) -> None:
    """Create an account; only a hash of the password is stored."""
    with unit_of_work():
        account = accounts.create_account(username, password, scheme, unit_code, role,
                                          full_name=full_name)
        summary = (f"account {account.username} ({account.role}) of {account.unit.full_name} "
                   f"({account.unit.scheme} {account.unit.code}) and the units below it")
    click.echo(f"created {summary}")


@group.command("list")
def list_accounts() -> None:
    """Accounts with their unit, role and state."""
    for account in accounts.list_accounts():
        state = "active" if account.active else "disabled"
        click.echo(f"{account.username}\t{account.full_name or '-'}\t{account.role}\t"
                   f"{account.unit.scheme} {account.unit.code} {account.unit.full_name}\t{state}")


@group.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for (hidden) when not given.")
def set_password(username: str, password: str) -> None:
    """Give an account a new password; every session it has open ends."""
    with unit_of_work():
        accounts.set_password(username, password)
    click.echo(f"new password set for {username}; its open sessions ended")


@group.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable an account: it can no longer log in, and its open sessions end."""
    with unit_of_work():
        accounts.set_active(username, False)
    click.echo(f"{username} disabled")


@group.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    with unit_of_work():
        accounts.set_active(username, True)
    click.echo(f"{username} enabled")
