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

from sqlalchemy import String, Table, Update, any_, bindparam, case, insert, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.dml import Insert

from ...clock import local_day
from ...database import DIALECTS, dialect_insert
from ...domain.survey import Survey
from ...extensions import db
from ...models import Campaign, CampaignCommune, CommuneCounter, DailyCounter, ItemCounter
from ..surveys import survey_of

COMMUNES: Table = CommuneCounter.__table__  # type: ignore[assignment]
ITEMS: Table = ItemCounter.__table__  # type: ignore[assignment]
DAILY: Table = DailyCounter.__table__  # type: ignore[assignment]
CHANNEL_COLUMNS = {"web": "via_web", "sms": "via_sms", "assisted": "via_assisted"}


def create_rows(campaign: Campaign) -> None:
    """Zero counters for every commune and question of a new campaign (so that recording a response
    only ever updates existing rows)."""
    survey = survey_of(campaign.survey_version)
    communes = list(db.session.scalars(
        select(CampaignCommune.unit_id).filter_by(campaign_id=campaign.id).order_by(CampaignCommune.id)
    ))
    if not communes:
        return
    db.session.execute(insert(COMMUNES), [_zero_commune(campaign.id, c) for c in communes])
    db.session.execute(
        insert(ITEMS),
        [_zero_item(campaign.id, c, item) for c in communes for item in survey.item_ids],
    )


def _zero_commune(campaign_id: int, commune_id: int) -> dict[str, Any]:
    return {"campaign_id": campaign_id, "commune_id": commune_id, "respondents": 0,
            "overall_satisfied": 0, "overall_valid": 0, "via_web": 0, "via_sms": 0, "via_assisted": 0}


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


def _commune_increment() -> Update:
    """One row of a commune: every column adds its bound delta (0 or 1)."""
    c = COMMUNES.c
    deltas = ("respondents", "overall_satisfied", "overall_valid", *CHANNEL_COLUMNS.values())
    return (
        update(COMMUNES)
        .where(c.campaign_id == bindparam("k_campaign"), c.commune_id == bindparam("k_commune"))
        .values({c[name]: c[name] + bindparam(f"d_{name}") for name in deltas})
    )


def _items_increment(dialect: str) -> Update:
    """Every question of a commune at once: each column adds 1 for the questions listed in its
    parameter. The lists are arrays on PostgreSQL (`= ANY(:ids)`: the same SQL whatever the
    answers, prepared once by psycopg) and expanding IN lists on SQLite."""
    c = ITEMS.c
    if dialect == "postgresql":
        def listed(name: str) -> Any:
            return c.item_id == any_(bindparam(name, type_=postgresql.ARRAY(String)))
    else:
        def listed(name: str) -> Any:
            return c.item_id.in_(bindparam(name, expanding=True))
    return (
        update(ITEMS)
        .where(c.campaign_id == bindparam("k_campaign"), c.commune_id == bindparam("k_commune"),
               listed("k_items"))
        .values({c[name]: c[name] + case((listed(f"ids_{name}"), 1), else_=0)
                 for name in ("satisfied", "valid", "no_opinion")})
        .returning(c.item_id)
    )


COMMUNE_INCREMENT = _commune_increment()
ITEMS_INCREMENT = {dialect: _items_increment(dialect) for dialect in DIALECTS}


def count_response(response: Counted, survey: Survey, answers: Mapping[str, int]) -> None:
    """Add one newly stored response to its commune's counters (call it in the same transaction).

    Three statements, each built once per process: the commune's row, every question's row in one
    UPDATE, and the day's row (an upsert)."""
    connection = db.session.connection()
    key = {"campaign_id": response.campaign_id, "commune_id": response.commune_id}
    overall = survey.overall_satisfied(answers)
    commune_deltas = {"respondents": 1, CHANNEL_COLUMNS[response.channel]: 1}
    if overall is not None:
        commune_deltas["overall_valid"] = 1
        commune_deltas["overall_satisfied"] = int(overall)
    params = {"k_campaign": response.campaign_id, "k_commune": response.commune_id,
              **{f"d_{name}": commune_deltas.get(name, 0)
                 for name in ("respondents", "overall_satisfied", "overall_valid",
                              *CHANNEL_COLUMNS.values())}}
    if connection.execute(COMMUNE_INCREMENT, params).rowcount == 0:
        _upsert(COMMUNES, key, commune_deltas)

    deltas: dict[str, dict[str, int]] = {}
    for item_id, value in answers.items():
        satisfied = survey.is_satisfied(value)
        deltas[item_id] = ({"no_opinion": 1} if satisfied is None
                           else {"valid": 1, "satisfied": 1} if satisfied else {"valid": 1})
    if deltas:
        done = set(connection.execute(ITEMS_INCREMENT[connection.dialect.name], {
            "k_campaign": response.campaign_id, "k_commune": response.commune_id,
            "k_items": list(deltas),
            **{f"ids_{name}": [i for i, d in deltas.items() if name in d]
               for name in ("satisfied", "valid", "no_opinion")},
        }).scalars())
        for item_id, item_deltas in deltas.items():
            if item_id not in done:
                _upsert(ITEMS, {**key, "item_id": item_id}, item_deltas)

    _count_day(key, response)


def _count_day(key: Mapping[str, Any], response: Counted) -> None:
    connection = db.session.connection()
    connection.execute(DAY_UPSERT[connection.dialect.name], {
        **key, "day": local_day(response.created_at), "channel": response.channel, "responses": 1})


def _day_upsert(dialect: str) -> Insert:
    """The day's row of a commune and channel: inserted, or its count raised (values bound when
    executed)."""
    stmt = dialect_insert(DAILY, dialect)
    return stmt.on_conflict_do_update(  # type: ignore[attr-defined]
        index_elements=["campaign_id", "commune_id", "day", "channel"],
        set_={"responses": DAILY.c.responses + stmt.excluded.responses},  # type: ignore[attr-defined]
    )


DAY_UPSERT = {dialect: _day_upsert(dialect) for dialect in DIALECTS}


def _upsert(table: Table, key: Mapping[str, Any], deltas: Mapping[str, int]) -> None:
    """INSERT the row with `deltas`, or add them to the row another transaction created: one atomic
    INSERT ... ON CONFLICT DO UPDATE statement on both SQLite and PostgreSQL."""
    values = {c.name: 0 for c in table.columns if c.name not in key}
    values.update(deltas)
    stmt = dialect_insert(table, db.session.get_bind().dialect.name).values({**key, **values})
    stmt = stmt.on_conflict_do_update(  # type: ignore[attr-defined]
        index_elements=list(key),
        set_={c: table.c[c] + stmt.excluded[c] for c in deltas},  # type: ignore[attr-defined]
    )
    db.session.execute(stmt)

