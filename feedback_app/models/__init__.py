"""Tables only: every model of the app, imported here so that migrations see them all."""

from .accounts import Account, AccountEvent
from .campaign_events import CampaignEvent
from .campaigns import Campaign, CampaignCommune, CampaignVillage, HouseholdCode
from .counters import CommuneCounter, DailyCounter, ItemCounter, VillageCounter, VillageItemCounter
from .flags import FlagSnapshot
from .follows import CampaignFollows
from .recontact import RecontactEntry, RecontactOutcome, RecontactSample, ReportPosting
from .reports import Report, ReportEvent
from .responses import Answer, Remark, Response
from .scope import CampaignExclusion, CampaignSampleVillage, CampaignScopeEvent
from .sms import (
    SmsConversation,
    SmsInbound,
    SmsInvitationRun,
    SmsNumber,
    SmsNumberSend,
    SmsOpenAnswer,
)
from .succession import UnitSuccession
from .surveys import SurveyVersion
from .tokens import ApiToken
from .units import Unit

__all__ = [
    "Account",
    "AccountEvent",
    "Answer",
    "ApiToken",
    "Campaign",
    "CampaignCommune",
    "CampaignEvent",
    "CampaignExclusion",
    "CampaignFollows",
    "CampaignSampleVillage",
    "CampaignScopeEvent",
    "CampaignVillage",
    "CommuneCounter",
    "DailyCounter",
    "FlagSnapshot",
    "HouseholdCode",
    "ItemCounter",
    "RecontactEntry",
    "RecontactOutcome",
    "RecontactSample",
    "Remark",
    "Report",
    "ReportEvent",
    "ReportPosting",
    "Response",
    "SmsConversation",
    "SmsInbound",
    "SmsInvitationRun",
    "SmsNumber",
    "SmsNumberSend",
    "SmsOpenAnswer",
    "SurveyVersion",
    "Unit",
    "UnitSuccession",
    "VillageCounter",
    "VillageItemCounter",
]
