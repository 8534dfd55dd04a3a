"""Browser tests: Debian's chromium driven by Playwright against a real server on 127.0.0.1.

The server is werkzeug in a thread serving the test app (same database as the other tests). The
browser is never downloaded: `make test` installs Debian's chromium; these tests are skipped, with
the reason, only when no chromium binary can be found, and fail then in CI (tests/skips.py).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from ..skips import require_module, require_service

CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    path = chromium_path()
    if path is None:
        require_service("chromium not found (make test installs Debian's chromium with apt-get)")
    sync_api = require_module("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free port; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(5)


@pytest.fixture
def context(browser):  # type: ignore[no-untyped-def]
    """A fresh profile (no service worker, empty IndexedDB) the size of a phone."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, service_workers="allow")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()
