"""Reasons when not satisfied on every web channel: the resident form (fields under each item),
the JSON API, the cadre's collect page; shown to committees (dashboard, comments page, downloads),
never on the public page or the public API."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.models import Answer, Remark
from feedback_app.services.reports import workflow as reports

from ..committee_support import csrf_token, logged_in, make_account
from ..reports_support import officer
from ..support import all_answers, codes_of

REASON = "Đường vào thôn Nà Khum còn lầy lội"


@pytest.fixture
def campaign(make_campaign):  # type: ignore[no-untyped-def]
    return make_campaign(survey_id="ntm-xa-2026")


def form_post(campaign, c02: int = 2, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    fields = {f"q_{k}": str(v) for k, v in all_answers(campaign).items()}
    fields.update({"q_c02": str(c02), "rid": str(uuid.uuid4()), "comment": ""})
    fields.update(extra)
    return fields


def reasons_stored() -> dict[str, str | None]:
    return {a.item_id: a.reason for a in db.session.scalars(select(Answer)) if a.reason}


def test_the_form_has_a_reason_field_under_each_item_tied_to_not_satisfied(client, campaign):
    page = client.get(f"/h/{codes_of(campaign)[0]}").text
    assert page.count('class="reason') == 11
    assert '<label for="r_c02">Lý do chưa hài lòng (nếu có)</label>' in page
    assert re.search(r'name="r_c02" rows="2" maxlength="300"', page)
    # only the "Chưa hài lòng" option (value 2) reveals it (static/css/app.css)
    assert re.findall(r'name="q_c02" value="(\d)" required class="unsatisfied"', page) == ["2"]
    assert "Ý kiến khác (nếu có)" in page


def test_a_reason_sent_from_the_form_is_stored_and_one_under_a_satisfied_answer_is_not(client, campaign):
    sent = client.post(f"/h/{codes_of(campaign)[0]}",
                       data=form_post(campaign, r_c02=f"  {REASON}  ", r_c03="typed, then satisfied"))
    assert sent.status_code == 303
    assert reasons_stored() == {"c02": REASON}


def test_a_reason_too_long_keeps_the_form_and_says_so(client, campaign):
    sent = client.post(f"/h/{codes_of(campaign)[0]}", data=form_post(campaign, r_c02="x" * 301))
    assert sent.status_code == 422
    assert "Your reason under question 2 is longer than 300 characters" in client.post(
        f"/h/{codes_of(campaign)[0]}?lang=en", data=form_post(campaign, r_c02="x" * 301)).text
    assert 'aria-invalid="true" aria-describedby="r_c02-long">' + "x" * 301 in sent.text  # kept
    assert reasons_stored() == {}


def test_a_reason_field_the_survey_does_not_have_is_a_tampered_form(client, campaign):
    sent = client.post(f"/h/{codes_of(campaign)[0]}", data=form_post(campaign, r_c99="?"))
    assert sent.status_code == 400


def test_the_api_takes_reasons_with_bounds_and_clear_errors(client, campaign):
    def post(reasons, c02=2):  # type: ignore[no-untyped-def]
        answers = dict(all_answers(campaign), c02=c02)
        return client.post("/api/v1/responses?lang=en", json={
            "uuid": str(uuid.uuid4()), "campaign": campaign.key, "commune": "03390",
            "answers": answers, "reasons": reasons,
            "another_household": True})  # one test client answering for several households

    too_long = post({"c02": "x" * 301})
    assert too_long.status_code == 422
    assert too_long.get_json()["errors"] == {
        "reasons.c02": ["The reason is too long: at most 300 characters."]}
    not_asked = post({"c99": "why"})
    assert not_asked.status_code == 422 and "reasons.c99" in not_asked.get_json()["errors"]
    assert post(["not", "a", "mapping"]).status_code == 422
    assert post({"c02": 5}).status_code == 422
    assert post({"c02": "x" * 2001}).status_code == 422
    assert reasons_stored() == {}
    assert post({"c02": REASON}).status_code == 201
    assert post(None).status_code == 201  # no reasons at all: as before
    assert reasons_stored() == {"c02": REASON}


def test_the_collect_page_and_its_json_endpoint_take_reasons(client, campaign):
    make_account("mttq-03390", "03390")
    logged_in(client, "mttq-03390")
    page = client.get("/committee/collect/test-campaign/03390")
    fields = form_post(campaign, r_c02="Form reason", household_code=codes_of(campaign, "03390")[0],
                       csrf_token=csrf_token(page.text))
    assert client.post("/committee/collect/test-campaign/03390", data=fields).status_code == 303
    sent = client.post("/committee/collect/test-campaign/03390/answers", json={
        "uuid": str(uuid.uuid4()), "household_code": codes_of(campaign, "03390")[1],
        "answers": dict(all_answers(campaign), overall=2), "reasons": {"overall": "JSON reason"}})
    assert sent.status_code == 201
    assert sorted(r.text for r in db.session.scalars(select(Remark))) == ["Form reason", "JSON reason"]
    assert {r.channel for r in db.session.scalars(select(Remark))} == {"assisted"}


def test_reasons_reach_the_committee_and_never_the_public_page_or_api(client, campaign):
    client.post(f"/h/{codes_of(campaign)[0]}", data=form_post(campaign, r_c02=REASON))
    for _ in range(5):  # enough answers for the public page to show the items' rates
        client.post(f"/c/{campaign.key}/03390", data=form_post(campaign, c02=1))
    reports.submit_report(officer("03390"), campaign.key)
    reports.accept_report(officer("12"), campaign.key, "03390")
    db.session.commit()
    public = client.get("/results/test-campaign/03390")
    assert public.status_code == 200 and REASON not in public.text
    assert REASON not in client.get("/api/v1/campaigns/test-campaign/index?unit=03390").text
    make_account("mttq-03390", "03390", "viewer")
    logged_in(client, "mttq-03390")
    dashboard = client.get("/committee/campaigns/test-campaign/units/03390?lang=en").text
    section = re.search(r'id="resident-reasons".*?</section>', dashboard, re.S).group(0)
    assert "Why households are not satisfied" in section and REASON in section
    group = re.search(r'data-item="c02">\s*<h3>([^<]*)</h3>', section).group(1)
    assert group.startswith("Roads, electricity") and group.endswith("· 1 reason")
    assert 'data-item="c03"' not in section  # no reason under it: no group
    report = client.get("/committee/campaigns/test-campaign/units/03390/export/report.html").text
    assert REASON in report


def test_the_comments_page_filters_searches_and_downloads_in_scope(client, campaign):
    # One test client answers for three households of the open link: each says so (another_household).
    client.post(f"/c/{campaign.key}/03390", data=form_post(campaign, r_c02=REASON))
    client.post(f"/c/{campaign.key}/03390", data=form_post(campaign, c02=1, comment="=HYPERLINK(\"x\")",
                                                           another_household="1"))
    client.post(f"/c/{campaign.key}/03430", data=form_post(campaign, c02=1, comment="Tả Lèng cần chợ",
                                                           another_household="1"))
    make_account("tinh", "12", "viewer")
    logged_in(client, "tinh")
    base = "/committee/campaigns/test-campaign/units/12/comments"
    page = client.get(base + "?lang=en").text
    assert "3 comments and reasons" in page and REASON in page
    searched = client.get(base + "?q=lay+loi&lang=en").text  # no diacritics typed
    assert REASON in searched and "Tả Lèng cần chợ" not in searched
    assert "1 comment or reason" in searched
    assert "Tả Lèng cần chợ" in client.get(base + "?commune=03430").text
    assert REASON not in client.get(base + "?item=comment").text
    assert REASON in client.get(base + "?item=c02&channel=web").text
    assert client.get(base + "?commune=99999&lang=en").status_code == 422
    bad_dates = client.get(base + "?since=2026-12-31&until=2026-01-01&lang=en")
    assert bad_dates.status_code == 422 and "the first comes after the last" in bad_dates.text
    assert client.get(base + "?since=yesterday").status_code == 422
    assert client.get(base + "?channel=fax").status_code == 422

    data = client.get(base + ".csv?lang=en")
    assert data.status_code == 200 and data.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in data.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(data.data.decode("utf-8-sig"))))
    assert rows[0] == ["Time (Vietnam)", "Commune code", "Commune", "Way of answering", "Question",
                       "Kind", "Text"]
    texts = [row[-1] for row in rows[1:]]
    assert "'=HYPERLINK(\"x\")" in texts and REASON in texts and len(texts) == 3  # neutralised
    reason_row = next(row for row in rows if row[-1] == REASON)
    assert reason_row[4] != "" and reason_row[5] == "Reason for not being satisfied"
    book = load_workbook(io.BytesIO(client.get(base + ".xlsx?q=hyperlink").data))
    cells = [row for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert len(cells) == 1 and cells[0][-1] == '=HYPERLINK("x")'
    cell = book.active.cell(row=2, column=7)
    assert cell.data_type == "s" and cell.quotePrefix
    assert client.get(base + ".pdf").status_code == 404


@pytest.mark.parametrize(("unit", "path", "status"), [
    ("03430", "units/03390/comments", 403), ("03390", "units/12/comments", 403),
    ("03390", "units/03390/comments", 200), ("03390", "units/03390/comments.csv", 200),
    ("03430", "units/03390/comments.csv", 403), ("03430", "units/03390/comments.xlsx", 403),
])
def test_comments_and_their_downloads_only_in_scope(client, campaign, unit, path, status):
    make_account("someone", unit, "viewer")
    logged_in(client, "someone")
    assert client.get(f"/committee/campaigns/test-campaign/{path}").status_code == status


def test_comments_need_a_login(client, campaign):
    for path in ("comments", "comments.csv"):
        response = client.get(f"/committee/campaigns/test-campaign/units/03390/{path}")
        assert response.status_code in (302, 303) and "/committee/login" in response.headers["Location"]
