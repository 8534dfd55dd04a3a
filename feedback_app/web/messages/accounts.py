"""How the account pages word a service's refusal (services.accounts)."""

from __future__ import annotations

from flask_babel import gettext

from ...services.accounts.users import RESET_LINK_VALIDITY
from ...services.errors import Refused
from .message import Message


def account_message(refused: Refused) -> Message | None:
    reason = refused.reason
    if reason == "role_too_low" and refused.data.get("needed") == "admin":
        return Message(gettext("Not allowed for your account"),
                       gettext("Only an administrator of your committee manages accounts. Please ask "
                               "them, or the committee of the level above."))
    if reason == "unknown_account":
        return Message(gettext("Account not found"),
                       gettext("No account has this username. Please go back to the list of accounts."))
    if reason == "own_account":
        return Message(gettext("This is your own account"),
                       gettext("Change your own password on the “Password” page; your role and state "
                               "are changed by another administrator of your unit or the level above."))
    if reason == "role_above_own":
        return Message(gettext("Not allowed for your account"),
                       gettext("You cannot give a role above your own, nor change an account whose "
                               "role is above yours."))
    if reason == "account_disabled":
        return Message(gettext("The account is disabled"),
                       gettext("Enable the account again before you reset its password."))
    if reason == "reset_link_invalid":
        return Message(gettext("This link no longer works"),
                       gettext("A reset link works once, for %(days)s days, and only the newest one "
                               "given for an account. Please ask your administrator for a new one.",
                               days=RESET_LINK_VALIDITY.days))
    if reason == "reset_kind_invalid":
        return Message(gettext("Your request could not be handled"),
                       gettext("Please go back, reload the page and try again."))
    if reason == "password_length":
        return Message(gettext("Password too short"),
                       gettext("A password has at least %(minimum)s characters.",
                               minimum=refused.data.get("minimum", 8)))
    return None
