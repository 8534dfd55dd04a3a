"""Benchmark of the committees' comments page at scale: a page of residents' comments and reasons
(services.remarks.listing) with 100,000 of them in the demo campaign, on SQLite.

    .venv/bin/python bench/remarks_page.py [--remarks 100000] [--repeat 20]

Uses a temporary SQLite file. The responses and remarks are written in bulk (recording 100,000
responses one by one through record_response would take minutes and measure something else):
70 % closing comments, 30 % reasons under an item, spread over the campaign's communes, the three
channels and 30 days, with Vietnamese words. Then times, median and p95 of `--repeat` runs:
the whole page (HTTP through a logged-in test client, template included) for the province's
officer with no filter, at a deep page (keyset: after the 50,000th), filtered by commune, by item,
and with a search typed without diacritics; and the service call alone for the same cases.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sqlalchemy import insert, select

from bench import conditions
from feedback_app import create_app
from feedback_app.clock import local_today, utcnow
from feedback_app.domain.sms.fold import fold
from feedback_app.extensions import db
from feedback_app.models import Account, Remark, Response
from feedback_app.services.accounts.users import principal_of
from feedback_app.services.demo.accounts import ensure_demo_accounts
from feedback_app.services.demo.province import ensure_demo
from feedback_app.services.remarks.listing import Filters, remarks_page, remarks_scope
from feedback_app.services.surveys import survey_of

WORDS = ("đường", "làng", "lầy lội", "điện", "nước sạch", "trạm y tế", "chợ", "rác", "trường học",
         "cầu", "hư hỏng", "cần sửa", "thôn", "cảm ơn", "chính quyền", "giải quyết chậm")
CHANNELS = ("web", "web", "web", "sms", "assisted")


def timed(run, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--remarks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    conditions.print_line()
    folder = tempfile.mkdtemp(prefix="bench-remarks-")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench",
                      "SMS_BACKEND": "fake", "WTF_CSRF_ENABLED": False})
    rng = random.Random(7)
    with app.app_context():
        upgrade()
        demo = ensure_demo(Path(app.config["SURVEYS_DIR"]), local_today())
        accounts = ensure_demo_accounts(demo.campaign)
        db.session.commit()
        campaign = demo.campaign
        items = survey_of(campaign.survey_version).item_ids
        communes = [c.unit_id for c in campaign.communes]
        now = utcnow().replace(tzinfo=None)
        started = time.perf_counter()
        batch = 5000
        for first in range(0, args.remarks, batch):
            count = min(batch, args.remarks - first)
            moments = [now - timedelta(seconds=rng.randrange(30 * 86400)) for _ in range(count)]
            rows = [{"uuid": str(uuid.uuid4()), "campaign_id": campaign.id,
                     "commune_id": rng.choice(communes), "channel": rng.choice(CHANNELS),
                     "content_hash": "0" * 64, "created_at": moment} for moment in moments]
            ids = db.session.execute(insert(Response).returning(Response.id), rows).scalars().all()
            remarks = []
            for response_id, row in zip(ids, rows, strict=True):
                text = " ".join(rng.sample(WORDS, 3)).capitalize() + f" ({row['uuid'][:4]})"
                remarks.append({"response_id": response_id, "campaign_id": campaign.id,
                                "commune_id": row["commune_id"], "channel": row["channel"],
                                "created_at": row["created_at"], "text": text, "folded": fold(text),
                                "item_id": None if rng.random() < 0.7 else rng.choice(items)})
            db.session.execute(insert(Remark), remarks)
            db.session.commit()
        print(f"{args.remarks} remarks written in {time.perf_counter() - started:.1f} s")
        province = accounts[0]
        account = db.session.scalar(select(Account).filter_by(username=province["username"]))
        principal = principal_of(account)
        unit_code = re.sub(r".*/units/", "", province["dashboard_url"]).strip("/")
        scope = remarks_scope(principal, campaign.key, unit_code)
        deep = remarks_page(scope, Filters(), per_page=50_000).rows[-1].id
        commune = scope.communes[0].code
        cases = {
            "first page, no filter": Filters(),
            "after the 50,000th": Filters(after=deep),
            "one commune": Filters(commune=commune),
            "one item's reasons": Filters(item=items[1]),
            "search 'lay loi' (no accents)": Filters(words="lay loi"),
        }
        print(f"{'case':<32}{'service ms':>12}{'p95':>8}{'page ms':>10}{'p95':>8}{'total':>9}")
        client = app.test_client()
        client.post("/committee/login", data={"username": province["username"],
                                               "password": province["password"]})
        base = f"/committee/campaigns/{campaign.key}/units/{unit_code}/comments"
        for name, filters in cases.items():
            service = timed(lambda f=filters: remarks_page(scope, f), args.repeat)
            query = dict(filters.query_args(), **({"after": str(filters.after)} if filters.after else {}))
            url = base + "?" + "&".join(f"{k}={v}" for k, v in query.items())
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            page = timed(lambda u=url: client.get(u), args.repeat)
            total = remarks_page(scope, filters).total
            print(f"{name:<32}{service[0]:>12.1f}{service[1]:>8.1f}{page[0]:>10.1f}{page[1]:>8.1f}{total:>9}")


if __name__ == "__main__":
    main()
