"""A province campaign's scope, set by the campaign's officers before it opens (issue #17, item 4):
communes left out, each with a reason, and, for a province-completion survey, the villages
surveyed in a commune (a sample picked by the province).

A commune left out loses its campaign_communes row, its counters, its register and its codes (none
can have been used: the campaign has not opened), so that no index, dashboard, report, export or
national figure counts it; the exclusion row keeps it and its reason for the "Communes left out"
note. Taking it back creates the row and zero counters again, as set-up does.

A sampled commune is surveyed in its sampled villages only: its register copy
(services.campaigns.register.take_register), hence its codes and its coverage denominator, holds
those villages' households only. The sample is fixed once the commune's codes are issued, and only
campaigns answered by household codes alone can sample (with an open link anyone in the commune
could answer, and coverage of the sample would mean nothing).

Every change is appended to the scope log (campaign_scope_events) with who and when.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from ...domain.access import Principal
from ...domain.campaign import Window
from ...domain.scope import MAX_REASON, clean_reason, sampled_households, unknown_villages
from ...extensions import db
from ...models import (
    Campaign,
    CampaignCommune,
    CampaignExclusion,
    CampaignSampleVillage,
    CampaignScopeEvent,
    CampaignVillage,
    CommuneCounter,
    DailyCounter,
    HouseholdCode,
    ItemCounter,
    Report,
    Response,
    Unit,
    VillageCounter,
    VillageItemCounter,
)
from ..errors import Refused
from ..indices import counters
from ..surveys import survey_of
from ..units.villages import is_current
from .manage import managed_campaign, state_of

ACTIONS = ("excluded", "included", "sample_set", "sample_cleared")
LOG_SHOWN = 50


@dataclass(frozen=True)
class ScopeCommune:
    """One commune of the campaign's unit on the scope page."""

    unit: Unit
    exclusion: CampaignExclusion | None  # None: surveyed
    villages: list[Unit]  # current villages, by code
    sample: frozenset[int]  # sampled village ids; empty: the whole commune
    households: int | None  # the register's households of the whole commune
    codes_issued: int
    registered: bool  # codes issued: the register (and the sample) is fixed
    counted: int | None = None  # the campaign's own denominator for it (campaign_communes.households)

    @property
    def sample_households(self) -> int:
        return sampled_households({v.id: v.households for v in self.villages}, self.sample)

    @property
    def surveyed_households(self) -> int | None:
        """Coverage's denominator: the campaign's copy for a surveyed commune (the sampled
        villages' households, or the commune's), as the dashboard counts it."""
        if self.exclusion is None and self.counted is not None:
            return self.counted
        return self.sample_households if self.sample else self.households


@dataclass(frozen=True)
class Scope:
    campaign: Campaign
    state: Window
    communes: list[ScopeCommune]
    events: list[CampaignScopeEvent]  # newest first
    sampling_refused: str | None  # why this campaign cannot sample villages (a reason code), or None

    @property
    def changeable(self) -> bool:
        return self.state is Window.NOT_OPEN

    @property
    def excluded(self) -> list[ScopeCommune]:
        return [c for c in self.communes if c.exclusion is not None]

    @property
    def surveyed(self) -> list[ScopeCommune]:
        return [c for c in self.communes if c.exclusion is None]

    @property
    def surveyed_households(self) -> int:
        return sum(c.surveyed_households or 0 for c in self.surveyed)


def _sampling_refusal(campaign: Campaign) -> str | None:
    if not campaign.household_codes:
        return "sample_without_codes"
    if campaign.open_link:
        return "sample_open_link"
    return None


def _province_campaign(principal: Principal, key: str) -> Campaign:
    """A campaign over several communes that the principal manages (an officer of its unit or
    above: a commune's account is refused, the commune being below the campaign's unit)."""
    campaign = managed_campaign(principal, key)
    if campaign.unit.level == "commune":
        raise Refused("scope_one_commune", status=409, campaign=campaign.key)
    return campaign


def _changeable(principal: Principal, key: str, today: date) -> Campaign:
    campaign = _province_campaign(principal, key)
    state = state_of(campaign, today)
    if state is not Window.NOT_OPEN:
        raise Refused("scope_after_opening", status=409, state=state.value, campaign=campaign.key)
    return campaign


def _communes(campaign: Campaign) -> tuple[dict[int, CampaignCommune], dict[int, CampaignExclusion]]:
    included = {c.unit_id: c for c in db.session.scalars(
        select(CampaignCommune).where(CampaignCommune.campaign_id == campaign.id)
        .options(joinedload(CampaignCommune.unit)))}
    excluded = {e.unit_id: e for e in db.session.scalars(
        select(CampaignExclusion).where(CampaignExclusion.campaign_id == campaign.id)
        .options(joinedload(CampaignExclusion.unit)))}
    return included, excluded


def scope_of(principal: Principal, key: str, today: date) -> Scope:
    """What the scope page shows: every commune of the campaign (surveyed or left out), its current
    villages and its sample, the codes issued, and the latest log entries (four queries)."""
    campaign = _province_campaign(principal, key)
    included, excluded = _communes(campaign)
    units = {**{i: c.unit for i, c in included.items()}, **{i: e.unit for i, e in excluded.items()}}
    ids = list(units)
    villages: dict[int, list[Unit]] = {i: [] for i in ids}
    samples: dict[int, set[int]] = {i: set() for i in ids}
    issued: dict[int, int] = {}
    if ids:
        for village in db.session.scalars(
            select(Unit).where(Unit.parent_id.in_(ids), Unit.level == "village").order_by(Unit.code)
        ):
            if is_current(village) and village.parent_id is not None:
                villages[village.parent_id].append(village)
        for commune_id, village_id in db.session.execute(
            select(CampaignSampleVillage.commune_id, CampaignSampleVillage.village_id)
            .where(CampaignSampleVillage.campaign_id == campaign.id)
        ):
            samples[commune_id].add(village_id)
        issued = {commune_id: n for commune_id, n in db.session.execute(
            select(HouseholdCode.commune_id, func.count(HouseholdCode.id))
            .where(HouseholdCode.campaign_id == campaign.id).group_by(HouseholdCode.commune_id)
        )}
    rows = []
    for unit_id, unit in sorted(units.items(), key=lambda pair: pair[1].code):
        own = villages[unit_id]
        registered = included[unit_id].registered_at is not None if unit_id in included else False
        households = (sum(v.households or 0 for v in own) if own else unit.households)
        rows.append(ScopeCommune(unit, excluded.get(unit_id), own, frozenset(samples[unit_id]),
                                 households, issued.get(unit_id, 0), registered,
                                 included[unit_id].households if unit_id in included else None))
    events = list(db.session.scalars(
        select(CampaignScopeEvent).where(CampaignScopeEvent.campaign_id == campaign.id)
        .order_by(CampaignScopeEvent.at.desc(), CampaignScopeEvent.id.desc()).limit(LOG_SHOWN)))
    return Scope(campaign, state_of(campaign, today), rows, events, _sampling_refusal(campaign))


def _record(actor: Principal, campaign: Campaign, action: str, commune: Unit, **detail: Any) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown scope event {action!r}")
    db.session.add(CampaignScopeEvent(
        campaign_id=campaign.id, action=action, unit_code=f"{commune.scheme}:{commune.code}"[:64],
        actor_username=actor.name[:64], actor_role=actor.role.label,
        actor_unit=actor.unit_label if actor.unit_code else "shell",
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else ""))


def _commune_in(campaign: Campaign, code: str) -> tuple[Unit, CampaignCommune | None,
                                                        CampaignExclusion | None]:
    """A commune of the campaign (surveyed or left out) by code; Refused 404 for any other."""
    included, excluded = _communes(campaign)
    for row in included.values():
        if row.unit.code == code:
            return row.unit, row, None
    for exclusion in excluded.values():
        if exclusion.unit.code == code:
            return exclusion.unit, None, exclusion
    raise Refused("unknown_commune", status=404, campaign=campaign.key, commune=code)


def exclude_commune(principal: Principal, key: str, commune_code: str, reason: str | None,
                    today: date) -> CampaignExclusion:
    """Leave a commune out of a campaign that has not opened, with a reason: its row, counters,
    register, sample and codes are removed (how many codes is in the log)."""
    campaign = _changeable(principal, key, today)
    unit, row, exclusion = _commune_in(campaign, commune_code)
    if row is None:
        raise Refused("scope_already_excluded", status=409, commune=unit.code)
    cleaned = clean_reason(reason)
    if cleaned is None:
        raise Refused("scope_reason", status=422, maximum=MAX_REASON)
    surveyed = db.session.scalar(select(func.count(CampaignCommune.id))
                                 .where(CampaignCommune.campaign_id == campaign.id)) or 0
    if surveyed <= 1:
        raise Refused("scope_last_commune", status=409, commune=unit.code)
    answered = db.session.scalar(select(func.count(Response.id)).where(
        Response.campaign_id == campaign.id, Response.commune_id == unit.id)) or 0
    reported = db.session.scalar(select(func.count(Report.id)).where(
        Report.campaign_id == campaign.id, Report.unit_id == unit.id)) or 0
    if answered or reported:
        raise Refused("scope_has_answers", status=409, commune=unit.code)
    codes = _withdraw(campaign, row)
    exclusion = CampaignExclusion(campaign_id=campaign.id, unit=unit, reason=cleaned,
                                  actor_username=principal.name[:64],
                                  actor_name=principal.full_name[:120])
    db.session.add(exclusion)
    _record(principal, campaign, "excluded", unit, reason=cleaned, codes_withdrawn=codes)
    db.session.flush()
    db.session.expire(campaign, ["communes"])
    return exclusion


def _withdraw(campaign: Campaign, row: CampaignCommune) -> int:
    """Remove a commune from a campaign's figures: codes, register, counters, sample, its row.
    Returns how many (unused) codes were withdrawn."""
    commune_id = row.unit_id
    village_ids = select(CampaignVillage.village_id).where(
        CampaignVillage.campaign_id == campaign.id, CampaignVillage.commune_id == commune_id
    ).scalar_subquery()
    codes = db.session.scalar(select(func.count(HouseholdCode.id)).where(
        HouseholdCode.campaign_id == campaign.id, HouseholdCode.commune_id == commune_id))
    db.session.execute(delete(HouseholdCode).where(
        HouseholdCode.campaign_id == campaign.id, HouseholdCode.commune_id == commune_id))
    for table in (VillageItemCounter, VillageCounter):
        db.session.execute(delete(table).where(table.campaign_id == campaign.id,
                                               table.village_id.in_(village_ids)))
    for model in (CampaignVillage, CampaignSampleVillage):
        db.session.execute(delete(model).where(model.campaign_id == campaign.id,
                                               model.commune_id == commune_id))
    for counter in (ItemCounter, DailyCounter, CommuneCounter):
        db.session.execute(delete(counter).where(counter.campaign_id == campaign.id,
                                                 counter.commune_id == commune_id))
    db.session.delete(row)
    db.session.flush()
    return int(codes or 0)


def include_commune(principal: Principal, key: str, commune_code: str, today: date) -> CampaignCommune:
    """Take a left-out commune back into a campaign that has not opened: surveyed whole, with its
    register's households and zero counters, as at set-up."""
    campaign = _changeable(principal, key, today)
    unit, row, exclusion = _commune_in(campaign, commune_code)
    if exclusion is None:
        raise Refused("scope_not_excluded", status=409, commune=unit.code)
    db.session.delete(exclusion)
    row = CampaignCommune(campaign_id=campaign.id, unit=unit, households=unit.households)
    db.session.add(row)
    db.session.flush()
    counters.create_commune_rows(campaign, [unit.id], survey_of(campaign.survey_version).item_ids)
    _record(principal, campaign, "included", unit)
    db.session.flush()
    db.session.expire(campaign, ["communes"])
    return row


def set_sample(principal: Principal, key: str, commune_code: str, village_codes: Iterable[str],
               today: date) -> tuple[int, bool]:
    """Survey only these villages of a commune (none, or all: the whole commune again), before the
    campaign opens and before the commune's codes are issued. Returns the households now surveyed
    there and whether the commune is sampled."""
    campaign = _changeable(principal, key, today)
    refusal = _sampling_refusal(campaign)
    if refusal is not None:
        raise Refused(refusal, status=409, campaign=campaign.key)
    unit, row, _ = _commune_in(campaign, commune_code)
    if row is None:
        raise Refused("scope_sample_excluded", status=409, commune=unit.code)
    if row.registered_at is not None:
        raise Refused("scope_sample_registered", status=409, commune=unit.code)
    current = {v.code: v for v in db.session.scalars(
        select(Unit).where(Unit.parent_id == unit.id, Unit.level == "village")) if is_current(v)}
    picked = {c.strip() for c in village_codes if c.strip()}
    unknown = unknown_villages(picked, current)
    if unknown:
        raise Refused("scope_sample_village", status=422, villages=unknown[:10], commune=unit.code)
    before = set(db.session.scalars(select(CampaignSampleVillage.village_id).where(
        CampaignSampleVillage.campaign_id == campaign.id, CampaignSampleVillage.commune_id == unit.id)))
    chosen = [current[c] for c in sorted(picked)]
    sampled = bool(chosen) and len(chosen) < len(current)
    if sampled and {v.id for v in chosen} == before:
        return row.households or 0, True
    db.session.execute(delete(CampaignSampleVillage).where(
        CampaignSampleVillage.campaign_id == campaign.id, CampaignSampleVillage.commune_id == unit.id))
    if sampled:
        db.session.add_all(CampaignSampleVillage(campaign_id=campaign.id, commune_id=unit.id,
                                                 village_id=v.id, actor_username=principal.name[:64])
                           for v in chosen)
        row.households = sampled_households({v.id: v.households for v in chosen}, [v.id for v in chosen])
        _record(principal, campaign, "sample_set", unit, villages=sorted(picked),
                names=[v.name for v in chosen], households=row.households, of_villages=len(current))
    else:  # none, or every village: the whole commune
        row.households = (sum(v.households or 0 for v in current.values()) if current
                          else unit.households)
        if before:
            _record(principal, campaign, "sample_cleared", unit)
    db.session.flush()
    return row.households or 0, sampled


@dataclass(frozen=True)
class LeftOut:
    """A commune left out, for the note on dashboards, reports and the report document."""

    code: str
    name: str
    name_en: str
    reason: str


def left_out(campaign_key: str) -> list[LeftOut]:
    """The communes a campaign leaves out, by code, with their reasons (one query)."""
    campaign_id = select(Campaign.id).where(Campaign.key == campaign_key).scalar_subquery()
    return [LeftOut(u.code, u.full_name, u.full_name_en or u.full_name, e.reason)
            for e, u in db.session.execute(
                select(CampaignExclusion, Unit).join(Unit, Unit.id == CampaignExclusion.unit_id)
                .where(CampaignExclusion.campaign_id == campaign_id).order_by(Unit.code)
            )]


def detail_of(event: CampaignScopeEvent) -> dict[str, Any]:
    loaded = json.loads(event.detail) if event.detail else {}
    return loaded if isinstance(loaded, dict) else {}
