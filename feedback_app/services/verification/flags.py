"""The plausibility flags of a campaign's units, for the committee above (issue 19 item 1).

The rules are pure (domain.plausibility); this module gathers their facts from the database (the
campaign's register and its responses with their provenance, services.responses.provenance) for a
unit and the units directly below it. Who may see them, and what a page shows of them, is
services.verification.shown.

`report_flags(campaign, unit)` is what accepting `unit`'s report asks to acknowledge: the flags of
the unit and of the units directly below it (for a commune, its villages). The report documents may
call it for their verification section.

A unit's flags are kept once computed (models.FlagSnapshot) with a fingerprint of all they depend
on: the settings, the field window, the minimum coverage, the survey, the rules' own code, the
register's households and each commune's count of responses (from the counters; responses are only
ever added, so an equal count is the same responses). A page uses the kept flags while the
fingerprint holds and reads the responses again only for the units whose fingerprint changed: once
the field window has closed, when the verifier reads them, no page reads a response.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ...adapters.queue import job_app_context, task_queue
from ...clock import as_utc, local_day
from ...domain import plausibility
from ...domain.plausibility import (
    Answered,
    Settings,
    UnitFacts,
    flags_of,
    settings_values,
)
from ...domain.survey import OverallRule, Survey
from ...extensions import db
from ...models import (
    Answer,
    Campaign,
    CampaignCommune,
    CampaignVillage,
    CommuneCounter,
    Response,
    Unit,
)
from ..effects import after_commit
from ..errors import Refused
from ..surveys import survey_of
from . import snapshots
from .settings import campaign_settings
from .snapshots import UnitFlag, decoded, keep_after_commit, kept_rows

# The rules' code, this module's and the kept flags' format: flags kept by other code are computed again.
_CODE = hashlib.sha256(b"".join(Path(module).read_bytes() for module in (
    plausibility.__file__, __file__, snapshots.__file__))).hexdigest()


@dataclass(frozen=True)
class _Row:
    commune_id: int
    village_id: int | None
    fact: Answered
    satisfied: bool | None  # overall; None: not a valid answer


def _row(response: Any, straight: bool, satisfied: bool | None) -> _Row:
    at: datetime = as_utc(response.created_at)
    return _Row(response.commune_id, response.village_id, Answered(
        at=at, day=local_day(at), open_link=response.household_code_id is None, straight=straight,
        seconds=response.seconds, device=response.device_key, address=response.address_key,
        cadre=response.collector), satisfied)


def _rows(campaign: Campaign, commune_ids: Collection[int]) -> list[_Row]:
    """Every response of these communes as the rules see it. Per response the database returns
    its facts, whether all its answers are one value (min = max over every item), and its overall
    answer, not each answer: a province's 100,000 responses are 100,000 rows, not two million."""
    if not commune_ids:
        return []
    survey = survey_of(campaign.survey_version)
    where = (Response.campaign_id == campaign.id, Response.commune_id.in_(list(commune_ids)))
    responses = db.session.execute(
        select(Response.id, Response.commune_id, Response.village_id, Response.household_code_id,
               Response.created_at, Response.seconds, Response.device_key, Response.address_key,
               Response.collector).where(*where).order_by(Response.id)).all()
    shape = {rid: (low == high and n == len(survey.item_ids)) for rid, low, high, n in db.session.execute(
        select(Answer.response_id, func.min(Answer.value), func.max(Answer.value), func.count())
        .join(Response).where(*where).group_by(Answer.response_id))}
    overall = next((item.id for item in survey.items if item.overall), None)
    if survey.overall_rule is OverallRule.OVERALL_ITEM and overall is not None:
        values = dict(db.session.execute(select(Answer.response_id, Answer.value).join(Response)
                                         .where(*where, Answer.item_id == overall)).all())
        return [_row(r, shape.get(r.id, False),
                     survey.is_satisfied(values[r.id]) if r.id in values else None) for r in responses]
    answers: dict[int, dict[str, int]] = defaultdict(dict)
    for response_id, item_id, value in db.session.execute(
            select(Answer.response_id, Answer.item_id, Answer.value).join(Response).where(*where)):
        answers[response_id][item_id] = value
    return [_row(r, shape.get(r.id, False), _overall(survey, answers[r.id])) for r in responses]


def _overall(survey: Survey, answers: dict[str, int]) -> bool | None:
    try:
        return survey.overall_satisfied(answers)
    except KeyError:  # an incomplete response (none is stored so; a guard, not a rule)
        return None


def _chain(unit: Unit) -> list[int]:
    """The unit's id and its ancestors' ids, itself first."""
    chain = []
    current: Unit | None = unit
    while current is not None:
        chain.append(current.id)
        current = current.parent
    return chain


def _facts(campaign: Campaign, unit: Unit, rows: Sequence[_Row], households: int | None) -> UnitFacts:
    valid = [r.satisfied for r in rows if r.satisfied is not None]
    return UnitFacts(unit=unit.id, respondents=len(rows), households=households,
                     overall_satisfied=sum(1 for v in valid if v), overall_valid=len(valid),
                     min_coverage=Fraction(campaign.min_coverage), opens_on=campaign.opens_on,
                     closes_on=campaign.closes_on, responses=tuple(r.fact for r in rows))


def _sum(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@dataclass(frozen=True)
class _Scope:
    """The campaign's communes, each with its chain of units (itself first, then its ancestors)."""

    communes: dict[int, CampaignCommune]
    chains: dict[int, list[int]]

    def below(self, unit: Unit) -> tuple[dict[int, CampaignCommune], dict[int, int]]:
        """The communes under `unit` (itself, for a commune), and for each the id of the child of
        `unit` it lies under (none for the unit's own commune)."""
        below: dict[int, CampaignCommune] = {}
        child_of: dict[int, int] = {}
        for commune_id, chain in self.chains.items():
            if unit.id in chain:
                below[commune_id] = self.communes[commune_id]
                position = chain.index(unit.id)
                if position > 0:
                    child_of[commune_id] = chain[position - 1]
        return below, child_of


def campaign_scope(campaign: Campaign) -> _Scope:
    communes = {c.unit_id: c for c in db.session.scalars(
        select(CampaignCommune).filter_by(campaign_id=campaign.id))}
    return _Scope(communes, {commune_id: _chain(c.unit) for commune_id, c in communes.items()})


@dataclass(frozen=True)
class _Register:
    """What the flags of the communes under a page's unit depend on beside their responses: each
    commune's count of responses (its counter) and, for the communes whose villages have flags of
    their own, each village's registered households."""

    respondents: dict[int, int]
    villages: dict[int, dict[int, int]]  # commune id -> village id -> households


def _register(campaign: Campaign, communes: Collection[int], village_communes: Collection[int]) -> _Register:
    respondents: dict[int, int] = {}
    villages: dict[int, dict[int, int]] = {c: {} for c in village_communes}
    if communes:
        respondents = {commune_id: count for commune_id, count in db.session.execute(
            select(CommuneCounter.commune_id, CommuneCounter.respondents)
            .where(CommuneCounter.campaign_id == campaign.id,
                   CommuneCounter.commune_id.in_(list(communes))))}
    if village_communes:
        for commune_id, village_id, households in db.session.execute(
                select(CampaignVillage.commune_id, CampaignVillage.village_id, CampaignVillage.households)
                .where(CampaignVillage.campaign_id == campaign.id,
                       CampaignVillage.commune_id.in_(list(village_communes)))):
            villages[commune_id][village_id] = households
    return _Register(respondents, villages)


def _basis(campaign: Campaign, settings: Settings) -> str:
    """What the flags of every unit of the campaign depend on."""
    return json.dumps({"code": _CODE, "settings": settings_values(settings),
                       "opens": campaign.opens_on.isoformat(), "closes": campaign.closes_on.isoformat(),
                       "min_coverage": str(Fraction(campaign.min_coverage)),
                       "survey": campaign.survey_version_id}, sort_keys=True)


def _fingerprint(basis: str, unit: Unit, below: dict[int, CampaignCommune], child_of: dict[int, int],
                 register: _Register) -> str:
    communes = sorted([commune_id, row.households, register.respondents.get(commune_id, 0),
                       child_of.get(commune_id)] for commune_id, row in below.items())
    villages = sorted(register.villages.get(unit.id, {}).items()) if unit.level == "commune" else []
    return hashlib.sha256(json.dumps([basis, unit.id, communes, villages]).encode()).hexdigest()


# A unit late on a page is queued for computing at most once in this many seconds: while answers
# keep coming, its flags on the page are at most about this old (plus the job's own time).
REFRESH_SECONDS = 300


def resolve_flags(campaign: Campaign, scope: _Scope, units: Sequence[Unit],
             budget: int | None) -> tuple[dict[int, list[UnitFlag]], dict[int, datetime | None]]:
    """`unit_flags` of each of `units` that holds communes of the campaign: the kept flags where the
    fingerprint holds; the others computed from one read of their responses, as long as all those
    read number at most `budget` (None: no limit; the smallest units first). A unit beyond it keeps
    the flags last computed, is queued for computing in the background, and is returned as late,
    with when its flags shown were computed."""
    by_id = {u.id: u for u in units}
    pools = {u.id: scope.below(u) for u in units}
    pools = {unit_id: pool for unit_id, pool in pools.items() if pool[0]}
    if not pools:
        return {}, {}
    communes = {commune_id for below, _ in pools.values() for commune_id in below}
    settings = campaign_settings(campaign)
    # The counts first, the responses after: on PostgreSQL each statement sees what is committed
    # when it runs, so the responses read may be more than those counted (the flags are then
    # kept under an older fingerprint and computed again at the next view), never fewer.
    register = _register(campaign, communes, [i for i in pools if by_id[i].level == "commune"])
    basis = _basis(campaign, settings)
    fingerprints = {i: _fingerprint(basis, by_id[i], *pools[i], register) for i in pools}
    kept = kept_rows(campaign, pools.keys())
    found = decoded({i: row for i, row in kept.items() if row.fingerprint == fingerprints[i]})
    sizes = {i: sum(register.respondents.get(c, 0) for c in pools[i][0]) for i in pools if i not in found}
    now, later, total = [], [], 0
    for unit_id in sorted(sizes, key=lambda i: (sizes[i], by_id[i].code)):
        if budget is None or total + sizes[unit_id] <= budget:
            now.append(unit_id)
            total += sizes[unit_id]
        else:
            later.append(unit_id)
    if now:
        by_commune: dict[int, list[tuple[int, _Row]]] = defaultdict(list)  # in the order read (by id)
        read = {commune_id for unit_id in now for commune_id in pools[unit_id][0]}
        for position, row in enumerate(_rows(campaign, read)):
            by_commune[row.commune_id].append((position, row))
        computed = {}
        for unit_id in now:
            below, child_of = pools[unit_id]
            rows = [row for _, row in sorted(item for commune_id in below for item in by_commune[commune_id])]
            found[unit_id] = _flags(campaign, settings, by_id[unit_id], below, child_of, rows, register)
            computed[unit_id] = (fingerprints[unit_id], found[unit_id])
        keep_after_commit(campaign, computed)
    found.update(decoded({i: kept[i] for i in later if i in kept}))  # as last computed
    late: dict[int, datetime | None] = {}
    for unit_id in later:
        found.setdefault(unit_id, [])
        late[unit_id] = kept[unit_id].computed_at if unit_id in kept else None
        _refresh_after_commit(campaign.id, unit_id)
    return found, late


def _refresh_after_commit(campaign_id: int, unit_id: int) -> None:
    queue = task_queue()

    def dispatch() -> None:
        queue.enqueue_once(f"flags:{campaign_id}:{unit_id}", REFRESH_SECONDS, refresh_flags,
                           campaign_id, unit_id, description=f"flags of unit {unit_id}")
    after_commit(db.session, dispatch)


def refresh_flags(campaign_id: int, unit_id: int) -> None:
    """The background job: compute a unit's flags and keep them."""
    with job_app_context():
        campaign = db.session.get(Campaign, campaign_id)
        unit = db.session.get(Unit, unit_id)
        if campaign is None or unit is None:
            return
        unit_flags(campaign, unit)
        db.session.commit()


def unit_flags(campaign: Campaign, unit: Unit) -> list[UnitFlag]:
    """The flags of `unit` and of each unit directly below it in the campaign (a commune's
    villages; a province's communes, or a legacy district's), the unit's first, then by code;
    computed now if those kept are not current."""
    found, _ = resolve_flags(campaign, campaign_scope(campaign), [unit], None)
    return found.get(unit.id, [])


def children_flags(campaign: Campaign, unit: Unit) -> dict[int, list[UnitFlag]]:
    """`unit_flags` of each unit directly below `unit` that holds communes of the campaign (by
    id; none below a commune): what a committee's own page shows for its communes, from one read
    of the responses of the children whose kept flags are not current, not one per child."""
    scope = campaign_scope(campaign)
    ids = set(scope.below(unit)[1].values())
    children = list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)))) if ids else []
    found, _ = resolve_flags(campaign, scope, children, None)
    return found


def _flags(campaign: Campaign, settings: Settings, unit: Unit, below: dict[int, CampaignCommune],
           child_of: dict[int, int], rows: list[_Row], register: _Register) -> list[UnitFlag]:
    """The flags of `unit` (its communes `below`, their responses `rows`) and of its children."""
    pools: list[tuple[Unit, list[_Row], int | None]] = [
        (unit, rows, _sum(c.households for c in below.values()))]
    if unit.level == "commune":
        villages = register.villages[unit.id]
        by_village: dict[int, list[_Row]] = defaultdict(list)
        for row in rows:
            if row.village_id is not None:
                by_village[row.village_id].append(row)
        for village_id in set(villages) | set(by_village):
            village = db.session.get(Unit, village_id)
            assert village is not None
            pools.append((village, by_village[village_id], villages.get(village_id)))
    else:
        by_child: dict[int, list[_Row]] = defaultdict(list)
        for row in rows:
            by_child[child_of[row.commune_id]].append(row)
        for child_id in sorted(set(child_of.values())):
            child = db.session.get(Unit, child_id)
            assert child is not None
            pools.append((child, by_child[child_id],
                          _sum(c.households for cid, c in below.items() if child_of.get(cid) == child_id)))
    head, *rest = pools
    ordered = [head, *sorted(rest, key=lambda pool: pool[0].code)]
    return [UnitFlag(pool_unit, flag) for pool_unit, pool_rows, households in ordered
            for flag in flags_of(_facts(campaign, pool_unit, pool_rows, households), settings)]


def report_flags(campaign: Campaign, unit: Unit) -> list[UnitFlag]:
    """What the one who accepts `unit`'s report must acknowledge (also for the report documents)."""
    return unit_flags(campaign, unit)


def check_acknowledged(flags: Sequence[UnitFlag], acknowledged: Collection[str]) -> str | None:
    """The flags as the audit log records them, or None when there are none; Refused 422 naming
    the flags not acknowledged."""
    if not flags:
        return None
    missing = [f.ident for f in flags if f.ident not in acknowledged]
    if missing:
        raise Refused("flags_unacknowledged", status=422, flags=", ".join(missing), count=len(missing))
    return json.dumps([f.record() for f in flags], sort_keys=True, ensure_ascii=False)


def recorded_flags(text: str | None) -> list[dict[str, Any]]:
    """report_events.flags read back (empty: none)."""
    if not text:
        return []
    read = json.loads(text)
    return read if isinstance(read, list) else []

