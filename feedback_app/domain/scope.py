"""Pure rules of a province campaign's scope: the reason a commune is left out, and the households
a sampled commune is measured against (DESIGN.md: coverage "for a sampled survey: of the sampled
villages")."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

MIN_REASON = 3
MAX_REASON = 500


def clean_reason(text: str | None) -> str | None:
    """The reason as stored (inner runs of blanks folded), or None when it is too short, too long
    or holds a control character."""
    reason = " ".join((text or "").split())
    if not MIN_REASON <= len(reason) <= MAX_REASON or not reason.isprintable():
        return None
    return reason


def sampled_households(villages: Mapping[int, int | None], sample: Iterable[int]) -> int:
    """Registered households of the sampled villages (village id -> households; a village of the
    sample that is not in `villages`, e.g. retired since, counts nothing)."""
    return sum(villages.get(v) or 0 for v in set(sample))


def unknown_villages(picked: Iterable[str], current: Iterable[str]) -> list[str]:
    """The picked village codes that are not current villages of the commune, sorted."""
    return sorted(set(picked) - set(current))
