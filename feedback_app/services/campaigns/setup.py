"""Setting up campaigns and issuing household codes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from ...domain.campaign import DEFAULT_MIN_COVERAGE, DEFAULT_POSTING_DAYS, DEFAULT_THRESHOLD
from ...domain.codes import generate_code
from ...domain.index import ItemRule, Rules
from ...domain.survey import Survey
from ...domain.units import is_surveyed
from ...extensions import db
from ...models import Campaign, CampaignCommune, HouseholdCode, Response, Unit
from ..errors import Refused
from ..indices import counters
from ..surveys import freeze, survey_of
from .register import campaign_villages, sampled_villages, take_register

# The whole key (fullmatch: with match and $, "key\n" passed and every page of it was a 404).
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")
KEY_FORMAT = "3 to 64 lower-case letters, digits and dashes, starting with a letter or a digit"
MAX_CODES_PER_CALL = 500_000
MAX_TITLE = 300
MAX_POSTING_DAYS = 90


@dataclass(frozen=True)
class NewCampaign:
    key: str
    survey: Survey
    scheme: str
    unit_code: str
    opens_on: date
    closes_on: date
    min_coverage: Decimal = DEFAULT_MIN_COVERAGE
    threshold: Decimal = DEFAULT_THRESHOLD  # the overall threshold
    household_codes: bool = True
    open_link: bool = False
    include_urban: bool = False
    title: str | None = None  # default: default_title(survey, unit, opens_on)
    item_threshold: Decimal | None = None
    item_rule: str | None = None  # each | average; "each" when only item_threshold is given
    commune_floor: Decimal | None = None
    posting_days: int = DEFAULT_POSTING_DAYS


def default_title(survey: Survey, unit: Unit, opens_on: date) -> str:
    """A campaign's title when none is given: the survey's title, the unit and the year."""
    survey_title = survey.title.get("vi") or next(iter(survey.title.values()))
    return f"{survey_title} – {unit.full_name} – {opens_on.year}"[:MAX_TITLE]


def campaign_title(campaign: Campaign) -> str:
    """The title pages, prints and exports show (campaigns made before titles get the default)."""
    return campaign.title or default_title(survey_of(campaign.survey_version), campaign.unit,
                                           campaign.opens_on)


def campaign_rules(campaign: Campaign, items: tuple[str, ...] = ()) -> Rules:
    """The campaign's rules for the index; `items` are the survey's content items (not the overall)."""
    return Rules.of(campaign.min_coverage, campaign.threshold, campaign.item_threshold,
                    campaign.item_rule, campaign.commune_floor, items)


def _checked_rules(spec: NewCampaign) -> tuple[str | None, str | None]:
    """The title (stripped, None for the default) and the item rule; Refused on a bad setting."""
    for name in ("min_coverage", "threshold", "item_threshold", "commune_floor"):
        value = getattr(spec, name)
        if value is not None and not Decimal(0) <= value <= Decimal(1):
            raise Refused("campaign_fraction", field=name, value=value)
    item_rule = spec.item_rule or (ItemRule.EACH.value if spec.item_threshold is not None else None)
    if item_rule is not None and item_rule not in {r.value for r in ItemRule}:
        raise Refused("campaign_item_rule", value=item_rule, expected="each, average")
    if item_rule is not None and spec.item_threshold is None:
        raise Refused("campaign_item_rule_threshold", rule=item_rule)
    if not 1 <= spec.posting_days <= MAX_POSTING_DAYS:
        raise Refused("campaign_posting_days", value=spec.posting_days, maximum=MAX_POSTING_DAYS)
    title = " ".join((spec.title or "").split()) or None
    if title is not None and (len(title) > MAX_TITLE or not title.isprintable()):
        raise Refused("campaign_title", maximum=MAX_TITLE)
    return title, item_rule


def get_unit(scheme: str, code: str) -> Unit:
    unit = db.session.scalar(select(Unit).filter_by(scheme=scheme, code=code))
    if unit is None:
        raise Refused("unknown_unit", status=404, scheme=scheme, code=code)
    return unit


def get_campaign(key: str) -> Campaign:
    campaign = db.session.scalar(
        select(Campaign).filter_by(key=key).options(joinedload(Campaign.survey_version))
    )
    if campaign is None:
        raise Refused("unknown_campaign", status=404, campaign=key)
    return campaign


def descendant_communes(unit: Unit) -> list[Unit]:
    """The commune-level units at or below `unit`, by code."""
    if unit.level == "commune":
        return [unit]
    tree = select(Unit.id).where(Unit.id == unit.id).cte("tree", recursive=True)
    child = aliased(Unit)
    tree = tree.union_all(select(child.id).where(child.parent_id == tree.c.id))
    query = select(Unit).where(Unit.id.in_(select(tree.c.id)), Unit.level == "commune")
    return list(db.session.scalars(query.order_by(Unit.code)))


def create_campaign(spec: NewCampaign) -> Campaign:
    """Freeze the survey version, snapshot the surveyed communes and their households."""
    if not KEY_PATTERN.fullmatch(spec.key):
        raise Refused("campaign_key_invalid", key=spec.key, expected=KEY_FORMAT)
    if db.session.scalar(select(Campaign.id).filter_by(key=spec.key)) is not None:
        raise Refused("campaign_key_taken", status=409, key=spec.key)
    if spec.closes_on < spec.opens_on:
        raise Refused("campaign_dates", opens_on=spec.opens_on, closes_on=spec.closes_on)
    title, item_rule = _checked_rules(spec)
    if not (spec.household_codes or spec.open_link):
        raise Refused("campaign_no_channel")
    unit = get_unit(spec.scheme, spec.unit_code)
    if spec.commune_floor is not None and unit.level == "commune":
        raise Refused("campaign_floor_commune", unit=unit.code)
    communes = [u for u in descendant_communes(unit) if is_surveyed(u.unit_type, spec.include_urban)]
    if not communes:
        raise Refused("campaign_no_communes", unit=unit.code)
    campaign = Campaign(
        key=spec.key,
        title=title or default_title(spec.survey, unit, spec.opens_on),
        survey_version=freeze(spec.survey),
        unit=unit,
        opens_on=spec.opens_on,
        closes_on=spec.closes_on,
        min_coverage=spec.min_coverage,
        threshold=spec.threshold,
        item_threshold=spec.item_threshold if item_rule else None,
        item_rule=item_rule,
        commune_floor=spec.commune_floor,
        posting_days=spec.posting_days,
        household_codes=spec.household_codes,
        open_link=spec.open_link,
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.execute(
        insert(CampaignCommune),
        [{"campaign_id": campaign.id, "unit_id": c.id, "households": c.households} for c in communes],
    )
    counters.create_rows(campaign)  # zero index counters, so that responses only ever update rows
    db.session.flush()
    return campaign


def campaign_commune(campaign: Campaign, scheme_code: str) -> CampaignCommune:
    """The campaign's commune with this code, or Refused('unknown_commune')."""
    row = db.session.scalar(
        select(CampaignCommune)
        .join(Unit, Unit.id == CampaignCommune.unit_id)
        .where(CampaignCommune.campaign_id == campaign.id, Unit.code == scheme_code)
        .options(contains_eager(CampaignCommune.unit))
    )
    if row is None:
        raise Refused("unknown_commune", status=404, campaign=campaign.key, commune=scheme_code)
    return row


def issue_codes(campaign: Campaign, commune: CampaignCommune, count: int | None = None,
                village: Unit | None = None) -> int:
    """Issue household codes for a commune or one of its villages; the one service of the web's
    codes form, `campaigns codes issue` and the demo. The first issue for a commune takes the
    campaign's register (services.campaigns.register).

    Without `count`: one code per registered household not yet covered, of the village, or of every
    village of the commune (of the commune itself when it has none). With `count`: that many more,
    for the village, or for the commune without a village."""
    if not campaign.household_codes:
        raise Refused("campaign_without_codes", campaign=campaign.key)
    if count is not None and not 0 <= count <= MAX_CODES_PER_CALL:
        raise Refused("code_count", count=count, maximum=MAX_CODES_PER_CALL)
    take_register(campaign, commune)
    villages = {v.village_id: v for v in campaign_villages(campaign, commune.unit_id)}
    if village is not None and village.id not in villages:
        raise Refused("village_not_registered", status=409, village=village.code,
                      commune=commune.unit.code, registered_at=commune.registered_at)
    if count is not None and village is None and sampled_villages(campaign.id, commune.unit_id):
        raise Refused("sample_village_required", status=409, commune=commune.unit.code)
    issued = _issued(campaign, commune)
    if count is not None:
        plan = {village.id if village is not None else None: count}
    elif village is not None:
        plan = {village.id: max(villages[village.id].households - issued.get(village.id, 0), 0)}
    elif villages:
        plan = {v: max(row.households - issued.get(v, 0), 0) for v, row in villages.items()}
    else:
        if commune.households is None:
            raise Refused("households_unknown", commune=commune.unit.code)
        plan = {None: max(commune.households - sum(issued.values()), 0)}
    total = sum(plan.values())
    if total > MAX_CODES_PER_CALL:
        raise Refused("code_count", count=total, maximum=MAX_CODES_PER_CALL)
    for village_id, n in plan.items():
        _insert_codes(campaign, commune, village_id, n)
    db.session.flush()
    return total


def _issued(campaign: Campaign, commune: CampaignCommune) -> dict[int | None, int]:
    """Codes issued so far for a commune, per village (None: given to no village)."""
    return {village: n for village, n in db.session.execute(
        select(HouseholdCode.village_id, func.count(HouseholdCode.id))
        .where(HouseholdCode.campaign_id == campaign.id, HouseholdCode.commune_id == commune.unit_id)
        .group_by(HouseholdCode.village_id)
    )}


def _insert_codes(campaign: Campaign, commune: CampaignCommune, village_id: int | None,
                  count: int) -> None:
    remaining = count
    while remaining:
        batch = {generate_code() for _ in range(min(remaining, 5000))}
        taken = set(db.session.scalars(select(HouseholdCode.code).where(HouseholdCode.code.in_(batch))))
        fresh = batch - taken
        db.session.execute(
            insert(HouseholdCode),
            [{"code": c, "campaign_id": campaign.id, "commune_id": commune.unit_id,
              "village_id": village_id} for c in fresh],
        )
        remaining -= len(fresh)


@dataclass(frozen=True)
class CodeRow:
    commune_code: str
    commune_name: str
    code: str
    used: bool
    village_code: str | None = None  # None: a code given to no village
    village_name: str | None = None


def code_rows(campaign: Campaign, commune_code: str | None = None, unused_only: bool = False,
              village_code: str | None = None) -> Iterator[CodeRow]:
    """Household codes of a campaign in print order (commune, village, then code issue order:
    one bundle per village committee); only one village's with `village_code`."""
    village = aliased(Unit)
    query = (
        select(Unit.code, Unit.full_name, HouseholdCode.code, Response.id, village.code,
               village.full_name)
        .join(Unit, Unit.id == HouseholdCode.commune_id)
        .outerjoin(village, village.id == HouseholdCode.village_id)
        .outerjoin(Response, Response.household_code_id == HouseholdCode.id)
        .where(HouseholdCode.campaign_id == campaign.id)
        .order_by(Unit.code, village.code.is_(None), village.code, HouseholdCode.id)
    )
    if commune_code:
        query = query.where(Unit.code == commune_code)
    if village_code:
        query = query.where(village.code == village_code)
    if unused_only:
        query = query.where(Response.id.is_(None))
    for commune, name, code, response_id, v_code, v_name in db.session.execute(query).yield_per(2000):
        yield CodeRow(commune, name, code, response_id is not None, v_code, v_name)
