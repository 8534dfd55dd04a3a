"""The verifier's plausibility flags on committee pages: the card on a dashboard and a report page
(templates/committee/_flags.html) and the boxes to tick when accepting a report that has flags
(templates/committee/_flag_acknowledge.html). Both read through template globals registered here,
so that each page includes them with one line; who may see them is decided by
services.verification.flags (only a committee above the unit: never the unit itself, a commune or a
village account, or the public)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, current_app, g

from ...domain.plausibility import FlagRule
from ...i18n import language
from ...models import Campaign, ReportEvent, Unit
from ...services.verification.flags import recorded_flags
from ...services.verification.settings import campaign_settings
from ...services.verification.shown import (
    Shown,
    may_see_flags,
    report_flags_shown,
    visible_children_flags,
    visible_flags,
)
from ...services.verification.wording import TITLES, sentence, title

bp = Blueprint("committee_flags", __name__)


@dataclass(frozen=True)
class FlagLine:
    ident: str
    unit: str  # the unit's name in the reader's language
    level: str
    title: str
    sentence: str


@dataclass(frozen=True)
class LateLine:
    """A unit whose flags are being computed again in the background: its name in the reader's
    language, and when the flags shown for it were computed (None: none yet)."""

    unit: str
    as_of: datetime | None


@dataclass(frozen=True)
class FlagCard:
    lines: list[FlagLine] = field(default_factory=list)
    late: list[LateLine] = field(default_factory=list)
    no_worker: bool = False  # late units, and no worker listening to compute them (with Redis)

    def __bool__(self) -> bool:
        return bool(self.lines or self.late)


def _card(campaign: Campaign, shown: Shown) -> FlagCard:
    settings = campaign_settings(campaign)
    lang = language()
    return FlagCard([FlagLine(f.ident, f.unit.display_name(lang), f.unit.level, title(f),
                              sentence(f, campaign, settings)) for f in shown.flags],
                    [LateLine(late.unit.display_name(lang), late.as_of) for late in shown.late],
                    shown.no_worker)


def _budget() -> int:
    """The most responses one page reads to compute flags (FLAGS_INLINE_RESPONSES); beyond it the
    worker computes them and the page says so."""
    return int(current_app.config["FLAGS_INLINE_RESPONSES"])


def _cached(key: tuple[object, ...], compute: object) -> FlagCard:
    cache: dict[tuple[object, ...], FlagCard] = g.setdefault("flag_lines", {})
    principal = g.get("principal")
    key = (principal.name if principal else None, principal.unit_id if principal else None, *key)
    if key not in cache:
        cache[key] = compute()  # type: ignore[operator]
    return cache[key]


@bp.app_template_global()
def flag_card(campaign: Campaign, unit: Unit) -> FlagCard:
    """The flags the signed-in committee may see on `unit`'s page: the unit's and its children's
    when the unit is below it; on its own unit's page, those of each unit directly below; and
    the units whose flags are late (being computed in the background)."""
    principal = g.get("principal")
    if principal is None:
        return FlagCard()

    def compute() -> FlagCard:
        if may_see_flags(principal, unit):
            return _card(campaign, visible_flags(principal, campaign, unit, _budget()))
        if principal.unit_id != unit.id:
            return FlagCard()
        return _card(campaign, visible_children_flags(principal, campaign, unit, _budget()))
    return _cached(("card", campaign.id, unit.id), compute)


@bp.app_template_global()
def flags_to_acknowledge(campaign: Campaign, unit: Unit) -> FlagCard:
    """The flags that accepting `unit`'s report asks the signed-in committee to acknowledge
    (accepting checks them against the flags computed then: services.reports.workflow)."""
    principal = g.get("principal")
    if principal is None or not may_see_flags(principal, unit):
        return FlagCard()
    return _cached(("accept", campaign.id, unit.id),
                   lambda: _card(campaign, report_flags_shown(campaign, unit, _budget())))


@bp.app_template_global()
def acknowledged_flags(entry: ReportEvent) -> list[str]:
    """The flags an acceptance acknowledged, as "unit: title" lines, for a committee above the
    report's unit (the unit's own committee reads its log without them)."""
    principal = g.get("principal")
    if not entry.flags or principal is None or not may_see_flags(principal, entry.unit):
        return []
    lines = []
    for flag in recorded_flags(entry.flags):
        try:
            rule = FlagRule(str(flag.get("rule")))
        except ValueError:
            continue
        lines.append(f"{flag.get('id')} · {TITLES[rule]}")
    return lines
