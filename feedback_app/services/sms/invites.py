"""Invitations by SMS: read a list of numbers, queue one message each after the commit, send at a
set rate with retries. The numbers travel only in the queue's jobs: the database records how many
invitations a run sent, never to whom."""

from __future__ import annotations

import csv
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields
from sqlalchemy import update

from ...adapters.queue import enqueue_deadline, enqueue_patiently, job_app_context, task_queue
from ...adapters.sms import SmsError, sms_sender
from ...clock import utcnow
from ...domain.phones import mask_number, normalise_vn_mobile
from ...domain.sms.fold import fold
from ...domain.survey import Survey
from ...extensions import db
from ...models import Campaign, SmsInvitationRun, Unit
from ..campaigns.setup import campaign_commune, get_campaign
from ..effects import after_commit
from ..errors import Refused
from ..responses.record import check_window
from ..surveys import survey_of
from . import sending, texts
from .numbers import hash_of, is_opted_out, set_opted_out
from .starting import open_commune_entry
from .status import expect_delivery

log = logging.getLogger(__name__)
# Law 91/2025/QH15's lawful bases that fit an invitation run.
LAWFUL_BASES = ("consent", "legal-obligation", "public-task")
MIN_STATEMENT = 20


@dataclass(frozen=True)
class Consent:
    """What the committee confirms before sending: the lawful basis and its statement."""

    lawful_basis: str
    statement: str


NUMBER_HEADERS = ("number", "phone", "mobile", "so dien thoai", "sdt", "dien thoai")
COMMUNE_HEADERS = ("commune", "commune code", "commune_code", "xa", "ma xa")


class _PhoneField(fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None,
                     **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        number = normalise_vn_mobile(text)
        if number is None:
            raise ValidationError("not a Vietnamese mobile number")
        return number


class InviteRowSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    number = _PhoneField(required=True)
    commune = fields.String(load_default=None)


@dataclass(frozen=True)
class InviteRow:
    line: int
    number: str  # E.164
    commune: str | None


@dataclass(frozen=True)
class RowProblem:
    line: int
    shown: str  # the value, masked
    problem: str


@dataclass
class InviteFile:
    rows: list[InviteRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    duplicates: int = 0


def read_invite_file(lines: Iterable[str]) -> InviteFile:
    """Numbers (any Vietnamese mobile form) and optional commune codes, one per line. A header row
    naming the columns (number/phone/sdt, commune/xa) is optional."""
    result = InviteFile()
    seen: set[str] = set()
    reader = csv.reader(lines)
    number_col, commune_col = 0, 1
    for line, cells in enumerate(reader, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        names = [fold(cell).replace("_", " ") for cell in cells]
        if line == 1 and any(name in NUMBER_HEADERS for name in names):
            number_col = next(i for i, n in enumerate(names) if n in NUMBER_HEADERS)
            commune_col = next((i for i, n in enumerate(names) if n in COMMUNE_HEADERS), -1)
            continue
        raw = {"number": cells[number_col] if number_col < len(cells) else ""}
        if 0 <= commune_col < len(cells) and cells[commune_col].strip():
            raw["commune"] = cells[commune_col].strip()
        try:
            row = InviteRowSchema().load(raw)
        except ValidationError as exc:
            problem = "; ".join(str(m) for msgs in exc.messages_dict.values() for m in msgs)
            result.problems.append(RowProblem(line, mask_number(raw["number"]), problem))
            continue
        if row["number"] in seen:
            result.duplicates += 1
            continue
        seen.add(row["number"])
        result.rows.append(InviteRow(line, row["number"], row["commune"]))
    return result


@dataclass
class InviteRun:
    """What `invite` planned; `dispatched`/`error` are set once the jobs are queued after commit."""

    run_id: int
    run_key: str
    total: int
    skipped_opted_out: int
    queue_kind: str
    dispatched: bool = False
    error: str | None = None
    unqueued_lines: list[int] = field(default_factory=list)  # input lines not queued, when it gave up


def invite(campaign_key: str, rows: list[InviteRow], language: str, rate: float,
           today: date | None = None, consent: Consent | None = None,
           patience: float | None = None) -> InviteRun:
    """Plan one invitation per number (opted-out numbers skipped) and queue them after commit;
    the run records the lawful basis and the statement the committee confirmed. `patience`:
    seconds to keep trying an unreachable queue (default SMS_ENQUEUE_PATIENCE)."""
    if not 0 < rate <= 100:
        raise Refused("invite_rate", rate=rate)
    if consent is None or consent.lawful_basis not in LAWFUL_BASES or len(
            consent.statement.strip()) < MIN_STATEMENT:
        raise Refused("invite_consent", bases=", ".join(LAWFUL_BASES), minimum=MIN_STATEMENT)
    campaign = get_campaign(campaign_key)
    check_window(campaign, today)
    survey = survey_of(campaign.survey_version)
    messages: list[tuple[InviteRow, str]] = []
    skipped = 0
    bodies: dict[str | None, str] = {}
    for row in rows:
        if row.commune not in bodies:
            bodies[row.commune] = _invitation_body(campaign, survey, row, language, today)
        if is_opted_out(hash_of(row.number)):
            skipped += 1
            continue
        messages.append((row, bodies[row.commune]))
    run = SmsInvitationRun(campaign_id=campaign.id, language=language, numbers=len(messages),
                           skipped_opted_out=skipped, rate=rate, lawful_basis=consent.lawful_basis,
                           consent_statement=consent.statement.strip())
    db.session.add(run)
    db.session.flush()
    queue = task_queue()
    planned = InviteRun(run.id, f"{run.id}-{uuid.uuid4().hex}", len(messages), skipped, queue.kind)

    def dispatch() -> None:
        # Redis down between the check and the commit, or during the loop: each message is
        # tried again until SMS_ENQUEUE_PATIENCE has passed; then the file's lines not queued are
        # reported (the numbers are not stored anywhere, so the operator resends those lines).
        deadline = enqueue_deadline(current_app.config["SMS_ENQUEUE_PATIENCE"]
                                    if patience is None else patience)
        for index, (row, body) in enumerate(messages, start=1):
            try:
                enqueue_patiently(queue, send_invitation, row.number, body, rate, planned.run_key,
                                  description=f"sms invitation {index}/{len(messages)} of run {run.id}",
                                  deadline=deadline)
            except Exception as exc:
                planned.error = str(exc)
                planned.unqueued_lines = [r.line for r, _ in messages[index - 1:]]
                raise
        planned.dispatched = True

    after_commit(db.session, dispatch)
    return planned


def invitation_body(campaign: Campaign, commune_code: str, language: str,
                    today: date | None = None) -> str:
    """The invitation sent for one of the campaign's communes, exactly as it goes out."""
    row = InviteRow(0, "", commune_code)
    return _invitation_body(campaign, survey_of(campaign.survey_version), row, language, today)


def _invitation_body(campaign: Campaign, survey: Survey, row: InviteRow, language: str,
                     today: date | None) -> str:
    """A household-code invitation, or in campaigns open to it the commune keyword 'HL <code>',
    signed by the Front committee of the row's commune (or of the campaign's only commune, or of
    the campaign's unit)."""
    messages = len(survey.items) + 2  # the code, one answer per question, the comment
    brand = current_app.config.get("SMS_BRAND_NAME")
    with texts.speaking(language):
        if row.commune is None:
            if not campaign.household_codes:
                raise Refused("invite_commune_needed", line=row.line)
            only = campaign.communes[0].unit if len(campaign.communes) == 1 else campaign.unit
            return texts.invitation_text(_name(only, language), campaign.closes_on, messages, None,
                                         language, brand)
        commune = campaign_commune(campaign, row.commune)
        sender = _name(commune.unit, language)
        if not campaign.open_link:
            return texts.invitation_text(sender, campaign.closes_on, messages, None, language,
                                         brand)
        if open_commune_entry(row.commune, today).campaign.id != campaign.id:
            raise Refused("invite_keyword_ambiguous", commune=row.commune)
        return texts.invitation_text(sender, campaign.closes_on, messages, row.commune, language,
                                     brand)


def _name(unit: Unit, language: str) -> str:
    return unit.full_name if language == "vi" else unit.full_name_en


def send_with_retry(send: Callable[[], str], attempts: int, base_delay: float,
                    sleep: Callable[[float], None] = time.sleep) -> str:
    """Call `send`; on a transient provider error wait base, 2*base, 4*base... and try again."""
    for attempt in range(1, attempts + 1):
        try:
            return send()
        except SmsError as exc:
            if not exc.transient or attempt == attempts:
                raise
            delay = base_delay * 2 ** (attempt - 1)
            log.info("sms provider error (%s), attempt %d of %d, retrying in %.1fs",
                     exc, attempt, attempts, delay)
            sleep(delay)
    raise AssertionError("unreachable")



def send_invitation(number: str, body: str, rate: float, run_key: str) -> str:
    """The queued job: send one invitation unless the number opted out meanwhile."""
    with job_app_context():
        queue = task_queue()
        progress = queue.progress(run_key)
        outcome = "failed"
        try:
            hashed = hash_of(number)
            if is_opted_out(hashed):
                outcome = "skipped"
                return outcome
            due = sending.due_for(hashed)
            if due > utcnow():  # Decree 91: outside the window, or over the number's allowance
                queue.enqueue_at(due, send_invitation, number, body, rate, run_key,
                                 description="sms invitation, deferred (Decree 91)")
                outcome = "deferred"
                log.info("invitation to %s deferred to %s (Vietnam time)", mask_number(number),
                         due.strftime("%d/%m %H:%M"))
                return outcome
            limiter = queue.rate_limiter(rate)
            sender = sms_sender()

            def attempt() -> str:
                limiter.wait()
                return sender.send(number, body)

            config = current_app.config
            sid = send_with_retry(attempt, config["SMS_SEND_ATTEMPTS"],
                                  config["SMS_RETRY_BASE_SECONDS"])
            outcome = "sent"
            expect_delivery(sender.name, sid, run_key)
            sending.record_send(hashed)
            _add_count(run_key, outcome)  # in the same commit: one write transaction a message
            db.session.commit()
        except SmsError as exc:
            if exc.opted_out:
                set_opted_out(hash_of(number), True)
                db.session.commit()
                outcome = "skipped"
            log.warning("invitation to %s not sent: %s", mask_number(number), exc)
        finally:
            db.session.rollback()
            progress.add(outcome)
            if outcome != "sent":
                _count(run_key, outcome)
        return outcome


COUNTED = ("sent", "failed", "skipped")


def _count(run_key: str, outcome: str) -> None:
    """Add the outcome to the run's row (the invitations page reads it from any process, also
    once the queue's progress counters have expired). A failure here loses a count, never a send."""
    if outcome not in COUNTED:
        return
    try:
        _add_count(run_key, outcome)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.warning("invitation run %s: its %s count could not be added", run_key.split("-")[0],
                    outcome, exc_info=True)


def _add_count(run_key: str, outcome: str) -> None:
    run_id = run_key.split("-", 1)[0]
    if outcome in COUNTED and run_id.isdigit():
        column = getattr(SmsInvitationRun, outcome)
        db.session.execute(update(SmsInvitationRun).where(SmsInvitationRun.id == int(run_id))
                           .values({column: column + 1}))
