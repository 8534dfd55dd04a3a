"""The index as one JSON-ready object: the committee API, `indices show --json` and the public API
all use this, so they cannot drift apart.

Committee variant: every count. Public variant: no answer counts, and no rate, interval or verdict
from fewer than MIN_PUBLIC_VALID valid answers (`too_few_answers: true`) — an "insufficient" verdict
is still shown, as it says nothing about how people answered.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ...domain.index import MIN_PUBLIC_VALID, Figures, Reason, Rule, Rules, Tally, Verdict
from ...domain.rollup import Node
from ...models import Campaign, Unit
from ..campaigns.setup import campaign_title
from .index import IndexReport

DECIMALS = 4


def _number(value: Fraction | float | None) -> float | None:
    return None if value is None else round(float(value), DECIMALS)


def unit_ref(unit: Unit) -> dict[str, Any]:
    return {"scheme": unit.scheme, "code": unit.code, "name": unit.full_name,
            "name_en": unit.full_name_en, "level": unit.level}


def _rate(tally: Tally, public: bool) -> dict[str, Any]:
    hidden = public and not tally.publishable
    interval = None if hidden else tally.interval
    figures: dict[str, Any] = {} if public else {
        "satisfied": tally.satisfied, "valid": tally.valid, "no_opinion": tally.no_opinion,
    }
    figures.update({
        "rate": None if hidden else _number(tally.rate),
        "ci_low": _number(interval[0]) if interval else None,
        "ci_high": _number(interval[1]) if interval else None,
    })
    if public:
        figures["too_few_answers"] = hidden
    return figures


def _verdict(figures: Figures, public: bool) -> str | None:
    if public and not figures.counts.overall.publishable and figures.verdict is not Verdict.INSUFFICIENT:
        return None
    return figures.verdict.value


# Values of these rules come from answers; a public view hides one from too few valid answers.
_FROM_ANSWERS = {Rule.OVERALL, Rule.ITEM, Rule.ITEMS_AVERAGE, Rule.COMMUNE_FLOOR}


def reason_document(reason: Reason, unit_code: str, codes: dict[int, str], public: bool = False
                    ) -> dict[str, Any]:
    """{rule, unit, item, value, limit}: `unit` is the judged unit's code, or the commune's for a
    commune-floor reason."""
    hidden = public and reason.rule in _FROM_ANSWERS and reason.valid < MIN_PUBLIC_VALID
    return {
        "rule": reason.rule.value,
        "unit": codes.get(reason.unit, unit_code) if reason.unit is not None else unit_code,
        "item": reason.item,
        "value": None if hidden else _number(reason.value),
        "limit": _number(reason.limit),
    }


def verdict_reasons(report: IndexReport, node: Node, public: bool = False) -> list[dict[str, Any]]:
    """The rules that decided a node's verdict (none when a public view hides the verdict)."""
    if _verdict(node.figures, public) is None:
        return []
    code = report.unit(node).code
    return [reason_document(r, code, report.codes, public) for r in node.figures.reasons]


def rules_document(campaign: Campaign, rules: Rules) -> dict[str, Any]:
    """A campaign's rules as numbers (null: not set)."""
    return {
        "min_coverage": _number(rules.min_coverage),
        "overall_threshold": _number(rules.threshold),
        "item_threshold": _number(rules.item_threshold),
        "item_rule": None if rules.item_rule is None else rules.item_rule.value,
        "commune_floor": _number(rules.commune_floor),
        "posting_days": campaign.posting_days,
    }


def node_document(report: IndexReport, node: Node, public: bool) -> dict[str, Any]:
    figures = node.figures
    counts = figures.counts
    document: dict[str, Any] = {
        "unit": unit_ref(report.unit(node)),
        "respondents": counts.respondents,
        "households": counts.households,
        "coverage": _number(figures.coverage),
        **_rate(counts.overall, public),
        "verdict": _verdict(figures, public),
        "verdict_reasons": verdict_reasons(report, node, public),
        "communes_meeting": figures.communes_meeting,
        "communes_total": figures.communes_total,
        "items": [{"id": item_id, **_rate(tally, public)} for item_id, tally in counts.items.items()],
        "children": None if node.children is None else [
            node_document(report, child, public) for child in node.children
        ],
    }
    return document


def index_document(report: IndexReport, public: bool = False) -> dict[str, Any]:
    """The whole answer: the campaign and its rules, then the unit's index with its children."""
    campaign = report.campaign
    document: dict[str, Any] = {
        "campaign": campaign.key,
        "campaign_title": campaign_title(campaign),
        "survey": report.survey.id,
        "survey_version": report.survey.version,
        "scheme": report.scheme,
        "campaign_scheme": campaign.unit.scheme,
        "threshold": _number(Fraction(campaign.threshold)),
        "min_coverage": _number(Fraction(campaign.min_coverage)),
        "rules": rules_document(campaign, report.rules),
        "min_public_valid": MIN_PUBLIC_VALID,
        **node_document(report, report.root, public),
        "reexpression": None,
    }
    if report.reexpressed is not None:
        mapping = report.reexpressed.mapping
        units = report.reexpressed.units
        document["reexpression"] = {
            "complete": mapping.complete,
            "split": [
                {"unit": unit_ref(units[old]), "into": [unit_ref(units[n]) for n in news]}
                for old, news in sorted(mapping.split.items(), key=lambda kv: units[kv[0]].code)
            ],
            "unmapped": [unit_ref(units[old]) for old in sorted(mapping.unmapped,
                                                               key=lambda u: units[u].code)],
            "left_out": [
                {"unit": unit_ref(units[new]), "received_part_of": [unit_ref(units[o]) for o in olds]}
                for new, olds in sorted(mapping.left_out.items(), key=lambda kv: units[kv[0]].code)
            ],
        }
    return document
