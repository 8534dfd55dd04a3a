"""Benchmark of the plausibility flags: what computing them costs the worker, and what a page pays.

    .venv/bin/python bench/flags.py [--responses 10000] [--repeat 3]

The demo campaign (Lai Châu, 36 communes) on a temporary SQLite file, N and then 3 × N responses
recorded through `record_response` (one device and one cadre per commune, so the burst rules have
keys to sort). For each size, with no flags kept, median of `--repeat` runs:

- the worker's job for the province (`refresh_flags`: the province's own pool and each commune's),
  its time, and the peak Python memory of one more run (tracemalloc);
- the province page's computation of its communes' flags (`children_flags`, no budget), its time;
- the same page once the flags are kept (nothing changed): its time.

The ratios 3N / N show what grows with the responses: the computing, about linearly, and not the
page once the flags are kept. A page never computes more than FLAGS_INLINE_RESPONSES responses'
worth (10,000 by default): its worst case is the per-response time printed here times that.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import delete, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import conditions
from feedback_app import create_app
from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import Campaign, FlagSnapshot, Response, Unit
from feedback_app.services.demo.province import DEMO_CAMPAIGN, ensure_demo
from feedback_app.services.responses.record import Channel, Provenance, Submission, record_response
from feedback_app.services.surveys import survey_of
from feedback_app.services.verification.flags import children_flags, refresh_flags


def _record(campaign: Campaign, communes: list[str], items: tuple[str, ...], rng: random.Random,
            n: int) -> None:
    for _ in range(n):
        commune = rng.choice(communes)
        record_response(Submission(
            campaign_key=DEMO_CAMPAIGN, channel=Channel.WEB,
            answers={item: rng.choice((1, 1, 1, 1, 1, 1, 1, 1, 2, 0)) for item in items},
            client_uuid=str(uuid.uuid4()), commune_code=commune,
            provenance=Provenance(device_key=f"device-{commune}-{rng.randrange(50)}",
                                  seconds=rng.randrange(20, 900)),
        ))
        db.session.commit()


def _fresh() -> None:
    db.session.execute(delete(FlagSnapshot))
    db.session.commit()
    db.session.expire_all()


def _timed(run: Any, repeat: int) -> float:
    """Median milliseconds of `repeat` runs, each with no flags kept."""
    timings = []
    for _ in range(repeat):
        _fresh()
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
        db.session.commit()
    return statistics.median(timings)


def _peak(run: Any) -> float:
    """The peak MB of Python memory of one more run (traced apart: tracing slows it down)."""
    _fresh()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    db.session.commit()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    conditions.print_line()
    folder = tempfile.mkdtemp(prefix="bench-flags-")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench",
                      "SMS_BACKEND": "fake"})
    rng = random.Random(7)
    rows = []
    with app.app_context():
        upgrade()
        demo = ensure_demo(Path(app.config["SURVEYS_DIR"]), local_today())
        db.session.commit()
        campaign = demo.campaign
        province = db.session.get(Unit, campaign.unit_id)
        assert province is not None
        items = survey_of(campaign.survey_version).item_ids
        communes = [c.unit.code for c in campaign.communes]
        recorded = db.session.scalar(  # the demo's own answers count too
            select(func.count(Response.id)).where(Response.campaign_id == campaign.id)) or 0
        for target in (args.responses, 3 * args.responses):
            _record(campaign, communes, items, rng, target - recorded)
            recorded = target
            job = _timed(lambda: refresh_flags(campaign.id, province.id), args.repeat)
            peak = _peak(lambda: refresh_flags(campaign.id, province.id))
            page = _timed(lambda: children_flags(campaign, province), args.repeat)
            children_flags(campaign, province)
            db.session.commit()
            kept = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                children_flags(campaign, province)
                kept.append((time.perf_counter() - started) * 1000)
            rows.append((target, job, peak, page, statistics.median(kept)))
    print(f"{'responses':>10}{'job ms':>10}{'job MB':>9}{'job us/resp':>13}{'page ms':>10}{'kept ms':>10}")
    for target, job, peak, page, kept_ms in rows:
        per_response = job * 1000 / target
        print(f"{target:>10,}{job:>10.0f}{peak:>9.1f}{per_response:>13.1f}{page:>10.0f}{kept_ms:>10.1f}")
    (n1, job1, peak1, page1, kept1), (n3, job3, peak3, page3, kept3) = rows
    print(f"ratio {n3 // n1}x responses: job {job3 / job1:.2f}, job memory {peak3 / peak1:.2f}, "
          f"page computing {page3 / page1:.2f}, page with the flags kept {kept3 / kept1:.2f}")


if __name__ == "__main__":
    main()
