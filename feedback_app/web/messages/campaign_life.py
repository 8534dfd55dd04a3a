"""How the committee pages word refusals of a campaign's life: editing, opening, extending,
closing, reopening (services.campaigns.life)."""

from __future__ import annotations

from flask_babel import gettext

from ...i18n import fmt_date, fmt_number
from ...services.errors import Refused
from .message import Message


def life_problem(refused: Refused) -> tuple[str, str] | None:
    """(form field, sentence) for a refusal the edit and dates forms show beside a field."""
    reason, data = refused.reason, refused.data
    if reason == "campaign_opens_in_past":
        return "opens_on", gettext("The opening date cannot be in the past: choose today or later.")
    if reason == "campaign_dates":
        return "closes_on", gettext("The closing date must not be before the opening date.")
    if reason == "campaign_too_long":
        return "closes_on", gettext("A campaign lasts at most one year.")
    if reason == "campaign_extend_earlier":
        return "closes_on", gettext("Choose a day after the current closing date, %(day)s.",
                                    day=fmt_date(data["current"]))
    if reason == "campaign_reopen_past":
        return "closes_on", gettext("Choose today or a later day: the campaign takes answers until then.")
    if reason == "campaign_reason_required":
        return "reason", gettext("Say why the campaign is reopened: the reason goes into its history.")
    if reason == "campaign_reason_invalid":
        return "reason", gettext("A reason has at most %(n)s printable characters.",
                                 n=fmt_number(data["maximum"]))
    if reason == "campaign_floor_commune":
        return "commune_floor", gettext("A campaign over one commune has no per-commune floor.")
    if reason == "campaign_title":
        return "title", gettext("A title has at most 300 printable characters.")
    if reason == "campaign_no_communes":
        return "communes", gettext("Choose at least one commune.")
    if reason == "campaign_communes_unknown":
        return "communes", gettext("Choose communes of the campaign's unit only.")
    if reason == "campaign_commune_has_codes":
        return "communes", gettext("Household codes were issued for %(communes)s: these communes stay in "
                                   "the campaign.", communes=", ".join(data["communes"]))
    return None


def life_message(refused: Refused) -> Message | None:
    """A page's title and sentence for the refusals that leave no form to show them on."""
    reason = refused.reason
    if reason == "campaign_never_opened":
        return Message(gettext("This campaign has not opened"),
                       gettext("A campaign that never opened cannot be closed. Change its dates on its "
                               "Edit page instead, or open it."))
    if reason == "campaign_edit_opened":
        return Message(gettext("The campaign has opened"),
                       gettext("Its title, dates, rules and communes are changed only before it opens. "
                               "You can still extend its closing date, or close it."))
    problem = life_problem(refused)
    if problem is not None:
        return Message(gettext("Please check the dates"), problem[1])
    return None
