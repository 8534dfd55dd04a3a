"""Answers with a household code and answers through the open commune link, counted apart.

A household code is a single-use credential, so its answers are one per household. An open link
takes anyone's answer: the per-phone guard (web/device.py) stops a phone answering twice by
mistake, but nothing proves one answer per household. The dashboard therefore shows the two kinds
side by side, with each kind's overall rate, so a committee sees how much of a result rests on
open-link answers and whether they say something different.

Read from the commune counters, which count the responses with a household code apart as they
arrive (services.indices.counters; a few rows per commune, whatever the number of responses: the
GROUP BY over every response and answer this replaced took about 2 s for a province of a million
responses). A response's overall satisfaction follows the survey's own rule
(domain.survey.Survey.overall_satisfied), as every counter does.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select

from ...extensions import db
from ...models import Campaign, CommuneCounter

HOUSEHOLD_CODE = "household_code"
OPEN_LINK = "open_link"


@dataclass(frozen=True)
class KindFigures:
    """One kind of answer: how many, and its overall rate (satisfied of valid answers)."""

    kind: str
    answers: int
    satisfied: int
    valid: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.satisfied, self.valid) if self.valid else None


@dataclass(frozen=True)
class AnswerKinds:
    household_code: KindFigures
    open_link: KindFigures

    @property
    def total(self) -> int:
        return self.household_code.answers + self.open_link.answers

    def share(self, figures: KindFigures) -> Fraction | None:
        """The kind's part of all answers (None before the first answer)."""
        return Fraction(figures.answers, self.total) if self.total else None


def answer_kinds(campaign: Campaign, communes: list[int]) -> AnswerKinds:
    """Answers by kind in the given communes of the campaign (ids, e.g. dashboard.communes_below)."""
    totals = db.session.execute(
        select(*(func.coalesce(func.sum(column), 0) for column in (
            CommuneCounter.respondents, CommuneCounter.overall_satisfied, CommuneCounter.overall_valid,
            CommuneCounter.coded_respondents, CommuneCounter.coded_overall_satisfied,
            CommuneCounter.coded_overall_valid)))
        .where(CommuneCounter.campaign_id == campaign.id, CommuneCounter.commune_id.in_(communes))
    ).one() if communes else (0,) * 6
    answers, satisfied, valid, coded, coded_satisfied, coded_valid = (int(n) for n in totals)
    return AnswerKinds(KindFigures(HOUSEHOLD_CODE, coded, coded_satisfied, coded_valid),
                       KindFigures(OPEN_LINK, answers - coded, satisfied - coded_satisfied,
                                   valid - coded_valid))
