"""Shared CLI plumbing: run a use case in one transaction and turn refusals into clean errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import click

from ..extensions import db
from ..services.errors import Refused

T = TypeVar("T")


def describe(refused: Refused) -> str:
    """An operator-facing sentence for a refusal (the CLI speaks English, like the logs)."""
    headline = refused.reason.replace("_", " ")
    if "report" in refused.data:  # units import: every problem, with its line number
        return "\n".join([f"{headline}; nothing was imported:", *refused.data["report"].errors])
    if "error" in refused.data:  # survey file: file, field, problem
        return f"{headline}:\n{refused.data['error']}"
    shown = {k: v for k, v in refused.data.items() if k not in ("campaign", "survey", "errors")}
    details = ", ".join(f"{k}={v!r}" if isinstance(v, str) and not v.isprintable() else f"{k}={v}"
                        for k, v in shown.items())
    return headline + (f" ({details})" if details else "")


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit once when the block succeeds; roll back and exit 1 with a message when it is refused."""
    try:
        yield
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        raise click.ClickException(describe(refused)) from None
    except BaseException:
        db.session.rollback()
        raise


def run(fn: Callable[[], T]) -> T:
    with unit_of_work():
        return fn()
