"""Upward reports: who may do what and the report's state machine (its seal: domain.canonical). Pure.

A report is a frozen snapshot of one unit's index for one campaign. The unit's own officer drafts
and submits it; the officer of the unit's parent accepts it or returns it with a reason; a returned
report is corrected and submitted again; an accepted report never changes.

    (none) --draft--> draft --submit--> submitted --accept--> accepted (final)
       \\______________submit________/      |
                                           +--return--> returned --draft/submit--> ...
"""

from __future__ import annotations

from enum import StrEnum

from .access import Relation, Role


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class Action(StrEnum):
    DRAFT = "draft"
    SUBMIT = "submit"
    RESUBMIT = "resubmit"  # a submission after the report was returned (recorded as such in the log)
    ACCEPT = "accept"
    RETURN = "return"
    VIEW = "view"


class Transition(Exception):
    """A step the state machine refuses: `reason` is a code the channels word for people."""

    def __init__(self, reason: str, status: Status | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def permitted(role: Role, relation: Relation, action: Action) -> bool:
    """Authorization as a pure function of the actor's role, where the unit is, and the action.

    Everyone sees the reports of their unit and of every unit below it. Officers and admins draft
    and submit their own unit's report, and accept or return their direct children's reports.
    """
    if relation is Relation.OUTSIDE:
        return False
    if action is Action.VIEW:
        return True
    if role not in (Role.OFFICER, Role.ADMIN):
        return False
    if action in (Action.DRAFT, Action.SUBMIT, Action.RESUBMIT):
        return relation is Relation.OWN
    return relation is Relation.CHILD  # accept, return: the parent unit's officer only


_NEXT: dict[tuple[Status | None, Action], Status] = {
    (None, Action.DRAFT): Status.DRAFT,
    (Status.DRAFT, Action.DRAFT): Status.DRAFT,
    (Status.RETURNED, Action.DRAFT): Status.RETURNED,  # corrections in progress; still returned
    (None, Action.SUBMIT): Status.SUBMITTED,
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.RETURNED, Action.RESUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.ACCEPT): Status.ACCEPTED,
    (Status.SUBMITTED, Action.RETURN): Status.RETURNED,
}


def submit_action(status: Status | None) -> Action:
    """A submission of a returned report is a resubmission."""
    return Action.RESUBMIT if status is Status.RETURNED else Action.SUBMIT


def next_status(status: Status | None, action: Action) -> Status:
    """The status after `action`, or Transition with why the step is not possible."""
    if status is Status.ACCEPTED:
        raise Transition("report_accepted", status)
    if action is Action.SUBMIT and status is Status.RETURNED:
        action = Action.RESUBMIT
    found = _NEXT.get((status, action))
    if found is not None:
        return found
    if status is None:
        raise Transition("report_missing", status)
    if status is Status.SUBMITTED:
        raise Transition("report_awaiting_decision", status)
    raise Transition("report_not_submitted", status)
