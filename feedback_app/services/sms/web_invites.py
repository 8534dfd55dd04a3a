"""Invitations by SMS from the committee's pages: upload a numbers file for a commune or a village
of a campaign, preview the message and the counts, send through the same service as
`sms invite` (services.sms.invites), follow the run's progress.

The numbers are never stored. Between the preview and the send they travel back and forth in the
page itself, in a token encrypted and signed with a key derived from SECRET_KEY (Fernet),
bound to the account, the campaign, the place and the language, and valid TOKEN_MAX_AGE seconds:
the server keeps nothing between the two requests. Once sent, each number is in its queued job
only (in memory without Redis; with Redis, in RQ's job, deleted when it has run: result_ttl 0,
failed jobs after FAILED_JOB_TTL). The database keeps the run: counts, place, who, the consent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import select

from ...adapters.queue import task_queue
from ...clock import utcnow
from ...domain.access import Principal, Role
from ...domain.campaign import Window, window
from ...domain.gsm import segments
from ...domain.phones import mask_number
from ...domain.sms.sending import PERIOD
from ...extensions import db
from ...models import Campaign, CampaignCommune, SmsInvitationRun, SmsNumber, SmsNumberSend, Unit
from ..accounts.access import can_see, check_can_act
from ..campaigns.setup import campaign_commune, get_campaign
from ..errors import Refused
from ..units.villages import village_of, villages_of
from . import invites
from .numbers import hash_of

MAX_UPLOAD_BYTES = 200 * 1024  # about 12,000 numbers of 16 characters (MAX_CONTENT_LENGTH: 256 KB)
MAX_NUMBERS = 10_000  # lines with a number; a commune has about 2,000 households
TOKEN_MAX_AGE = 30 * 60  # seconds between the preview and the send
WEB_ENQUEUE_PATIENCE = 10.0  # seconds a page waits for an unreachable queue (not the CLI's 15 min)
PROBLEMS_SHOWN = 50
_KEY_LABEL = b"feedback_app sms web invitations v1"
_CHUNK = 500  # hashes per IN (...) query


@dataclass(frozen=True)
class Place:
    """A commune of the campaign, or one of its villages, that invitations are sent for."""

    campaign: Campaign
    commune: CampaignCommune
    village: Unit | None = None

    @property
    def code(self) -> str:
        """'03390' for a commune, '03390/T01' for one of its villages (the form's value)."""
        return self.commune.unit.code + (f"/{self.village.code}" if self.village else "")

    @property
    def unit(self) -> Unit:
        return self.village or self.commune.unit


def managed(principal: Principal, key: str) -> Campaign:
    """The campaign, for an officer (or admin) of its unit or of a unit above it; a viewer, a
    sibling or an account below the campaign's unit is refused (403)."""
    campaign = get_campaign(key)
    check_can_act(principal, campaign.unit, Role.OFFICER)
    return campaign


def places(principal: Principal, key: str) -> tuple[Campaign, list[Place]]:
    """Every commune of the campaign and its current villages, in order."""
    campaign = managed(principal, key)
    found: list[Place] = []
    for commune in sorted(campaign.communes, key=lambda c: c.unit.code):
        if not can_see(principal, commune.unit):
            continue
        found.append(Place(campaign, commune))
        found.extend(Place(campaign, commune, village) for village in villages_of(commune.unit))
    return campaign, found


def place_of(principal: Principal, key: str, code: str) -> Place:
    """The place a form names ('03390' or '03390/T01'); Refused 404 when it is not one of the
    campaign's communes or their villages."""
    campaign = managed(principal, key)
    commune_code, _, village_code = code.strip().partition("/")
    if not commune_code:
        raise Refused("invite_place", status=422)
    commune = campaign_commune(campaign, commune_code)
    if not can_see(principal, commune.unit):
        raise Refused("out_of_scope", status=403, scheme=commune.unit.scheme, code=commune.unit.code)
    village = village_of(commune.unit, village_code) if village_code else None
    return Place(campaign, commune, village)


def read_upload(raw: bytes, place: Place) -> invites.InviteFile:
    """The numbers of an uploaded CSV or TXT file (UTF-8), as `sms invite` reads them. A line
    naming another commune in its second column is a problem of that line. Refused 413/422 for a
    file too large, empty, not UTF-8 or with too many numbers."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise Refused("invite_file", status=413, problem="large", maximum=MAX_UPLOAD_BYTES)
    if not raw.strip():
        raise Refused("invite_file", status=422, problem="empty")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise Refused("invite_file", status=422, problem="encoding", line=line) from None
    if "\0" in content:
        raise Refused("invite_file", status=422, problem="binary")
    parsed = invites.read_invite_file(io.StringIO(content, newline=""))
    if len(parsed.rows) + len(parsed.problems) > MAX_NUMBERS:
        raise Refused("invite_file", status=413, problem="many", maximum=MAX_NUMBERS)
    commune = place.commune.unit.code
    kept = invites.InviteFile(problems=list(parsed.problems), duplicates=parsed.duplicates)
    for row in parsed.rows:
        if row.commune not in (None, commune):
            kept.problems.append(invites.RowProblem(row.line, mask_number(row.number),
                                                    f"other commune: {row.commune[:16]}"))
            continue
        kept.rows.append(invites.InviteRow(row.line, row.number, commune))
    kept.problems.sort(key=lambda problem: problem.line)
    return kept


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _opted_out(hashes: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(hashes):
        found.update(db.session.scalars(select(SmsNumber.number_hash).where(
            SmsNumber.number_hash.in_(chunk), SmsNumber.opted_out.is_(True))))
    return found


def _recently_invited(hashes: list[str], now: datetime) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(hashes):
        found.update(db.session.scalars(select(SmsNumberSend.number_hash).where(
            SmsNumberSend.number_hash.in_(chunk), SmsNumberSend.sent_at > now - PERIOD)))
    return found


@dataclass(frozen=True)
class Sender:
    """Who the message comes from, as configured: the backend and its sender (None: the console
    or test backend, which reaches no phone)."""

    backend: str
    sender: str | None
    brand: str | None


def configured_sender() -> Sender:
    config = current_app.config
    backend = str(config.get("SMS_BACKEND", ""))
    sender: str | None = None
    if backend == "twilio":
        service = config.get("TWILIO_MESSAGING_SERVICE_SID")
        sender = (f"Messaging Service {service}" if service
                  else config.get("TWILIO_SENDER_ID") or config.get("TWILIO_FROM"))
    elif backend == "kannel":
        sender = config.get("KANNEL_FROM")
    return Sender(backend, sender or None, config.get("SMS_BRAND_NAME") or None)


@dataclass
class Preview:
    """What the page shows before sending."""

    place: Place
    language: str
    body: str
    encoding: str
    parts: int
    sender: Sender
    state: Window
    rows: list[invites.InviteRow] = field(default_factory=list)
    problems: list[invites.RowProblem] = field(default_factory=list)
    duplicates: int = 0
    opted_out: int = 0
    recently_invited: int = 0  # got an invitation in the last 24 hours (Decree 91's count)

    @property
    def to_send(self) -> int:
        return len(self.rows) - self.opted_out

    @property
    def may_send(self) -> bool:
        return self.state is Window.OPEN and self.to_send > 0


def preview(place: Place, parsed: invites.InviteFile, language: str, today: date) -> Preview:
    campaign = place.campaign
    state = window(campaign.opens_on, campaign.closes_on, today)
    # Before it opens or once closed nothing can be sent: the message shown is the one of its
    # answering days (a commune keyword is checked against the campaigns open on such a day).
    day = {Window.NOT_OPEN: campaign.opens_on, Window.CLOSED: campaign.closes_on}.get(state, today)
    body = invites.invitation_body(campaign, place.commune.unit.code, language, day)
    encoding, parts = segments(body)
    hashes = [hash_of(row.number) for row in parsed.rows]
    opted = _opted_out(hashes)
    recent = _recently_invited([h for h in hashes if h not in opted], utcnow())
    return Preview(place, language, body, encoding, parts, configured_sender(), state,
                   parsed.rows, parsed.problems, parsed.duplicates,
                   sum(1 for h in hashes if h in opted), len(recent))


def _fernet() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return Fernet(base64.urlsafe_b64encode(hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()))


def _binding(account_id: int, place: Place, language: str) -> list[str]:
    return [str(account_id), place.campaign.key, place.code, language]


def seal_rows(account_id: int, place: Place, language: str, rows: list[invites.InviteRow]) -> str:
    """The previewed numbers, encrypted for the page's Send form (nothing kept on the server)."""
    payload = {"for": _binding(account_id, place, language),
               "rows": [[row.line, row.number] for row in rows]}
    packed = zlib.compress(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    return _fernet().encrypt(packed).decode("ascii")


def open_rows(token: str, account_id: int, place: Place, language: str) -> list[invites.InviteRow]:
    """The numbers sealed by seal_rows for this account, place and language; Refused 422 when the
    token is missing, altered, someone else's or older than TOKEN_MAX_AGE."""
    try:
        packed = _fernet().decrypt(token.encode("ascii"), ttl=TOKEN_MAX_AGE)
        payload = json.loads(zlib.decompress(packed))
    except (InvalidToken, ValueError, UnicodeEncodeError, zlib.error):
        raise Refused("invite_token", status=422) from None
    if payload.get("for") != _binding(account_id, place, language):
        raise Refused("invite_token", status=422)
    commune = place.commune.unit.code
    return [invites.InviteRow(int(line), str(number), commune) for line, number in payload["rows"]]


def send(place: Place, account_id: int, rows: list[invites.InviteRow], language: str,
         consent: invites.Consent, today: date) -> SmsInvitationRun:
    """Queue the invitations after the commit (services.sms.invites.invite, as `sms invite`
    does) and record the run's place and who started it."""
    if not rows:
        raise Refused("invite_file", status=422, problem="none")
    queue = task_queue()
    try:
        queue.check()
    except Exception:
        raise Refused("invite_queue", status=503) from None
    planned = invites.invite(place.campaign.key, rows, language,
                             float(current_app.config["SMS_INVITE_RATE"]), today, consent,
                             patience=WEB_ENQUEUE_PATIENCE)
    run = db.session.get(SmsInvitationRun, planned.run_id)
    assert run is not None
    run.unit_id, run.account_id, run.run_key = place.unit.id, account_id, planned.run_key
    db.session.flush()
    return run


@dataclass(frozen=True)
class RunProgress:
    run: SmsInvitationRun
    place: Unit | None
    queued: int
    sent: int
    failed: int
    skipped: int
    delivered: int
    deferred: int  # times an invitation waited for the sending window or a number's allowance

    @property
    def done(self) -> bool:
        return self.queued == 0


def progress_of(run: SmsInvitationRun) -> RunProgress:
    deferred = 0
    if run.run_key:
        try:
            deferred = task_queue().progress(run.run_key).snapshot().get("deferred", 0)
        except Exception:  # Redis away: the database's counts still stand
            deferred = 0
    finished = run.sent + run.failed + run.skipped
    return RunProgress(run, run.unit, max(run.numbers - finished, 0), run.sent, run.failed,
                       run.skipped, run.delivered, deferred)


def run_of(principal: Principal, key: str, run_id: int) -> RunProgress:
    """A run of the campaign the principal may manage, for a place in its scope (404 otherwise)."""
    campaign = managed(principal, key)
    run = db.session.get(SmsInvitationRun, run_id)
    if run is None or run.campaign_id != campaign.id or (
            run.unit is not None and not can_see(principal, run.unit)):
        raise Refused("invite_run_unknown", status=404)
    return progress_of(run)


def runs_of(principal: Principal, campaign: Campaign, limit: int = 20) -> list[RunProgress]:
    """The campaign's latest runs (from the web or the CLI) whose place the principal sees."""
    rows = db.session.scalars(select(SmsInvitationRun).where(
        SmsInvitationRun.campaign_id == campaign.id).order_by(SmsInvitationRun.id.desc())
        .limit(limit))
    return [progress_of(run) for run in rows if run.unit is None or can_see(principal, run.unit)]
