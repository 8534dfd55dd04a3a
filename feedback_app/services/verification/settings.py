"""The limits of the plausibility flags for a campaign: the product's defaults
(domain.plausibility.Settings), then the app's FLAG_SETTINGS, then the campaign's own
(campaigns.flag_settings, set with `flask campaigns flag-settings`)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from flask import current_app

from ...domain.plausibility import SettingError, Settings, settings_from, settings_values
from ...models import Campaign
from ..errors import Refused


def app_settings() -> Settings:
    """The product's defaults with the app's FLAG_SETTINGS (checked when the app starts using it)."""
    return settings_from(current_app.config.get("FLAG_SETTINGS") or {})


def campaign_overrides(campaign: Campaign) -> dict[str, object]:
    if not campaign.flag_settings:
        return {}
    stored = json.loads(campaign.flag_settings)
    return dict(stored) if isinstance(stored, dict) else {}


def campaign_settings(campaign: Campaign) -> Settings:
    return settings_from(campaign_overrides(campaign), app_settings())


def set_campaign_settings(campaign: Campaign, changes: Mapping[str, object],
                          reset: bool = False) -> Settings:
    """Change (or, with `reset`, drop before changing) the campaign's own limits; flushes nothing
    itself (the caller's unit of work commits). Refused 422 with the setting's name when a name or
    a value is wrong, and nothing changes."""
    own = {} if reset else campaign_overrides(campaign)
    try:
        checked = settings_from(changes)  # each value checked on its own
    except SettingError as wrong:
        raise Refused("flag_setting_invalid", status=422, name=wrong.name, problem=wrong.problem) from None
    values = settings_values(checked)
    own.update({name: values[name] for name in changes})
    campaign.flag_settings = json.dumps(own, sort_keys=True) if own else None
    return campaign_settings(campaign)
