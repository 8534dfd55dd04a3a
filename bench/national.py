"""The whole country on one database: the real 2025 unit list, about 24 synthetic villages per rural
commune, one campaign per province, and counters for 1 million then 10 million responses; times
the national view, the largest province's dashboard data and a commune with its villages.

    .venv/bin/python bench/national.py ../shared/data/vn-units-2025.csv \\
        [--database-url URL] [--villages 24] [--sample 3000] [--repeat 15] [--sizes 1000000,10000000]

The unit list is the only input (a CSV in the `units import` format, given on the command line).
Without --database-url a temporary SQLite file is used; a PostgreSQL URL must name an empty
database of its own (every table is dropped and re-created in it).

How the 10 million responses are made, consistently:
1. Villages: `--villages` per rural commune (unit type commune; wards and special zones are not
   surveyed by default), each with 130 to 250 synthetic households (labelled synthetic), so the
   country has about 12 million rural households; a commune's households are its villages' sum.
2. One campaign of the 2026 survey per province (34), through services.campaigns.setup, and the
   register of every commune taken (services.campaigns.register.take_register), as issuing the
   first household codes does: village counter rows exist for every village.
3. A sample of `--sample` real responses recorded through services.responses.record (household
   codes of sampled villages, and open-link answers), on every channel; the counters they leave
   are checked equal to a GROUP BY on the responses and answers tables (communes, items,
   villages, village items). Any difference stops the benchmark.
4. Counters are then bulk-loaded on top, village by village, until the campaigns hold each size:
   a village's respondents, overall and per-item tallies (with some "no opinion"), summed into its
   commune's rows, and spread over the campaign's days and channels, so every total agrees with
   every other (the commune's respondents are its villages' plus its open-link answers).
For each size a fresh process, which has done nothing else, times (median and p95 of --repeat
runs) the national view (services.indices.national.national_view, every province with communes
meeting, coverage and report status), the largest province's index with its communes
(services.indices.dashboard.unit_index, what its dashboard reads) and a commune's index with its
villages (unit_index + services.indices.villages.village_rows), and prints its peak memory.
The last lines print the 10 M / 1 M ratios. Targets (issue #21): national view <= 1 s, a
province <= 150 ms, a commune <= 50 ms, ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import conditions, cpu

ITEMS_NO_OPINION = 0.03
CHANNEL_SHARES = (("web", 0.7), ("sms", 0.2), ("assisted", 0.1))
DAYS = 10  # the bulk-loaded answers are spread over the campaign's first days
PASSWORD = "bench-password-national"



def _app(database_url: str):  # type: ignore[no-untyped-def]
    from feedback_app import create_app

    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench", "SMS_BACKEND": "fake",
                       "WTF_CSRF_ENABLED": False, "REDIS_URL": ""})


def _timed(run: Any, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(len(times) * 0.95) - 1)]


def _villages(rng: random.Random, per_commune: int) -> int:
    """Insert the synthetic villages of every rural commune; their count."""
    from sqlalchemy import insert, select

    from feedback_app.clock import local_today
    from feedback_app.domain.units import is_surveyed
    from feedback_app.extensions import db
    from feedback_app.models import Unit

    communes = db.session.execute(select(Unit.id, Unit.code, Unit.unit_type).where(
        Unit.scheme == "vn-2025", Unit.level == "commune")).all()
    rows = []
    totals: dict[int, int] = {}
    for commune_id, code, unit_type in communes:
        if not is_surveyed(unit_type, False):
            continue
        total = 0
        for number in range(1, per_commune + 1):
            households = rng.randint(130, 250)
            total += households
            name = f"Thôn {number}"
            rows.append({"scheme": "vn-2025", "code": f"{code}{number:03d}", "parent_id": commune_id,
                         "level": "village", "unit_type": "thon", "name": name, "full_name": name,
                         "name_en": f"Village {number}", "full_name_en": f"Village {number}",
                         "households": households, "households_synthetic": True,
                         "valid_from": local_today()})
        totals[commune_id] = total
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Unit), rows[start:start + 5000])
    for commune_id, total in totals.items():
        db.session.execute(Unit.__table__.update().where(Unit.__table__.c.id == commune_id)
                           .values(households=total, households_synthetic=True))
    db.session.commit()
    return len(rows)


def build(database_url: str, units_csv: Path, per_commune: int, sample: int) -> dict[str, Any]:
    """Units, villages, campaigns, registers, the sample through the service and its check."""
    from flask_migrate import upgrade
    from sqlalchemy import MetaData, select

    from feedback_app.clock import local_today
    from feedback_app.extensions import db
    from feedback_app.models import Campaign, CampaignCommune, Unit
    from feedback_app.services.accounts.users import create_account
    from feedback_app.services.campaigns.register import take_register
    from feedback_app.services.campaigns.setup import NewCampaign, create_campaign, issue_codes
    from feedback_app.services.surveys import find_survey
    from feedback_app.services.units.importing import import_units

    app = _app(database_url)
    rng = random.Random(2026)
    figures: dict[str, Any] = {}
    with app.app_context():
        if not database_url.startswith("sqlite"):
            meta = MetaData()
            meta.reflect(bind=db.engine)
            meta.drop_all(bind=db.engine)
        upgrade()
        started = time.perf_counter()
        with units_csv.open(encoding="utf-8") as stream:
            import_units(stream)
        db.session.commit()
        figures["villages"] = _villages(rng, per_commune)
        survey = find_survey(Path(app.config["SURVEYS_DIR"]), "ntm-xa-2026")
        today = local_today()
        provinces = db.session.scalars(select(Unit).where(Unit.scheme == "vn-2025",
                                                          Unit.level == "province")).all()
        for province in provinces:
            campaign = create_campaign(NewCampaign(
                key=f"ntm-{province.code}-2026", survey=survey, scheme="vn-2025",
                unit_code=province.code, opens_on=today - timedelta(days=DAYS),
                closes_on=today + timedelta(days=20), household_codes=True, open_link=True))
            for commune in campaign.communes:
                take_register(campaign, commune)
            db.session.commit()
        figures["setup_seconds"] = round(time.perf_counter() - started, 1)
        campaigns = db.session.scalars(select(Campaign)).all()
        figures["campaigns"] = len(campaigns)
        figures["communes"] = db.session.scalar(select(db.func.count()).select_from(CampaignCommune))
        create_account("bench-vn", PASSWORD, "vn-2025", "VN", "viewer")
        db.session.commit()
        figures["sample_seconds"] = _sample(rng, campaigns, sample, issue_codes)
        _check_sample()
        figures["sample"] = sample
    return figures


def _sample(rng: random.Random, campaigns: list[Any], size: int, issue_codes: Any) -> float:
    """`size` responses through the service: by household code in sampled villages, and by open
    link; spread over the campaigns. The seconds it took."""
    from sqlalchemy import select

    from feedback_app.extensions import db
    from feedback_app.models import CampaignVillage, HouseholdCode, Unit
    from feedback_app.services.responses.record import Channel, Submission, record_response
    from feedback_app.services.surveys import survey_of

    started = time.perf_counter()
    per_commune = 25
    chosen = rng.sample([(c, cc) for c in campaigns for cc in c.communes],
                        max(1, size // per_commune))
    channels = (Channel.WEB, Channel.WEB, Channel.SMS, Channel.ASSISTED)
    done = 0
    for campaign, commune in chosen:
        survey = survey_of(campaign.survey_version)
        village_ids = db.session.scalars(select(CampaignVillage.village_id).where(
            CampaignVillage.campaign_id == campaign.id,
            CampaignVillage.commune_id == commune.unit_id)).all()
        village = db.session.get(Unit, rng.choice(village_ids))
        issue_codes(campaign, commune, 20, village=village)
        db.session.commit()
        codes = db.session.scalars(select(HouseholdCode.code).where(
            HouseholdCode.campaign_id == campaign.id, HouseholdCode.village_id == village.id)).all()
        commune_code = db.session.get(Unit, commune.unit_id).code
        for n in range(per_commune):
            if done >= size:
                break
            answers = {item: rng.choice((1, 1, 1, 2, 0)) for item in survey.item_ids}
            by_code = n < len(codes)
            record_response(Submission(
                campaign_key=None if by_code else campaign.key, channel=rng.choice(channels),
                answers=answers, client_uuid=str(uuid.uuid4()),
                household_code=codes[n] if by_code else None,
                commune_code=None if by_code else commune_code))
            db.session.commit()
            done += 1
    return round(time.perf_counter() - started, 1)


def _check_sample() -> None:
    """The counters the sample left equal a GROUP BY on its responses and answers."""
    from sqlalchemy import case, func, select

    from feedback_app.extensions import db
    from feedback_app.models import (
        Answer,
        Campaign,
        CommuneCounter,
        ItemCounter,
        Response,
        VillageCounter,
        VillageItemCounter,
    )
    from feedback_app.services.surveys import survey_of

    overall_item = {}
    satisfied: dict[int, frozenset[int]] = {}
    for campaign in db.session.scalars(select(Campaign)):
        survey = survey_of(campaign.survey_version)
        overall_item[campaign.id] = next(item.id for item in survey.items if item.overall)
        satisfied[campaign.id] = survey.scale_type.satisfied_values

    def grouped(unit: Any) -> tuple[dict[tuple[int, int], tuple[int, ...]],
                                    dict[tuple[int, int, str], tuple[int, int, int]]]:
        people: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
        items: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        query = (select(Response.campaign_id, unit, Answer.item_id, Answer.value,
                        func.count()).join(Answer, Answer.response_id == Response.id)
                 .where(unit.is_not(None))
                 .group_by(Response.campaign_id, unit, Answer.item_id, Answer.value))
        for campaign_id, unit_id, item_id, value, n in db.session.execute(query):
            tally = items[(campaign_id, unit_id, item_id)]
            tally[0] += n if value in satisfied[campaign_id] else 0
            tally[1] += n if value != 0 else 0
            tally[2] += n if value == 0 else 0
            if item_id == overall_item[campaign_id]:
                person = people[(campaign_id, unit_id)]
                person[0] += n
                person[1] += n if value in satisfied[campaign_id] else 0
                person[2] += n if value != 0 else 0
        return ({k: tuple(v) for k, v in people.items()},
                {k: (v[0], v[1], v[2]) for k, v in items.items()})

    for unit, counter, item_counter, column in (
            (Response.commune_id, CommuneCounter, ItemCounter, "commune_id"),
            (Response.village_id, VillageCounter, VillageItemCounter, "village_id")):
        people, items = grouped(unit)
        unit_column = getattr(counter, column)
        found = {(r[0], r[1]): (r[2], r[3], r[4]) for r in db.session.execute(
            select(counter.campaign_id, unit_column, counter.respondents,
                   counter.overall_satisfied, counter.overall_valid)
            .where(counter.respondents > 0))}
        assert found == people, f"{counter.__tablename__} differ from a GROUP BY of the sample"
        item_unit = getattr(item_counter, column)
        found_items = {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in db.session.execute(
            select(item_counter.campaign_id, item_unit, item_counter.item_id, item_counter.satisfied,
                   item_counter.valid, item_counter.no_opinion)
            .where((item_counter.valid + item_counter.no_opinion) > 0))}
        assert found_items == items, f"{item_counter.__tablename__} differ from a GROUP BY"
    channels = {(r[0], r[1]): (r[2], r[3], r[4]) for r in db.session.execute(
        select(Response.campaign_id, Response.commune_id,
               func.sum(case((Response.channel == "web", 1), else_=0)),
               func.sum(case((Response.channel == "sms", 1), else_=0)),
               func.sum(case((Response.channel == "assisted", 1), else_=0)))
        .group_by(Response.campaign_id, Response.commune_id))}
    found_channels = {(r[0], r[1]): (r[2], r[3], r[4]) for r in db.session.execute(
        select(CommuneCounter.campaign_id, CommuneCounter.commune_id, CommuneCounter.via_web,
               CommuneCounter.via_sms, CommuneCounter.via_assisted)
        .where(CommuneCounter.respondents > 0))}
    assert found_channels == channels, "channel counters differ from a GROUP BY of the sample"
    coded: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for campaign_id, commune_id, item_id, value, n in db.session.execute(
            select(Response.campaign_id, Response.commune_id, Answer.item_id, Answer.value, func.count())
            .join(Answer, Answer.response_id == Response.id)
            .where(Response.household_code_id.is_not(None))
            .group_by(Response.campaign_id, Response.commune_id, Answer.item_id, Answer.value)):
        if item_id == overall_item[campaign_id]:
            person = coded[(campaign_id, commune_id)]
            person[0] += n
            person[1] += n if value in satisfied[campaign_id] else 0
            person[2] += n if value != 0 else 0
    found_coded = {(r[0], r[1]): [r[2], r[3], r[4]] for r in db.session.execute(
        select(CommuneCounter.campaign_id, CommuneCounter.commune_id,
               CommuneCounter.coded_respondents, CommuneCounter.coded_overall_satisfied,
               CommuneCounter.coded_overall_valid).where(CommuneCounter.coded_respondents > 0))}
    assert found_coded == dict(coded), "household-code counters differ from a GROUP BY of the sample"
    commented = {(r[0], r[1]): r[2] for r in db.session.execute(
        select(Response.campaign_id, Response.commune_id, func.count())
        .where(Response.comment.is_not(None), Response.comment != "")
        .group_by(Response.campaign_id, Response.commune_id))}
    found_comments = {(r[0], r[1]): r[2] for r in db.session.execute(
        select(CommuneCounter.campaign_id, CommuneCounter.commune_id, CommuneCounter.comments)
        .where(CommuneCounter.comments > 0))}
    assert found_comments == commented, "comment counters differ from a GROUP BY of the sample"


def bulk_load(database_url: str, total: int, seed: int) -> dict[str, Any]:
    """Add counts, village by village, until the campaigns hold `total` responses."""
    from sqlalchemy import bindparam, func, insert, select

    from feedback_app.clock import local_today
    from feedback_app.extensions import db
    from feedback_app.models import (
        Campaign,
        CampaignVillage,
        CommuneCounter,
        DailyCounter,
        ItemCounter,
        VillageCounter,
        VillageItemCounter,
    )
    from feedback_app.services.surveys import survey_of

    app = _app(database_url)
    rng = random.Random(seed)
    with app.app_context():
        started = time.perf_counter()
        held = db.session.scalar(select(func.sum(CommuneCounter.respondents))) or 0
        wanted = total - held
        villages = db.session.execute(select(CampaignVillage.campaign_id, CampaignVillage.commune_id,
                                             CampaignVillage.village_id,
                                             CampaignVillage.households)).all()
        households = sum(v[3] for v in villages)
        share = wanted / households
        items_of = {c.id: survey_of(c.survey_version) for c in db.session.scalars(select(Campaign))}
        opens = {c.id: c.opens_on for c in db.session.scalars(select(Campaign))}
        village_rows, village_item_rows = [], []
        commune: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
        commune_items: dict[tuple[int, int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        added = 0
        commune_rates: dict[tuple[int, int], float] = {}
        counts = [min(registered, int(registered * share + rng.random()))
                  for *_, registered in villages]
        # The rounding's difference, a response at a time, on villages with room for it.
        missing = wanted - sum(counts)
        step = 1 if missing > 0 else -1
        index = 0
        while missing:
            if (counts[index] < villages[index][3]) if step > 0 else (counts[index] > 0):
                counts[index] += step
                missing -= step
            index = (index + 1) % len(counts)
        for (campaign_id, commune_id, village_id, _), n in zip(villages, counts, strict=True):
            added += n
            if n <= 0:
                continue
            # A commune's satisfaction, and its villages' around it: some communes meet 90 %.
            if (campaign_id, commune_id) not in commune_rates:
                commune_rates[(campaign_id, commune_id)] = rng.uniform(0.8, 0.99)
            rate = min(0.995, commune_rates[(campaign_id, commune_id)] + rng.uniform(-0.03, 0.03))
            survey = items_of[campaign_id]
            overall_valid = n - int(n * ITEMS_NO_OPINION)
            overall_satisfied = int(overall_valid * rate)
            village_rows.append({"b_campaign": campaign_id, "b_unit": village_id, "d_n": n,
                                 "d_s": overall_satisfied, "d_v": overall_valid})
            web = int(n * CHANNEL_SHARES[0][1])
            sms = int(n * CHANNEL_SHARES[1][1])
            row = commune[(campaign_id, commune_id)]
            for column, value in enumerate((n, overall_satisfied, overall_valid, web, sms,
                                            n - web - sms)):
                row[column] += value
            for item in survey.items:
                if item.overall:
                    s, v, o = overall_satisfied, overall_valid, n - overall_valid
                else:
                    o = int(n * ITEMS_NO_OPINION * rng.uniform(0.5, 1.5))
                    v = n - o
                    s = int(v * min(1.0, rate * rng.uniform(0.9, 1.05)))
                village_item_rows.append({"b_campaign": campaign_id, "b_unit": village_id,
                                          "b_item": item.id, "d_s": s, "d_v": v, "d_o": o})
                tally = commune_items[(campaign_id, commune_id, item.id)]
                tally[0] += s
                tally[1] += v
                tally[2] += o

        def add(model: Any, unit: str, rows: list[dict[str, Any]], columns: dict[str, str],
                item: bool) -> None:
            table = model.__table__
            where = [table.c.campaign_id == bindparam("b_campaign"),
                     table.c[unit] == bindparam("b_unit")]
            if item:
                where.append(table.c.item_id == bindparam("b_item"))
            statement = table.update().where(*where).values(
                {column: table.c[column] + bindparam(param) for column, param in columns.items()})
            connection = db.session.connection()
            for start in range(0, len(rows), 20_000):
                connection.execute(statement, rows[start:start + 20_000])

        people = {"respondents": "d_n", "overall_satisfied": "d_s", "overall_valid": "d_v"}
        tallies = {"satisfied": "d_s", "valid": "d_v", "no_opinion": "d_o"}
        add(VillageCounter, "village_id", village_rows, people, False)
        add(VillageItemCounter, "village_id", village_item_rows, tallies, True)
        add(CommuneCounter, "commune_id", [
            {"b_campaign": c, "b_unit": u, "d_n": r[0], "d_s": r[1], "d_v": r[2], "d_w": r[3],
             "d_m": r[4], "d_a": r[5]} for (c, u), r in commune.items()],
            # Every bulk count is a village's: answers with its households' codes.
            {**people, "via_web": "d_w", "via_sms": "d_m", "via_assisted": "d_a",
             "coded_respondents": "d_n", "coded_overall_satisfied": "d_s",
             "coded_overall_valid": "d_v"}, False)
        add(ItemCounter, "commune_id", [
            {"b_campaign": c, "b_unit": u, "b_item": i, "d_s": r[0], "d_v": r[1], "d_o": r[2]}
            for (c, u, i), r in commune_items.items()], tallies, True)
        # Days: the answers of each commune and channel spread over the campaign's first days,
        # merged into the rows the sample wrote (today's) or new rows.
        existing = {(r[0], r[1], r[2], r[3]): r[4] for r in db.session.execute(
            select(DailyCounter.campaign_id, DailyCounter.commune_id, DailyCounter.day,
                   DailyCounter.channel, DailyCounter.responses))}
        daily_new, daily_add = [], []
        for (campaign_id, commune_id), r in commune.items():
            for channel, count in zip(("web", "sms", "assisted"), r[3:], strict=True):
                for day_number in range(DAYS):
                    part = count // DAYS + (1 if day_number < count % DAYS else 0)
                    if not part:
                        continue
                    day = opens[campaign_id] + timedelta(days=day_number)
                    if day > local_today():
                        day = local_today()
                    key = (campaign_id, commune_id, day, channel)
                    if key in existing:
                        daily_add.append({"b_campaign": campaign_id, "b_unit": commune_id,
                                          "b_day": day, "b_channel": channel, "d_r": part})
                    else:
                        existing[key] = part
                        daily_new.append({"campaign_id": campaign_id, "commune_id": commune_id,
                                          "day": day, "channel": channel, "responses": part})
        for start in range(0, len(daily_new), 20_000):
            db.session.execute(insert(DailyCounter), daily_new[start:start + 20_000])
        if daily_add:
            table = DailyCounter.__table__
            db.session.connection().execute(table.update().where(
                table.c.campaign_id == bindparam("b_campaign"),
                table.c.commune_id == bindparam("b_unit"), table.c.day == bindparam("b_day"),
                table.c.channel == bindparam("b_channel")).values(
                responses=table.c.responses + bindparam("d_r")), daily_add)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does to a table after many updates: without it the counters the
            # reads use carry every old row version of the bulk load.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        now = db.session.scalar(select(func.sum(CommuneCounter.respondents)))
        villages_sum = db.session.scalar(select(func.sum(VillageCounter.respondents)))
        daily_sum = db.session.scalar(select(func.sum(DailyCounter.responses)))
        assert now == total, (now, total)
        assert daily_sum == total, (daily_sum, total)
        return {"responses": now, "in_villages": villages_sum, "households": households,
                "seconds": round(time.perf_counter() - started, 1)}


def measure(database_url: str, repeat: int) -> dict[str, Any]:
    """In this fresh process: the three reads, median and p95, and the peak memory."""
    from sqlalchemy import func, select

    from feedback_app.extensions import db
    from feedback_app.models import Account, Campaign, CampaignCommune, CampaignVillage, Unit
    from feedback_app.services.accounts.users import principal_of
    from feedback_app.services.campaigns.setup import campaign_rules
    from feedback_app.services.indices.dashboard import unit_index
    from feedback_app.services.indices.index import content_items
    from feedback_app.services.indices.national import national_view
    from feedback_app.services.indices.villages import village_rows
    from feedback_app.services.surveys import survey_of

    app = _app(database_url)
    with app.app_context():
        before = cpu.memory_mb("VmRSS")
        country = principal_of(db.session.scalars(select(Account).filter_by(username="bench-vn")).one())
        largest_id, communes = db.session.execute(
            select(Campaign.id, func.count()).join(CampaignCommune)
            .group_by(Campaign.id).order_by(func.count().desc()).limit(1)).one()
        campaign = db.session.get(Campaign, largest_id)
        province_code = campaign.unit.code
        villages = db.session.scalar(select(func.count()).select_from(CampaignVillage)
                                     .where(CampaignVillage.campaign_id == campaign.id))
        commune_id = db.session.scalars(select(CampaignCommune.unit_id).where(
            CampaignCommune.campaign_id == campaign.id).order_by(CampaignCommune.unit_id)).first()
        commune_code = db.session.get(Unit, commune_id).code
        rules = campaign_rules(campaign, content_items(survey_of(campaign.survey_version)))
        items = content_items(survey_of(campaign.survey_version))
        view = national_view(country)
        result: dict[str, Any] = {
            "provinces": len(view.rows), "communes_total": view.communes_total,
            "communes_meeting": view.communes_meeting, "largest": province_code,
            "largest_communes": communes, "largest_villages": villages, "commune": commune_code,
        }
        result["national"] = _timed(lambda: (national_view(country), db.session.rollback()), repeat)
        result["province"] = _timed(
            lambda: (unit_index(country, campaign.key, province_code), db.session.rollback()), repeat)

        def commune_read() -> None:
            report = unit_index(country, campaign.key, commune_code)
            rows = village_rows(campaign, commune_id, rules, items)
            assert report.root is not None and len(rows) > 0
            db.session.rollback()
        result["commune_ms"] = _timed(commune_read, repeat)
        result["commune_villages"] = len(village_rows(campaign, commune_id, rules, items))
        result["before_mb"] = round(before, 1)
        result["peak_mb"] = round(cpu.memory_mb("VmHWM"), 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("units_csv", type=Path, help="the 2025 unit list (units import format)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--villages", type=int, default=24)
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-national-')}/bench.sqlite"
    if args.measure:
        print(json.dumps(measure(url, args.repeat)))
        return
    conditions.print_line()
    built = build(url, args.units_csv, args.villages, args.sample)
    print(f"# {url.split(':')[0]}: {built['campaigns']} campaigns, {built['communes']} communes, "
          f"{built['villages']} villages; set up in {built['setup_seconds']} s; "
          f"{built['sample']} sample responses through the service in {built['sample_seconds']} s, "
          "their counters equal a GROUP BY of them", flush=True)
    results = {}
    for seed, size in enumerate(int(s) for s in args.sizes.split(",")):
        loaded = bulk_load(url, size, seed)
        print(f"# counters for {loaded['responses']:,} responses ({loaded['in_villages']:,} in "
              f"villages; {loaded['households']:,} registered households), loaded in "
              f"{loaded['seconds']} s", flush=True)
        out = subprocess.run([sys.executable, __file__, str(args.units_csv), "--measure",
                              "--database-url", url, "--repeat", str(args.repeat)],
                             check=True, capture_output=True, text=True)
        got = json.loads(out.stdout.strip().splitlines()[-1])
        results[size] = got
        print(f"{size:>11,} responses: national view ({got['provinces']} provinces, "
              f"{got['communes_meeting']}/{got['communes_total']} communes meeting) "
              f"{got['national'][0]:.0f} ms (p95 {got['national'][1]:.0f}); province {got['largest']} "
              f"({got['largest_communes']} communes, {got['largest_villages']} villages) "
              f"{got['province'][0]:.1f} ms (p95 {got['province'][1]:.1f}); commune {got['commune']} "
              f"with {got['commune_villages']} villages {got['commune_ms'][0]:.1f} ms "
              f"(p95 {got['commune_ms'][1]:.1f}); peak memory {got['peak_mb']} MB "
              f"(before {got['before_mb']} MB)", flush=True)
    sizes = sorted(results)
    if len(sizes) >= 2:
        low, high = results[sizes[0]], results[sizes[-1]]
        for name, key in (("national view", "national"), ("province", "province"),
                          ("commune", "commune_ms")):
            print(f"ratio {sizes[-1]:,} / {sizes[0]:,} {name}: {high[key][0] / low[key][0]:.2f} "
                  "(target <= 1.5)")
        print(f"ratio peak memory: {high['peak_mb'] / low['peak_mb']:.2f}")


if __name__ == "__main__":
    main()
