"""Reasons when not satisfied, through the services: stored with the response (answers.reason and
the committees' remarks), part of what a replay must repeat, counted nowhere in the index, listed
for committees with filters and keyset pages, grouped per item for the dashboard and the report."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback_app.clock import local_today
from feedback_app.domain.access import Principal, Role
from feedback_app.extensions import db
from feedback_app.models import Answer, Remark, Response, Unit
from feedback_app.services.errors import Refused
from feedback_app.services.indices.index import campaign_index
from feedback_app.services.remarks.listing import Filters, remarks_page, remarks_scope
from feedback_app.services.remarks.reasons import reasons_by_item
from feedback_app.services.reports.content import results_content
from feedback_app.services.responses.record import Channel, Submission, record_response

from ..support import all_answers


@pytest.fixture
def campaign(make_campaign):  # type: ignore[no-untyped-def]
    return make_campaign(survey_id="ntm-xa-2026")


def answer(campaign, commune: str = "03390", reasons=None, comment: str = "",  # type: ignore[no-untyped-def]
           channel: Channel = Channel.WEB, client_uuid: str | None = None, **values: int):
    answers = all_answers(campaign)
    answers.update(values)
    recorded = record_response(Submission(
        campaign_key=campaign.key, channel=channel, answers=answers, commune_code=commune,
        client_uuid=client_uuid or str(uuid.uuid4()), comment=comment, reasons=reasons or {}))
    db.session.commit()
    return recorded


def committee(unit: str) -> Principal:
    """A signed-in committee account's principal (it carries its unit's id)."""
    found = db.session.scalar(select(Unit).filter_by(scheme="vn-2025", code=unit))
    return Principal(f"mttq-{unit}", Role.VIEWER, unit_id=found.id)


def test_a_reason_is_stored_with_its_answer_and_as_a_remark(campaign):
    recorded = answer(campaign, reasons={"c02": "  Đường vào thôn còn lầy lội  ", "c03": "satisfied"},
                      comment="Cảm ơn", c02=2)
    stored = {a.item_id: a.reason for a in db.session.scalars(
        select(Answer).filter_by(response_id=recorded.response_id))}
    assert stored["c02"] == "Đường vào thôn còn lầy lội"  # stripped
    assert stored["c03"] is None  # c03 was answered "satisfied": its reason is dropped
    remarks = {r.item_id: (r.text, r.folded) for r in db.session.scalars(select(Remark))}
    assert remarks == {"c02": ("Đường vào thôn còn lầy lội", "duong vao thon con lay loi"),
                       None: ("Cảm ơn", "cam on")}


def test_a_replay_must_repeat_the_reasons(campaign):
    rid = str(uuid.uuid4())
    first = answer(campaign, reasons={"c02": "lầy lội"}, client_uuid=rid, c02=2)
    again = answer(campaign, reasons={"c02": "lầy lội"}, client_uuid=rid, c02=2)
    assert first.created and not again.created
    with pytest.raises(Refused) as refused:
        answer(campaign, reasons={"c02": "something else"}, client_uuid=rid, c02=2)
    assert refused.value.reason == "uuid_conflict"
    assert db.session.scalar(select(Remark.text)) == "lầy lội"


def test_a_reason_too_long_refuses_the_whole_response(campaign):
    with pytest.raises(Refused) as refused:
        answer(campaign, reasons={"c02": "x" * 301}, c02=2)
    assert refused.value.reason == "answers_invalid" and refused.value.status == 422
    db.session.rollback()
    assert db.session.scalar(select(Response.id)) is None


def test_reasons_change_no_figure_of_the_index(campaign, make_campaign):
    for n in range(6):
        answer(campaign, c02=2 if n % 2 else 1, reasons={"c02": f"reason {n}"} if n % 2 else {})
    with_reasons = campaign_index(campaign.key, "12").root.figures
    db.session.execute(Remark.__table__.delete())
    db.session.execute(Answer.__table__.update().values(reason=None))
    db.session.commit()
    without = campaign_index(campaign.key, "12").root.figures
    assert with_reasons.counts == without.counts and with_reasons.rate == without.rate
    assert with_reasons.counts.items["c02"].satisfied == 3


def test_reasons_grouped_per_item_newest_first_with_their_count(campaign):
    for n in range(5):
        answer(campaign, reasons={"c02": f"road {n}"}, c02=2)
    answer(campaign, reasons={"overall": "overall reason"}, overall=2)
    answer(campaign, "03430", reasons={"c02": "other commune"}, c02=2)
    scope = remarks_scope(committee("03390"), campaign.key, "03390")
    groups = reasons_by_item(campaign, [u.id for u in scope.communes], scope.survey)
    assert [(g.item_id, g.total) for g in groups] == [("c02", 5), ("overall", 1)]
    assert [r.text for r in groups[0].latest] == ["road 4", "road 3", "road 2"]
    whole = reasons_by_item(campaign, [u.id for u in remarks_scope(committee("12"), campaign.key,
                                                                     "12").communes], scope.survey)
    assert whole[0].total == 6 and whole[0].latest[0].text == "other commune"


def test_the_report_content_quotes_the_reasons_and_its_public_part_does_not(campaign):
    answer(campaign, reasons={"c02": "Đường lầy lội"}, c02=2)
    content = results_content(campaign, campaign.unit)
    assert content["resident_reasons"][0]["item"] == "c02"
    assert content["resident_reasons"][0]["latest"][0]["text"] == "Đường lầy lội"
    assert "Đường lầy lội" not in str(content["public"])


def test_filters_words_without_diacritics_and_keyset_pages(campaign):
    answer(campaign, reasons={"c02": "Đường làng hư hỏng"}, c02=2)
    answer(campaign, comment="Cần thêm đèn đường", channel=Channel.WEB)
    answer(campaign, "03430", comment="Trạm y tế xa")
    scope = remarks_scope(committee("12"), campaign.key, "12")

    def texts(**kw):  # type: ignore[no-untyped-def]
        return [r.text for r in remarks_page(scope, Filters(**kw)).rows]

    assert texts() == ["Trạm y tế xa", "Cần thêm đèn đường", "Đường làng hư hỏng"]
    assert texts(words="duong") == ["Cần thêm đèn đường", "Đường làng hư hỏng"]
    assert texts(words="ĐƯỜNG hư") == ["Đường làng hư hỏng"]
    assert texts(words="duong lang") == ["Đường làng hư hỏng"]
    assert texts(item="comment") == ["Trạm y tế xa", "Cần thêm đèn đường"]
    assert texts(item="reasons") == texts(item="c02") == ["Đường làng hư hỏng"]
    assert texts(commune="03430") == ["Trạm y tế xa"]
    assert texts(channel="sms") == []
    today = local_today()
    assert len(texts(since=today, until=today)) == 3
    assert texts(until=today - timedelta(days=1)) == []
    first = remarks_page(scope, Filters(), per_page=2)
    assert first.total == 3 and first.next_after is not None
    second = remarks_page(scope, Filters(after=first.next_after), per_page=2)
    assert [r.text for r in second.rows] == ["Đường làng hư hỏng"] and second.next_after is None


def test_a_commune_committee_reads_only_its_commune(campaign):
    answer(campaign, "03430", comment="Tả Lèng's comment")
    scope = remarks_scope(committee("03390"), campaign.key, "03390")
    assert remarks_page(scope, Filters()).rows == []
    with pytest.raises(Refused) as refused:
        remarks_scope(committee("03390"), campaign.key, "03430")
    assert refused.value.status == 403
    with pytest.raises(Refused) as refused:
        remarks_scope(committee("03390"), campaign.key, "12")
    assert refused.value.status == 403
