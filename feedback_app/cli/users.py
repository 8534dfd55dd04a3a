"""`flask --app wsgi users create|list|set-password|disable|enable|reset-link`: committee accounts.

The same services as the committee's account pages (services.accounts.users); every change is
recorded in the accounts' audit log as done by the operator at the shell.
"""

from __future__ import annotations

import getpass

import click

from ..domain.access import Principal, Role
from ..links import public_url
from ..services.accounts import users as accounts
from .common import unit_of_work

group = click.Group("users", help="Committee accounts, each scoped to a unit and the units below it.")


def _operator() -> Principal:
    """The operator as the audit log names them: the shell's user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        who = "unknown"
    return Principal(name=f"shell:{who}", role=Role.ADMIN)


@group.command("create")
@click.option("--username", required=True)
@click.option("--unit", "unit_code", required=True, help="Code of the committee's unit.")
@click.option("--scheme", default="vn-2025", show_default=True)
@click.option("--role", type=click.Choice(["viewer", "officer", "admin"]), default="viewer",
              show_default=True,
              help="viewer reads; officer also runs campaigns and reports; admin also manages accounts.")
@click.option("--full-name", default="", help="The person's full name, as signed on reports.")
@click.option("--phone", default=None, help="The person's phone (optional).")
@click.option("--email", default=None, help="The person's e-mail (optional).")
@click.option("--temporary", is_flag=True,
              help="The password is temporary: it must be changed at the first login.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for (hidden) when not given.")
def create(username: str, unit_code: str, scheme: str, role: str, full_name: str, phone: str | None,
           email: str | None, temporary: bool, password: str) -> None:
    """Create an account; only a hash of the password is stored."""
    with unit_of_work():
        account = accounts.create_account(username, password, scheme, unit_code, role,
                                          full_name=full_name, phone=phone, email=email,
                                          must_change_password=temporary, actor=_operator())
        summary = (f"account {account.username} ({account.role}) of {account.unit.full_name} "
                   f"({account.unit.scheme} {account.unit.code}) and the units below it")
    click.echo(f"created {summary}")


@group.command("list")
def list_accounts() -> None:
    """Accounts with their unit, role and state."""
    for account in accounts.list_accounts():
        state = "active" if account.active else "disabled"
        if account.active and account.must_change_password:
            state = "active (temporary password)"
        click.echo(f"{account.username}\t{account.full_name or '-'}\t{account.role}\t"
                   f"{account.unit.scheme} {account.unit.code} {account.unit.full_name}\t{state}")


@group.command("set-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for (hidden) when not given.")
def set_password(username: str, password: str) -> None:
    """Give an account a new password; every session it has open ends."""
    with unit_of_work():
        accounts.set_password(username, password, actor=_operator())
    click.echo(f"new password set for {username}; its open sessions ended")


@group.command("reset-link")
@click.argument("username")
def reset_link(username: str) -> None:
    """Print a one-time link with which the person chooses a new password (valid 3 days)."""
    with unit_of_work():
        account = accounts.find_account(username)
        if account is None or not account.active:
            raise click.ClickException(f"no active account {username}")
        token = accounts.issue_reset_link(account, _operator())
    click.echo(public_url("passwords.reset_with_link", token=token))


@group.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable an account: it can no longer log in, and its open sessions end."""
    with unit_of_work():
        accounts.set_active(username, False, actor=_operator())
    click.echo(f"{username} disabled")


@group.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    with unit_of_work():
        accounts.set_active(username, True, actor=_operator())
    click.echo(f"{username} enabled")
