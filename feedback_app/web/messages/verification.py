"""How committee pages word the refusals of verification by re-contact and of the posting of
results (services.reports.recontact, services.reports.posting)."""

from __future__ import annotations

from flask_babel import gettext

from ...i18n import fmt_date
from ...services.errors import Refused


def verification_refusal(refused: Refused) -> tuple[str, str] | None:
    """A title and a sentence for one of these refusals, or None when the reason is not one."""
    d = refused.data
    reason = refused.reason
    if reason == "recontact_verifier_only":
        return (gettext("The verifying committee's page"),
                gettext("The re-contact sample of a commune is drawn and read by the committee above "
                        "it, which verifies the commune's report. The commune itself does not see it."))
    if reason in ("recontact_not_commune", "posting_not_commune"):
        return (gettext("Not a commune"),
                gettext("Re-contact samples and posting sheets are made for a commune's report."))
    if reason == "recontact_not_submitted":
        return (gettext("No report awaiting a decision"),
                gettext("A sample is drawn, and its outcomes recorded, while the commune's report is "
                        "submitted and awaits a decision."))
    if reason == "sample_exists":
        return (gettext("The sample is already drawn"),
                gettext("A report has one re-contact sample, drawn once, so that nobody draws again "
                        "until the list suits them. Record the outcomes of the households listed."))
    if reason == "sample_missing":
        return (gettext("No sample yet"), gettext("Draw the sample first."))
    if reason == "sample_empty":
        return (gettext("No household to contact"),
                gettext("Give at least one village a number of households to contact."))
    if reason == "sample_no_used_codes":
        return (gettext("No used household code"),
                gettext("No household code of the villages chosen has been used: there is nobody to "
                        "contact there."))
    if reason == "sample_size_invalid":
        return (gettext("Number of households not valid"),
                gettext("Type a whole number from 0 to %(maximum)s for each village.",
                        maximum=d.get("maximum", "")))
    if reason == "sample_unknown_village":
        return (gettext("Unknown village"),
                gettext("This village is not in the commune's register for the campaign: %(village)s.",
                        village=d.get("village", "")))
    if reason == "sample_seed_invalid":
        return (gettext("Seed not valid"),
                gettext("A seed is a whole number from 0 to %(maximum)s; leave it empty for a new one.",
                        maximum=d.get("maximum", "")))
    if reason in ("recontact_unknown_line", "recontact_outcome_invalid"):
        return (gettext("Outcome not valid"),
                gettext("Choose confirmed, not confirmed or unreachable for a household of the list."))
    if reason in ("recontact_note_too_long", "posting_contact_too_long"):
        return (gettext("The text is too long"),
                gettext("Please keep it under %(maximum)s characters.", maximum=d.get("maximum", "")))
    if reason == "posting_no_report":
        return (gettext("No submitted report"),
                gettext("The results are posted once the commune's report is submitted."))
    if reason == "posting_missing":
        return (gettext("No posting dates yet"),
                gettext("Record the posting dates first: the sheets show them."))
    if reason == "posting_before_campaign":
        return (gettext("Posting date not valid"),
                gettext("The posting cannot start before the campaign opens (%(day)s).",
                        day=fmt_date(d.get("earliest"))))
    if reason == "posting_end_before_start":
        return (gettext("Posting date not valid"), gettext("The last day must not be before the first."))
    if reason == "posting_too_long":
        return (gettext("Posting date not valid"),
                gettext("A posting lasts at most %(maximum)s days.", maximum=d.get("maximum", "")))
    return None
