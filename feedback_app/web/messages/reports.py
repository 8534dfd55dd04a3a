"""How committee pages word the refusals of upward reporting (services.reports.workflow)."""

from __future__ import annotations

from flask_babel import gettext

from ...services.errors import Refused


def report_refusal(refused: Refused) -> tuple[str, str] | None:
    """A title and a sentence for a reporting refusal, or None when the reason is not one of them."""
    d = refused.data
    reason = refused.reason
    # out_of_scope and unit_not_in_campaign are worded once, by web/messages/committee.py.
    if reason == "not_permitted":
        return (gettext("Not allowed for your role"),
                gettext("A unit's officer submits its report; only the officer of the unit directly "
                        "above accepts or returns it. Viewers can read reports but not act on them."))
    if reason == "report_accepted":
        return (gettext("This report has been accepted"),
                gettext("An accepted report is final and can no longer be changed, returned or "
                        "submitted again."))
    if reason == "report_awaiting_decision":
        return (gettext("This report is awaiting a decision"),
                gettext("The report was submitted and the level above has not decided yet. It can be "
                        "changed only if it is returned."))
    if reason in ("report_not_submitted", "report_missing"):
        return (gettext("No submitted report"),
                gettext("Only a submitted report can be accepted or returned."))
    if reason == "children_not_accepted":
        return (gettext("Some reports below are not accepted yet"),
                gettext("A consolidated report can be submitted once the reports of all units below "
                        "are accepted. Still waiting for: %(pending)s.", pending=d.get("pending", "")))
    if reason == "above_campaign":
        return (gettext("This campaign is reported by the unit that runs it"),
                gettext("Your committee is above the unit that runs this campaign: it accepts or "
                        "returns that unit's report, and has no report of its own here."))
    if reason == "insufficient_unconfirmed":
        return (gettext("Not enough households answered"),
                gettext("This report's verdict is that not enough households answered. To accept it "
                        "all the same, tick the box under Accept, so that the published page says so."))
    if reason == "flags_unacknowledged":
        return (gettext("Acknowledge the flags first"),
                gettext("This report has plausibility flags. To accept it, tick the box of each "
                        "flag under Accept, once you have looked into it (%(n)s not ticked).",
                        n=d.get("count", "")))
    if reason == "flags_not_permitted":
        return (gettext("Flags are for the committee above"),
                gettext("Plausibility flags are shown only to the committee that verifies the "
                        "unit's report, never to the unit itself."))
    if reason == "reason_required":
        return (gettext("Please give a reason"),
                gettext("Say why the report is returned, so that the unit can correct it."))
    if reason in ("remarks_too_long", "reason_too_long"):
        return (gettext("The text is too long"),
                gettext("Please keep it under %(maximum)s characters.", maximum=d.get("maximum", "")))
    return None
