"""Every response of a unit, one row each (CSV streamed, XLSX): committees only, in scope; village,
commune, channel, day, every answer by its question, reasons and comment (formula-safe); never a
household code or anything that identifies a household."""

from __future__ import annotations

import csv
import io
import uuid

import openpyxl
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Account, HouseholdCode
from feedback_app.services.accounts.users import principal_of
from feedback_app.services.campaigns.setup import campaign_commune, issue_codes
from feedback_app.services.responses.record import Channel, Submission, record_response
from feedback_app.services.units.villages import add_village

from ..committee_support import logged_in, make_account
from ..reports_support import answered
from ..support import all_answers

URL = "/committee/campaigns/test-campaign/units/{code}/export/responses.{fmt}"


def _setup(make_campaign):  # type: ignore[no-untyped-def]
    """A village of 03390 with two answers by household code (one with a reason and a comment that
    looks like a formula), two open-link answers in 03390 and one in 03430."""
    make_account("can-bo-xa", "03390")
    principal = principal_of(db.session.scalars(select(Account).filter_by(username="can-bo-xa")).one())
    village = add_village(principal, "03390", {"name": "Thôn Nà Sài", "households": "5",
                                                     "kind": "thon"})
    db.session.commit()
    campaign = make_campaign(codes=0, survey_id="ntm-xa-2026")
    issue_codes(campaign, campaign_commune(campaign, "03390"), 2, village=village)
    db.session.commit()
    codes = db.session.scalars(select(HouseholdCode.code).where(
        HouseholdCode.campaign_id == campaign.id)).all()
    answers = all_answers(campaign, 1)
    record_response(Submission(campaign_key=None, channel=Channel.WEB, answers=answers,
                               client_uuid=str(uuid.uuid4()), household_code=codes[0]))
    record_response(Submission(campaign_key=None, channel=Channel.SMS,
                               answers={**answers, "c02": 2}, reasons={"c02": "Đường lầy"},
                               comment="=HYPERLINK(\"x\")", client_uuid=str(uuid.uuid4()),
                               household_code=codes[1]))
    db.session.commit()
    answered(campaign, "03390", 2)
    answered(campaign, "03430", 1, value=2)
    return campaign, village, codes


def test_the_csv_has_one_row_per_response_and_nothing_that_identifies_a_household(  # type: ignore[no-untyped-def]
        app, make_campaign):
    _, village, codes = _setup(make_campaign)
    make_account("can-bo-tinh", "12")
    client = logged_in(app.test_client(), "can-bo-tinh")
    got = client.get(URL.format(code="12", fmt="csv") + "?lang=en")
    assert got.status_code == 200 and got.mimetype == "text/csv"
    assert "attachment" in got.headers["Content-Disposition"]
    text = got.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert len(body) == 5
    assert header[:6] == ["Day (Vietnam)", "Commune code", "Commune", "Village code", "Village",
                          "Way of answering"]
    assert header[-1] == "Other comments"
    assert "c02 – Roads, electricity, irrigation, schools, the health station, community halls, " \
           "markets and internet in the commune and its villages" in header
    by_commune = sorted((row[1], row[3]) for row in body)
    assert by_commune == [("03390", ""), ("03390", ""), ("03390", village.code),
                          ("03390", village.code), ("03430", "")]
    sms = next(row for row in body if row[5] == "SMS")
    column = header.index("c02: reason")
    assert sms[column] == "Đường lầy" and sms[column - 1] == "Not yet satisfied"
    assert sms[-1] == "'=HYPERLINK(\"x\")"  # shown as text, never run
    for code in codes:
        assert code not in text
    not_satisfied = next(row for row in body if row[1] == "03430")
    assert set(not_satisfied[6:-1]) <= {"Not yet satisfied", ""}


def test_the_xlsx_reads_back_with_the_same_rows(app, make_campaign):  # type: ignore[no-untyped-def]
    _setup(make_campaign)
    client = logged_in(app.test_client(), "can-bo-xa")
    got = client.get(URL.format(code="03390", fmt="xlsx"))
    assert got.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(got.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Ngày (giờ Việt Nam)"
    assert len(rows) == 1 + 4  # the commune's own four; 03430 is not its to read
    assert {row[1] for row in rows[1:]} == {"03390"}
    assert {row[4] for row in rows[1:]} == {"Thôn Nà Sài", None}
    formula = next(row for row in rows[1:] if row[-1])
    assert formula[-1] == "=HYPERLINK(\"x\")"
    cell = next(c for c in sheet.iter_rows(min_row=2) if c[-1].value)[-1]
    assert cell.data_type == "s" and cell.quotePrefix  # typed as text: never a live formula


def test_only_committees_in_scope_read_the_responses(app, client, make_campaign):  # type: ignore[no-untyped-def]
    _setup(make_campaign)
    assert client.get(URL.format(code="03390", fmt="csv")).status_code in (302, 303, 401)
    make_account("hang-xom", "03430")
    sibling = logged_in(app.test_client(), "hang-xom")
    assert sibling.get(URL.format(code="03390", fmt="csv")).status_code == 403
    assert sibling.get(URL.format(code="12", fmt="csv")).status_code == 403
    assert sibling.get(URL.format(code="03430", fmt="docx")).status_code == 404
    assert sibling.get(URL.format(code="03430", fmt="csv")).status_code == 200


def test_an_empty_unit_gives_the_header_alone(app, make_campaign):  # type: ignore[no-untyped-def]
    make_campaign(codes=0, survey_id="ntm-xa-2026")
    make_account("can-bo-xa", "03390")
    client = logged_in(app.test_client(), "can-bo-xa")
    rows = list(csv.reader(io.StringIO(client.get(URL.format(code="03390", fmt="csv"))
                                       .data.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0][1] == "Mã xã"
