"""Benchmark of the committee dashboard: server time and page weight of the province and a commune
dashboard of the demo campaign, with N responses recorded through the real service.

    .venv/bin/python bench/dashboard.py [--responses 3000] [--repeat 20]

Uses a temporary SQLite file. Prints, side by side: median and p95 server time of one dashboard
request (login session, counters through services.indices.index, 5 latest comments), the HTML size, and
the size of the plotly.js partial bundle (raw and gzip) that loads after the figures. Each page is
timed three ways: its first view (no plausibility flags kept, so the province page computes them
from every response), views with nothing changed in between (the kept flags), and views each after
one new answer (the province page computes again the flags of that answer's commune only).
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import delete

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import conditions
from feedback_app import create_app
from feedback_app.clock import local_today
from feedback_app.config import PROJECT_ROOT
from feedback_app.extensions import db
from feedback_app.models import FlagSnapshot
from feedback_app.services.demo.accounts import ensure_demo_accounts
from feedback_app.services.demo.province import DEMO_CAMPAIGN, ensure_demo
from feedback_app.services.responses.record import Channel, Submission, record_response
from feedback_app.services.surveys import survey_of

CHANNELS = (Channel.WEB, Channel.WEB, Channel.WEB, Channel.SMS, Channel.ASSISTED)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    conditions.print_line()
    folder = tempfile.mkdtemp(prefix="bench-dashboard-")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench",
                      "SMS_BACKEND": "fake", "WTF_CSRF_ENABLED": False})
    rng = random.Random(5)
    with app.app_context():
        upgrade()
        demo = ensure_demo(Path(app.config["SURVEYS_DIR"]), local_today())
        accounts = ensure_demo_accounts(demo.campaign)
        db.session.commit()
        campaign = demo.campaign
        item_ids = survey_of(campaign.survey_version).item_ids
        communes = [c.unit.code for c in campaign.communes]
        started = time.perf_counter()
        def record(n: int) -> None:
            record_response(Submission(
                campaign_key=DEMO_CAMPAIGN, channel=rng.choice(CHANNELS),
                answers={item: rng.choice((1, 1, 1, 1, 1, 1, 1, 1, 2, 0)) for item in item_ids},
                client_uuid=str(uuid.uuid4()), commune_code=rng.choice(communes),
                comment=f"comment {n}" if rng.random() < 0.1 else "",
            ))
            db.session.commit()
        for n in range(args.responses):
            record(n)
        ingest = time.perf_counter() - started
    print(f"{args.responses} responses recorded through record_response in {ingest:.1f} s")
    print("first: the first view, no flags kept; again: nothing changed since the last view; "
          "new answer: one answer recorded (in a random commune) before each view")
    print(f"{'page':<22}{'view':<12}{'median ms':>10}{'p95 ms':>10}{'HTML kB':>10}")
    extra = args.responses
    national = [a for a in accounts if a["unit"]["level"] == "country"]
    for account in (*national, accounts[0], accounts[1]):
        client = app.test_client()
        client.post("/committee/login", data={"username": account["username"],
                                               "password": account["password"]})
        # The central committee reads the province's page: the province's own flags and its communes'.
        page_of = accounts[0] if account in national else account
        path = re.sub(r"^https?://[^/]+", "", page_of["dashboard_url"])
        label = f"{account['unit']['level']} {account['unit']['code']}"
        if account in national:
            label += f" on {accounts[0]['unit']['code']}"
        with app.app_context():
            db.session.execute(delete(FlagSnapshot))
            db.session.commit()
        first, size = _view(client, path)
        print(f"{label:<22}{'first':<12}{first:>10.1f}{first:>10.1f}{size / 1024:>10.1f}")
        for kind in ("again", "new answer"):
            timings = []
            for _ in range(args.repeat):
                if kind == "new answer":
                    with app.app_context():
                        record(extra)
                    extra += 1
                elapsed, size = _view(client, path)
                timings.append(elapsed)
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            print(f"{label:<22}{kind:<12}{statistics.median(timings):>10.1f}{p95:>10.1f}{size / 1024:>10.1f}")
    bundle = (PROJECT_ROOT / "static/vendor/plotly/plotly-basic.min.js").read_bytes()
    print(f"plotly-basic.min.js: {len(bundle) / 1024:.0f} kB raw, "
          f"{len(gzip.compress(bundle)) / 1024:.0f} kB gzip (deferred, after the figures)")


def _view(client: FlaskClient, path: str) -> tuple[float, int]:
    """One request's server time (ms) and its HTML's size."""
    start = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed, len(response.data)


if __name__ == "__main__":
    main()
