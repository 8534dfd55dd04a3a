"""How the committee pages word a service's refusal: scope, roles, campaign state, exports."""

from __future__ import annotations

from flask_babel import gettext

from ...services.errors import Refused
from .message import Message


def committee_message(refused: Refused) -> Message | None:
    reason = refused.reason
    if reason == "out_of_scope":
        return Message(gettext("Not your unit"),
                       gettext("Your account sees only your own unit and the units below it."))
    if reason == "role_too_low":
        return Message(gettext("Not allowed for your account"),
                       gettext("This needs an officer's account. Please ask your committee's officer."))
    if reason == "unit_not_in_campaign":
        return Message(gettext("Unit not in this campaign"),
                       gettext("This campaign does not survey any commune of this unit."))
    if reason == "campaign_state":
        return Message(gettext("The campaign has changed"),
                       gettext("The campaign is no longer in a state where this can be done. Please "
                               "reload its page."))
    if reason == "campaign_without_codes":
        return Message(gettext("No household codes"),
                       gettext("This campaign is answered without household codes: print its poster."))
    if reason == "code_other_commune":
        return Message(gettext("Household code of another commune"),
                       gettext("This household code was issued for another commune or campaign. "
                               "Please check the code on the household's slip."))
    if reason == "export_unknown":
        return Message(gettext("Export not found"),
                       gettext("This export does not exist or has expired. Please ask for it again from "
                               "the unit's page."))
    if reason == "depth_invalid":
        return Message(gettext("Too many levels asked for"),
                       gettext("An export lists at most %(maximum)s levels of units below the unit. "
                               "Please choose a depth from 0 to %(maximum)s.",
                               maximum=refused.data["maximum"]))
    if reason == "page_invalid":
        return Message(gettext("Page not found"), gettext("Please go back and try again."))
    return None


def committee_page_message(refused: Refused) -> Message | None:
    """Refusals that a resident's page words for a resident (a survey link, a QR code), worded for a
    committee member on the committee's own pages."""
    reason = refused.reason
    if reason == "unknown_campaign":
        return Message(gettext("Campaign not found"),
                       gettext("No campaign has the key %(key)s. Go back to your campaigns and open it "
                               "from the list.", key=refused.data.get("campaign", "")))
    if reason in ("unknown_unit", "unknown_commune"):
        return Message(gettext("Unit not found"),
                       gettext("No unit has this code. Go back to your campaigns and open the unit from "
                               "its campaign's page."))
    return None
