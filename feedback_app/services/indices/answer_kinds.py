"""Answers with a household code and answers through the open commune link, counted apart.

A household code is a single-use credential, so its answers are one per household. An open link
takes anyone's answer: the per-phone guard (web/device.py) stops a phone answering twice by
mistake, but nothing proves one answer per household. The dashboard therefore shows the two kinds
side by side, with each kind's overall rate, so a committee sees how much of a result rests on
open-link answers and whether they say something different.

Read from the response rows (an indexed range on campaign and commune), not from the counters,
which do not keep the kind; the overall satisfaction of each response follows the survey's own
rule (domain.survey.Survey.overall_satisfied), computed in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import case, func, select

from ...domain.survey import NO_OPINION, OverallRule, Survey
from ...extensions import db
from ...models import Answer, Campaign, Response

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


def answer_kinds(campaign: Campaign, survey: Survey, communes: list[int]) -> AnswerKinds:
    """Answers by kind in the given communes of the campaign (ids, e.g. dashboard.communes_below)."""
    found = {HOUSEHOLD_CODE: (0, 0, 0), OPEN_LINK: (0, 0, 0)}
    if communes:
        if survey.overall_rule is OverallRule.OVERALL_ITEM:
            judged = [next(item.id for item in survey.items if item.overall)]
        else:
            judged = [item.id for item in survey.items]
        satisfied_values = sorted(survey.scale_type.satisfied_values)
        per_response = (
            select(
                Response.id.label("id"),
                (Response.household_code_id.is_(None)).label("open"),
                func.sum(case((Answer.value.in_(satisfied_values), 1), else_=0)).label("sat"),
                func.sum(case((Answer.value != NO_OPINION, 1), else_=0)).label("valid"),
            )
            .join(Answer, Answer.response_id == Response.id)
            .where(Response.campaign_id == campaign.id, Response.commune_id.in_(communes),
                   Answer.item_id.in_(judged))
            .group_by(Response.id, Response.household_code_id)
            .subquery()
        )
        is_valid = per_response.c.valid > 0
        rows = db.session.execute(
            select(
                per_response.c.open,
                func.count(),
                func.sum(case((is_valid & (2 * per_response.c.sat >= per_response.c.valid), 1), else_=0)),
                func.sum(case((is_valid, 1), else_=0)),
            ).group_by(per_response.c.open)
        )
        for is_open, answers, satisfied, valid in rows:
            found[OPEN_LINK if is_open else HOUSEHOLD_CODE] = (answers, satisfied or 0, valid or 0)
    return AnswerKinds(KindFigures(HOUSEHOLD_CODE, *found[HOUSEHOLD_CODE]),
                       KindFigures(OPEN_LINK, *found[OPEN_LINK]))
