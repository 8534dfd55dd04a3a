"""What a resident does in the browser, for the browser tests."""

from __future__ import annotations

import time

from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Response


def wait_for_js(page, expression: str, timeout: float = 30.0, what: str = "") -> None:  # type: ignore[no-untyped-def]
    """Poll a JavaScript expression (it may return a promise) until it is true.

    Not page.wait_for_function: that evaluates its predicate inside the page, where the pages' CSP
    (no 'unsafe-eval') refuses it now and then; page.evaluate goes through the DevTools protocol.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, what or f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(100)


def open_for_offline(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Open a survey page and wait until the service worker runs and the page is kept for offline."""
    page.goto(url)
    page.wait_for_selector("html[data-offline-ready='1']")
    wait_for_js(page, "navigator.serviceWorker.controller !== null", what="no service worker controls it")


def answer_all(page, value: str = "1") -> None:  # type: ignore[no-untyped-def]
    """Tick one option in every question, as a resident would, then send."""
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator(f"input[type=radio][value='{value}']").check()
    page.get_by_role("button", name="Gửi câu trả lời").click()


def waiting(page) -> int:  # type: ignore[no-untyped-def]
    value = page.get_attribute("html", "data-queue-waiting")
    return int(value) if value is not None else 0


def wait_waiting(page, n: int) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f"html[data-queue-waiting='{n}']")


def wait_until(page, condition, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    """Let the browser run (and route handlers fire) until `condition()` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the browser did not get there in time"
        page.wait_for_timeout(50)


def stored() -> list[Response]:
    """Responses the server holds: a new transaction (an open one keeps reading its snapshot on
    PostgreSQL and on SQLite in WAL mode), nothing from the session's cache."""
    db.session.rollback()
    return list(db.session.scalars(select(Response).order_by(Response.id)))


def queue_records(page) -> list[dict]:  # type: ignore[no-untyped-def]
    return page.evaluate("FeedbackQueue.all()")
