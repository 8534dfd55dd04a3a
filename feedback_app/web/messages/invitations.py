"""How the invitations page words the refusals of services.sms.web_invites (and of the invites
service it calls): sentences the officer can act on, shown above the upload form."""

from __future__ import annotations

from flask_babel import gettext

from ...i18n import fmt_date, fmt_number
from ...services.errors import Refused


def _file_problem(data: dict[str, object]) -> str:
    problem = data.get("problem")
    if problem == "large":
        return str(gettext("The file is larger than %(kb)s KB: split it into several files and send "
                           "them one after the other.", kb=fmt_number(int(str(data["maximum"])) // 1024)))
    if problem == "many":
        return str(gettext("The file has more than %(n)s lines: split it into several files.",
                           n=fmt_number(int(str(data["maximum"])))))
    if problem == "encoding":
        return str(gettext("Line %(line)s is not UTF-8 text. Save the file as \"CSV UTF-8\" (or plain "
                           "text in UTF-8) and send it again.", line=data.get("line", 1)))
    if problem == "binary":
        return str(gettext("This is not a text file. Send a CSV or TXT file with one number per line."))
    if problem == "none":
        return str(gettext("The file holds no mobile number to invite; nothing was sent."))
    return str(gettext("The file is empty. Choose a CSV or TXT file with one number per line."))


def invitation_problem(refused: Refused) -> list[str] | None:
    """Sentences for the invitations page; None for refusals it does not word (the general error
    page handles those: out of scope, unknown campaign)."""
    reason, data = refused.reason, refused.data
    if reason == "invite_file":
        return [_file_problem(data)]
    if reason == "invite_place":
        return [gettext("Choose a commune or a village.")]
    if reason in ("unknown_commune", "unknown_village"):
        return [gettext("This commune or village is not part of the campaign. Choose one from the list.")]
    if reason == "invite_token":
        return [gettext("The checked file has expired (after 30 minutes) or does not match: nothing "
                        "was sent. Upload the file again.")]
    if reason == "invite_queue":
        return [gettext("The sending queue cannot be reached right now: nothing was sent. Try again "
                        "in a few minutes; if it lasts, tell your administrator.")]
    if reason == "invite_consent":
        return [gettext("Choose the lawful basis and describe in at least %(n)s characters how these "
                        "households gave their numbers; nothing was sent.", n=data["minimum"])]
    if reason == "campaign_not_open":
        return [gettext("The campaign is not open yet: invitations can be sent from %(day)s.",
                        day=fmt_date(data["campaign"].opens_on))]
    if reason == "campaign_closed":
        return [gettext("The campaign closed on %(day)s: no more invitations can be sent.",
                        day=fmt_date(data["campaign"].closes_on))]
    if reason == "invite_keyword_ambiguous":
        return [gettext("Another open campaign also answers to this commune's keyword: households "
                        "would not know which survey they answer. Send the invitations when only one "
                        "is open, or use household codes.")]
    if reason == "invite_commune_needed":
        return [gettext("This campaign has no household codes: choose a commune.")]
    return None


def row_problem(problem: str) -> str:
    """A line's problem in the page's language (services.sms.invites words them in English)."""
    if problem.startswith("other commune: "):
        return str(gettext("it names another commune (%(code)s)", code=problem.split(": ", 1)[1]))
    return str(gettext("not a Vietnamese mobile number"))
