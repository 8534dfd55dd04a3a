"""The posting of a commune's results (niêm yết): its dates, and the sheets that are posted.

The commune's committee posts its results at each village's cultural house and at the commune
office for the campaign's posting days (10 by default) and records the dates here: appended to
report_postings and to the report's audit log (action `posting`), the last one current. The
public results page says "Posted from … to …". The sheet is one A4 page for the commune and one
per village with only what a resident may see: the public figures (no counts of answers, no rate
from fewer than domain.index.MIN_PUBLIC_VALID valid answers), the posting dates and where to send
comments. Services flush and never commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from ...clock import utcnow
from ...domain.access import Principal, Relation, Role
from ...domain.index import Figures, Tally, Verdict
from ...domain.recontact import PostingRefused, posting_window
from ...domain.reports import Action, Status
from ...extensions import db
from ...models import Account, Campaign, Report, ReportEvent, ReportPosting, Unit
from ..campaigns.setup import campaign_rules, get_campaign, get_unit
from ..errors import Refused
from ..indices.index import content_items
from ..indices.villages import village_rows
from ..surveys import survey_of
from .workflow import authorize, find_report, in_scheme

MAX_CONTACT = 500
POSTABLE = (Status.SUBMITTED, Status.ACCEPTED)  # frozen figures that went upward


def _commune(actor: Principal, campaign_key: str, commune_code: str, action: Action
             ) -> tuple[Campaign, Unit, Principal, Relation]:
    campaign = get_campaign(campaign_key)
    unit = get_unit(campaign.unit.scheme, commune_code)
    actor = in_scheme(actor, campaign)
    where = authorize(actor, campaign, unit, action)
    if unit.level != "commune":
        raise Refused("posting_not_commune", status=404, code=unit.code)
    return campaign, unit, actor, where


def current_posting(report: Report | None) -> ReportPosting | None:
    """The posting period last recorded for a report (None: none yet)."""
    if report is None:
        return None
    return db.session.scalar(select(ReportPosting).filter_by(report_id=report.id)
                             .order_by(ReportPosting.id.desc()).limit(1))


def default_contact(commune: Unit) -> str:
    """Where to send comments when the committee typed nothing: the commune Front's standing
    committee, with the phones and e-mails its officers' accounts record."""
    accounts = db.session.scalars(select(Account).where(
        Account.unit_id == commune.id, Account.active.is_(True),
        Account.role.in_([Role.OFFICER.value, Role.ADMIN.value])).order_by(Account.username))
    reach = [", ".join(part for part in (a.full_name, a.phone, a.email) if part)
             for a in accounts if a.phone or a.email]
    name = commune.full_name
    head = f"Ban Thường trực Ủy ban MTTQ {name[:1].lower()}{name[1:]}"  # "… MTTQ xã Bình Lư"
    return "; ".join([head, *reach])


def record_posting(actor: Principal, campaign_key: str, commune_code: str, starts_on: date,
                   ends_on: date | None = None, contact: str = "") -> ReportPosting:
    """The commune's officer records when its results are posted: from `starts_on` to `ends_on`
    (default: start + the campaign's posting days). Refused: not the commune's own officer (403),
    no submitted or accepted report (409), dates out of order or too long, a contact too long (422)."""
    campaign, unit, actor, _ = _commune(actor, campaign_key, commune_code, Action.SUBMIT)
    report = find_report(campaign, unit, lock=True)
    if report is None or report.status not in POSTABLE:
        raise Refused("posting_no_report", status=409, state=report.status if report else "none")
    try:
        start, end = posting_window(starts_on, ends_on, campaign.posting_days, campaign.opens_on)
    except PostingRefused as refused:
        raise Refused(refused.reason, status=422, **refused.data) from None
    contact = " ".join((contact or "").split())
    if len(contact) > MAX_CONTACT:
        raise Refused("posting_contact_too_long", status=422, maximum=MAX_CONTACT)
    at = utcnow()
    posting = ReportPosting(report_id=report.id, starts_on=start, ends_on=end,
                            contact=contact or default_contact(unit), actor_username=actor.name,
                            actor_full_name=actor.full_name, actor_role=actor.role.value,
                            actor_unit=actor.unit_label, at=at)
    db.session.add(posting)
    db.session.add(ReportEvent(
        campaign_id=report.campaign_id, unit_id=report.unit_id, report_id=report.id, action="posting",
        status_after=report.status, actor_username=actor.name, actor_full_name=actor.full_name,
        actor_role=actor.role.value, actor_unit=actor.unit_label, at=at, content_hash=report.content_hash,
        note=f"{start.isoformat()} – {end.isoformat()}; {posting.contact}"))
    db.session.flush()
    return posting


@dataclass(frozen=True)
class Posting:
    """A commune's posting page: its report, the posting in force and what the account may do."""

    campaign: Campaign
    unit: Unit
    report: Report | None
    posting: ReportPosting | None
    history: list[ReportPosting]
    may_record: bool
    default_contact: str

    @property
    def postable(self) -> bool:
        return self.report is not None and self.report.status in POSTABLE


def posting_state(actor: Principal, campaign_key: str, commune_code: str) -> Posting:
    """What the posting page of a commune shows (anyone in scope reads it)."""
    campaign, unit, actor, where = _commune(actor, campaign_key, commune_code, Action.VIEW)
    report = find_report(campaign, unit)
    history = [] if report is None else list(db.session.scalars(
        select(ReportPosting).filter_by(report_id=report.id).order_by(ReportPosting.id)))
    may = where is Relation.OWN and actor.role >= Role.OFFICER
    return Posting(campaign, unit, report, history[-1] if history else None, history, may,
                   default_contact(unit))


@dataclass(frozen=True)
class Sheet:
    """One posted page: a unit (the commune or a village) and its public figures."""

    unit: dict[str, Any]  # name, name_en, code, level
    figures: dict[str, Any]  # the public index shape: coverage, rate, too_few_answers, verdict, items


@dataclass(frozen=True)
class PostingSheets:
    campaign: dict[str, Any]  # the report's campaign_ref
    items: dict[str, dict[str, Any]]
    commune: Sheet
    villages: list[Sheet]
    posting: ReportPosting


def _rate(tally: Tally) -> dict[str, Any]:
    hidden = not tally.publishable
    rate = tally.rate
    return {"rate": None if hidden or rate is None else round(float(rate), 4), "too_few_answers": hidden}


def _public(figures: Figures) -> dict[str, Any]:
    """A village's figures as a resident may see them, the rule of services.indices.document."""
    counts = figures.counts
    verdict: str | None = figures.verdict.value
    if not counts.overall.publishable and figures.verdict is not Verdict.INSUFFICIENT:
        verdict = None
    coverage = figures.coverage
    return {
        "respondents": counts.respondents, "households": counts.households,
        "coverage": None if coverage is None else round(float(Fraction(coverage)), 4),
        **_rate(counts.overall), "verdict": verdict,
        "items": [{"id": item_id, **_rate(tally)} for item_id, tally in counts.items.items()],
    }


def posting_sheets(actor: Principal, campaign_key: str, commune_code: str) -> PostingSheets:
    """The sheets to post: the commune's page from the public figures frozen in its report, and a
    page per village of the campaign's register from its village counters with the same rule.
    Refused 409 until a posting period is recorded."""
    state = posting_state(actor, campaign_key, commune_code)
    if state.report is None or not state.postable:
        raise Refused("posting_no_report", status=409, state=state.report.status if state.report else "none")
    if state.posting is None:
        raise Refused("posting_missing", status=409, code=state.unit.code)
    content = json.loads(state.report.content)
    campaign = state.campaign
    survey = survey_of(campaign.survey_version)
    rules = replace(campaign_rules(campaign, content_items(survey)), commune_floor=None)
    villages = [Sheet({"name": row.village.full_name, "name_en": row.village.full_name_en,
                       "code": row.village.code, "level": "village"}, _public(row.figures))
                for row in village_rows(campaign, state.unit.id, rules, survey.item_ids)]
    return PostingSheets(content["campaign"], {item["id"]: item for item in content["items"]},
                         Sheet(content["unit"], content["public"]), villages, state.posting)


def public_posting(campaign_key: str, commune_code: str) -> tuple[date, date] | None:
    """The posting period of a commune's published results, for the public page (None: none
    recorded). The caller has already found the results published."""
    campaign = get_campaign(campaign_key)
    posting = current_posting(find_report(campaign, get_unit(campaign.unit.scheme, commune_code)))
    return (posting.starts_on, posting.ends_on) if posting else None
