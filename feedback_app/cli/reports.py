"""`flask --app wsgi reports draft|submit|accept|return|status|log|export`: upward reporting.

Every step names who takes it (`--as USERNAME --role officer --unit CODE`), exactly as a
committee member's session will: the same checks and the same audit log apply.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..domain.access import Principal, Role
from ..services import exports
from ..services.accounts.users import find_account
from ..services.indices.index import MAX_DEPTH
from ..services.reports import workflow as service
from .common import unit_of_work

group = click.Group("reports", help="Upward reports: submit, accept, return, follow; export results.")


def actor_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--as, --role, --unit, --scheme: who takes the step."""
    fn = click.option("--scheme", "actor_scheme", default="",
                      help="Scheme of the actor's unit (default: the campaign's).")(fn)
    fn = click.option("--unit", "actor_unit", required=True, help="Code of the actor's unit.")(fn)
    fn = click.option("--role", type=click.Choice([r.value for r in Role]), required=True)(fn)
    fn = click.option("--as", "username", required=True, help="Who acts (recorded in the audit log).")(fn)
    return click.option("--campaign", "campaign_key", required=True, help="Campaign key.")(fn)


def _actor(username: str, role: str, actor_unit: str, actor_scheme: str) -> Principal:
    """The operator's principal; when `--as` names a committee account, its full name is recorded
    with the step (the documents name the person who acted)."""
    account = find_account(username)
    full_name = account.full_name if account is not None else ""
    return Principal(username, Role(role), unit_scheme=actor_scheme, unit_code=actor_unit,
                     full_name=full_name)


def _said(report: Any) -> str:
    return (f"report of {report.unit.full_name} ({report.unit.code}) for {report.campaign.key}: "
            f"{report.status}, revision {report.revision}, sha256 {report.content_hash}")


@group.command("draft")
@actor_options
@click.option("--remarks", default="", help="The officer's remarks.")
def draft(campaign_key: str, username: str, role: str, actor_unit: str, actor_scheme: str,
          remarks: str) -> None:
    """Snapshot your unit's results as a draft (not sent upward)."""
    with unit_of_work():
        said = _said(service.draft_report(_actor(username, role, actor_unit, actor_scheme), campaign_key,
                                          remarks))
    click.echo(said)


@group.command("submit")
@actor_options
@click.option("--remarks", default="", help="The officer's remarks.")
@click.option("--allow-incomplete", is_flag=True,
              help="Submit a consolidated report although some children's reports are not accepted.")
def submit(campaign_key: str, username: str, role: str, actor_unit: str, actor_scheme: str, remarks: str,
           allow_incomplete: bool) -> None:
    """Freeze your unit's results and send them to the parent unit."""
    with unit_of_work():
        said = _said(service.submit_report(_actor(username, role, actor_unit, actor_scheme), campaign_key,
                                           remarks, allow_incomplete))
    click.echo(said)


@group.command("accept")
@actor_options
@click.option("--child", "child_code", required=True, help="Code of the child unit whose report it is.")
@click.option("--acknowledge", "acknowledged", multiple=True, metavar="FLAG_ID",
              help="A plausibility flag you looked into (repeatable; the ids from `reports flags`). "
                   "A report with flags is accepted only when every one is acknowledged.")
def accept(campaign_key: str, username: str, role: str, actor_unit: str, actor_scheme: str,
           child_code: str, acknowledged: tuple[str, ...]) -> None:
    """Accept a child unit's submitted report (it never changes afterwards). The flags
    acknowledged are recorded with the step in the audit log."""
    with unit_of_work():
        said = _said(service.accept_report(_actor(username, role, actor_unit, actor_scheme), campaign_key,
                                           child_code, acknowledged=acknowledged))
    click.echo(said)


@group.command("return")
@actor_options
@click.option("--child", "child_code", required=True, help="Code of the child unit whose report it is.")
@click.option("--reason", required=True, help="Why it goes back (shown to the child unit).")
def return_(campaign_key: str, username: str, role: str, actor_unit: str, actor_scheme: str,
            child_code: str, reason: str) -> None:
    """Return a child unit's submitted report with a reason."""
    with unit_of_work():
        said = _said(service.return_report(_actor(username, role, actor_unit, actor_scheme), campaign_key,
                                           child_code, reason))
    click.echo(said)


@group.command("status")
@actor_options
@click.option("--of", "unit_code", default=None, help="Another unit in your scope (default: yours).")
def status(campaign_key: str, username: str, role: str, actor_unit: str, actor_scheme: str,
           unit_code: str | None) -> None:
    """Your unit's report and the status of every child unit's report."""
    with unit_of_work():
        state = service.report_status(_actor(username, role, actor_unit, actor_scheme), campaign_key,
                                      unit_code)
        lines = [_said(state.report) if state.report else
                 f"{state.unit.full_name} ({state.unit.code}): no report yet for {campaign_key}"]
        for child in state.children:
            report = child.report
            detail = "" if report is None else f"\t{report.content_hash[:12]}"
            if report is not None and report.return_reason and report.status == "returned":
                detail += f"\treturned: {report.return_reason}"
            lines.append(f"  {child.unit.code}\t{child.unit.full_name}\t{child.status}{detail}")
    click.echo("\n".join(lines))


@group.command("log")
@actor_options
@click.option("--of", "unit_code", default=None, help="Another unit in your scope (default: yours).")
def log(campaign_key: str, username: str, role: str, actor_unit: str, actor_scheme: str,
        unit_code: str | None) -> None:
    """The audit log of your unit's report and of the reports below it."""
    with unit_of_work():
        entries = service.audit_log(_actor(username, role, actor_unit, actor_scheme), campaign_key,
                                    unit_code)
        lines = [f"{e.at:%Y-%m-%d %H:%M:%S}\t{e.unit.code}\t{e.action}\t-> {e.status_after}\t"
                 f"{e.actor_username} ({e.actor_role}, {e.actor_unit})\t{e.content_hash[:12]}"
                 f"{chr(9) + e.note if e.note else ''}" for e in entries]
    click.echo("\n".join(lines) if lines else "no entries")


@group.command("export")
@click.option("--campaign", "campaign_key", required=True, help="Campaign key.")
@click.option("--unit", "unit_code", required=True, help="Code of the unit (campaign's scheme).")
@click.option("--format", "fmt", type=click.Choice(exports.FORMATS), required=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--report", "frozen", is_flag=True,
              help="Export the unit's submitted report (its frozen snapshot), not today's results.")
@click.option("--depth", type=click.IntRange(0, MAX_DEPTH), default=1, show_default=True,
              help="Levels of units below the unit to list (today's results only).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
def export(campaign_key: str, unit_code: str, fmt: str, out: Path, frozen: bool, depth: int,
           lang: str) -> None:
    """Write a unit's results or its report as CSV, XLSX, a printable HTML page, or the document a
    Front office files (docx, pdf: head, I. organisation with the forms issued, returned and
    missing, II. results with reasons and villages, III. verdict, IV. remarks, V. verification
    once accepted, signatures; marked "mẫu tham khảo")."""
    with unit_of_work():
        source = (exports.report_source(None, campaign_key, unit_code) if frozen
                  else exports.results_source(None, campaign_key, unit_code, depth))
        with out.open("wb") as file:
            for chunk in exports.render(source, fmt, lang, standalone=True):
                file.write(chunk)
    click.echo(f"wrote {out} ({out.stat().st_size} bytes)")
