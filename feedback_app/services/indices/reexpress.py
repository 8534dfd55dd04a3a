"""A past campaign's counts re-expressed under a later scheme through the succession table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ...domain.index import Counts, pool
from ...domain.succession import Link, Reexpression, Share, reexpress
from ...extensions import db
from ...models import Unit, UnitSuccession


@dataclass(frozen=True)
class Reexpressed:
    """New communes' pooled counts, and what could not be carried over without guessing."""

    scheme: str
    counts: dict[int, Counts]
    mapping: Reexpression
    units: dict[int, Unit]  # every old and new unit the mapping mentions


def successions(old_units: Sequence[int], scheme: str) -> list[Link]:
    """Succession links from these old units into units of `scheme`."""
    new = aliased(Unit)
    rows = db.session.execute(
        select(UnitSuccession.old_unit_id, UnitSuccession.new_unit_id, UnitSuccession.share)
        .join(new, new.id == UnitSuccession.new_unit_id)
        .where(UnitSuccession.old_unit_id.in_(old_units), new.scheme == scheme)
    )
    return [Link(old, new_id, Share(share)) for old, new_id, share in rows]


def reexpress_counts(counts: Mapping[int, Counts], scheme: str, item_ids: Sequence[str]) -> Reexpressed:
    """Pool the old communes that went whole into one new unit; list the split ones."""
    old_units = sorted(counts)
    mapping = reexpress(old_units, successions(old_units, scheme))
    new_counts = {
        new: pool((counts[old] for old in olds), item_ids) for new, olds in mapping.merged.items()
    }
    mentioned = set(old_units) | set(mapping.merged) | set(mapping.left_out)
    for news in mapping.split.values():
        mentioned |= set(news)
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(mentioned)))}
    return Reexpressed(scheme, new_counts, mapping, units)
