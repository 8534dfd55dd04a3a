"""Words of the exports and the printable report (translated with Flask-Babel), and number formats."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from ...i18n import fmt_percent

VERDICTS = {
    "meets": _l("Meets the threshold"),
    "does_not_meet": _l("Does not meet the threshold"),
    "insufficient": _l("Not enough households answered"),
}
STATUSES = {
    "none": _l("Not started"),
    "draft": _l("Draft"),
    "submitted": _l("Submitted, awaiting decision"),
    "returned": _l("Returned for correction"),
    "accepted": _l("Accepted"),
    "live": _l("Current results (not a submitted report)"),
}

ROLES = {
    "viewer": _l("Viewer"),
    "officer": _l("Officer"),
    "admin": _l("Administrator"),
}


def role_label(role: str) -> str:
    return str(ROLES.get(role, role))


def verdict_label(verdict: str | None) -> str:
    return str(VERDICTS[verdict]) if verdict in VERDICTS else "–"


def status_label(status: str) -> str:
    return str(STATUSES.get(status, status))


def percent(value: float | None, decimals: int = 1) -> str:
    """In the current (or forced) language: "84,3 %" / "84.3%" (feedback_app/i18n.py)."""
    return fmt_percent(value, decimals=decimals)


def unit_name(unit: Mapping[str, Any], lang: str) -> str:
    name: str = unit["name"] if lang == "vi" else unit["name_en"]
    return name


def text_in(texts: Mapping[str, str], lang: str) -> str:
    return texts.get(lang) or texts["vi"]


def item_label(item: Mapping[str, Any], lang: str) -> str:
    """The question as the survey words it (criteria texts start with their number)."""
    return text_in(item["text"], lang)


def item_short_label(item: Mapping[str, Any], lang: str) -> str:
    """The question's short name: "Đánh giá chung" for the overall one, else the criterion's number
    and name ("Tiêu chí 1 – Quy hoạch", the text before its colon)."""
    if item.get("overall"):
        return str(_l("Overall"))
    return item_label(item, lang).split(":", 1)[0].strip()
