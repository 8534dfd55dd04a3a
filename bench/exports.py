"""Benchmark of the exports of a large unit: time to the first CSV chunk against the whole export.

    .venv/bin/python bench/exports.py [--sizes 12x50,40x250]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/exports.py --reset

For each size, builds one synthetic three-tier province (12 districts x 50 communes = 600, about
the largest real legacy province; 40 x 250 = 10,000, about every commune of the legacy list), fills
the counters with random figures (exports read the counters through services.indices.index, never raw
responses), and prints side by side: the time to the first streamed CSV chunk (the header, sent
before the index is computed), the whole CSV, the XLSX (index included) and the print page (index
already built), with sizes. Without DATABASE_URL it uses a temporary SQLite file; an existing
database is only emptied with --reset.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sqlalchemy import bindparam, update

from bench import conditions
from bench.indices import reset_database
from feedback_app import create_app
from feedback_app.clock import local_today
from feedback_app.config import PROJECT_ROOT
from feedback_app.extensions import db
from feedback_app.models import CommuneCounter, ItemCounter
from feedback_app.services import exports
from feedback_app.services.campaigns.setup import NewCampaign, create_campaign
from feedback_app.services.surveys import find_survey, survey_of
from feedback_app.services.units.importing import import_units

SCHEME, PROVINCE, KEY = "bench", "99", "bench-exports"


def units_csv(districts: int, per_district: int) -> str:
    lines = ["scheme,code,parent_code,level,unit_type,name,households,households_synthetic",
             f"{SCHEME},{PROVINCE},,province,province,Bench province,,"]
    for d in range(districts):
        district = f"{100 + d:03d}"
        lines.append(f"{SCHEME},{district},{PROVINCE},district,district,District {d},,")
        lines += [f"{SCHEME},{d * per_district + i:05d},{district},commune,commune,Commune {d}.{i},800,true"
                  for i in range(per_district)]
    return "\n".join(lines) + "\n"


def fill_counters(campaign_id: int, item_ids: tuple[str, ...], rng: random.Random) -> None:
    communes = [c for (c,) in db.session.execute(
        db.select(CommuneCounter.commune_id).where(CommuneCounter.campaign_id == campaign_id))]
    rows, items = [], []
    for commune in communes:
        respondents = rng.randint(300, 760)
        valid = respondents - rng.randint(0, 20)
        rows.append({"c": commune, "r": respondents, "s": rng.randint(int(valid * 0.8), valid), "v": valid})
        for item in item_ids:
            v = respondents - rng.randint(0, 30)
            items.append({"c": commune, "i": item, "s": rng.randint(int(v * 0.75), v), "v": v,
                          "n": respondents - v})
    communes_table, items_table = CommuneCounter.__table__, ItemCounter.__table__  # Core: executemany
    db.session.connection().execute(
        update(communes_table).where(communes_table.c.campaign_id == campaign_id,
                                     communes_table.c.commune_id == bindparam("c"))
        .values(respondents=bindparam("r"), overall_satisfied=bindparam("s"), overall_valid=bindparam("v")),
        rows)
    db.session.connection().execute(
        update(items_table).where(items_table.c.campaign_id == campaign_id,
                                  items_table.c.commune_id == bindparam("c"),
                                  items_table.c.item_id == bindparam("i"))
        .values(satisfied=bindparam("s"), valid=bindparam("v"), no_opinion=bindparam("n")),
        items)
    db.session.commit()


def timed(fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def measure(districts: int, per_district: int, reset: bool) -> tuple[float, ...]:
    """Seconds to the first CSV chunk, the whole CSV, the XLSX and the print page; and the sizes."""
    reset_database(reset)
    import_units(units_csv(districts, per_district).splitlines(keepends=True))
    today = local_today()
    campaign = create_campaign(NewCampaign(
        key=KEY, survey=find_survey(PROJECT_ROOT / "surveys", "ntm-commune"), scheme=SCHEME,
        unit_code=PROVINCE, opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30),
        household_codes=False, open_link=True))
    db.session.commit()
    fill_counters(campaign.id, survey_of(campaign.survey_version).item_ids, random.Random(5))
    db.session.expire_all()

    started = time.perf_counter()
    chunks = exports.render(exports.results_source(None, KEY, PROVINCE, depth=2), "csv")
    next(chunks)
    first = time.perf_counter() - started
    size = sum(len(c) for c in chunks)
    whole = time.perf_counter() - started
    source = exports.results_source(None, KEY, PROVINCE, depth=2)
    xlsx, data = timed(lambda: b"".join(exports.render(source, "xlsx")))  # includes the index build
    html, page = timed(lambda: b"".join(exports.render(source, "html")))  # index already built
    db.session.remove()  # end the read transaction before the next size empties the database
    return first, whole, size, xlsx, len(data), html, len(page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="12x50,40x250",
                        help="districts x communes per district, comma separated (default 12x50,40x250)")
    parser.add_argument("--reset", action="store_true", help="empty the DATABASE_URL database first")
    args = parser.parse_args()
    conditions.print_line()
    workdir = None
    url = os.environ.get("DATABASE_URL")
    if not url:
        workdir = tempfile.TemporaryDirectory(prefix="bench-exports-")
        url = f"sqlite:///{workdir.name}/bench.sqlite"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        print(f"database: {db.engine.dialect.name}; province export with every district and commune "
              "(depth 2)")
        print(f"{'communes':>8} {'CSV 1st chunk':>13} {'CSV whole':>10} {'CSV size':>10} {'XLSX':>7} "
              f"{'XLSX size':>10} {'print page':>10}")
        for n, size in enumerate(args.sizes.split(",")):
            districts, per_district = (int(x) for x in size.split("x"))
            first, whole, csv_size, xlsx, xlsx_size, html, _ = measure(
                districts, per_district, reset=args.reset or workdir is not None or n > 0)
            print(f"{districts * per_district:>8,} {first:>12.3f}s {whole:>9.2f}s {csv_size:>9,}B "
                  f"{xlsx:>6.2f}s {xlsx_size:>9,}B {html:>9.3f}s")


if __name__ == "__main__":
    main()
