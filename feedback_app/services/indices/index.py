"""The satisfaction index of a campaign at any unit, rolled up from the counters (never from raw
responses): a few small queries whatever the number of responses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from ...domain.access import Principal
from ...domain.index import Counts, Rules, Tally
from ...domain.rollup import Node, children_map, roll_up
from ...domain.survey import Survey
from ...extensions import db
from ...models import Campaign, CampaignCommune, CommuneCounter, ItemCounter, Unit
from ..accounts.access import can_see, check_can_see
from ..campaigns.setup import campaign_rules, get_campaign, get_unit
from ..errors import Refused
from ..surveys import survey_of
from .reexpress import Reexpressed, reexpress_counts

MAX_DEPTH = 4


@dataclass(frozen=True)
class IndexReport:
    """A campaign's index at one unit, with its children down to the requested depth."""

    campaign: Campaign
    survey: Survey
    scheme: str
    rules: Rules
    root: Node
    units: dict[int, Unit]
    reexpressed: Reexpressed | None  # set when shown under another scheme than the campaign's
    codes: dict[int, str]  # every unit of the roll-up -> its code (communes named by reasons)

    def unit(self, node: Node) -> Unit:
        return self.units[node.unit_id]


def content_items(survey: Survey) -> tuple[str, ...]:
    """The items the item rule and the commune floor judge: every item but the overall question."""
    return tuple(item.id for item in survey.items if not item.overall)


def commune_counts(campaign: Campaign, item_ids: Iterable[str]) -> dict[int, Counts]:
    """Each campaign commune's counts, from the counter tables (two indexed queries)."""
    item_ids = tuple(item_ids)
    rows = db.session.execute(
        select(CampaignCommune.unit_id, CampaignCommune.households, CommuneCounter.respondents,
               CommuneCounter.overall_satisfied, CommuneCounter.overall_valid)
        .outerjoin(CommuneCounter, (CommuneCounter.campaign_id == CampaignCommune.campaign_id)
                   & (CommuneCounter.commune_id == CampaignCommune.unit_id))
        .where(CampaignCommune.campaign_id == campaign.id)
    )
    base = {
        commune: (households, respondents or 0, Tally(satisfied or 0, valid or 0, 0))
        for commune, households, respondents, satisfied, valid in rows
    }
    items: dict[int, dict[str, Tally]] = {c: {i: Tally() for i in item_ids} for c in base}
    wanted = set(item_ids)
    for commune, item_id, s, v, n in db.session.execute(
        select(ItemCounter.commune_id, ItemCounter.item_id, ItemCounter.satisfied, ItemCounter.valid,
               ItemCounter.no_opinion).where(ItemCounter.campaign_id == campaign.id)
    ):
        if item_id in wanted and commune in items:
            items[commune][item_id] = Tally(s, v, n)
    return {
        commune: Counts(respondents, households,
                        Tally(overall.satisfied, overall.valid, respondents - overall.valid),
                        items[commune])
        for commune, (households, respondents, overall) in base.items()
    }


def ancestry(unit_ids: Iterable[int]) -> tuple[dict[int, int | None], dict[int, str]]:
    """unit -> parent and unit -> code, for the given units and all their ancestors: one indexed
    query per level of the tree (three for communes under provinces under the country). A
    recursive CTE did the same in one statement, but PostgreSQL planned it as a scan of the whole
    units table (villages included) at each step: 18 ms a campaign, most of the national view."""
    parents: dict[int, int | None] = {}
    codes: dict[int, str] = {}
    wanted = set(unit_ids)
    while wanted:
        above: set[int] = set()
        for unit_id, parent_id, code in db.session.execute(
                select(Unit.id, Unit.parent_id, Unit.code).where(Unit.id.in_(wanted))):
            parents[unit_id] = parent_id
            codes[unit_id] = code
            if parent_id is not None:
                above.add(parent_id)
        wanted = above - parents.keys()
    return parents, codes


def _nodes(node: Node) -> Iterable[Node]:
    yield node
    for child in node.children or ():
        yield from _nodes(child)


def campaign_index(campaign_key: str, unit_code: str | None = None, scheme: str | None = None,
                   depth: int = 1, principal: Principal | None = None) -> IndexReport:
    """The index of a campaign at a unit (default: the campaign's unit) with `depth` levels of
    children. In the campaign's own scheme by default; under another scheme (e.g. vn-2025 for a
    vn-legacy campaign) the communes are re-expressed through the succession table.

    With a principal (a committee), the unit must be one it may see; without a unit code it gets
    its own unit when the campaign's unit is above it.
    """
    campaign = get_campaign(campaign_key)
    if not 0 <= depth <= MAX_DEPTH:
        raise Refused("depth_invalid", status=422, depth=depth, maximum=MAX_DEPTH)
    own_scheme = campaign.unit.scheme
    scheme = scheme or own_scheme
    if unit_code:
        unit = get_unit(scheme, unit_code)
    elif scheme == own_scheme:
        unit = campaign.unit
        if principal is not None and not can_see(principal, unit):
            unit = db.session.get(Unit, principal.unit_id) or unit
    else:
        raise Refused("unit_required", status=422, scheme=scheme)
    if principal is not None:
        check_can_see(principal, unit)
    survey = survey_of(campaign.survey_version)
    counts = commune_counts(campaign, survey.item_ids)
    reexpressed = None
    if scheme != own_scheme:
        reexpressed = reexpress_counts(counts, scheme, survey.item_ids)
        counts = reexpressed.counts
    parents, codes = ancestry(counts)
    if unit.id not in parents:
        raise Refused("unit_not_in_campaign", status=404, campaign=campaign.key, scheme=scheme,
                      code=unit.code)
    children = {
        parent: sorted(kids, key=lambda k: codes[k]) for parent, kids in children_map(parents).items()
    }
    rules = campaign_rules(campaign, content_items(survey))
    root = roll_up(unit.id, children, counts, rules, survey.item_ids, depth)
    ids = {node.unit_id for node in _nodes(root)}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return IndexReport(campaign, survey, scheme, rules, root, units, reexpressed, codes)
