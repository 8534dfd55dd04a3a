"""Keeping the index counters as responses arrive, in the response's own transaction.

Every change is an atomic `UPDATE ... SET n = n + 1` on rows created with the campaign, so workers
recording responses at the same time on PostgreSQL never lose an increment (no read-modify-write).
Rows that are missing all the same (a campaign created before the counters existed, or a survey
version whose questions changed before its first answer) are added by an atomic upsert instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, Table, Update, any_, bindparam, case, delete, insert, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.dml import Insert

from ...clock import local_day
from ...database import DIALECTS, dialect_insert
from ...domain.survey import Survey
from ...extensions import db
from ...models import (
    Campaign,
    CampaignCommune,
    CommuneCounter,
    DailyCounter,
    ItemCounter,
    VillageCounter,
    VillageItemCounter,
)
from ..surveys import survey_of

COMMUNES = CommuneCounter.__table__
ITEMS = ItemCounter.__table__
DAILY = DailyCounter.__table__
VILLAGES = VillageCounter.__table__
VILLAGE_ITEMS = VillageItemCounter.__table__
CHANNEL_COLUMNS = {"web": "via_web", "sms": "via_sms", "assisted": "via_assisted"}
# A response with a household code is counted a second time in these (answer_kinds).
CODED_COLUMNS = {"respondents": "coded_respondents", "overall_satisfied": "coded_overall_satisfied",
                 "overall_valid": "coded_overall_valid"}
COMMUNE_DELTAS = ("respondents", "overall_satisfied", "overall_valid", *CHANNEL_COLUMNS.values(),
                  *CODED_COLUMNS.values(), "comments")


def create_rows(campaign: Campaign) -> None:
    """Zero counters for every commune and question of a new campaign (so that recording a response
    only ever updates existing rows)."""
    communes = list(db.session.scalars(
        select(CampaignCommune.unit_id).filter_by(campaign_id=campaign.id).order_by(CampaignCommune.id)
    ))
    create_commune_rows(campaign, communes)


def create_commune_rows(campaign: Campaign, communes: list[int],
                        item_ids: tuple[str, ...] | None = None) -> None:
    """Zero counters for communes entering a campaign (at creation, an edit before it opens, or a
    commune taken back into a province campaign's scope: services.campaigns.scope); `item_ids`
    default to the campaign survey's."""
    if not communes:
        return
    if item_ids is None:
        item_ids = survey_of(campaign.survey_version).item_ids
    db.session.execute(insert(COMMUNES), [_zero_commune(campaign.id, c) for c in communes])
    if item_ids:
        db.session.execute(
            insert(ITEMS),
            [_zero_item(campaign.id, c, item) for c in communes for item in item_ids],
        )


def delete_commune_rows(campaign: Campaign, communes: list[int]) -> None:
    """Drop the counters of communes leaving a campaign that has not opened (no answer counted)."""
    for table in (COMMUNES, ITEMS, DAILY):
        db.session.execute(delete(table).where(table.c.campaign_id == campaign.id,
                                               table.c.commune_id.in_(communes)))


def create_village_rows(campaign: Campaign, villages: list[int]) -> None:
    """Zero counters for villages entering a campaign's register (services.campaigns.register)."""
    if not villages:
        return
    survey = survey_of(campaign.survey_version)
    db.session.execute(insert(VILLAGES), [_zero_village(campaign.id, v) for v in villages])
    if survey.item_ids:
        db.session.execute(insert(VILLAGE_ITEMS), [
            _zero_village_item(campaign.id, v, item) for v in villages for item in survey.item_ids])


def _zero_village(campaign_id: int, village_id: int) -> dict[str, Any]:
    return {"campaign_id": campaign_id, "village_id": village_id, "respondents": 0,
            "overall_satisfied": 0, "overall_valid": 0}


def _zero_village_item(campaign_id: int, village_id: int, item_id: str) -> dict[str, Any]:
    return {"campaign_id": campaign_id, "village_id": village_id, "item_id": item_id,
            "satisfied": 0, "valid": 0, "no_opinion": 0}


def _zero_commune(campaign_id: int, commune_id: int) -> dict[str, Any]:
    return {"campaign_id": campaign_id, "commune_id": commune_id, "respondents": 0,
            "overall_satisfied": 0, "overall_valid": 0, "via_web": 0, "via_sms": 0, "via_assisted": 0,
            **dict.fromkeys(CODED_COLUMNS.values(), 0), "comments": 0}


def _zero_item(campaign_id: int, commune_id: int, item_id: str) -> dict[str, Any]:
    return {"campaign_id": campaign_id, "commune_id": commune_id, "item_id": item_id,
            "satisfied": 0, "valid": 0, "no_opinion": 0}


@dataclass(frozen=True)
class Counted:
    """The response being counted: where, by which channel, when it was stored."""

    campaign_id: int
    commune_id: int
    channel: str
    created_at: datetime
    village_id: int | None = None  # the household code's village
    coded: bool = False  # answered with a household code (not through the open link)
    commented: bool = False  # with a closing comment


def _commune_increment(table: Table = COMMUNES, unit: str = "commune_id",
                       deltas: tuple[str, ...] = COMMUNE_DELTAS) -> Update:
    """One row of a commune (or a village): every column adds its bound delta (0 or 1)."""
    c = table.c
    return (
        update(table)
        .where(c.campaign_id == bindparam("k_campaign"), c[unit] == bindparam("k_commune"))
        .values({c[name]: c[name] + bindparam(f"d_{name}") for name in deltas})
    )


def _items_increment(dialect: str, table: Table = ITEMS, unit: str = "commune_id") -> Update:
    """Every question of a commune at once: each column adds 1 for the questions listed in its
    parameter. The lists are arrays on PostgreSQL (`= ANY(:ids)`: the same SQL whatever the
    answers, prepared once by psycopg) and expanding IN lists on SQLite."""
    c = table.c
    if dialect == "postgresql":
        def listed(name: str) -> Any:
            return c.item_id == any_(bindparam(name, type_=postgresql.ARRAY(String)))
    else:
        def listed(name: str) -> Any:
            return c.item_id.in_(bindparam(name, expanding=True))
    return (
        update(table)
        .where(c.campaign_id == bindparam("k_campaign"), c[unit] == bindparam("k_commune"),
               listed("k_items"))
        .values({c[name]: c[name] + case((listed(f"ids_{name}"), 1), else_=0)
                 for name in ("satisfied", "valid", "no_opinion")})
        .returning(c.item_id)
    )


COMMUNE_INCREMENT = _commune_increment()
ITEMS_INCREMENT = {dialect: _items_increment(dialect) for dialect in DIALECTS}
VILLAGE_DELTAS = ("respondents", "overall_satisfied", "overall_valid")
VILLAGE_INCREMENT = _commune_increment(VILLAGES, "village_id", VILLAGE_DELTAS)
VILLAGE_ITEMS_INCREMENT = {dialect: _items_increment(dialect, VILLAGE_ITEMS, "village_id")
                           for dialect in DIALECTS}


def count_response(response: Counted, survey: Survey, answers: Mapping[str, int]) -> None:
    """Add one newly stored response to its commune's counters (call it in the same transaction).

    Three statements, each built once per process: the commune's row, every question's row in one
    UPDATE, and the day's row (an upsert); two more (the village's row and its questions') for a
    response with a village's household code."""
    connection = db.session.connection()
    key = {"campaign_id": response.campaign_id, "commune_id": response.commune_id}
    overall = survey.overall_satisfied(answers)
    commune_deltas = {"respondents": 1, CHANNEL_COLUMNS[response.channel]: 1}
    if overall is not None:
        commune_deltas["overall_valid"] = 1
        commune_deltas["overall_satisfied"] = int(overall)
    if response.coded:
        commune_deltas.update({CODED_COLUMNS[name]: commune_deltas[name]
                               for name in CODED_COLUMNS if name in commune_deltas})
    if response.commented:
        commune_deltas["comments"] = 1
    params = {"k_campaign": response.campaign_id, "k_commune": response.commune_id,
              **{f"d_{name}": commune_deltas.get(name, 0) for name in COMMUNE_DELTAS}}
    if connection.execute(COMMUNE_INCREMENT, params).rowcount == 0:
        _upsert(COMMUNES, key, commune_deltas)

    deltas: dict[str, dict[str, int]] = {}
    for item_id, value in answers.items():
        satisfied = survey.is_satisfied(value)
        deltas[item_id] = ({"no_opinion": 1} if satisfied is None
                           else {"valid": 1, "satisfied": 1} if satisfied else {"valid": 1})
    _count_items(ITEMS_INCREMENT, ITEMS, key, response.commune_id, response.campaign_id, deltas)
    _count_day(key, response)
    if response.village_id is not None:
        _count_village(response, commune_deltas, deltas)


def _count_village(response: Counted, commune_deltas: Mapping[str, int],
                   deltas: Mapping[str, Mapping[str, int]]) -> None:
    """The same response in its village's counters (two more statements, built once)."""
    assert response.village_id is not None
    key = {"campaign_id": response.campaign_id, "village_id": response.village_id}
    village_deltas = {k: v for k, v in commune_deltas.items() if k in VILLAGE_DELTAS}
    params = {"k_campaign": response.campaign_id, "k_commune": response.village_id,
              **{f"d_{name}": village_deltas.get(name, 0) for name in VILLAGE_DELTAS}}
    if db.session.connection().execute(VILLAGE_INCREMENT, params).rowcount == 0:
        _upsert(VILLAGES, key, village_deltas)
    _count_items(VILLAGE_ITEMS_INCREMENT, VILLAGE_ITEMS, key, response.village_id,
                 response.campaign_id, deltas)


def _count_items(statements: Mapping[str, Update], table: Table, key: Mapping[str, Any], unit_id: int,
                 campaign_id: int, deltas: Mapping[str, Mapping[str, int]]) -> None:
    """Every question's row of a commune or village in one UPDATE; missing rows upserted."""
    if not deltas:
        return
    connection = db.session.connection()
    done = set(connection.execute(statements[connection.dialect.name], {
        "k_campaign": campaign_id, "k_commune": unit_id,
        "k_items": list(deltas),
        **{f"ids_{name}": [i for i, d in deltas.items() if name in d]
           for name in ("satisfied", "valid", "no_opinion")},
    }).scalars())
    for item_id, item_deltas in deltas.items():
        if item_id not in done:
            _upsert(table, {**key, "item_id": item_id}, item_deltas)


def _count_day(key: Mapping[str, Any], response: Counted) -> None:
    connection = db.session.connection()
    connection.execute(DAY_UPSERT[connection.dialect.name], {
        **key, "day": local_day(response.created_at), "channel": response.channel, "responses": 1})


def _day_upsert(dialect: str) -> Insert:
    """The day's row of a commune and channel: inserted, or its count raised (values bound when
    executed)."""
    stmt = dialect_insert(DAILY, dialect)
    return stmt.on_conflict_do_update(
        index_elements=["campaign_id", "commune_id", "day", "channel"],
        set_={"responses": DAILY.c.responses + stmt.excluded.responses},
    )


DAY_UPSERT = {dialect: _day_upsert(dialect) for dialect in DIALECTS}


def _upsert(table: Table, key: Mapping[str, Any], deltas: Mapping[str, int]) -> None:
    """INSERT the row with `deltas`, or add them to the row another transaction created: one atomic
    INSERT ... ON CONFLICT DO UPDATE statement on both SQLite and PostgreSQL."""
    values = {c.name: 0 for c in table.columns if c.name not in key}
    values.update(deltas)
    stmt = dialect_insert(table, db.session.get_bind().dialect.name).values({**key, **values})
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key),
        set_={c: table.c[c] + stmt.excluded[c] for c in deltas},
    )
    db.session.execute(stmt)

