"""Benchmark of the satisfaction indices: counters versus a GROUP BY over raw answers.

    .venv/bin/python bench/indices.py [--responses 1000000] [--service-sample 5000]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python bench/indices.py --reset

Loads N responses (20 answers each) across the communes of one synthetic province and prints, in
one run: the ingest rate through services.responses.record.record_response (one transaction per response,
like a request); the province roll-up latency from the counters (services.indices.index, what the API
serves); the same roll-up computed by a plain GROUP BY over the raw answers; both at N/10 and N
responses; and what the province's dashboard reads besides the index (answers by kind, the latest
comments with their count, answers per day). Targets: roll-up N / (N/10) <= 1.5, counters >= 50x
faster than the GROUP BY at N, the dashboard's other reads N / (N/10) <= 1.5.

Only the service sample goes through the service; the rest is bulk-inserted (responses, answers
and the matching counter increments) to keep the run to minutes. Without DATABASE_URL it uses a
temporary SQLite file. An existing database is only emptied with --reset.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from flask_migrate import upgrade
from sqlalchemy import case, func, inspect, select, text, update

from bench import conditions
from feedback_app import create_app
from feedback_app.clock import local_today
from feedback_app.config import PROJECT_ROOT
from feedback_app.domain.index import Counts, Rules, Tally
from feedback_app.domain.rollup import children_map, roll_up
from feedback_app.domain.sms.fold import fold
from feedback_app.domain.survey import NO_OPINION, Survey
from feedback_app.extensions import db
from feedback_app.models import Answer, Campaign, CommuneCounter, ItemCounter, Response
from feedback_app.services.campaigns.setup import NewCampaign, create_campaign
from feedback_app.services.indices import counters
from feedback_app.services.indices.answer_kinds import AnswerKinds, answer_kinds
from feedback_app.services.indices.counters import CHANNEL_COLUMNS, DAILY, _upsert
from feedback_app.services.indices.dashboard import CommentPage, Timeline, comments, timeline
from feedback_app.services.indices.document import index_document
from feedback_app.services.indices.index import ancestry, campaign_index
from feedback_app.services.responses.record import Channel, Submission, record_response
from feedback_app.services.surveys import find_survey, survey_of
from feedback_app.services.units.importing import import_units

SCHEME, PROVINCE, KEY = "bench", "99", "bench-province"
PATTERNS = 2000  # distinct answer sheets drawn from; enough variety, cheap to count
BATCH = 25_000  # responses per bulk-insert batch
ANSWER_WEIGHTS = {1: 0.8, 2: 0.15, 0: 0.05}  # satisfied, not satisfied, no opinion
COMMENT_SHARE = 0.1  # responses with a closing comment
COMMENTS = ("Đường vào thôn còn lầy lội mùa mưa", "Cần thêm đèn chiếu sáng", "Nước sạch chưa đủ",
            "Hài lòng với nhà văn hóa mới")
REMARK_COLUMNS = "response_id, campaign_id, commune_id, channel, created_at, text, folded"


def units_csv(communes: int, households: int) -> str:
    lines = ["scheme,code,parent_code,level,unit_type,name,households,households_synthetic",
             f"{SCHEME},{PROVINCE},,province,province,Bench province,,"]
    lines += [f"{SCHEME},{90000 + i:05d},{PROVINCE},commune,commune,Commune {i},{households},true"
              for i in range(communes)]
    return "\n".join(lines) + "\n"


def reset_database(reset: bool) -> None:
    tables = inspect(db.engine).get_table_names()
    if tables and not reset:
        sys.exit(f"{db.engine.url.render_as_string()} is not empty; run with --reset to empty it")
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            for name in tables:
                conn.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
    upgrade()


def setup(communes: int, households: int) -> Campaign:
    import_units(units_csv(communes, households).splitlines(keepends=True))
    today = local_today()
    campaign = create_campaign(NewCampaign(
        key=KEY, survey=find_survey(PROJECT_ROOT / "surveys", "ntm-commune"), scheme=SCHEME,
        unit_code=PROVINCE, opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30),
        household_codes=False, open_link=True,
    ))
    db.session.commit()
    return campaign


def random_answers(rng: random.Random, items: tuple[str, ...]) -> dict[str, int]:
    values = rng.choices(list(ANSWER_WEIGHTS), weights=list(ANSWER_WEIGHTS.values()), k=len(items))
    return dict(zip(items, values, strict=True))


def ingest_through_service(campaign: Campaign, communes: list[str], count: int, rng: random.Random
                           ) -> tuple[float, float]:
    """Responses per second through record_response, one committed transaction each; and the
    seconds per response spent updating the counters (timed around
    services.indices.counters.count_response)."""
    items = survey_of(campaign.survey_version).item_ids
    subs = [Submission(KEY, rng.choice(list(Channel)), random_answers(rng, items), str(uuid.uuid4()),
                       commune_code=rng.choice(communes)) for _ in range(count)]
    in_counters = 0.0
    count_response = counters.count_response

    def timed_count(*args: Any) -> None:
        nonlocal in_counters
        started = time.perf_counter()
        count_response(*args)
        in_counters += time.perf_counter() - started

    counters.count_response = timed_count  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        for sub in subs:
            record_response(sub)
            db.session.commit()
        elapsed = time.perf_counter() - started
    finally:
        counters.count_response = count_response  # type: ignore[assignment]
    return count / elapsed, in_counters / count


class BulkLoader:
    """Inserts responses, answers and the counters they add, bypassing the service (speed)."""

    def __init__(self, campaign: Campaign, rng: random.Random) -> None:
        self.campaign_id = campaign.id
        self.survey: Survey = survey_of(campaign.survey_version)
        self.communes = sorted(c.unit_id for c in campaign.communes)
        self.rng = rng
        items = self.survey.item_ids
        self.patterns = [random_answers(rng, items) for _ in range(PATTERNS)]
        self.dialect = db.engine.dialect.name
        self.comments = 0

    def load(self, count: int) -> None:
        next_id = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
        db.session.commit()
        now = datetime.now(UTC).replace(tzinfo=None)
        channels = [c.value for c in Channel]
        done = 0
        uses: Counter[tuple[int, int, str]] = Counter()
        commented: Counter[int] = Counter()  # comments per commune
        while done < count:
            size = min(BATCH, count - done)
            responses, answers, remarks = [], [], []
            for offset in range(size):
                rid = next_id + done + offset
                commune = self.rng.choice(self.communes)
                pattern = self.rng.randrange(PATTERNS)
                channel = self.rng.choice(channels)
                uses[(commune, pattern, channel)] += 1
                comment = None
                if self.rng.random() < COMMENT_SHARE:  # and its copy in the remarks table
                    comment = self.rng.choice(COMMENTS)
                    remarks.append((rid, self.campaign_id, commune, channel, now, comment, fold(comment)))
                    self.comments += 1
                    commented[commune] += 1
                responses.append((rid, str(uuid.uuid4()), self.campaign_id, commune, channel, "bulk",
                                  now, comment))
                answers.extend((rid, item, value) for item, value in self.patterns[pattern].items())
            self._insert(responses, answers, remarks)
            done += size
        self._count(uses, commented)
        if self.dialect == "postgresql":
            db.session.execute(text(
                "SELECT setval(pg_get_serial_sequence('responses', 'id'), (SELECT max(id) FROM responses))"))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()

    def _insert(self, responses: list[tuple[Any, ...]], answers: list[tuple[Any, ...]],
                remarks: list[tuple[Any, ...]]) -> None:
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if self.dialect == "postgresql":
                with cursor.copy("COPY responses (id, uuid, campaign_id, commune_id, channel, content_hash, "
                                 "created_at, comment) FROM STDIN") as copy:
                    for row in responses:
                        copy.write_row(row)
                with cursor.copy("COPY answers (response_id, item_id, value) FROM STDIN") as copy:
                    copy.write("".join(f"{r}\t{i}\t{v}\n" for r, i, v in answers))
                with cursor.copy(f"COPY remarks ({REMARK_COLUMNS}) FROM STDIN") as copy:
                    for row in remarks:
                        copy.write_row(row)
            else:
                # The app's SQLite connections leave transactions to SQLAlchemy (database.py: the
                # driver begins none), so a raw one commits every row on its own, an fsync each,
                # unless told to BEGIN: the 1 M load took over an hour without it.
                cursor.execute("BEGIN")
                cursor.executemany(
                    "INSERT INTO responses (id, uuid, campaign_id, commune_id, channel, content_hash, "
                    "created_at, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*row[:6], row[6].isoformat(sep=" "), row[7]) for row in responses])
                cursor.executemany("INSERT INTO answers (response_id, item_id, value) VALUES (?, ?, ?)",
                                   answers)
                cursor.executemany(f"INSERT INTO remarks ({REMARK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   [(*row[:4], row[4].isoformat(sep=" "), *row[5:]) for row in remarks])
            raw.commit()
        finally:
            raw.close()

    def _count(self, uses: Counter[tuple[int, int, str]], commented: Counter[int]) -> None:
        """Add the batch to the counters, with the same rules as services.indices.counters."""
        communes: dict[int, Counter[str]] = {c: Counter({"comments": n}) for c, n in commented.items()}
        items: dict[tuple[int, str], Counter[str]] = {}
        for (commune, pattern, channel), n in uses.items():
            answers = self.patterns[pattern]
            row = communes.setdefault(commune, Counter())
            row["respondents"] += n
            row[CHANNEL_COLUMNS[channel]] += n
            overall = self.survey.overall_satisfied(answers)
            if overall is not None:
                row["overall_valid"] += n
                row["overall_satisfied"] += n * int(overall)
            for item, value in answers.items():
                satisfied = self.survey.is_satisfied(value)
                cell = items.setdefault((commune, item), Counter())
                if satisfied is None:
                    cell["no_opinion"] += n
                else:
                    cell["valid"] += n
                    cell["satisfied"] += n * int(satisfied)
        for commune, deltas in communes.items():
            db.session.execute(
                update(CommuneCounter)
                .where(CommuneCounter.campaign_id == self.campaign_id, CommuneCounter.commune_id == commune)
                .values({getattr(CommuneCounter, k): getattr(CommuneCounter, k) + v
                         for k, v in deltas.items()})
            )
        for (commune, item), deltas in items.items():
            db.session.execute(
                update(ItemCounter)
                .where(ItemCounter.campaign_id == self.campaign_id, ItemCounter.commune_id == commune,
                       ItemCounter.item_id == item)
                .values({getattr(ItemCounter, k): getattr(ItemCounter, k) + v for k, v in deltas.items()})
            )
        channels: Counter[tuple[int, str]] = Counter()
        for (commune, _, channel), n in uses.items():
            channels[(commune, channel)] += n
        for (commune, channel), n in channels.items():
            _upsert(DAILY, {"campaign_id": self.campaign_id, "commune_id": commune, "day": local_today(),
                            "channel": channel}, {"responses": n})
        db.session.commit()


def rollup_from_counters() -> dict[str, Any]:
    """What GET /api/v1/committee/campaigns/<key>/index serves for the province."""
    return index_document(campaign_index(KEY, PROVINCE, depth=1))


def dashboard_reads() -> tuple[AnswerKinds, CommentPage, Timeline]:
    """What the province's dashboard reads besides the index: the answers by kind (household code,
    open link), the latest comments with their count, and the answers per day."""
    campaign = db.session.scalar(select(Campaign).filter_by(key=KEY))
    communes = [c.unit_id for c in campaign.communes]
    return (answer_kinds(campaign, communes),
            comments(campaign, communes, per_page=5), timeline(campaign, communes))


def rollup_from_raw_answers() -> dict[str, Any]:
    """The same province roll-up from a plain GROUP BY over the raw answers."""
    campaign = db.session.scalar(select(Campaign).filter_by(key=KEY))
    survey = survey_of(campaign.survey_version)
    overall_item = next(item.id for item in survey.items if item.overall)
    satisfied = case((Answer.value.in_(sorted(survey.scale_type.satisfied_values)), 1), else_=0)
    valid = case((Answer.value != NO_OPINION, 1), else_=0)
    tallies: dict[int, dict[str, Tally]] = {}
    for commune, item, s, v, n in db.session.execute(
        select(Response.commune_id, Answer.item_id, func.sum(satisfied), func.sum(valid), func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign.id)
        .group_by(Response.commune_id, Answer.item_id)
    ):
        tallies.setdefault(commune, {})[item] = Tally(int(s), int(v), int(n) - int(v))
    respondents = dict(db.session.execute(
        select(Response.commune_id, func.count(Response.id)).where(Response.campaign_id == campaign.id)
        .group_by(Response.commune_id)
    ).all())
    counts = {
        c.unit_id: Counts(respondents.get(c.unit_id, 0), c.households,
                          tallies.get(c.unit_id, {}).get(overall_item, Tally()),
                          {i: tallies.get(c.unit_id, {}).get(i, Tally()) for i in survey.item_ids})
        for c in campaign.communes
    }
    parents, codes = ancestry(counts)
    children = {p: sorted(k, key=lambda u: codes[u]) for p, k in children_map(parents).items()}
    root = roll_up(campaign.unit_id, children, counts, Rules.of(campaign.min_coverage, campaign.threshold),
                   survey.item_ids, depth=1)
    return {"respondents": root.figures.counts.respondents, "rate": root.figures.rate,
            "items": root.figures.counts.items, "verdict": root.figures.verdict.value,
            "children": len(root.children or ())}


def timed(fn: Callable[[], Any], runs: int, warmup: int) -> tuple[float, Any]:
    """Median seconds of `runs` calls, each in a fresh session (as a request would have)."""
    result = None
    for _ in range(warmup):
        db.session.remove()
        result = fn()
    times = []
    for _ in range(runs):
        db.session.remove()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    db.session.remove()
    return statistics.median(times), result


def agree(counters: dict[str, Any], raw: dict[str, Any]) -> bool:
    items_ok = all(
        (item["satisfied"], item["valid"], item["no_opinion"])
        == (raw["items"][item["id"]].satisfied, raw["items"][item["id"]].valid,
            raw["items"][item["id"]].no_opinion)
        for item in counters["items"]
    )
    return (items_ok and counters["respondents"] == raw["respondents"]
            and counters["verdict"] == raw["verdict"] and len(counters["children"]) == raw["children"]
            and counters["rate"] == round(float(raw["rate"]), 4))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1_000_000,
                        help="total responses (default 1,000,000)")
    parser.add_argument("--service-sample", type=int, default=5_000,
                        help="responses recorded through the service (default 5,000)")
    parser.add_argument("--communes", type=int, default=120)
    parser.add_argument("--rollup-runs", type=int, default=30)
    parser.add_argument("--raw-runs", type=int, default=3)
    parser.add_argument("--reset", action="store_true", help="empty the DATABASE_URL database first")
    args = parser.parse_args()
    conditions.print_line()
    small = args.responses // 10
    if not 0 < args.service_sample <= small:
        sys.exit("--service-sample must be between 1 and a tenth of --responses")

    workdir = None
    url = os.environ.get("DATABASE_URL")
    if not url:
        workdir = tempfile.TemporaryDirectory(prefix="bench-indices-")
        url = f"sqlite:///{workdir.name}/bench.sqlite"
    households = max(1, round(args.responses / args.communes / 0.7))  # ~70 % coverage at the end
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    rng = random.Random(4)
    with app.app_context():
        dialect = db.engine.dialect.name
        reset_database(args.reset or workdir is not None)
        campaign = setup(args.communes, households)
        communes = [f"{90000 + i:05d}" for i in range(args.communes)]
        started = time.perf_counter()
        rate, counting = ingest_through_service(campaign, communes, args.service_sample, rng)
        loader = BulkLoader(db.session.scalar(select(Campaign).filter_by(key=KEY)), rng)
        rows = []
        for target in (small, args.responses):
            have = db.session.scalar(select(func.count(Response.id)))
            loader.load(target - have)
            rollup, counters_doc = timed(rollup_from_counters, args.rollup_runs, warmup=3)
            raw, raw_doc = timed(rollup_from_raw_answers, args.raw_runs, warmup=0)
            reads, (kinds, latest, _) = timed(dashboard_reads, args.rollup_runs, warmup=3)
            right = (kinds.total == target == kinds.open_link.answers  # no household code here
                     and latest.total == loader.comments and len(latest.comments) == 5)
            rows.append((target, rollup, raw, agree(counters_doc, raw_doc), reads, right))
        total = time.perf_counter() - started
        version = db.engine.dialect.server_version_info if dialect == "postgresql" else None
    engine = f"PostgreSQL {'.'.join(map(str, version or ()))}" if version else f"SQLite {_sqlite_version()}"
    print(f"feedback_app indices benchmark on {engine}: one province, {args.communes} communes, "
          f"20 questions, {households:,} households per commune")
    print(f"ingest through services.responses.record.record_response: {args.service_sample:,} responses, "
          f"{rate:,.0f} responses/s (one committed transaction each); updating the counters takes "
          f"{counting * 1000:.2f} ms of the {1000 / rate:.1f} ms per response")
    print(f"{'responses':>10}  {'roll-up from counters':>22}  {'GROUP BY over raw answers':>26}  "
          f"{'speed-up':>9}  {'same figures':>12}")
    for target, rollup, raw, same, *_ in rows:
        print(f"{target:>10,}  {rollup * 1000:>19.2f} ms  {raw * 1000:>23.1f} ms  {raw / rollup:>8.0f}x  "
              f"{'yes' if same else 'NO':>12}")
    print(f"the dashboard's other reads (answers by kind, the 5 latest comments and their count, "
          f"answers per day; {COMMENT_SHARE:.0%} of the responses with a comment):")
    for target, *_, reads, right in rows:
        print(f"{target:>10,}  {reads * 1000:>19.2f} ms  {'right figures' if right else 'WRONG FIGURES'}")
    reads_ratio = rows[1][4] / rows[0][4]
    print(f"dashboard reads {args.responses:,} / {small:,}: {reads_ratio:.2f} (target <= 1.5: "
          f"{'met' if reads_ratio <= 1.5 else 'MISSED'})")
    ratio = rows[1][1] / rows[0][1]
    speedup = rows[1][2] / rows[1][1]
    print(f"roll-up latency {args.responses:,} / {small:,}: {ratio:.2f} (target <= 1.5: "
          f"{'met' if ratio <= 1.5 else 'MISSED'})")
    print(f"counters vs GROUP BY at {args.responses:,}: {speedup:.0f}x (target >= 50x: "
          f"{'met' if speedup >= 50 else 'MISSED'})")
    print(f"roll-up: median of {args.rollup_runs} runs; GROUP BY: median of {args.raw_runs}; "
          f"whole run {total:.0f} s")


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    main()
