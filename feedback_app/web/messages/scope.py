"""How the committee pages word refusals about a province campaign's scope (communes left out,
villages sampled): inline problems next to a commune's form, and whole-page messages."""

from __future__ import annotations

from flask_babel import gettext

from ...domain.scope import MIN_REASON
from ...services.errors import Refused
from .message import Message


def scope_problem(refused: Refused) -> str | None:
    """A sentence next to the commune's form when what was typed or picked is refused; None for
    refusals that are not about the input."""
    reason, data = refused.reason, refused.data
    if reason == "scope_reason":
        return str(gettext("Please give the reason for leaving this commune out, in %(min)s to %(max)s "
                           "characters (it is shown on the dashboard and the report).",
                           min=MIN_REASON, max=data["maximum"]))
    if reason == "scope_sample_village":
        return str(gettext("These are not current villages of this commune: %(codes)s. Please reload "
                           "the page and pick again.", codes=", ".join(data["villages"])))
    if reason == "scope_last_commune":
        return str(gettext("This is the campaign's last surveyed commune: a campaign surveys at least "
                           "one commune."))
    if reason == "scope_has_answers":
        return str(gettext("This commune already has answers or a report in this campaign: it cannot "
                           "be left out."))
    if reason == "scope_sample_registered":
        return str(gettext("This commune's household codes are already issued: its villages were "
                           "fixed then, and the sample can no longer change."))
    return None


def scope_message(refused: Refused) -> Message | None:
    reason = refused.reason
    if reason == "scope_after_opening":
        return Message(gettext("The campaign has opened"),
                       gettext("Communes can be left out and villages sampled only before the campaign "
                               "opens. Its scope is now fixed."))
    if reason == "scope_one_commune":
        return Message(gettext("A campaign over one commune"),
                       gettext("Leaving communes out and sampling villages are for a campaign over "
                               "several communes (a province's)."))
    if reason == "sample_open_link":
        return Message(gettext("Sampling needs household codes only"),
                       gettext("This campaign also takes answers through its open link, from anyone in "
                               "the commune, so coverage of the sampled villages could not be measured. "
                               "Sample villages in a campaign answered by household codes only."))
    if reason == "sample_without_codes":
        return Message(gettext("Sampling needs household codes"),
                       gettext("This campaign is answered without household codes: coverage of sampled "
                               "villages could not be measured."))
    if reason in ("scope_already_excluded", "scope_not_excluded", "scope_sample_excluded"):
        return Message(gettext("The campaign's scope has changed"),
                       gettext("This commune's place in the campaign changed meanwhile. Please reload "
                               "the scope page."))
    if reason == "sample_village_required":
        return Message(gettext("Codes go to sampled villages"),
                       gettext("This commune is sampled: issue its codes for one of its sampled "
                               "villages, or one code per registered household of the sample."))
    if reason in ("scope_reason", "scope_sample_village", "scope_last_commune", "scope_has_answers",
                  "scope_sample_registered"):
        return Message(gettext("The campaign's scope was not changed"), scope_problem(refused) or "")
    return None
