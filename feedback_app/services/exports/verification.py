"""Section V of the filed report, for an accepted report: who verified and accepted it, the
plausibility flags acknowledged at acceptance, and the re-contact sample's outcomes (what
services.exports.source.verification_meta read from the report's record)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from ...domain.plausibility import FlagRule
from ...i18n import fmt_datetime, fmt_number
from ..verification.wording import TITLES as FLAG_TITLES
from .blocks import Block, Paragraph, Section, Table
from .labels import role_label
from .source import Source


def verification_section(source: Source, committee: str) -> Section | None:
    """V. Verification by the committee above, for an accepted report only: who verified it,
    when, and the outcome. The place for what the verifier checked: plausibility flags and their
    acknowledgement, the re-contact sample's outcomes (issue 19 items 1-2) are added here as
    further blocks, from what the report's record holds."""
    if source.status != "accepted":
        return None
    approver = source.approver
    blocks: list[Block] = [Table([_("Step"), _("Record")], [
        [_("Verified and accepted by"),
         f"{approver.person} – {role_label(approver.role)}" if approver else "–"],
        [_("Verifying committee"), committee],
        [_("Date (Vietnam time)"), fmt_datetime(source.meta.get("decided_at"))],
        [_("Outcome"), _("Accepted: the result counts.")],
    ], widths=(3.5, 6.5), id="verification")]
    if source.content["index"]["verdict"] == "insufficient":
        blocks.append(Paragraph(_("The committee accepted the report knowing that not enough households "
                                  "answered.")))
    blocks.extend(_flag_blocks(source.meta.get("flags") or []))
    blocks.extend(_recontact_blocks(source.meta.get("recontact")))
    return Section(_("V. VERIFICATION"), blocks)


def _flag_blocks(flags: list[dict[str, Any]]) -> list[Block]:
    """The plausibility flags the acceptance acknowledged (services.verification), one row each."""
    if not flags:
        return [Paragraph(_("Plausibility flags: none was raised when the report was accepted."))]
    rows = []
    for flag in flags:
        try:
            rule = FlagRule(str(flag.get("rule")))
        except ValueError:
            continue
        count = flag.get("count")
        rows.append([str(flag.get("unit", "")), str(FLAG_TITLES[rule]),
                     fmt_number(count) if isinstance(count, int) else "–"])
    return [Paragraph(ngettext("Plausibility flag acknowledged by the verifier when accepting (%(n)s):",
                               "Plausibility flags acknowledged by the verifier when accepting (%(n)s):",
                               len(rows), n=fmt_number(len(rows))), bold=True),
            Table([_("Unit"), _("Flag"), _("Answers concerned")], rows, numeric=frozenset({2}),
                  widths=(1.8, 5.7, 2.5), id="flags")]


def _recontact_blocks(recontact: dict[str, Any] | None) -> list[Block]:
    """The re-contact sample (services.reports.recontact): how many households were drawn, from
    which seed, and what their contact gave. Never a code or an answer."""
    if not recontact:
        return [Paragraph(_("Re-contact: no sample of households was drawn."))]
    return [
        Paragraph(_("Re-contact sample: %(drawn)s households drawn at random from %(population)s "
                    "that answered with a household code (seed %(seed)s, drawn %(when)s).",
                    drawn=fmt_number(recontact["drawn"]), population=fmt_number(recontact["population"]),
                    seed=recontact["seed"], when=fmt_datetime(recontact["drawn_at"])), bold=True),
        Table([_("Outcome"), _("Households")], [
            [_("Confirmed they answered"), fmt_number(recontact["confirmed"])],
            [_("Did not confirm"), fmt_number(recontact["not_confirmed"])],
            [_("Could not be reached"), fmt_number(recontact["unreachable"])],
            [_("Not contacted yet"), fmt_number(recontact["pending"])],
        ], numeric=frozenset({1}), widths=(7, 3), id="recontact")]
