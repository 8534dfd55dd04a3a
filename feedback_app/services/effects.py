"""Side effects (SMS, jobs) queued during a unit of work and run only after it commits.

The hooks are registered on SQLAlchemy's Session class, so every session (requests, CLI) has them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

log = logging.getLogger(__name__)
_KEY = "feedback_app.after_commit"
_S = TypeVar("_S", bound=Session)


def after_commit(session: _S | scoped_session[_S], effect: Callable[[], None]) -> None:
    """Run `effect` once `session` commits; dropped if it rolls back."""
    session.info.setdefault(_KEY, []).append(effect)


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    for effect in session.info.pop(_KEY, []):
        try:
            effect()
        except Exception:  # one failing effect must not stop the others
            log.exception("side effect failed after commit")


@event.listens_for(Session, "after_transaction_end")
def _drop(session: Session, transaction: SessionTransaction) -> None:
    # After a commit the queue is already empty; after a rollback its effects must not run.
    if transaction.parent is None:
        session.info.pop(_KEY, None)
