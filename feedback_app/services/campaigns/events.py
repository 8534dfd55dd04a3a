"""A campaign's audit log: every step of its life, by whom and when, with the settings before and
after and the reason (append-only: models.CampaignEvent and, on PostgreSQL, a trigger)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ...domain.access import Principal
from ...domain.campaign_life import ACTIONS
from ...extensions import db
from ...models import Campaign, CampaignEvent, Unit

# The settings an entry compares, in the order the History shows them.
SETTINGS = ("title", "opens_on", "closes_on", "min_coverage", "threshold", "item_rule",
            "item_threshold", "commune_floor", "posting_days", "communes")


def settings_of(campaign: Campaign) -> dict[str, Any]:
    """The campaign's settings as plain JSON values: ISO days, decimal strings, commune codes."""
    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return value

    codes = sorted(db.session.scalars(
        select(Unit.code).where(Unit.id.in_([c.unit_id for c in campaign.communes]))))
    values = {name: plain(getattr(campaign, name)) for name in SETTINGS if name != "communes"}
    values["communes"] = codes
    return values


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the settings that differ, before and after."""
    names = [n for n in SETTINGS if before.get(n) != after.get(n)]
    return {n: before.get(n) for n in names}, {n: after.get(n) for n in names}


def record(actor: Principal, campaign: Campaign, action: str, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, reason: str = "") -> CampaignEvent:
    """Append one entry (the caller flushes the change itself first)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown campaign event {action!r}")
    entry = CampaignEvent(
        campaign=campaign, action=action, actor_username=actor.name[:64],
        actor_full_name=" ".join(actor.full_name.split())[:120], actor_role=actor.role.label,
        actor_unit=(actor.unit_label if actor.unit_code else "shell")[:64],
        before=_dump(before), after=_dump(after), reason=reason,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _dump(values: dict[str, Any] | None) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else ""


def values_of(recorded: str) -> dict[str, Any]:
    loaded = json.loads(recorded) if recorded else {}
    return loaded if isinstance(loaded, dict) else {}


def events_of(campaign: Campaign) -> list[CampaignEvent]:
    """The campaign's log, newest first."""
    return list(db.session.scalars(
        select(CampaignEvent).where(CampaignEvent.campaign_id == campaign.id)
        .order_by(CampaignEvent.at.desc(), CampaignEvent.id.desc())))
