"""What a committee's dashboard shows for one campaign at one unit: the index (through
services.indices.index, from the counters), answers per day and channel (from the daily counters), and the
residents' comments, newest first. Every read is scoped to the principal's unit and below."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ...clock import local_today
from ...domain.access import Principal
from ...extensions import db
from ...models import Campaign, CampaignCommune, CommuneCounter, DailyCounter, Remark, Unit
from ..campaigns.manage import get_campaign_for
from .index import IndexReport, ancestry, campaign_index

CHANNELS = ("web", "sms", "assisted")
COMMENTS_PER_PAGE = 20
MAX_TIMELINE_DAYS = 400


def unit_index(principal: Principal, campaign_key: str, unit_code: str | None) -> IndexReport:
    """The campaign's index at a unit the principal may see (default: the campaign's unit, or the
    principal's own unit when the campaign's is above it), with its children. A campaign the
    principal has no part in is refused (403) before anything is read."""
    get_campaign_for(principal, campaign_key)
    return campaign_index(campaign_key, unit_code, depth=1, principal=principal)


def communes_below(campaign: Campaign, unit: Unit) -> list[int]:
    """The campaign's communes at or below `unit` (ids)."""
    ids = list(db.session.scalars(select(CampaignCommune.unit_id).filter_by(campaign_id=campaign.id)))
    parents, _ = ancestry(ids)
    below = []
    for commune in ids:
        current: int | None = commune
        while current is not None:
            if current == unit.id:
                below.append(commune)
                break
            current = parents.get(current)
    return below


@dataclass(frozen=True)
class Timeline:
    days: list[date]
    per_channel: dict[str, list[int]]  # channel -> responses on each day

    @property
    def total(self) -> int:
        return sum(sum(v) for v in self.per_channel.values())


def timeline(campaign: Campaign, communes: list[int], today: date | None = None) -> Timeline:
    """Responses per day (Vietnam time) and channel, from the campaign's first day to today (or its
    last day), with the days without answers as zeros."""
    rows = db.session.execute(
        select(DailyCounter.day, DailyCounter.channel, func.sum(DailyCounter.responses))
        .where(DailyCounter.campaign_id == campaign.id, DailyCounter.commune_id.in_(communes))
        .group_by(DailyCounter.day, DailyCounter.channel)
    ).all() if communes else []
    counts = {(day, channel): int(n) for day, channel, n in rows}
    last = min(today or local_today(), campaign.closes_on)
    first = campaign.opens_on
    seen = [day for day, _ in counts]
    if seen:
        first, last = min(first, *seen), max(last, *seen)
    if last < first or (last - first).days > MAX_TIMELINE_DAYS:
        days = sorted(set(seen))
    else:
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return Timeline(days, {ch: [counts.get((day, ch), 0) for day in days] for ch in CHANNELS})


@dataclass(frozen=True)
class Comment:
    text: str
    commune: Unit
    channel: str
    created_at: datetime


@dataclass(frozen=True)
class CommentPage:
    comments: list[Comment]
    page: int
    pages: int
    total: int


def comments(campaign: Campaign, communes: list[int], page: int = 1,
             per_page: int = COMMENTS_PER_PAGE) -> CommentPage:
    """Residents' comments in the communes, newest first (committee-only: never shown publicly).

    Their count is the commune counters' (services.indices.counters), the page read from the
    remarks table (a closing comment is a remark without an item), whose (campaign, item, time)
    index gives the comments alone, newest first: the responses table has no such index, and
    reading it scanned every response of the unit (180 ms for a province of a million responses on
    PostgreSQL, at every dashboard view)."""
    where = (Remark.campaign_id == campaign.id, Remark.item_id.is_(None),
             Remark.commune_id.in_(communes))
    total = int(db.session.execute(
        select(func.coalesce(func.sum(CommuneCounter.comments), 0))
        .where(CommuneCounter.campaign_id == campaign.id, CommuneCounter.commune_id.in_(communes))
    ).scalar_one()) if communes else 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(Remark.text, Remark.commune_id, Remark.channel, Remark.created_at)
        .where(*where).order_by(Remark.created_at.desc(), Remark.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all() if communes else []
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_({r[1] for r in rows})))}
    found = [Comment(text, units[commune], channel, created)
             for text, commune, channel, created in rows]
    return CommentPage(found, page, pages, total)
