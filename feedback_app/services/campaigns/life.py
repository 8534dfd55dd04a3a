"""A campaign's life for its officers: edit it before it opens, open it, extend it, close it,
reopen it. One service for the committee's pages (web/committee/campaign_life.py); every step is
appended to the campaign's audit log (services.campaigns.events) in the same transaction.

Who may: an officer or administrator of the campaign's unit or of a unit above it (a commune's
officer reads a province's campaign but does not change it). The date rules are
domain.campaign_life's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, insert, select

from ...domain import campaign_life as rules
from ...domain.access import Principal, Role
from ...domain.campaign_life import Action, DateRefusal, Dates
from ...domain.units import is_surveyed
from ...extensions import db
from ...models import Campaign, CampaignCommune, CampaignExclusion, HouseholdCode, Unit
from ..accounts.access import check_can_act
from ..errors import Refused
from ..indices import counters
from ..surveys import survey_of
from . import events
from .setup import NewCampaign, _checked_rules, default_title, descendant_communes, get_campaign


@dataclass(frozen=True)
class Settings:
    """What an officer may change before the campaign opens (fractions 0..1, as stored)."""

    title: str | None
    opens_on: date
    closes_on: date
    min_coverage: Decimal
    threshold: Decimal
    item_rule: str | None = None
    item_threshold: Decimal | None = None
    commune_floor: Decimal | None = None
    posting_days: int = 10
    communes: tuple[str, ...] | None = None  # commune codes; None: unchanged


def managed(principal: Principal, key: str) -> Campaign:
    """The campaign, if the principal is an officer (or above) of its unit or a unit above it."""
    campaign = get_campaign(key)
    check_can_act(principal, campaign.unit, Role.OFFICER)
    return campaign


def commune_choices(campaign: Campaign) -> list[Unit]:
    """The communes an edit may choose from: the rural communes below the campaign's unit, and any
    it surveys already (an urban one chosen at the command line), by code. A commune the province
    left out with a reason (services.campaigns.scope) is not among them: it comes back on the
    scope page ("Survey it again"), which closes its published exclusion."""
    current = {c.unit_id for c in campaign.communes}
    left_out = set(db.session.scalars(select(CampaignExclusion.unit_id).where(
        CampaignExclusion.campaign_id == campaign.id)))
    return [u for u in descendant_communes(campaign.unit) if u.id not in left_out
            and (u.id in current or is_surveyed(u.unit_type, include_urban=False))]


def edit(principal: Principal, key: str, settings: Settings, today: date) -> Campaign:
    """Change the title, dates, rules and communes of a campaign that has not opened yet."""
    campaign = managed(principal, key)
    dates = _dates(campaign)
    try:
        new_dates = rules.edited(dates, Dates(settings.opens_on, settings.closes_on), today)
    except DateRefusal as refusal:
        raise _refused(refusal, campaign) from None
    spec = NewCampaign(
        key=campaign.key, survey=survey_of(campaign.survey_version), scheme=campaign.unit.scheme,
        unit_code=campaign.unit.code, opens_on=new_dates.opens_on, closes_on=new_dates.closes_on,
        min_coverage=settings.min_coverage, threshold=settings.threshold, title=settings.title,
        item_threshold=settings.item_threshold, item_rule=settings.item_rule,
        commune_floor=settings.commune_floor, posting_days=settings.posting_days)
    title, item_rule = _checked_rules(spec)
    if settings.commune_floor is not None and campaign.unit.level == "commune":
        raise Refused("campaign_floor_commune", unit=campaign.unit.code)
    before = events.settings_of(campaign)
    if settings.communes is not None:
        _set_communes(campaign, settings.communes)
    campaign.title = title or default_title(spec.survey, campaign.unit, new_dates.opens_on)
    campaign.opens_on, campaign.closes_on = new_dates.opens_on, new_dates.closes_on
    campaign.min_coverage, campaign.threshold = settings.min_coverage, settings.threshold
    campaign.item_rule = item_rule
    campaign.item_threshold = settings.item_threshold if item_rule else None
    campaign.commune_floor = settings.commune_floor
    campaign.posting_days = settings.posting_days
    db.session.flush()
    db.session.expire(campaign, ["communes"])
    old, new = events.changed(before, events.settings_of(campaign))
    if old or new:
        events.record(principal, campaign, Action.EDITED, old, new)
    return campaign


def open_today(principal: Principal, key: str, today: date) -> Campaign:
    """Open a campaign that has not opened yet: it opens today (Vietnam time)."""
    return _change_dates(principal, key, Action.OPENED, lambda d: rules.opened(d, today))


def extend(principal: Principal, key: str, closes_on: date, today: date, reason: str = "") -> Campaign:
    """An open campaign gets a later closing date (a reason is optional)."""
    text = _reason(reason, required=False)
    return _change_dates(principal, key, Action.EXTENDED, lambda d: rules.extended(d, closes_on, today),
                         text)


def close(principal: Principal, key: str, today: date) -> Campaign:
    """Close an open campaign from now on (the opening date stays); Refused for one that never
    opened (its dates are edited instead) or is closed already."""
    return _change_dates(principal, key, Action.CLOSED, lambda d: rules.closed(d, today))


def reopen(principal: Principal, key: str, closes_on: date, today: date, reason: str) -> Campaign:
    """A closed campaign takes answers again until `closes_on`; the reason is required."""
    text = _reason(reason, required=True)
    return _change_dates(principal, key, Action.REOPENED, lambda d: rules.reopened(d, closes_on, today),
                         text)


def record_created(principal: Principal, campaign: Campaign) -> None:
    """The first entry of a campaign's log, with its settings as created."""
    events.record(principal, campaign, Action.CREATED, None, events.settings_of(campaign))


def _change_dates(principal: Principal, key: str, action: str, change: Callable[[Dates], Dates],
                  reason: str = "") -> Campaign:
    campaign = managed(principal, key)
    dates = _dates(campaign)
    try:
        new = change(dates)
    except DateRefusal as refusal:
        raise _refused(refusal, campaign) from None
    before = {"opens_on": dates.opens_on.isoformat(), "closes_on": dates.closes_on.isoformat()}
    campaign.opens_on, campaign.closes_on = new.opens_on, new.closes_on
    db.session.flush()
    after = {"opens_on": new.opens_on.isoformat(), "closes_on": new.closes_on.isoformat()}
    old, changed_to = events.changed(before, after)
    events.record(principal, campaign, action, old, changed_to, reason)
    return campaign


def _dates(campaign: Campaign) -> Dates:
    return Dates(campaign.opens_on, campaign.closes_on)


def _reason(reason: str, required: bool) -> str:
    try:
        return rules.checked_reason(reason, required)
    except DateRefusal as refusal:
        raise Refused(refusal.reason, status=422, **refusal.data) from None


def _refused(refusal: DateRefusal, campaign: Campaign) -> Refused:
    status = 409 if refusal.reason in ("campaign_state", "campaign_never_opened") else 422
    return Refused(refusal.reason, status=status, campaign=campaign.key, **refusal.data)


def _set_communes(campaign: Campaign, codes: Collection[str]) -> None:
    """Survey these communes (codes among commune_choices): new ones enter with their households
    and zero counters; a commune leaves only while no code was issued for it."""
    choices = {u.code: u for u in commune_choices(campaign)}
    unknown = sorted(set(codes) - set(choices))
    if unknown:
        raise Refused("campaign_communes_unknown", status=422, communes=unknown)
    if not codes:
        raise Refused("campaign_no_communes", status=422, unit=campaign.unit.code)
    wanted = {choices[c].id for c in codes}
    current = {c.unit_id: c for c in campaign.communes}
    leaving = [unit_id for unit_id in current if unit_id not in wanted]
    if leaving:
        with_codes = sorted(db.session.scalars(
            select(Unit.code).where(Unit.id.in_(select(HouseholdCode.commune_id).where(
                HouseholdCode.campaign_id == campaign.id, HouseholdCode.commune_id.in_(leaving))
                .group_by(HouseholdCode.commune_id)))))
        if with_codes:
            raise Refused("campaign_commune_has_codes", status=409, communes=with_codes)
        counters.delete_commune_rows(campaign, leaving)
        db.session.execute(delete(CampaignCommune).where(
            CampaignCommune.campaign_id == campaign.id, CampaignCommune.unit_id.in_(leaving)))
    entering = [choices[c] for c in sorted(codes) if choices[c].id not in current]
    if entering:
        db.session.execute(insert(CampaignCommune), [
            {"campaign_id": campaign.id, "unit_id": u.id, "households": u.households} for u in entering])
        counters.create_commune_rows(campaign, [u.id for u in entering])
    db.session.flush()

