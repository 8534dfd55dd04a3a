"""The committees' page of residents' comments and reasons: filtered (commune, item, channel,
dates, words with or without diacritics), newest first, a page at a time.

Pages are keyset-paged on (created_at, id) through the index ix_remarks_campaign_created: the page
after a remark is the next rows below it, so a page costs the same at the first as at the
5,000th page (an OFFSET would read every row before it). Searches read the folded text
(lower case, no diacritics: "hai long" finds "hài lòng"); bench/remarks_page.py measures a page at
100,000 comments."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, tuple_

from ...clock import VIETNAM
from ...domain.access import Principal
from ...domain.sms.fold import fold
from ...domain.survey import Survey
from ...extensions import db
from ...models import Campaign, CampaignCommune, Remark, Unit
from ..accounts.access import check_can_see
from ..campaigns.manage import get_campaign_for
from ..campaigns.setup import get_unit
from ..errors import Refused
from ..indices.dashboard import communes_below
from ..surveys import survey_of

PER_PAGE = 25
# A search reads every folded text of the campaign (no index helps '%word%'): its count stops here
# and the page says "more than 1,000"; without words the count is exact (an index range).
SEARCH_COUNT_LIMIT = 1000
COMMENT = "comment"  # the item filter that keeps the closing comments ("Ý kiến khác")
REASONS = "reasons"  # the item filter that keeps every reason
CHANNELS = ("web", "sms", "assisted")
MAX_WORDS = 8


@dataclass(frozen=True)
class Filters:
    """What the committee asked for; every field optional (None: no filter)."""

    commune: str | None = None  # a commune's code
    item: str | None = None  # COMMENT, REASONS or an item id
    channel: str | None = None
    since: date | None = None  # Vietnam days, inclusive
    until: date | None = None
    words: str = ""
    after: int | None = None  # the last remark of the page before (keyset)

    def query_args(self) -> dict[str, str]:
        """The filters as URL query arguments (for links to pages and exports)."""
        args = {"commune": self.commune, "item": self.item, "channel": self.channel,
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None, "q": self.words or None}
        return {k: v for k, v in args.items() if v}


@dataclass(frozen=True)
class Scope:
    """The campaign and unit a committee reads, the campaign's communes at or below it, and the
    survey (for item labels)."""

    campaign: Campaign
    unit: Unit
    communes: list[Unit]
    survey: Survey
    whole_campaign: bool  # every commune of the campaign: no commune list in the query


@dataclass(frozen=True)
class Row:
    id: int
    text: str
    item_id: str | None  # None: the closing comment
    commune: Unit
    channel: str
    created_at: datetime


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int  # every remark the filters keep (a search: at most SEARCH_COUNT_LIMIT + 1)
    next_after: int | None  # the `after` of the next page (None: this is the last)
    first: bool

    @property
    def more_than(self) -> int | None:
        """The limit a search's count stopped at (None: `total` is exact)."""
        return SEARCH_COUNT_LIMIT if self.total > SEARCH_COUNT_LIMIT else None


def remarks_scope(principal: Principal, campaign_key: str, unit_code: str) -> Scope:
    """The campaign (one the principal has a part in: 403 otherwise), the unit (in scope: 403; of
    the campaign: 404) and its communes."""
    campaign = get_campaign_for(principal, campaign_key)
    unit = get_unit(campaign.unit.scheme, unit_code)
    check_can_see(principal, unit)
    ids = communes_below(campaign, unit)
    if not ids:
        raise Refused("unit_not_in_campaign", status=404, campaign=campaign.key, scheme=unit.scheme,
                      code=unit.code)
    total = db.session.scalar(select(func.count()).select_from(CampaignCommune)
                              .where(CampaignCommune.campaign_id == campaign.id))
    communes = sorted(db.session.scalars(select(Unit).where(Unit.id.in_(ids))),
                      key=lambda u: (u.name, u.code))
    return Scope(campaign, unit, communes, survey_of(campaign.survey_version), len(ids) == total)


def check_filters(scope: Scope, filters: Filters) -> Filters:
    """Refused (422, naming the field) for a commune outside the unit, an unknown item or
    channel, or dates the wrong way round."""
    if filters.commune and filters.commune not in {u.code for u in scope.communes}:
        raise Refused("filter_invalid", status=422, field="commune", value=filters.commune)
    if filters.item and filters.item not in (COMMENT, REASONS, *scope.survey.item_ids):
        raise Refused("filter_invalid", status=422, field="item", value=filters.item)
    if filters.channel and filters.channel not in CHANNELS:
        raise Refused("filter_invalid", status=422, field="channel", value=filters.channel)
    if filters.since and filters.until and filters.since > filters.until:
        raise Refused("filter_invalid", status=422, field="until", value=filters.until.isoformat())
    return filters


def search_words(words: str) -> list[str]:
    """The folded words of a search ("Đường  xấu!" -> ["duong", "xau"]), at most MAX_WORDS."""
    return fold(words).split()[:MAX_WORDS]


def _start_of(day: date) -> datetime:
    """The instant a Vietnam day starts, as stored (UTC, without a zone)."""
    return datetime.combine(day, time(), VIETNAM).astimezone(UTC).replace(tzinfo=None)


def _conditions(scope: Scope, filters: Filters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Remark.campaign_id == scope.campaign.id]
    if filters.commune:
        commune = next(u for u in scope.communes if u.code == filters.commune)
        where.append(Remark.commune_id == commune.id)
    elif not scope.whole_campaign:
        where.append(Remark.commune_id.in_([u.id for u in scope.communes]))
    if filters.item == COMMENT:
        where.append(Remark.item_id.is_(None))
    elif filters.item == REASONS:
        where.append(Remark.item_id.is_not(None))
    elif filters.item:
        where.append(Remark.item_id == filters.item)
    if filters.channel:
        where.append(Remark.channel == filters.channel)
    if filters.since:
        where.append(Remark.created_at >= _start_of(filters.since))
    if filters.until:
        where.append(Remark.created_at < _start_of(filters.until + timedelta(days=1)))
    for word in search_words(filters.words):
        where.append(Remark.folded.contains(word, autoescape=True))
    return where


def _ordered(query: Select[Any]) -> Select[Any]:
    return query.order_by(Remark.created_at.desc(), Remark.id.desc())


def _rows(scope: Scope, where: list[ColumnElement[bool]], after: int | None, limit: int) -> list[Row]:
    query = select(Remark).where(*where)
    if after is not None:
        last = db.session.get(Remark, after)
        if last is None or last.campaign_id != scope.campaign.id:
            raise Refused("filter_invalid", status=422, field="after", value=str(after))
        # a row-value comparison: SQLite and PostgreSQL seek the index to it (an OR does not)
        query = query.where(tuple_(Remark.created_at, Remark.id) < tuple_(last.created_at, last.id))
    units = {u.id: u for u in scope.communes}
    return [Row(r.id, r.text, r.item_id, units[r.commune_id], r.channel, r.created_at)
            for r in db.session.scalars(_ordered(query).limit(limit))]


def remarks_page(scope: Scope, filters: Filters, per_page: int = PER_PAGE) -> Page:
    """One page of remarks, newest first, after the remark `filters.after` (none: the first)."""
    where = _conditions(scope, filters)
    counted = select(Remark.id).where(*where)
    if search_words(filters.words):
        counted = counted.limit(SEARCH_COUNT_LIMIT + 1)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    found = _rows(scope, where, filters.after, per_page + 1)
    rows = found[:per_page]
    more = len(found) > per_page
    return Page(rows, total, rows[-1].id if more and rows else None, filters.after is None)


def all_remarks(scope: Scope, filters: Filters, batch: int = 1000) -> Iterator[Row]:
    """Every remark the filters keep, newest first, read a batch at a time (for exports)."""
    where = _conditions(scope, filters)
    after = None
    while True:
        rows = _rows(scope, where, after, batch)
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].id
