"""How the web pages word a service's refusal (services.errors.Refused): each audience's reasons
in its own module (resident, committee, reports), asked in turn; the API reuses the same words."""

from __future__ import annotations

from flask_babel import gettext

from ...services.errors import Refused
from .accounts import account_message
from .campaign_life import life_message
from .committee import committee_message, committee_page_message
from .glance import glance_message
from .message import Message
from .reports import report_refusal
from .resident import resident_message
from .scope import scope_message
from .verification import verification_refusal
from .villages import village_message

__all__ = ["Message", "refusal_message"]


def refusal_message(refused: Refused, committee: bool = False) -> Message:
    """A title and a sentence the person who was refused can act on; on a committee page
    (`committee`) the committee's wording comes before the residents'."""
    reporting = report_refusal(refused) or verification_refusal(refused)
    if reporting is not None:
        return Message(*reporting)
    order = ((account_message, life_message, committee_page_message, committee_message, village_message,
              scope_message, glance_message, resident_message) if committee
             else (account_message, resident_message, committee_message, village_message))
    for wording in order:
        message = wording(refused)
        if message is not None:
            return message
    return Message(
        gettext("Your request could not be handled"),
        gettext("Please go back and try again."),
    )
