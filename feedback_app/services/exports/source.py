"""What an export shows: a `Source` wraps the report content object (services.reports.content) —
built now for a unit's current results, or the frozen snapshot of a submitted report — so every
format shows the figures of services.indices, never recomputed here. Who may see it is checked
when the source is made."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...domain.access import Principal, actor_parts, person_label
from ...domain.reports import Action
from ...extensions import db
from ...models import Campaign, Report, ReportEvent, Unit
from ..campaigns.setup import get_campaign, get_unit
from ..reports.content import check_in_campaign, results_content
from ..reports.recontact import report_outcomes
from ..reports.workflow import authorize, get_report
from ..verification.flags import recorded_flags


@dataclass(frozen=True)
class Signatory:
    """A person named on a document: "Nguyễn Văn An (mttq-03390)" and their role's code."""

    person: str
    role: str


class Source:
    """What an export shows: the content object and, for a report, its status and seal.

    The content may be given as a function: it is then built on first use, so that a streamed CSV
    sends its first bytes before the index of a large unit is computed (checks of who may see it
    are made before, when the source is created).
    """

    def __init__(self, content: dict[str, Any] | Callable[[], dict[str, Any]], filename: str,
                 status: str = "live", meta: dict[str, Any] | None = None) -> None:
        self._content = content
        self.filename = filename
        self.status = status
        self.meta = meta or {}  # content_hash, submitted_at, decided_by...

    @cached_property
    def content(self) -> dict[str, Any]:
        return self._content() if callable(self._content) else self._content

    @property
    def preparer(self) -> Signatory | None:
        """Who prepared the report (None: today's results, which nobody prepared)."""
        who = self.content.get("prepared_by") if self.status != "live" else None
        if not who:
            return None
        return Signatory(person_label(who.get("full_name"), who["username"]), who.get("role", ""))

    @property
    def approver(self) -> Signatory | None:
        """Who accepted the report (None until it is accepted)."""
        decided = self.meta.get("decided_by")
        if self.status != "accepted" or not decided:
            return None
        username, role, _ = actor_parts(decided)
        return Signatory(person_label(self.meta.get("decided_by_name"), username), role)


METHODS = {
    "household_codes": _l("a household code per household, answered on the web, by SMS or with a "
                          "cadre's help"),
    "open_link": _l("an open link per commune (anyone with the link answers once)"),
}


def document_meta(campaign: Campaign, unit: Unit) -> dict[str, Any]:
    """What a filed document names besides the figures: the committee it is sent to (the unit's
    parent) and the campaign's ways of answering (worded when the document is written)."""
    parent = unit.parent
    return {
        "addressee": {"name": parent.full_name, "name_en": parent.full_name_en, "level": parent.level}
        if parent else None,
        "method_keys": [key for key in METHODS if getattr(campaign, key)],
    }


def results_source(actor: Principal | None, campaign_key: str, unit_code: str, depth: int = 1) -> Source:
    """A unit's results as of now, with `depth` levels of units below it."""
    campaign = get_campaign(campaign_key)
    unit = get_unit(campaign.unit.scheme, unit_code)
    if actor is not None:
        authorize(actor, campaign, unit, Action.VIEW)
    check_in_campaign(campaign, unit)
    key, scheme, code = campaign.key, campaign.unit.scheme, unit.code

    def content() -> dict[str, Any]:
        # Built later, maybe once the request's session is gone (a streamed CSV runs after the
        # view returned and the request committed): read the campaign and unit again by their
        # keys rather than touch instances of a closed session.
        return results_content(get_campaign(key), get_unit(scheme, code), depth, public=False)

    return Source(content, f"{key}-{code}-results", meta=document_meta(campaign, unit))


def verification_meta(report: Report) -> dict[str, Any]:
    """What the verifier checked, for the document's section V: the plausibility flags the
    acceptance acknowledged (as the audit log keeps them) and the re-contact sample's outcomes
    (None: no sample was drawn)."""
    accepted = db.session.scalars(
        select(ReportEvent).where(ReportEvent.report_id == report.id,
                                  ReportEvent.action == Action.ACCEPT.value)
        .order_by(ReportEvent.at.desc(), ReportEvent.id.desc())).first()
    outcomes = report_outcomes(report)
    recontact = None if outcomes is None else {
        "seed": outcomes.seed, "population": outcomes.population, "drawn": outcomes.tally.drawn,
        "confirmed": outcomes.tally.confirmed, "not_confirmed": outcomes.tally.not_confirmed,
        "unreachable": outcomes.tally.unreachable, "pending": outcomes.tally.pending,
        "drawn_at": outcomes.drawn_at}
    return {"flags": recorded_flags(accepted.flags) if accepted is not None else [],
            "recontact": recontact}


def report_source(actor: Principal | None, campaign_key: str, unit_code: str) -> Source:
    """A unit's report: its frozen snapshot, status and content hash."""
    report = get_report(actor, campaign_key, unit_code)
    filename = f"{report.campaign.key}-{report.unit.code}-report"
    return Source(json.loads(report.content), filename, report.status, {
        "content_hash": report.content_hash,
        "submitted_at": report.submitted_at,
        "decided_by": report.decided_by,
        "decided_by_name": report.decided_by_name,
        "decided_at": report.decided_at,
        "return_reason": report.return_reason,
        **document_meta(report.campaign, report.unit),
        **verification_meta(report),
    })


def walk(node: dict[str, Any], parent: str) -> Iterator[tuple[dict[str, Any], str]]:
    """Every unit below an index node, depth first, with its parent's code."""
    for child in node.get("children") or ():
        yield child, parent
        yield from walk(child, child["unit"]["code"])
