"""Verification by re-contact: the verifier draws a sample of a commune's used household codes,
prints it as a call / visit list, and records what each household said.

Who: the committee that verifies the commune's report, i.e. the one that accepts or returns it
(domain.reports.permitted for Action.ACCEPT: an officer or admin of the unit directly above). The
commune's own accounts never see the list (they could tell those households what to say); a unit
further above may read it. When: while the report is submitted (awaiting a decision); the sample
and outcomes stay readable afterwards, as part of the report's record.

The draw is domain.recontact.draw with a stored seed; the sample, each outcome and who recorded
it are appended to their tables and to the report's audit log (report_events, actions `sample`
and `recontact`). Services flush and never commit. The list never carries an answer.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...clock import utcnow
from ...domain.access import Principal, Relation
from ...domain.canonical import canonical_json
from ...domain.recontact import (
    MAX_SEED,
    NO_VILLAGE,
    Candidate,
    Outcome,
    SampleRefused,
    Tally,
    check_seed,
    check_sizes,
    draw,
    latest,
    tally,
)
from ...domain.reports import Action, Status
from ...extensions import db
from ...models import (
    Campaign,
    CampaignVillage,
    HouseholdCode,
    RecontactEntry,
    RecontactOutcome,
    RecontactSample,
    Report,
    ReportEvent,
    Response,
    Unit,
)
from ..campaigns.setup import get_campaign, get_unit
from ..errors import Refused
from .workflow import authorize, find_report, in_scheme

MAX_NOTE = 500
DEFAULT_SIZE = 3  # households per village the page proposes


@dataclass(frozen=True)
class Used:
    """A used household code with how and when it was answered (never what)."""

    code_id: int
    code: str
    village: Unit | None
    channel: str
    answered_at: datetime

    @property
    def group(self) -> str:
        return self.village.code if self.village else NO_VILLAGE


@dataclass(frozen=True)
class Group:
    """A village of the commune (None: codes of no village) and how many of its codes were used."""

    code: str
    village: Unit | None
    used: int


@dataclass(frozen=True)
class Line:
    """One household of the list with its current outcome (None: not contacted yet)."""

    entry: RecontactEntry
    outcome: RecontactOutcome | None

    @property
    def code(self) -> str:
        return self.entry.household_code.code


@dataclass(frozen=True)
class Recontact:
    """A commune's verification by re-contact: where it stands and what the account may do."""

    campaign: Campaign
    unit: Unit
    report: Report | None
    groups: list[Group]
    sample: RecontactSample | None
    lines: list[Line]
    may_draw: bool
    may_record: bool

    @property
    def tally(self) -> Tally:
        return tally(len(self.lines), (Outcome(line.outcome.outcome) for line in self.lines if line.outcome))

    @property
    def sizes(self) -> dict[str, int]:
        return json.loads(self.sample.sizes) if self.sample else {}


def _place(actor: Principal, campaign_key: str, commune_code: str) -> tuple[Campaign, Unit, Principal]:
    """The campaign, the commune and the actor, once the actor is allowed to see the sample:
    a unit above the commune (403 for the commune itself, or out of scope); 404 for a unit that
    is not a commune."""
    campaign = get_campaign(campaign_key)
    unit = get_unit(campaign.unit.scheme, commune_code)
    actor = in_scheme(actor, campaign)
    where = authorize(actor, campaign, unit, Action.VIEW)
    if unit.level != "commune":
        raise Refused("recontact_not_commune", status=404, code=unit.code)
    if where is Relation.OWN:
        raise Refused("recontact_verifier_only", status=403, code=unit.code)
    return campaign, unit, actor


def _may_act(actor: Principal, campaign: Campaign, unit: Unit) -> bool:
    try:
        authorize(actor, campaign, unit, Action.ACCEPT)
    except Refused:
        return False
    return True


def used_codes(campaign: Campaign, commune: Unit) -> list[Used]:
    """The commune's household codes that were used, with channel and time (one indexed query)."""
    rows = db.session.execute(
        select(HouseholdCode.id, HouseholdCode.code, Unit, Response.channel, Response.created_at)
        .join(Response, Response.household_code_id == HouseholdCode.id)
        .outerjoin(Unit, Unit.id == HouseholdCode.village_id)
        .where(HouseholdCode.campaign_id == campaign.id, HouseholdCode.commune_id == commune.id)
        .order_by(HouseholdCode.code)
    ).all()
    return [Used(code_id, code, village, channel, at) for code_id, code, village, channel, at in rows]


def _groups(campaign: Campaign, commune: Unit, used: list[Used]) -> list[Group]:
    """Every village of the campaign's register of the commune (even with no used code), the
    villages of used codes, and the codes of no village, by code."""
    villages = {v.code: v for v in db.session.scalars(
        select(Unit).join(CampaignVillage, CampaignVillage.village_id == Unit.id)
        .where(CampaignVillage.campaign_id == campaign.id, CampaignVillage.commune_id == commune.id))}
    counts = Counter(u.group for u in used)
    for u in used:
        if u.village is not None:
            villages.setdefault(u.village.code, u.village)
    groups = [Group(code, village, counts.get(code, 0)) for code, village in sorted(villages.items())]
    if counts.get(NO_VILLAGE):
        groups.append(Group(NO_VILLAGE, None, counts[NO_VILLAGE]))
    return groups


def _sample(report: Report | None) -> RecontactSample | None:
    if report is None:
        return None
    return db.session.scalar(select(RecontactSample).filter_by(report_id=report.id))


def _lines(sample: RecontactSample | None) -> list[Line]:
    if sample is None:
        return []
    records = list(db.session.scalars(
        select(RecontactOutcome).join(RecontactEntry).where(RecontactEntry.sample_id == sample.id)
        .order_by(RecontactOutcome.id)))
    current = latest([(r.entry_id, r) for r in records])
    return [Line(entry, current.get(entry.id)) for entry in sample.entries]


def recontact_state(actor: Principal, campaign_key: str, commune_code: str) -> Recontact:
    """The verification page of a commune: its villages and used codes, the sample if drawn,
    and whether the account may draw it or record outcomes."""
    campaign, unit, actor = _place(actor, campaign_key, commune_code)
    report = find_report(campaign, unit)
    sample = _sample(report)
    acting = _may_act(actor, campaign, unit) and report is not None and report.status == Status.SUBMITTED
    groups = _groups(campaign, unit, used_codes(campaign, unit))
    return Recontact(campaign, unit, report, groups, sample, _lines(sample),
                     may_draw=acting and sample is None, may_record=acting and sample is not None)


def _acting(actor: Principal, campaign_key: str, commune_code: str
            ) -> tuple[Campaign, Unit, Principal, Report]:
    campaign, unit, actor = _place(actor, campaign_key, commune_code)
    report = find_report(campaign, unit, lock=True)
    authorize(actor, campaign, unit, Action.ACCEPT)
    if report is None or report.status != Status.SUBMITTED:
        raise Refused("recontact_not_submitted", status=409, state=report.status if report else "none")
    return campaign, unit, actor, report


def _log(report: Report, action: str, actor: Principal, at: datetime, note: str) -> None:
    db.session.add(ReportEvent(
        campaign_id=report.campaign_id, unit_id=report.unit_id, report_id=report.id, action=action,
        status_after=report.status, actor_username=actor.name, actor_full_name=actor.full_name,
        actor_role=actor.role.value, actor_unit=actor.unit_label, at=at, content_hash=report.content_hash,
        note=note))


def draw_sample(actor: Principal, campaign_key: str, commune_code: str, sizes: dict[str, int],
                seed: int | None = None) -> RecontactSample:
    """Draw the commune's re-contact sample: `sizes` households per village code ("" for codes of
    no village; a village left out gets none), with `seed` (default: a new random one). Once per
    report (409 when drawn already), so that nobody redraws until the list suits them."""
    campaign, unit, actor, report = _acting(actor, campaign_key, commune_code)
    if _sample(report) is not None:
        raise Refused("sample_exists", status=409, code=unit.code)
    used = used_codes(campaign, unit)
    groups = [g.code for g in _groups(campaign, unit, used)]
    try:
        checked = check_sizes(sizes, groups)
        seed = check_seed(secrets.randbelow(MAX_SEED + 1) if seed is None else seed)
    except SampleRefused as refused:
        raise Refused(refused.reason, status=422, **refused.data) from None
    by_key = {(u.group, u.code): u for u in used}
    chosen = draw((Candidate(u.group, u.code) for u in used), checked, seed)
    if not chosen:
        raise Refused("sample_no_used_codes", status=409, code=unit.code)
    at = utcnow()
    sample = RecontactSample(
        report_id=report.id, campaign_id=campaign.id, unit_id=unit.id, seed=seed,
        sizes=canonical_json(checked), population=len(used), actor_username=actor.name,
        actor_full_name=actor.full_name, actor_role=actor.role.value, actor_unit=actor.unit_label, at=at)
    db.session.add(sample)
    db.session.flush()
    for position, candidate in enumerate(chosen, start=1):
        found = by_key[(candidate.group, candidate.code)]
        db.session.add(RecontactEntry(
            sample_id=sample.id, position=position, household_code_id=found.code_id,
            village_id=found.village.id if found.village else None, channel=found.channel,
            answered_at=found.answered_at))
    _log(report, "sample", actor, at, f"seed {seed}; {len(chosen)} / {len(used)}; "
         + ", ".join(f"{code or '-'}: {size}" for code, size in checked.items()))
    db.session.flush()
    db.session.expire(sample, ["entries"])
    return sample


def record_outcomes(actor: Principal, campaign_key: str, commune_code: str,
                    outcomes: dict[int, tuple[str, str]]) -> int:
    """Record what re-contact found: {position in the list: (outcome, note)}. A household whose
    outcome and note are unchanged is skipped; each change is a new row (who, when) and an audit
    entry. Returns how many were recorded. Refused 422 for an unknown position or outcome or a
    note too long, and nothing is recorded then."""
    _, unit, actor, report = _acting(actor, campaign_key, commune_code)
    sample = _sample(report)
    if sample is None:
        raise Refused("sample_missing", status=409, code=unit.code)
    lines = {line.entry.position: line for line in _lines(sample)}
    checked: list[tuple[Line, Outcome, str]] = []
    for position, (outcome, note) in sorted(outcomes.items()):
        if position not in lines:
            raise Refused("recontact_unknown_line", status=422, position=position)
        try:
            value = Outcome(outcome)
        except ValueError:
            raise Refused("recontact_outcome_invalid", status=422, position=position) from None
        note = " ".join((note or "").split())
        if len(note) > MAX_NOTE:
            raise Refused("recontact_note_too_long", status=422, maximum=MAX_NOTE, position=position)
        current = lines[position].outcome
        if current is None or current.outcome != value.value or current.note != note:
            checked.append((lines[position], value, note))
    at = utcnow()
    for line, value, note in checked:
        db.session.add(RecontactOutcome(
            entry_id=line.entry.id, outcome=value.value, note=note, actor_username=actor.name,
            actor_full_name=actor.full_name, actor_role=actor.role.value, actor_unit=actor.unit_label, at=at))
        _log(report, "recontact", actor, at, f"{line.entry.position}. {line.code}: {value.value}"
             + (f" – {note}" if note else ""))
    db.session.flush()
    return len(checked)


@dataclass(frozen=True)
class Outcomes:
    """A report's verification by re-contact, for its document: the draw and each household."""

    seed: int
    sizes: dict[str, int]
    population: int
    drawn_by: str
    drawn_at: datetime
    lines: list[Line]
    tally: Tally


def report_outcomes(report: Report) -> Outcomes | None:
    """The re-contact sample of a report and its current outcomes (None: no sample drawn). No
    scope check: for the report's document, which its caller has already checked."""
    sample = _sample(report)
    if sample is None:
        return None
    lines = _lines(sample)
    found = tally(len(lines), (Outcome(line.outcome.outcome) for line in lines if line.outcome))
    return Outcomes(sample.seed, json.loads(sample.sizes), sample.population, sample.actor, sample.at,
                    lines, found)
