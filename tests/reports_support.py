"""Helpers of the report tests: actors and a legacy (three-tier) campaign."""

from __future__ import annotations

from collections.abc import Callable

from feedback_app.domain.access import Principal, Role
from feedback_app.extensions import db
from feedback_app.models import Campaign

from .indices_support import LEGACY_CSV, import_csv, submit


def officer(unit: str, name: str | None = None, role: Role = Role.OFFICER, scheme: str = "") -> Principal:
    """An operator's principal naming its unit (an empty scheme: the campaign's)."""
    return Principal(name or f"officer-{unit}", role, unit_scheme=scheme, unit_code=unit)


def answered(campaign: Campaign, commune: str, n: int, value: int = 1, **overrides: int) -> None:
    """Record n responses in a commune (every item `value`, some items overridden) and commit."""
    from .support import all_answers

    answers = {**all_answers(campaign, value), **overrides}
    for _ in range(n):
        submit(campaign, commune, answers=answers)
    db.session.commit()


def legacy_campaign(make_campaign: Callable[..., Campaign]) -> Campaign:
    """A campaign over the legacy province 12: communes 03391, 03392 (district 105), 03393, 03394 (106)."""
    import_csv(LEGACY_CSV)
    return make_campaign(key="legacy-campaign", scheme="vn-legacy", codes=0)
