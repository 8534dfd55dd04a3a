"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO
from typing import Any

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import Campaign
from feedback_app.services.campaigns.setup import code_rows
from feedback_app.services.surveys import survey_of

PUBLIC_BASE_URL = "https://khaosat.example.vn"
TWILIO_AUTH_TOKEN = "test-twilio-auth-token"

# A small real-shaped tree: Lai Châu (vn-2025) with two communes and one ward.
UNITS_CSV = """\
scheme,code,parent_code,level,unit_type,name,full_name,name_en,full_name_en,\
households,households_synthetic
vn-2025,12,,province,province,Lai Châu,Tỉnh Lai Châu,Lai Chau,Lai Chau Province,,
vn-2025,03390,12,commune,commune,Bình Lư,Xã Bình Lư,Binh Lu,Binh Lu Commune,40,true
vn-2025,03430,12,commune,commune,Tả Lèng,Xã Tả Lèng,Ta Leng,Ta Leng Commune,25,true
vn-2025,03388,12,commune,ward,Đoàn Kết,Phường Đoàn Kết,Doan Ket,Doan Ket Ward,60,true
"""


def codes_of(campaign: Campaign, commune_code: str | None = None) -> list[str]:
    return [row.code for row in code_rows(campaign, commune_code)]


def all_answers(campaign: Campaign, value: int = 1) -> dict[str, int]:
    """An answer for every item of the campaign's survey."""
    return {item_id: value for item_id in survey_of(campaign.survey_version).item_ids}


def form_fields(html: str) -> dict[str, str]:
    """The hidden fields of a rendered form (rid...)."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def past(days: int) -> date:
    return local_today() - timedelta(days=days)


def unissued_code(n: int) -> str:
    """A well-formed code (right check digit) that was never issued: what a guesser would send."""
    from feedback_app.domain.codes import damm_digit

    body = f"{n:014d}"
    return body + str(damm_digit(body))


def mistyped_code(n: int) -> str:
    """A 15-digit code whose check digit is wrong: what a typo gives."""
    good = unissued_code(n)
    return good[:-1] + str((int(good[-1]) + 1) % 10)


def at_once(count: int, run):  # type: ignore[no-untyped-def]
    """`run(n)` in `count` threads released together; their results in order (an exception in a
    thread is raised here). Each thread must make its own test client."""
    import threading

    barrier = threading.Barrier(count)
    results: list[object] = [RuntimeError("not run")] * count

    def worker(n: int) -> None:
        try:
            barrier.wait()
            results[n] = run(n)
        except BaseException as exc:  # re-raised by the caller's thread
            results[n] = exc

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def old_campaign(**overrides: Any) -> tuple[int, int]:
    """In a migration test's app context: the schema at head, the test units and a committed
    campaign "old" over province 12 on the 19-criteria survey (keyword arguments override
    NewCampaign fields), to be migrated down and up again around rows of the schema of before.
    Its id and its first commune's are read before the commit, so that no transaction of the
    session stays open to block the migration's ALTER TABLE on PostgreSQL."""
    from flask_migrate import upgrade

    from feedback_app.config import PROJECT_ROOT
    from feedback_app.services.campaigns.setup import NewCampaign, create_campaign
    from feedback_app.services.surveys import find_survey
    from feedback_app.services.units.importing import import_units

    upgrade()
    import_units(StringIO(UNITS_CSV))
    fields: dict[str, Any] = {
        "key": "old", "survey": find_survey(PROJECT_ROOT / "surveys", "ntm-commune"),
        "scheme": "vn-2025", "unit_code": "12", "opens_on": date(2026, 3, 1),
        "closes_on": date(2026, 3, 30), "household_codes": True, **overrides}
    campaign = create_campaign(NewCampaign(**fields))
    ids = campaign.id, campaign.communes[0].unit_id
    db.session.commit()
    return ids


def migration_app(database_url: str):  # type: ignore[no-untyped-def]
    """An app of its own on `database_url`, for the tests that migrate a database up and down."""
    from feedback_app import create_app
    from feedback_app.config import PROJECT_ROOT

    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                       "PUBLIC_BASE_URL": PUBLIC_BASE_URL, "SURVEYS_DIR": str(PROJECT_ROOT / "surveys"),
                       "SMS_BACKEND": "fake", "REDIS_URL": None})
