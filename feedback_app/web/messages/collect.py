"""How the collect page words a refusal for the cadre at the household's door: the cadre is the
village Front committee, so nothing here says "contact your committee"; each sentence says what to
do next (correct the code and send again, or go on with the next household)."""

from __future__ import annotations

from flask_babel import format_date, gettext

from ...domain.codes import format_code, normalise_code
from ...services.errors import Refused
from .message import Message


def cadre_message(refused: Refused) -> Message | None:
    """A title and a sentence for a cadre, or None when the reason is not one of collecting."""
    reason = refused.reason
    d = refused.data
    code = format_code(normalise_code(str(d.get("code") or "")))
    if reason == "code_mistyped":
        return Message(gettext("Mistyped household code"),
                       gettext("This household code has a mistyped digit (or two digits swapped). "
                               "Check the 15 digits against the household's slip, correct the code "
                               "and send again."))
    if reason == "code_unknown":
        return Message(gettext("Household code not issued"),
                       gettext("No household code like this one was issued for any campaign. Check the "
                               "digits against the household's slip, correct the code and send again."))
    if reason == "code_other_commune":
        return Message(gettext("Household code of another commune"),
                       gettext("Household code %(code)s was issued for another commune or another "
                               "campaign, so it cannot be recorded here. Check that the slip belongs "
                               "to this household and this campaign, correct the code and send again.",
                               code=code))
    if reason == "code_other_village":
        return Message(gettext("Household code of another village"),
                       gettext("Household code %(code)s was issued for another village of this "
                               "commune, so it cannot be recorded on this village's page. Check the "
                               "slip, or record it on the commune's collect page.", code=code))
    if reason == "code_used":
        return Message(gettext("This household has already answered"),
                       gettext("The answers of household %(code)s were already recorded (on the web, by "
                               "SMS or by a cadre) and they stay as they were. Nothing more is needed "
                               "for this household: go on with the next one.", code=code))
    if reason == "campaign_closed":
        return Message(gettext("The campaign has closed"),
                       gettext("This campaign took answers until %(date)s: these answers can no longer "
                               "be recorded.", date=format_date(d["campaign"].closes_on, "long")))
    if reason == "campaign_not_open":
        return Message(gettext("The campaign has not opened yet"),
                       gettext("This campaign takes answers from %(date)s: send these answers again "
                               "from then.", date=format_date(d["campaign"].opens_on, "long")))
    return None
