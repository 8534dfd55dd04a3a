"""Who may see the plausibility flags, and what a committee's page shows of them.

Only a committee above the unit sees them (a province for its communes and their villages, the
country for a province), never the unit itself, never a commune or a village account, never the
public. A page computes at most a budget of responses' worth of flags (FLAGS_INLINE_RESPONSES);
beyond it services.verification.flags queues the units to the worker, and the page shows them as
late with the flags last computed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from flask import current_app

from ...domain.access import Principal, Relation
from ...models import Campaign, Unit
from ..accounts.access import relation, unit_of
from ..campaigns.setup import get_campaign, get_unit
from ..errors import Refused
from .flags import campaign_scope, report_flags, resolve_flags
from .snapshots import UnitFlag

log = logging.getLogger(__name__)
# Accounts of these units never see flags: the commune is the one being verified.
VERIFIED_LEVELS = frozenset({"commune", "village"})


@dataclass(frozen=True)
class Late:
    """A unit whose flags are being computed again in the background (too many responses to read
    in a page's request): the flags shown for it are those computed at `as_of` (none: not yet)."""

    unit: Unit
    as_of: datetime | None


@dataclass(frozen=True)
class Shown:
    """Flags as a page shows them, the units whose flags are late, and whether no worker listens
    to compute those (with Redis)."""

    flags: list[UnitFlag]
    late: list[Late] = field(default_factory=list)
    no_worker: bool = False


def _shown(flags: list[UnitFlag], late: list[Late]) -> Shown:
    return Shown(flags, late, bool(late) and _worker_missing())


def _worker_missing() -> bool:
    """With Redis: whether no worker listens to the export queue, where late flags are queued
    (adapters.export_store, as exports ask before queueing). Without Redis the web process's own
    thread computes them."""
    store = current_app.extensions.get("export_store")
    if store is None:
        return False
    try:
        return not store.has_worker()
    except Exception:  # Redis away: queueing the job says so in the log
        log.warning("could not ask Redis whether a worker runs", exc_info=True)
        return False


def may_see_flags(principal: Principal, unit: Unit) -> bool:
    """Only a committee strictly above the unit, and never a commune's or a village's account."""
    own = unit_of(principal)
    if own.level in VERIFIED_LEVELS:
        return False
    return relation(principal, unit) in (Relation.CHILD, Relation.BELOW)


def visible_flags(principal: Principal, campaign: Campaign, unit: Unit, budget: int | None = None) -> Shown:
    """The flags of `unit` and the units below it that `principal` may see (none for the unit's
    own committee, a commune or a village account); with a `budget` (the most responses the page
    may read), late when its responses are more."""
    own = unit_of(principal)
    if own.level in VERIFIED_LEVELS or relation(principal, unit) is Relation.OUTSIDE:
        return Shown([])
    found, late = resolve_flags(campaign, campaign_scope(campaign), [unit], budget)
    return _shown([f for f in found.get(unit.id, []) if may_see_flags(principal, f.unit)],
                  [Late(unit, as_of) for as_of in late.values()])


def visible_children_flags(principal: Principal, campaign: Campaign, unit: Unit,
                           budget: int | None = None) -> Shown:
    """On a committee's own page: the flags of each unit directly below it (by code) that
    `principal` may see, from one read of the responses (children_flags), within `budget`."""
    children = [c for c in sorted(unit.children, key=lambda c: c.code) if may_see_flags(principal, c)]
    if not children:
        return Shown([])
    found, late = resolve_flags(campaign, campaign_scope(campaign), children, budget)
    shown = [f for child in children for f in found.get(child.id, []) if may_see_flags(principal, f.unit)]
    return _shown(shown, [Late(child, late[child.id]) for child in children if child.id in late])


def report_flags_shown(campaign: Campaign, unit: Unit, budget: int | None) -> Shown:
    """What a page offers to acknowledge when accepting `unit`'s report (report_flags, within
    `budget`); accepting itself checks against report_flags, computed then."""
    found, late = resolve_flags(campaign, campaign_scope(campaign), [unit], budget)
    return _shown(found.get(unit.id, []), [Late(unit, as_of) for as_of in late.values()])


def flags_for(principal: Principal, campaign_key: str, unit_code: str) -> list[UnitFlag]:
    """For `reports flags`: the flags of a unit's report, Refused 403 unless the principal is a
    committee above it."""
    campaign = get_campaign(campaign_key)
    unit = get_unit(campaign.unit.scheme, unit_code)
    if principal.unit_id is None:  # the operator names the unit at the shell (reports CLI)
        scheme = principal.unit_scheme or campaign.unit.scheme
        principal = replace(principal, unit_id=get_unit(scheme, principal.unit_code).id)
    if not may_see_flags(principal, unit):
        raise Refused("flags_not_permitted", status=403, code=unit.code)
    return report_flags(campaign, unit)
