"""What a resident does in the browser, for the browser tests."""

from __future__ import annotations

import time
from pathlib import Path

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
    """Open a survey page and wait until the service worker runs and the page is kept for offline.

    The worker claims the page that installed it (clients.claim in its activate step); on a loaded
    machine Chromium now and then leaves that first page uncontrolled although the worker is
    active (seen in CI: 30 s without a controller). A resident's next visit is controlled either
    way, so after 10 s the page is loaded again, as that visit would, and must then be controlled."""
    page.goto(url)
    page.wait_for_selector("html[data-offline-ready='1']")
    try:
        wait_for_js(page, "navigator.serviceWorker.controller !== null", timeout=10.0)
    except AssertionError:
        page.reload()
        page.wait_for_selector("html[data-offline-ready='1']")
        wait_for_js(page, "navigator.serviceWorker.controller !== null",
                    what="no service worker controls the page, even loaded again")


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


READABLE = """(selector) => {
  const node = document.querySelector(selector);
  if (!node) { return "no element " + selector; }
  const r = node.getBoundingClientRect();
  const w = window.innerWidth, h = window.innerHeight;
  if (r.width === 0 || r.height === 0) { return "not shown"; }
  if (r.top < 0 || r.left < 0 || r.right > w || r.top >= h) {
    return `outside the viewport: ${JSON.stringify(r)} in ${w}x${h}`;
  }
  // the centre, and a point near each end of its visible height: the element or inside it
  const bottom = Math.min(r.bottom, h) - 2;
  for (const y of [(r.top + bottom) / 2, r.top + 2, bottom]) {
    const hit = document.elementFromPoint(r.left + r.width / 2, y);
    if (!(hit === node || node.contains(hit))) {
      return `covered at y=${y} by ${hit ? hit.outerHTML.slice(0, 120) : "nothing"}`;
    }
  }
  if (r.bottom > h && r.height < h) { return `cut off at the bottom: ${r.bottom} > ${h}`; }
  return "";
}"""


def assert_readable(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """The element is in the visible viewport and nothing (the sticky bar) lies over it: its box is
    inside the viewport (whole, unless it is taller than the screen) and document.elementFromPoint
    at its centre and near its top and bottom is the element itself or inside it."""
    problem = page.evaluate(READABLE, selector)
    assert problem == "", f"{selector}: {problem}"


def phone(browser, height: int = 568, **options):  # type: ignore[no-untyped-def]
    """A 320 px wide phone (an old small Android: 320 x 568)."""
    ctx = browser.new_context(viewport={"width": 320, "height": height}, service_workers="allow", **options)
    ctx.set_default_timeout(15_000)
    return ctx


def shoot(page, folder: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """A full-page screenshot `folder/name-<width>.png`, to look at before resolving."""
    folder.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
