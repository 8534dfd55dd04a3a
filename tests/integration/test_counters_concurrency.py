"""Workers recording responses at the same time never lose a count (PostgreSQL; SQLite has a
single writer)."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import CommuneCounter, ItemCounter
from feedback_app.services.indices.rebuild import rebuild
from feedback_app.services.responses.record import Channel, Submission, record_response

from ..indices_support import counter_rows
from ..skips import postgresql_only
from ..support import all_answers

WORKERS, EACH = 4, 15


def test_concurrent_submissions_keep_exact_counters(app, campaign):
    postgresql_only("needs a database with concurrent writers")
    answers = all_answers(campaign)
    errors: list[BaseException] = []
    barrier = threading.Barrier(WORKERS)

    def worker(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                for i in range(EACH):
                    record_response(Submission(
                        campaign.key, Channel.SMS, answers | {"overall": 1 + (i + n) % 2},
                        str(uuid.uuid4()), commune_code="03390"))
                    db.session.commit()
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert db.session.scalar(select(func.sum(CommuneCounter.respondents))) == WORKERS * EACH
    assert db.session.scalar(select(CommuneCounter.via_sms).where(CommuneCounter.respondents > 0)) == 60
    assert db.session.scalar(select(func.sum(ItemCounter.valid)).where(ItemCounter.item_id == "c01")) == 60
    counted = counter_rows(campaign.id)
    assert rebuild(campaign).rows_corrected == 0
    assert counter_rows(campaign.id) == counted
