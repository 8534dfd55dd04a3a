"""Keeping the index counters as responses arrive, in the response's own transaction.

Every change is an atomic `UPDATE ... SET n = n + 1` on rows created with the campaign, so workers
recording responses at the same time on PostgreSQL never lose an increment (no read-modify-write).
Rows that are missing all the same (a campaign created before the counters existed, or a survey
version whose questions changed before its first answer) are added by an atomic upsert instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, case, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from ..domain.survey import Survey
from ..extensions import db
from ..models import Campaign, CampaignCommune, CommuneCounter, DailyCounter, ItemCounter, Response
from .surveys import survey_of

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
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


def local_day(moment: datetime) -> Any:
    """The day in Vietnam of a stored timestamp (naive timestamps are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(LOCAL_TZ).date()


def count_response(response: Response, survey: Survey, answers: Mapping[str, int]) -> None:
    """Add one newly stored response to its commune's counters (call it in the same transaction)."""
    key = {"campaign_id": response.campaign_id, "commune_id": response.commune_id}
    overall = survey.overall_satisfied(answers)
    commune_deltas = {"respondents": 1, CHANNEL_COLUMNS[response.channel]: 1}
    if overall is not None:
        commune_deltas["overall_valid"] = 1
        commune_deltas["overall_satisfied"] = int(overall)
    updated = db.session.execute(_increment(COMMUNES, key, commune_deltas))
    if updated.rowcount == 0:
        _upsert(COMMUNES, key, commune_deltas)

    # One statement for every question: each column adds 1 where the answer says so.
    deltas: dict[str, dict[str, int]] = {}
    for item_id, value in answers.items():
        satisfied = survey.is_satisfied(value)
        deltas[item_id] = ({"no_opinion": 1} if satisfied is None
                           else {"valid": 1, "satisfied": 1} if satisfied else {"valid": 1})
    values = {}
    for column in ("satisfied", "valid", "no_opinion"):
        ids = [item_id for item_id, d in deltas.items() if column in d]
        if ids:
            values[ITEMS.c[column]] = ITEMS.c[column] + case((ITEMS.c.item_id.in_(ids), 1), else_=0)
    if not values:
        return _count_day(key, response)
    stmt = (
        update(ITEMS)
        .where(*[ITEMS.c[name] == value for name, value in key.items()], ITEMS.c.item_id.in_(list(deltas)))
        .values(values)
        .returning(ITEMS.c.item_id)
    )
    done = set(db.session.scalars(stmt))
    for item_id, item_deltas in deltas.items():
        if item_id not in done:
            _upsert(ITEMS, {**key, "item_id": item_id}, item_deltas)

    _count_day(key, response)


def _count_day(key: Mapping[str, Any], response: Response) -> None:
    day = local_day(response.created_at)
    _upsert(DAILY, {**key, "day": day, "channel": response.channel}, {"responses": 1})


def _increment(table: Table, key: Mapping[str, Any], deltas: Mapping[str, int]):  # type: ignore[no-untyped-def]
    """UPDATE table SET col = col + delta ... WHERE key (atomic in the database)."""
    condition = [table.c[name] == value for name, value in key.items()]
    return update(table).where(*condition).values({table.c[c]: table.c[c] + d for c, d in deltas.items()})


def _dialect_insert(table: Table) -> Insert:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"counters support SQLite and PostgreSQL, not {dialect}")


def _upsert(table: Table, key: Mapping[str, Any], deltas: Mapping[str, int]) -> None:
    """INSERT the row with `deltas`, or add them to the row another transaction created: one atomic
    INSERT ... ON CONFLICT DO UPDATE statement on both SQLite and PostgreSQL."""
    values = {c.name: 0 for c in table.columns if c.name not in key}
    values.update(deltas)
    stmt = _dialect_insert(table).values({**key, **values})
    stmt = stmt.on_conflict_do_update(  # type: ignore[attr-defined]
        index_elements=list(key),
        set_={c: table.c[c] + stmt.excluded[c] for c in deltas},  # type: ignore[attr-defined]
    )
    db.session.execute(stmt)

