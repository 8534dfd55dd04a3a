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
def invite(campaign_key: str, file: TextIO, rate: float | None, lang: str, skip_invalid: bool,
           wait: bool) -> None:
    """Send an SMS invitation to each number of a list (the numbers are not stored)."""
    parsed = invites.read_invite_file(file)
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
        run = invites.invite(campaign_key, parsed.rows, lang, rate)
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
    # allowance (Decree 91) to the queue when they are due.
    queue.worker().work(burst=burst, with_scheduler=True)
