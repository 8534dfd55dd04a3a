"""The "Lý do" (reasons) column of a filed report: what households wrote when not satisfied with an
item, grouped. The report content quotes the newest reasons per item with their total
(services.reports.content, `resident_reasons`); the same reason written alike by several
households ("Đường còn lầy lội", "đường còn lầy  lội.") is one group with its count, the most
frequent first, so a cell of the table reads like a tally a village committee would write."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from ...i18n import fmt_number

GROUPS_SHOWN = 5  # groups a cell quotes; the rest are counted
QUOTE_CHARS = 80  # a longer reason is cut at a word

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ReasonGroup:
    text: str  # as the first household (the newest) wrote it
    count: int


def _key(text: str) -> str:
    return _SPACES.sub(" ", text).strip().rstrip(".!;,").casefold()


def group_reasons(texts: Iterable[str]) -> list[ReasonGroup]:
    """The reasons grouped by their wording (case, spaces and a closing stop ignored), most
    frequent first, then in the order given (newest first)."""
    groups: dict[str, list[Any]] = {}
    for text in texts:
        clean = _SPACES.sub(" ", text).strip()
        key = _key(clean)
        if not key:
            continue
        if key in groups:
            groups[key][1] += 1
        else:
            groups[key] = [clean, 1]
    ordered = sorted(enumerate(groups.values()), key=lambda pair: (-pair[1][1], pair[0]))
    return [ReasonGroup(text, count) for _, (text, count) in ordered]


def _quote(text: str) -> str:
    if len(text) <= QUOTE_CHARS:
        return text
    return text[:QUOTE_CHARS].rsplit(" ", 1)[0] + "…"


def reasons_by_item(reasons: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The report content's `resident_reasons` by item id."""
    return {group["item"]: group for group in reasons}


def reasons_cell(group: Mapping[str, Any] | None) -> str:
    """The cell of one item in the current language: "3 ý kiến: “…” (2); “…”", or "" for none."""
    if not group or not group.get("count"):
        return ""
    total = int(group["count"])
    latest = [entry["text"] for entry in group.get("latest") or ()]
    found = group_reasons(latest)
    quoted = "; ".join(f"“{_quote(g.text)}”" + (f" ({fmt_number(g.count)})" if g.count > 1 else "")
                       for g in found[:GROUPS_SHOWN])
    head = ngettext("%(n)s reason", "%(n)s reasons", total, n=fmt_number(total))
    if total > len(latest):
        head = _("%(count)s, the newest %(shown)s:", count=head, shown=fmt_number(len(latest)))
    else:
        head += ":"
    more = len(found) - GROUPS_SHOWN
    tail = ("; " + ngettext("%(n)s other", "%(n)s others", more, n=fmt_number(more))) if more > 0 else ""
    return f"{head} {quoted}{tail}"
