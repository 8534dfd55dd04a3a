"""What the resident page costs on a first visit, measured in Debian's chromium.

Serves the demo (a temporary SQLite database) on 127.0.0.1, opens a household's survey page in a
fresh phone-sized profile, waits until the service worker has installed and kept the page for
offline use, and adds up the bytes transferred in the first 3 s (compressed bodies and response
headers), request by request, at 360 px. Budget (issue 21): everything a first visit fetches, the
page, its assets, manifest, icons, service worker and all it precaches, <= 30 KB. With LIGHTHOUSE set to a
lighthouse CLI (npm package `lighthouse`), it also runs a mobile Lighthouse audit with the same
chromium and prints the category scores.

    .venv/bin/python bench/pwa_budget.py
    LIGHTHOUSE=/path/to/node_modules/.bin/lighthouse .venv/bin/python bench/pwa_budget.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections import defaultdict
from pathlib import Path

from flask_migrate import upgrade
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import conditions  # noqa: E402
from feedback_app import create_app  # noqa: E402
from feedback_app.clock import local_today  # noqa: E402
from feedback_app.extensions import db  # noqa: E402
from feedback_app.services.demo.province import describe_demo, ensure_demo  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BUDGET = 30 * 1024


def kind_of(url: str) -> str:
    path = url.split("?", 1)[0]
    if path.endswith("/sw.js"):
        return "service worker"
    if path.endswith(".webmanifest"):
        return "manifest"
    if path.endswith(".js"):
        return "js"
    if path.endswith(".css"):
        return "css"
    if path.endswith(".png"):
        return "icons"
    return "html"


def serve(tmp: Path) -> tuple[str, str]:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}", "SECRET_KEY": "bench",
                      "PUBLIC_BASE_URL": "http://127.0.0.1"})
    with app.app_context():
        upgrade()
        demo = ensure_demo(Path(app.config["SURVEYS_DIR"]), local_today())
        db.session.commit()
        info = describe_demo(demo)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    path = info["communes"][0]["household_code_urls"][0].split("127.0.0.1", 1)[1]
    return base, base + path


def transfer_sizes(url: str) -> list[tuple[str, int, int]]:
    """(url, encoded body bytes, response header bytes) of every request of the first 3 s, the
    service worker's own (its precache) included: Playwright's request.sizes() are chromium's CDP
    Network figures (encodedDataLength, the response headers' size)."""
    from playwright.sync_api import sync_playwright

    seen: list[tuple[str, int, int]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="allow")

        def finished(request) -> None:  # type: ignore[no-untyped-def]
            measured = request.sizes()
            body, head = measured["responseBodySize"], measured["responseHeadersSize"]
            if body < 0:  # served from the HTTP cache: nothing transferred
                body, head = 0, 0
            seen.append((request.url, body, head))

        context.on("requestfinished", finished)
        page = context.new_page()
        page.goto(url)
        page.wait_for_timeout(3000)
        browser.close()
    return seen


def direct_size(url: str) -> int:
    """Bytes of a gzip response as sent (body + status line and headers), read without a browser."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})) as r:
        head = f"HTTP/1.1 {r.status} {r.reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in r.headers.items())
        return len(r.read()) + len(head) + 2


def lighthouse(url: str) -> dict[str, float] | None:
    cli = os.environ.get("LIGHTHOUSE")
    if not cli:
        return None
    with tempfile.TemporaryDirectory() as out:
        report = Path(out) / "report.json"
        subprocess.run(
            [cli, url, "--output=json", f"--output-path={report}", "--quiet",
             "--only-categories=performance,accessibility,best-practices",
             f"--chrome-flags=--headless=new {' '.join(FLAGS)}"],
            check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300,
        )
        data = json.loads(report.read_text())
        if os.environ.get("LH_REPORT"):
            Path(os.environ["LH_REPORT"]).write_text(report.read_text())
    scores = {name: round(category["score"] * 100) for name, category in data["categories"].items()}
    for audit in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                  "cumulative-layout-shift", "speed-index"):
        scores[audit] = data["audits"][audit]["displayValue"]
    return scores


def main() -> None:
    conditions.print_line()
    with tempfile.TemporaryDirectory() as tmp:
        base, url = serve(Path(tmp))
        requests = transfer_sizes(url)
        # Chromium reports the service worker script's body as a few bytes: count it as sent.
        sw = direct_size(base + "/sw.js")
        requests = [(u, body, head) if not u.endswith("/sw.js") else (u, max(body, sw - head), head)
                    for u, body, head in requests]
        total = sum(body + head for _, body, head in requests)
        heads = sum(head for _, _, head in requests)
        print(f"first visit of {url.replace(base, '')} at 360 px, first 3 s "
              f"(bytes transferred: encoded body + response headers)")
        for u, body, head in requests:
            path = u.replace(base, "") if len(u) < 80 else u.replace(base, "")[:60] + "…"
            if body == head == 0:
                print(f"  {path[:62]:62} from the browser's cache: nothing transferred")
                continue
            print(f"  {path[:62]:62} {body:6,} + {head:5,} = {body + head:6,}  {(body + head) / total:6.1%}")
        per_kind: dict[str, int] = defaultdict(int)
        for u, body, head in requests:
            per_kind[kind_of(u)] += body + head
        print("  per kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(per_kind.items())))
        verdict = "OK" if total <= BUDGET else "OVER"
        moved = sum(1 for _, body, head in requests if body or head)
        print(f"  {len(requests)} requests, {moved} transferring; headers {heads:,} ({heads / total:.0%})")
        print(f"  total {total:,}  (budget {BUDGET:,}: {verdict})")
        scores = lighthouse(url)
        if scores is None:
            print("lighthouse: set LIGHTHOUSE=<lighthouse cli> to run it")
        else:
            print("lighthouse (mobile): " + ", ".join(f"{k} {v}" for k, v in scores.items()))


if __name__ == "__main__":
    main()
