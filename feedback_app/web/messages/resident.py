"""How the resident pages word a service's refusal: survey windows, household codes, links."""

from __future__ import annotations

from flask_babel import format_date, gettext

from ...domain.codes import format_code
from ...i18n import language
from ...services.errors import Refused
from ...services.responses.record import AnsweringRules
from .message import Message


def _dates(campaign: AnsweringRules) -> dict[str, str]:
    return {
        "opens": format_date(campaign.opens_on, "long"),
        "closes": format_date(campaign.closes_on, "long"),
    }


def resident_message(refused: Refused) -> Message | None:
    """A title and a sentence a resident can act on, or None when the reason is not a resident's."""
    d = refused.data
    reason = refused.reason
    if reason == "campaign_not_open":
        return Message(
            gettext("The survey has not opened yet"),
            gettext("This survey is open from %(opens)s to %(closes)s. Please come back then.",
                    **_dates(d["campaign"])),
        )
    if reason == "campaign_closed":
        return Message(
            gettext("The survey has closed"),
            gettext("This survey was open from %(opens)s to %(closes)s and no longer takes answers. "
                    "Thank you for your interest.", **_dates(d["campaign"])),
        )
    if reason == "code_used":
        return Message(
            gettext("This household code has already been used"),
            gettext("The answers for household code %(code)s were already received, and they are kept "
                    "as they were. Each code can be used only once. If you think this is a mistake, "
                    "please contact your village Front committee.", code=format_code(d["code"] or "")),
        )
    if reason == "code_mistyped":
        return Message(
            gettext("Please check the household code"),
            gettext("A household code has 15 digits, printed in three groups of five on your slip. "
                    "The code you entered does not match: please check each digit and try again."),
        )
    if reason == "code_unknown":
        return Message(
            gettext("Household code not found"),
            gettext("No survey uses this household code. Please check it against your slip."),
        )
    if reason in ("unknown_campaign", "unknown_commune"):
        return Message(
            gettext("Survey not found"),
            gettext("This link does not lead to a survey. Please scan the QR code again or ask your "
                    "village Front committee for the right link."),
        )
    if reason == "results_not_published":
        return Message(
            gettext("Results are not published yet"),
            gettext("The results of the survey in %(unit)s will be shown here once the commune's report "
                    "has been accepted by the level above. Please come back later.",
                    unit=d["unit"].display_name(language())),
        )
    if reason == "channel_closed":
        return Message(
            gettext("This way of answering is not open"),
            gettext("This survey takes answers only with a household code. Please use the code on "
                    "the slip your village Front committee gave you."),
        )
    if reason == "device_answered":
        return Message(
            gettext("This phone has already answered this survey"),
            gettext("An answer for %(commune)s was already sent from this phone. If another household "
                    "uses this phone, open the survey link again and choose \"Answer for another "
                    "household\".", commune=d["commune"].display_name(language())),
        )
    if reason == "uuid_conflict":
        return Message(
            gettext("This form was already sent"),
            gettext("A different answer was already sent with this form. Please open the survey "
                    "again to start a new form."),
        )
    if reason in ("uuid_invalid", "form_tampered", "who_missing"):
        return Message(
            gettext("The form could not be read"),
            gettext("Some fields of the form were missing or changed. Please open the survey link "
                    "again and fill in the form once more."),
        )
    return None
