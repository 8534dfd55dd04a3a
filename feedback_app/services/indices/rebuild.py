"""Recomputing the index counters from the raw responses (`flask --app wsgi indices rebuild`).

The aggregates are computed by the database (GROUP BY over answers), independently of the
incremental path in services.indices.counters, so a rebuild also checks that path: the report says how
many rows it had to correct.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, case, delete, func, insert, select, text

from ...clock import local_day
from ...domain.survey import NO_OPINION, OverallRule
from ...extensions import db
from ...models import Answer, Campaign, CampaignCommune, CampaignVillage, Response
from ..surveys import survey_of
from .counters import (
    CHANNEL_COLUMNS,
    CODED_COLUMNS,
    COMMUNES,
    DAILY,
    ITEMS,
    VILLAGE_ITEMS,
    VILLAGES,
    _zero_commune,
    _zero_item,
    _zero_village,
    _zero_village_item,
)

TABLES = (COMMUNES, ITEMS, DAILY, VILLAGES, VILLAGE_ITEMS)


@dataclass(frozen=True)
class Rebuilt:
    campaign: str
    responses: int
    rows_corrected: int  # counter rows whose values differed from the raw responses


def snapshot(table: Table, campaign_id: int) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """A table's rows for one campaign: primary key -> the other values."""
    keys = [c for c in table.primary_key.columns]
    others = [c for c in table.columns if c not in keys]
    rows = db.session.execute(select(*keys, *others).where(table.c.campaign_id == campaign_id))
    return {tuple(row[: len(keys)]): tuple(row[len(keys):]) for row in rows}


def _lock_counters() -> None:
    """On PostgreSQL, hold off responses being counted while their counters are rebuilt: a response
    whose transaction is still open is counted after the rebuild commits, one that committed before
    is in the rebuild. SQLite has a single writer anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(
            "LOCK TABLE counter_communes, counter_items, counter_daily, counter_villages, "
            "counter_village_items IN SHARE ROW EXCLUSIVE MODE"
        ))


def rebuild(campaign: Campaign) -> Rebuilt:
    """Replace one campaign's counters by what its raw responses say. Flushes, never commits."""
    _lock_counters()
    survey = survey_of(campaign.survey_version)
    before = {t.name: snapshot(t, campaign.id) for t in TABLES}
    for table in TABLES:
        db.session.execute(delete(table).where(table.c.campaign_id == campaign.id))

    communes = list(db.session.scalars(
        select(CampaignCommune.unit_id).filter_by(campaign_id=campaign.id).order_by(CampaignCommune.id)
    ))
    commune_rows = {c: _zero_commune(campaign.id, c) for c in communes}
    item_rows = {(c, i): _zero_item(campaign.id, c, i) for c in communes for i in survey.item_ids}

    responses = 0
    coded = Response.household_code_id.is_not(None)
    commented = func.sum(case((and_(Response.comment.is_not(None), Response.comment != ""), 1), else_=0))
    by_channel = (
        select(Response.commune_id, Response.channel, coded, func.count(Response.id), commented)
        .where(Response.campaign_id == campaign.id)
        .group_by(Response.commune_id, Response.channel, coded)
    )
    for commune, channel, with_code, n, comments in db.session.execute(by_channel):
        row = commune_rows.setdefault(commune, _zero_commune(campaign.id, commune))
        row["respondents"] += n
        row[CHANNEL_COLUMNS[channel]] += n
        row["comments"] += int(comments)
        if with_code:
            row[CODED_COLUMNS["respondents"]] += n
        responses += n

    satisfied = case((Answer.value.in_(sorted(survey.scale_type.satisfied_values)), 1), else_=0)
    valid = case((Answer.value != NO_OPINION, 1), else_=0)
    per_item = (
        select(Response.commune_id, Answer.item_id, func.sum(satisfied), func.sum(valid),
               func.sum(1 - valid))
        .join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign.id)
        .group_by(Response.commune_id, Answer.item_id)
    )
    for commune, item_id, s, v, none in db.session.execute(per_item):
        row = item_rows.setdefault((commune, item_id), _zero_item(campaign.id, commune, item_id))
        row.update(satisfied=int(s), valid=int(v), no_opinion=int(none))

    for commune, s, v in _overall(campaign, survey, Response.commune_id):
        row = commune_rows.setdefault(commune, _zero_commune(campaign.id, commune))
        row.update(overall_satisfied=s, overall_valid=v)
    for commune, s, v in _overall(campaign, survey, Response.commune_id, coded):
        row = commune_rows.setdefault(commune, _zero_commune(campaign.id, commune))
        row.update({CODED_COLUMNS["overall_satisfied"]: s, CODED_COLUMNS["overall_valid"]: v})

    days: Counter[tuple[int, Any, str]] = Counter()
    moments = select(Response.commune_id, Response.channel, Response.created_at).where(
        Response.campaign_id == campaign.id
    )
    for commune, channel, created_at in db.session.execute(moments).yield_per(10_000):
        days[(commune, local_day(created_at), channel)] += 1

    if commune_rows:
        db.session.execute(insert(COMMUNES), list(commune_rows.values()))
    if item_rows:
        db.session.execute(insert(ITEMS), list(item_rows.values()))
    if days:
        db.session.execute(insert(DAILY), [
            {"campaign_id": campaign.id, "commune_id": c, "day": d, "channel": ch, "responses": n}
            for (c, d, ch), n in sorted(days.items())
        ])
    _rebuild_villages(campaign, survey)
    db.session.flush()
    after = {t.name: snapshot(t, campaign.id) for t in TABLES}
    corrected = sum(
        sum(1 for key in before[name].keys() | after[name].keys()
            if before[name].get(key) != after[name].get(key))
        for name in before
    )
    return Rebuilt(campaign.key, responses, corrected)


def _rebuild_villages(campaign: Campaign, survey: Any) -> None:
    """The village counters from the raw responses that carry a village (their household code's),
    with zero rows for every village of the campaign's register."""
    villages = list(db.session.scalars(
        select(CampaignVillage.village_id).filter_by(campaign_id=campaign.id).order_by(CampaignVillage.id)
    ))
    village_rows = {v: _zero_village(campaign.id, v) for v in villages}
    item_rows = {(v, i): _zero_village_item(campaign.id, v, i) for v in villages for i in survey.item_ids}
    in_village = (Response.campaign_id == campaign.id, Response.village_id.is_not(None))
    for village, n in db.session.execute(
        select(Response.village_id, func.count(Response.id)).where(*in_village)
        .group_by(Response.village_id)
    ):
        if village is not None:
            village_rows.setdefault(village, _zero_village(campaign.id, village))["respondents"] = n
    satisfied = case((Answer.value.in_(sorted(survey.scale_type.satisfied_values)), 1), else_=0)
    valid = case((Answer.value != NO_OPINION, 1), else_=0)
    for village, item_id, s, v, none in db.session.execute(
        select(Response.village_id, Answer.item_id, func.sum(satisfied), func.sum(valid),
               func.sum(1 - valid))
        .join(Response, Response.id == Answer.response_id).where(*in_village)
        .group_by(Response.village_id, Answer.item_id)
    ):
        row = item_rows.setdefault((village, item_id), _zero_village_item(campaign.id, village, item_id))
        row.update(satisfied=int(s), valid=int(v), no_opinion=int(none))
    for village, s, v in _overall(campaign, survey, Response.village_id):
        if village is not None:
            village_rows.setdefault(village, _zero_village(campaign.id, village)).update(
                overall_satisfied=s, overall_valid=v)
    if village_rows:
        db.session.execute(insert(VILLAGES), list(village_rows.values()))
    if item_rows:
        db.session.execute(insert(VILLAGE_ITEMS), list(item_rows.values()))


def _overall(campaign: Campaign, survey: Any, unit: Any, *where: Any) -> list[tuple[int, int, int]]:
    """(commune or village: the `unit` column of responses, overall satisfied, overall valid) from
    the raw answers, by the survey's rule; of the responses matching `where` too."""
    satisfied_values = sorted(survey.scale_type.satisfied_values)
    if survey.overall_rule is OverallRule.OVERALL_ITEM:
        overall_item = next(item.id for item in survey.items if item.overall)
        query = (
            select(
                unit,
                func.sum(case((Answer.value.in_(satisfied_values), 1), else_=0)),
                func.sum(case((Answer.value != NO_OPINION, 1), else_=0)),
            )
            .join(Response, Response.id == Answer.response_id)
            .where(Response.campaign_id == campaign.id, Answer.item_id == overall_item, *where)
            .group_by(unit)
        )
        return [(c, int(s), int(v)) for c, s, v in db.session.execute(query)]
    # Satisfied overall when at least half of the response's valid answers are satisfied.
    per_response = (
        select(
            Answer.response_id.label("response_id"),
            func.sum(case((Answer.value.in_(satisfied_values), 1), else_=0)).label("s"),
            func.sum(case((Answer.value != NO_OPINION, 1), else_=0)).label("v"),
        )
        .join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign.id, *where)
        .group_by(Answer.response_id)
        .subquery()
    )
    query = (
        select(
            unit,
            func.sum(case((and_(per_response.c.v > 0, 2 * per_response.c.s >= per_response.c.v), 1),
                          else_=0)),
            func.sum(case((per_response.c.v > 0, 1), else_=0)),
        )
        .join(per_response, per_response.c.response_id == Response.id)
        .group_by(unit)
    )
    return [(c, int(s), int(v)) for c, s, v in db.session.execute(query)]


def rebuild_all(keys: list[str] | None = None) -> list[Rebuilt]:
    """Rebuild the given campaigns (every campaign when `keys` is None)."""
    query = select(Campaign).order_by(Campaign.id)
    if keys is not None:
        query = query.where(Campaign.key.in_(keys))
    return [rebuild(campaign) for campaign in db.session.scalars(query).all()]
