"""Tables only: every model of the app, imported here so that migrations see them all."""

from .campaigns import Campaign, CampaignCommune, HouseholdCode
from .responses import Answer, Response
from .sms import SmsConversation, SmsInbound, SmsInvitationRun, SmsNumber, SmsOpenAnswer
from .surveys import SurveyVersion
from .units import Unit

__all__ = [
    "Answer",
    "Campaign",
    "CampaignCommune",
    "HouseholdCode",
    "Response",
    "SmsConversation",
    "SmsInbound",
    "SmsInvitationRun",
    "SmsNumber",
    "SmsOpenAnswer",
    "SurveyVersion",
    "Unit",
]
