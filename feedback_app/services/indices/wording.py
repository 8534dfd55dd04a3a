"""A campaign's rules and a verdict's reasons in the user's language, from the index document
(services.indices.document) or a report's frozen copy of it, so the dashboard, the campaign page,
the print page and the exports word them alike. Reports frozen before the rules existed carry only
`threshold` and `min_coverage`: they are worded as an overall threshold with items not judged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _gettext
from flask_babel import ngettext as _ngettext

from ...i18n import fmt_percent


def gettext(message: str, **values: Any) -> str:
    return str(_gettext(message, **values))


def ngettext(singular: str, plural: str, num: int, **values: Any) -> str:
    return str(_ngettext(singular, plural, num, **values))


def percent(value: float | None, decimals: int = 1) -> str:
    """As every page writes it (feedback_app/i18n.py: "86,0 %" / "86.0%"); a limit (decimals=0)
    keeps a needed decimal ("87,5 %")."""
    if value is None:
        return "–"
    if not decimals and round(100 * value, 1) != round(100 * value):
        decimals = 1
    return fmt_percent(value, decimals=decimals)


def rules_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The rules of an index document, also of one frozen before they existed."""
    rules = document.get("rules")
    if rules:
        return dict(rules)
    return {"min_coverage": document.get("min_coverage"), "overall_threshold": document.get("threshold"),
            "item_threshold": None, "item_rule": None, "commune_floor": None, "posting_days": None}


def rule_lines(rules: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(rule, setting) for each rule of a campaign, in the order the verdict checks them."""
    lines = [
        (gettext("Minimum household coverage"), percent(rules["min_coverage"], 0)),
        (gettext("Overall question"),
         gettext("at least %(limit)s", limit=percent(rules["overall_threshold"], 0))),
    ]
    if rules.get("item_rule") == "each":
        items = gettext("each item at least %(limit)s", limit=percent(rules["item_threshold"], 0))
    elif rules.get("item_rule") == "average":
        items = gettext("the average of the items at least %(limit)s",
                        limit=percent(rules["item_threshold"], 0))
    else:
        items = gettext("not judged")
    lines.append((gettext("Content items"), items))
    if rules.get("commune_floor") is not None:
        lines.append((gettext("Per-commune floor"),
                      gettext("every commune at least %(limit)s on every item",
                              limit=percent(rules["commune_floor"], 0))))
    if rules.get("posting_days"):
        lines.append((gettext("Posting of the results"),
                      ngettext("%(num)s day", "%(num)s days", rules["posting_days"])))
    return lines


def item_numbers(items: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """item id -> how a reason names it: its criterion number, else its place in the survey."""
    return {item["id"]: str(item.get("criterion") or position)
            for position, item in enumerate(items, start=1)}


def reason_lines(reasons: Sequence[Mapping[str, Any]], verdict: str | None,
                 numbers: Mapping[str, str]) -> list[str]:
    """One sentence per reason (the communes below the floor in one sentence)."""
    held = verdict == "meets"
    lines: list[str] = []
    below_floor = [r for r in reasons if r["rule"] == "commune_floor"]
    for reason in reasons:
        if reason["rule"] == "commune_floor" and not held:
            if reason is below_floor[0]:
                lines.append(ngettext("%(num)s commune below the per-commune floor of %(limit)s",
                                      "%(num)s communes below the per-commune floor of %(limit)s",
                                      len(below_floor), limit=percent(reason["limit"], 0)))
            continue
        lines.append(_sentence(reason, held, numbers.get(reason.get("item") or "", reason.get("item") or "")))
    return lines


def _sentence(reason: Mapping[str, Any], held: bool, item: str) -> str:
    rule, value, limit = reason["rule"], percent(reason["value"]), percent(reason["limit"], 0)
    if rule == "coverage":
        if reason["value"] is None:
            return gettext("household coverage is unknown (registered households missing)")
        if held:
            return gettext("household coverage %(value)s reaches the minimum %(limit)s",
                           value=value, limit=limit)
        return gettext("household coverage %(value)s is below the minimum %(limit)s",
                       value=value, limit=limit)
    if rule == "valid_answers":
        return gettext("no valid answer yet")
    if rule == "overall":
        if held:
            return gettext("overall question %(value)s reaches %(limit)s", value=value, limit=limit)
        return gettext("overall question %(value)s is below %(limit)s", value=value, limit=limit)
    if rule == "item":
        if held:
            return gettext("every item reaches %(limit)s (lowest: item %(n)s, %(value)s)",
                           n=item, value=value, limit=limit)
        if reason["value"] is None:
            return gettext("item %(n)s has no valid answer", n=item)
        return gettext("item %(n)s (%(value)s) is below %(limit)s", n=item, value=value, limit=limit)
    if rule == "items_average":
        if reason["value"] is None:
            return gettext("no item has a valid answer")
        if held:
            return gettext("average of the items %(value)s reaches %(limit)s", value=value, limit=limit)
        return gettext("average of the items %(value)s is below %(limit)s", value=value, limit=limit)
    if rule == "commune_floor":
        return gettext("every commune reaches the per-commune floor of %(limit)s on every item "
                       "(lowest: %(value)s)", value=value, limit=limit)
    return str(rule)
