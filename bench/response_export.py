"""Benchmark of the per-response export (services.exports.responses): a province's responses, one
row each, as CSV (streamed) and XLSX, at two sizes, with each run's peak memory.

    .venv/bin/python bench/response_export.py [--sizes 20000,200000] [--database-url URL]

For each size, a temporary SQLite file (or the given database, emptied first) gets the demo
province and that many responses with every answer (11 per response of the 2026 survey, a reason
under one answer in five, a comment under one in four), spread over the campaign's communes,
villages and channels, written in bulk (recording them one by one through record_response would
measure something else). Then a fresh process, which has done nothing else, downloads the export
through the app as the province's officer (HTTP through the test client: login, scope check,
streaming) and prints the time to the first bytes and to the whole file, the file's size and rows,
and the process's peak resident memory (VmHWM) next to its memory before the download (VmRSS).
The ratio of the peak memories between the two sizes is printed last (target <= 1.5).

For scale: ODK Central needs 9.5 s for 100,053 rows of its CSV export on this machine (the figure
quoted in issue #21); the same rows per second are printed beside each run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import conditions, cpu

ODK_ROWS, ODK_SECONDS = 100_053, 9.5
CHANNELS = ("web", "web", "web", "sms", "assisted")
REASONS = ("Đường lầy lội", "Chưa có nước sạch", "Điện yếu", "Trạm y tế xa")



def _app(database_url: str):  # type: ignore[no-untyped-def]
    from feedback_app import create_app

    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench",
                       "SMS_BACKEND": "fake", "WTF_CSRF_ENABLED": False, "REDIS_URL": ""})


def build(database_url: str, size: int) -> dict[str, str]:
    """The demo province with `size` responses; the officer's login and the export's URL."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import func, insert, select

    from feedback_app.clock import local_today, utcnow
    from feedback_app.extensions import db
    from feedback_app.models import Answer, Response, Unit
    from feedback_app.services.demo.accounts import ensure_demo_accounts
    from feedback_app.services.demo.province import ensure_demo
    from feedback_app.services.surveys import survey_of

    app = _app(database_url)
    rng = random.Random(11)
    with app.app_context():
        if not database_url.startswith("sqlite"):
            downgrade(revision="base")
        upgrade()
        demo = ensure_demo(Path(app.config["SURVEYS_DIR"]), local_today())
        accounts = ensure_demo_accounts(demo.campaign)
        db.session.commit()
        campaign = demo.campaign
        survey = survey_of(campaign.survey_version)
        communes = [c.unit_id for c in campaign.communes]
        villages: dict[int, list[int]] = {c: [] for c in communes}
        for village_id, parent_id in db.session.execute(
                select(Unit.id, Unit.parent_id).where(Unit.level == "village",
                                                      Unit.parent_id.in_(communes))):
            villages[parent_id].append(village_id)
        now = utcnow().replace(tzinfo=None)
        started = time.perf_counter()
        batch = 5000
        for first in range(0, size, batch):
            count = min(batch, size - first)
            rows = []
            for _ in range(count):
                commune = rng.choice(communes)
                rows.append({
                    "uuid": str(uuid.uuid4()), "campaign_id": campaign.id, "commune_id": commune,
                    "village_id": rng.choice(villages[commune]) if villages[commune] else None,
                    "channel": rng.choice(CHANNELS), "content_hash": "0" * 64,
                    "created_at": now - timedelta(seconds=rng.randrange(20 * 86400)),
                    "comment": "Cần sửa đường liên thôn" if rng.random() < 0.25 else None})
            ids = db.session.execute(insert(Response).returning(Response.id), rows).scalars().all()
            answers = []
            for response_id in ids:
                for item in survey.items:
                    value = 1 if rng.random() < 0.85 else 2
                    reason = rng.choice(REASONS) if value == 2 and item.reason and rng.random() < 0.8 \
                        else None
                    answers.append({"response_id": response_id, "item_id": item.id, "value": value,
                                    "reason": reason})
            db.session.execute(insert(Answer), answers)
            db.session.commit()
        seconds = time.perf_counter() - started
        total = db.session.scalar(select(func.count()).select_from(Response)
                                  .where(Response.campaign_id == campaign.id))
        province = accounts[0]
        unit_code = re.sub(r".*/units/", "", province["dashboard_url"]).strip("/")
        return {"username": province["username"], "password": province["password"],
                "url": f"/committee/campaigns/{campaign.key}/units/{unit_code}/export/responses",
                "written_seconds": f"{seconds:.1f}", "rows": str(total)}


def measure(database_url: str, fmt: str, spec: dict[str, str]) -> dict[str, float]:
    """In this (fresh) process: download the export once; times, size, rows and peak memory."""
    app = _app(database_url)
    with app.app_context():
        client = app.test_client()
        client.post("/committee/login", data={"username": spec["username"],
                                               "password": spec["password"]})
        before = cpu.memory_mb("VmRSS")
        started = time.perf_counter()
        response = client.get(f"{spec['url']}.{fmt}", buffered=False)
        assert response.status_code == 200, response.status_code
        chunks = iter(response.response)
        first = next(chunks)
        first_seconds = time.perf_counter() - started
        size = len(first)
        newlines = first.count(b"\n")
        with tempfile.TemporaryFile() as out:
            out.write(first)
            for chunk in chunks:
                size += len(chunk)
                newlines += chunk.count(b"\n")
                out.write(chunk)
            whole = time.perf_counter() - started
            if fmt == "xlsx":
                import openpyxl

                out.seek(0)
                sheet = openpyxl.load_workbook(out, read_only=True).active
                rows = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
            else:
                rows = newlines - 1
        response.close()
        peak = cpu.memory_mb("VmHWM")
    return {"first": first_seconds, "whole": whole, "bytes": size, "rows": rows,
            "before_mb": before, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--measure", nargs=3, metavar=("URL", "FMT", "SPEC"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        url, fmt, spec = args.measure
        print(json.dumps(measure(url, fmt, json.loads(spec))))
        return
    conditions.print_line()
    peaks: dict[str, list[float]] = {"csv": [], "xlsx": []}
    print(f"{'responses':>10} {'fmt':>5} {'first s':>8} {'whole s':>8} {'rows/s':>8} "
          f"{'MB':>6} {'rows':>8} {'RSS before':>11} {'peak MB':>8}"
          f"   ODK rows/s {ODK_ROWS / ODK_SECONDS:,.0f}")
    for size in (int(s) for s in args.sizes.split(",")):
        folder = tempfile.mkdtemp(prefix="bench-rows-")
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
        spec = build(url, size)
        print(f"# {size} responses written in {spec['written_seconds']} s "
              f"({spec['rows']} in the campaign with the demo's own)", flush=True)
        for fmt in ("csv", "xlsx"):
            out = subprocess.run([sys.executable, __file__, "--measure", url, fmt, json.dumps(spec)],
                                 check=True, capture_output=True, text=True,
                                 env={**os.environ, "PYTHONWARNINGS": "ignore"})
            got = json.loads(out.stdout.strip().splitlines()[-1])
            assert got["rows"] == int(spec["rows"]), (got["rows"], spec["rows"])
            peaks[fmt].append(got["peak_mb"])
            print(f"{size:>10} {fmt:>5} {got['first']:>8.3f} {got['whole']:>8.2f} "
                  f"{size / got['whole']:>8,.0f} {got['bytes'] / 1e6:>6.1f} {got['rows']:>8} "
                  f"{got['before_mb']:>11.1f} {got['peak_mb']:>8.1f}", flush=True)
    for fmt, values in peaks.items():
        if len(values) >= 2:
            print(f"peak memory ratio {fmt}: {values[-1] / values[0]:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
