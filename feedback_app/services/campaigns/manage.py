"""A committee's campaigns: the ones it may read, and what an officer does to one of its own
(create it for its unit, issue its codes; its dates and settings: services.campaigns.life). Scope
and role are checked by services.accounts.access."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from ...domain.access import Principal, Role
from ...domain.campaign import Window, field_window_too_long, window, working_days
from ...models import Campaign, CampaignCommune, Unit
from ..accounts.access import can_see, check_can_act, unit_of
from ..errors import Refused
from ..indices.document import rules_document
from ..units.villages import village_of
from .catalogue import list_campaigns
from .life import record_created
from .register import CommuneCodes, code_counts
from .setup import (
    MAX_CODES_PER_CALL,
    NewCampaign,
    campaign_commune,
    campaign_rules,
    create_campaign,
    get_campaign,
    issue_codes,
)


@dataclass(frozen=True)
class Listed:
    campaign: Campaign
    state: Window
    unit: Unit  # where the committee's dashboard of this campaign starts
    manageable: bool  # officer or above: slips and posters of its communes
    may_open_close: bool = False  # manageable, and the campaign is its own unit's (or below): dates


def visible_campaigns(principal: Principal, today: date) -> list[Listed]:
    """Campaigns over the committee's unit or below it, and campaigns of a unit above it that
    survey some of its communes (the committee reads its own part of those)."""
    own = unit_of(principal)
    listed = []
    for info in list_campaigns(today):
        campaign = info.campaign
        if can_see(principal, campaign.unit):
            officer = principal.role >= Role.OFFICER
            listed.append(Listed(campaign, info.state, campaign.unit, officer, officer))
        elif can_see(Principal("campaign", unit_id=campaign.unit_id), own):
            listed.append(Listed(campaign, info.state, own, principal.role >= Role.OFFICER))
    return listed


def create_for_unit(principal: Principal, spec: NewCampaign) -> Campaign:
    """An officer creates a campaign for its own unit (the spec's unit is replaced by it)."""
    unit = unit_of(principal)
    check_can_act(principal, unit, Role.OFFICER)
    campaign = create_campaign(replace(spec, scheme=unit.scheme, unit_code=unit.code))
    record_created(principal, campaign)
    return campaign


def managed_campaign(principal: Principal, key: str) -> Campaign:
    """A campaign the principal may manage: its unit is in scope and the role is officer or above."""
    campaign = get_campaign(key)
    check_can_act(principal, campaign.unit, Role.OFFICER)
    return campaign


def get_campaign_for(principal: Principal, key: str) -> Campaign:
    """A campaign the principal has a part in: its unit is in scope, or it surveys communes below
    the principal's unit. Refused 403 otherwise (404 when there is no such campaign)."""
    campaign = get_campaign(key)
    if not can_see(principal, campaign.unit) and not can_see(Principal("campaign", unit_id=campaign.unit_id),
                                                            unit_of(principal)):
        raise Refused("out_of_scope", status=403, scheme=campaign.unit.scheme, code=campaign.unit.code)
    return campaign


def state_of(campaign: Campaign, today: date) -> Window:
    return window(campaign.opens_on, campaign.closes_on, today)


@dataclass(frozen=True)
class Managed:
    """What an officer's management page shows of a campaign: its communes in the officer's scope,
    its state today, and whether its dates are the officer's to change (its own unit's campaign)."""

    campaign: Campaign
    communes: list[CampaignCommune]
    state: Window
    may_change_dates: bool
    rules: dict[str, Any]  # services.indices.document.rules_document
    window_days: int  # working days between the opening and the closing date
    window_too_long: bool  # more than the Front's 20 working days: a warning, never a refusal


def campaign_to_manage(principal: Principal, key: str, today: date) -> Managed:
    """A campaign with the communes of it that the principal may manage; Refused 403 when none is
    in its scope."""
    campaign = get_campaign_for(principal, key)
    communes = [c for c in campaign.communes if can_see(principal, c.unit)]
    if not communes:
        raise Refused("out_of_scope", status=403, scheme=campaign.unit.scheme, code=campaign.unit.code)
    return Managed(campaign, communes, state_of(campaign, today), can_see(principal, campaign.unit),
                   rules_document(campaign, campaign_rules(campaign)),
                   working_days(campaign.opens_on, campaign.closes_on),
                   field_window_too_long(campaign.opens_on, campaign.closes_on))


def commune_to_manage(principal: Principal, key: str, commune_code: str) -> tuple[Campaign, CampaignCommune]:
    """One commune of a campaign, for its slips and poster: in scope, and the role is officer."""
    campaign = get_campaign_for(principal, key)
    commune = campaign_commune(campaign, commune_code)
    check_can_act(principal, commune.unit, Role.OFFICER)
    return campaign, commune


class IssueSchema(Schema):
    """The codes form: a village of the commune (none: the whole commune) and either "one code per
    registered household not yet covered" or a number of codes more."""

    class Meta:
        unknown = EXCLUDE

    village = fields.String(load_default=None, validate=validate.Regexp(r"[0-9A-Za-z]{1,16}\Z"))
    how = fields.String(load_default="register", validate=validate.OneOf(("register", "count")))
    count = fields.Integer(load_default=None, strict=False,
                           validate=validate.Range(min=1, max=MAX_CODES_PER_CALL))

    @pre_load
    def _blank_is_absent(self, data: Any, **_: Any) -> dict[str, Any]:
        return {k: v.strip() for k, v in dict(data).items() if isinstance(v, str) and v.strip()}


def issue_for(principal: Principal, key: str, commune_code: str, form: Mapping[str, str]) -> int:
    """An officer issues household codes for a commune or one of its villages (the same
    setup.issue_codes as `campaigns codes issue`); the number of codes issued."""
    try:
        data = IssueSchema().load(form)
    except ValidationError as exc:
        raise Refused("codes_form", status=422, problems=sorted(exc.messages_dict)) from None
    if data["how"] == "count" and data["count"] is None:
        raise Refused("codes_form", status=422, problems=["count"])
    campaign, commune = commune_to_manage(principal, key, commune_code)
    village = village_of(commune.unit, data["village"], current=False) if data["village"] else None
    return issue_codes(campaign, commune, data["count"] if data["how"] == "count" else None, village)


def codes_of_communes(campaign: Campaign, communes: list[CampaignCommune]) -> list[CommuneCodes]:
    """Registered, issued, used and coverage per commune and village, for the management page."""
    return code_counts(campaign, communes)
