"""`flask --app wsgi sms invite` and `flask --app wsgi worker`."""

from __future__ import annotations

import time
from typing import TextIO

import click
from flask import current_app

from ..adapters.queue import RQQueue, TaskQueue, task_queue
from ..services.sms import invites
from .common import unit_of_work

group = click.Group("sms", help="The SMS channel: invitations by SMS.")
PROBLEMS_SHOWN = 20


@group.command("invite")
@click.option("--campaign", "campaign_key", required=True)
@click.option("--file", "file", type=click.File("r", encoding="utf-8-sig"), required=True,
              help="CSV of numbers (any Vietnamese mobile form), optionally a commune code column.")
@click.option("--rate", type=click.FloatRange(min=0.01, max=100), default=None,
              help="Messages per second (default: SMS_INVITE_RATE, 1).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--skip-invalid", is_flag=True, help="Send to the valid numbers even if some lines "
                                                   "are not mobile numbers.")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="With RQ: wait for the worker and show its progress.")
@click.option("--lawful-basis", type=click.Choice(invites.LAWFUL_BASES), required=True,
              help="Why the committee may text these numbers (Law 91/2025/QH15): consent, most "
                   "often (the households gave their numbers to receive the survey).")
@click.option("--consent-statement", required=True,
              help="The statement the committee confirms, stored with the run, e.g. 'These "
                   "households gave their numbers at the village meeting of 3 March to receive "
                   "the survey by SMS; they were told how to refuse and to delete their data.'")
@click.option("--yes", is_flag=True, help="Confirm the statement without being asked.")
def invite(campaign_key: str, file: TextIO, rate: float | None, lang: str, skip_invalid: bool,
           wait: bool, lawful_basis: str, consent_statement: str, yes: bool) -> None:
    """Send an SMS invitation to each number of a list (the numbers are not stored)."""
    parsed = invites.read_invite_file(file)
    file.close()
    statement = " ".join(consent_statement.split())
    if len(statement) < invites.MIN_STATEMENT:
        raise click.ClickException(
            "the consent statement must say how these numbers were given and for what, in at "
            f"least {invites.MIN_STATEMENT} characters; nothing was sent")
    click.echo(f"Lawful basis: {lawful_basis}. The committee confirms: {statement}")
    if not yes and not click.confirm("Is this true for every number of the file?"):
        raise click.ClickException("not confirmed; nothing was sent")
    for problem in parsed.problems[:PROBLEMS_SHOWN]:
        click.echo(f"line {problem.line}: {problem.shown}: {problem.problem}", err=True)
    if len(parsed.problems) > PROBLEMS_SHOWN:
        click.echo(f"... and {len(parsed.problems) - PROBLEMS_SHOWN} more lines", err=True)
    if parsed.problems and not skip_invalid:
        raise click.ClickException(
            f"{len(parsed.problems)} lines are not Vietnamese mobile numbers; nothing was sent. "
            "Correct them, or pass --skip-invalid to send to the others.")
    if not parsed.rows:
        raise click.ClickException("the file holds no mobile number; nothing was sent")
    queue = task_queue()
    try:
        queue.check()
    except Exception as exc:
        raise click.ClickException(
            f"the job queue is not reachable ({exc}); nothing was sent") from exc
    rate = rate or current_app.config["SMS_INVITE_RATE"]
    with unit_of_work():
        run = invites.invite(campaign_key, parsed.rows, lang, rate,
                             consent=invites.Consent(lawful_basis, statement))
    if run.error or not run.dispatched:
        if run.unqueued_lines:
            queued = run.total - len(run.unqueued_lines)
            raise click.ClickException(
                f"the job queue stayed unreachable ({run.error}): {queued} of {run.total} invitations "
                f"were queued; the numbers on these lines of the file were not, send them again: "
                f"{_lines(run.unqueued_lines)}")
        raise click.ClickException(f"the invitations could not be queued: {run.error}")
    click.echo(f"{run.total} invitations queued ({queue.kind}, {rate:g}/s); "
               f"{run.skipped_opted_out} opted-out numbers skipped, "
               f"{parsed.duplicates} duplicate lines ignored")
    if queue.kind == "rq" and not wait:
        click.echo("A worker sends them: flask --app wsgi worker")
        return
    counts = _follow(run, queue)
    click.echo(", ".join(f"{counts.get(k, 0)} {k}" for k in ("sent", "skipped", "failed")))
    if counts.get("deferred"):
        click.echo(f"{counts['deferred']} times an invitation waited for the sending window or a "
                   "number's daily allowance")


def _lines(lines: list[int]) -> str:
    """'3-5, 9' for [3, 4, 5, 9]."""
    spans: list[list[int]] = []
    for line in lines:
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _follow(run: invites.InviteRun, queue: TaskQueue) -> dict[str, int]:
    progress = queue.progress(run.run_key)
    done = 0
    hinted = False
    deferred_said = 0
    started = time.monotonic()
    with click.progressbar(length=run.total, label="Sending invitations") as bar:
        while done < run.total:
            counts = progress.snapshot()
            now = sum(v for k, v in counts.items() if k != "deferred")
            if counts.get("deferred", 0) > deferred_said:
                deferred_said = counts["deferred"]
                click.echo(f"\n{deferred_said} invitations wait: outside the sending window "
                           f"({current_app.config['SMS_SEND_WINDOW'] or 'none'}, Vietnam time) or "
                           f"over a number's {current_app.config['SMS_MAX_PER_NUMBER']} in 24 "
                           "hours (Decree 91). They are sent when due; this command waits for "
                           "them (with --no-wait and Redis, the worker sends them).", err=True)
            bar.update(now - done)
            done = now
            if queue.kind == "rq" and not hinted and done == 0 and time.monotonic() - started > 5:
                click.echo("\nWaiting for a worker: flask --app wsgi worker", err=True)
                hinted = True
            if done < run.total:
                time.sleep(0.2)
    return progress.snapshot()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker for the export jobs (first) and the SMS jobs (needs REDIS_URL)."""
    queue = task_queue()
    if not isinstance(queue, RQQueue):  # (the one queue of kind "rq")
        raise click.ClickException(
            "REDIS_URL is not set: without Redis, jobs run inside the command that queued them, "
            "and there is no worker to start.")
    # The scheduler moves invitations deferred by the sending window or a number's daily
    # allowance (Decree 91), and the daily retention purge, to the queue when they are due.
    from ..services.sms.privacy import schedule_purge

    schedule_purge()
    queue.worker().work(burst=burst, with_scheduler=True)


@group.command("erase-number")
@click.option("--number", required=True, help="The phone number, in any Vietnamese form.")
def erase_number(number: str) -> None:
    """Delete everything kept about a number, at its request (as its own XOA message does)."""
    from ..domain.phones import mask_number, normalise_vn_mobile
    from ..services.sms.numbers import hash_of
    from ..services.sms.privacy import erase_number as erase

    normalised = normalise_vn_mobile(number)
    if normalised is None:
        raise click.ClickException("not a Vietnamese mobile number; nothing was deleted")
    with unit_of_work():
        deleted = erase(hash_of(normalised))
    click.echo(f"{mask_number(normalised)}: deleted {deleted.describe()}; the number stays opted "
               "out (it gets no invitation until it sends START). Its responses stay: they do "
               "not name the number.")


@group.command("purge")
def purge() -> None:
    """Delete the SMS rows past retention (the worker does it every day at 03:00)."""
    from ..services.sms.privacy import purge as run_purge

    with unit_of_work():
        deleted = run_purge()
    click.echo(f"Deleted {deleted.describe()}.")


@group.command("retention")
@click.option("--campaign", "campaign_key", required=True)
@click.option("--days", type=click.IntRange(min=0, max=3650), default=None,
              help="Days after closing at which its SMS rows are deleted; leave out to use "
                   "SMS_RETENTION_DAYS.")
def retention(campaign_key: str, days: int | None) -> None:
    """Set how long a campaign's SMS conversations and message records are kept."""
    from ..services.campaigns.setup import get_campaign
    from ..services.sms.privacy import retention_days, set_retention

    with unit_of_work():
        campaign = get_campaign(campaign_key)
        set_retention(campaign, days)
        kept = retention_days(campaign)
    click.echo(f"{campaign_key}: SMS rows are deleted {kept} days after it closes "
               f"({campaign.closes_on:%d/%m/%Y}).")
