"""The comparison of a campaign with the earlier round it follows, at one unit: the overall rate
and every item matched by name, then -> now with both intervals (domain.comparison).

"Now" is the unit's figures as the page shows them. "Then" is the earlier campaign's figures for
the same territory: the earlier communes that make up each of the unit's communes now, summed
(a vn-legacy campaign is re-expressed in the new units through the succession table:
services.indices.reexpress). What cannot be matched is listed, never guessed: a commune of the
unit with no earlier figures (not surveyed then, or it received part of a split commune), an
earlier commune split between several new units, an earlier commune with no successor, and a
former unit of one of the unit's communes that the earlier round did not survey (a town, which a
rural survey leaves out): the earlier figures of that commune lack its households.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from ...domain.comparison import RoundChange, compare_rounds, match_items
from ...domain.index import Counts, pool
from ...domain.survey import Survey
from ...extensions import db
from ...models import Campaign, Unit, UnitSuccession
from ..campaigns.follows import followed
from ..surveys import survey_of
from .dashboard import communes_below
from .index import commune_counts
from .reexpress import reexpress_counts


class Unmatched(StrEnum):
    NOT_SURVEYED = "not_surveyed"  # a commune now that the earlier round did not survey
    PART_OF_SPLIT = "part_of_split"  # a commune now that received part of a split earlier commune
    SPLIT = "split"  # an earlier commune split between several units now
    NO_SUCCESSOR = "no_successor"  # an earlier commune with no successor in the current units
    FORMER_NOT_SURVEYED = "former_not_surveyed"  # a commune now with former units not surveyed then


@dataclass(frozen=True)
class UnmatchedUnit:
    unit: Unit
    why: Unmatched
    former: tuple[Unit, ...] = ()  # FORMER_NOT_SURVEYED: the former units the earlier figures lack


@dataclass(frozen=True)
class EarlierRound:
    """What the comparison section shows."""

    campaign: Campaign  # the earlier campaign
    survey: Survey  # its survey
    now_survey: Survey  # the survey of the campaign compared with it
    change: RoundChange
    communes: int  # the unit's communes now
    matched: int  # of which the earlier round has figures
    unmatched: tuple[UnmatchedUnit, ...]
    reexpressed: bool  # the earlier campaign was under another scheme

    @property
    def complete(self) -> bool:
        return not self.unmatched


def earlier_round(campaign: Campaign, unit: Unit, now: Counts, survey: Survey) -> EarlierRound | None:
    """The comparison at `unit` (a unit of `campaign`, already checked to be in the reader's scope)
    of `now` (the unit's counts in `campaign`) with the campaign it follows; None when it follows
    none."""
    earlier = followed(campaign)
    if earlier is None:
        return None
    earlier_survey = survey_of(earlier.survey_version)
    then_counts = commune_counts(earlier, earlier_survey.item_ids)
    earlier_communes = list(then_counts)
    mapping = None
    scheme = campaign.unit.scheme
    if earlier.unit.scheme != scheme:
        reexpressed = reexpress_counts(then_counts, scheme, earlier_survey.item_ids)
        then_counts, mapping = reexpressed.counts, reexpressed.mapping
    below = communes_below(campaign, unit)
    parts = [then_counts[c] for c in below if c in then_counts]
    missing = [c for c in below if c not in then_counts]
    split_parts = set(mapping.left_out) if mapping is not None else set()
    lacking = {c: Unmatched.PART_OF_SPLIT if c in split_parts else Unmatched.NOT_SURVEYED for c in missing}
    formers: dict[int, list[int]] = {}
    if mapping is not None:
        shown = set(below)
        for old, news in mapping.split.items():
            if shown & set(news):
                lacking[old] = Unmatched.SPLIT
        if unit.id == campaign.unit_id:  # only the whole campaign's page can place them
            for old in mapping.unmapped:
                lacking[old] = Unmatched.NO_SUCCESSOR
        surveyed = set(earlier_communes) | set(lacking)
        for old, new in _former_units(below, earlier.unit.scheme):
            if old not in surveyed:
                formers.setdefault(new, []).append(old)
    wanted = set(lacking) | set(formers) | {old for olds in formers.values() for old in olds}
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(wanted)))} if wanted else {}
    found = [UnmatchedUnit(units[i], why) for i, why in lacking.items() if i in units]
    found += [UnmatchedUnit(units[new], Unmatched.FORMER_NOT_SURVEYED,
                            tuple(sorted((units[o] for o in olds), key=lambda u: u.code)))
              for new, olds in formers.items()]
    unmatched = tuple(sorted(found, key=lambda u: (u.why.value, u.unit.scheme, u.unit.code)))
    then = pool(parts, earlier_survey.item_ids)
    change = compare_rounds(then, now, match_items(survey, earlier_survey))
    return EarlierRound(earlier, earlier_survey, survey, change, len(below), len(parts), unmatched,
                        mapping is not None)


def _former_units(communes: list[int], scheme: str) -> list[tuple[int, int]]:
    """(former unit, commune now) for the units of `scheme` whose territory went, whole or in
    part, into these communes."""
    if not communes:
        return []
    return [(old, new) for old, new in db.session.execute(
        select(UnitSuccession.old_unit_id, UnitSuccession.new_unit_id)
        .join(Unit, Unit.id == UnitSuccession.old_unit_id)
        .where(UnitSuccession.new_unit_id.in_(communes), Unit.scheme == scheme)
    )]
