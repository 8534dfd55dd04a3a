"""Tables only: every model of the app, imported here so that migrations see them all."""

from .campaigns import Campaign, CampaignCommune, HouseholdCode
from .responses import Answer, Response
from .surveys import SurveyVersion
from .units import Unit

__all__ = [
    "Answer",
    "Campaign",
    "CampaignCommune",
    "HouseholdCode",
    "Response",
    "SurveyVersion",
    "Unit",
]
