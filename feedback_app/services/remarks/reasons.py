"""Residents' reasons for not being satisfied, grouped per item, newest first: the committee
dashboard's section and the report's. Counted nowhere in the index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import func, select

from ...domain.survey import Survey
from ...extensions import db
from ...models import Campaign, CampaignCommune, Remark, Unit
from .listing import Row

LATEST_PER_ITEM = 3


@dataclass(frozen=True)
class ItemReasons:
    item_id: str
    total: int  # reasons given under this item in the communes
    latest: list[Row]  # the newest first


def reasons_by_item(campaign: Campaign, communes: list[int], survey: Survey,
                    per_item: int = LATEST_PER_ITEM) -> list[ItemReasons]:
    """For each item that asks for a reason and has some in the communes (ids, already in the
    reader's scope), in the survey's order: how many, and the newest `per_item` of them. One
    count query, then one small indexed query per such item (ix_remarks_campaign_item_created)."""
    asking = [item.id for item in survey.items if item.reason]
    if not communes or not asking:
        return []
    everywhere = len(communes) == db.session.scalar(
        select(func.count()).select_from(CampaignCommune).where(CampaignCommune.campaign_id == campaign.id))
    where = [Remark.campaign_id == campaign.id, Remark.item_id.is_not(None)]
    if not everywhere:
        where.append(Remark.commune_id.in_(communes))
    counts: dict[str | None, int] = {item: n for item, n in db.session.execute(
        select(Remark.item_id, func.count(Remark.id)).where(*where).group_by(Remark.item_id))}
    found: list[ItemReasons] = []
    units: dict[int, Unit] = {}
    for item_id in asking:
        if not counts.get(item_id):
            continue
        rows = list(db.session.scalars(
            select(Remark).where(*where, Remark.item_id == item_id)
            .order_by(Remark.created_at.desc(), Remark.id.desc()).limit(per_item)))
        missing = {r.commune_id for r in rows} - units.keys()
        if missing:
            units.update((u.id, u) for u in db.session.scalars(select(Unit).where(Unit.id.in_(missing))))
        found.append(ItemReasons(item_id, counts[item_id], [
            Row(r.id, r.text, r.item_id, units[r.commune_id], r.channel, r.created_at) for r in rows]))
    return found


def reasons_document(found: list[ItemReasons]) -> list[dict[str, Any]]:
    """The same as JSON-ready data (report content, exports): item, count, the newest reasons."""
    return [{"item": group.item_id, "count": group.total, "latest": [
        {"text": row.text, "commune": row.commune.code, "commune_name": row.commune.full_name,
         "commune_name_en": row.commune.full_name_en,
         "channel": row.channel, "created_at": _iso(row)} for row in group.latest]}
        for group in found]


def _iso(row: Row) -> str:
    """ISO 8601 UTC to the second, as the report content writes times."""
    moment = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
