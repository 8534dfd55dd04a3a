"""The earlier round in the web: the page that sets it (officers of the campaign's unit or above),
refusals of other units, bad input, and the comparison section on the dashboard and report page."""

from __future__ import annotations

import pytest

from feedback_app.domain.access import Principal, Role
from feedback_app.extensions import db
from feedback_app.services.campaigns.follows import followed, history, set_follows
from feedback_app.services.reports.workflow import submit_report

from ..committee_support import csrf_token, logged_in, make_account
from ..indices_support import import_csv
from ..reports_support import answered, officer
from ..support import past

PAGE = "/committee/campaigns/now/follows"
SIBLING_CSV = """scheme,code,parent_code,level,unit_type,name,full_name,name_en,full_name_en,households
vn-2025,11,,province,province,Điện Biên,Tỉnh Điện Biên,Dien Bien,Dien Bien Province,
"""


@pytest.fixture
def rounds(make_campaign):  # type: ignore[no-untyped-def]
    earlier = make_campaign(key="before", codes=0, opens_on=past(400), closes_on=past(370),
                            survey_id="ntm-xa-2026")
    now = make_campaign(key="now", codes=3, survey_id="ntm-xa-2026")
    import_csv(SIBLING_CSV)
    return earlier, now


def _section(html: str) -> str:
    """The comparison section of a page."""
    start = html.index('id="comparison"')
    return html[start:html.index("</section>", start)]


def _post(client, earlier: str, token: str | None = None):  # type: ignore[no-untyped-def]
    token = token if token is not None else csrf_token(client.get(PAGE).text)
    return client.post(PAGE, data={"earlier": earlier, "csrf_token": token})


def test_an_officer_sets_the_earlier_round_and_sees_the_comparison(client, rounds):  # type: ignore[no-untyped-def]
    _, now = rounds
    answered(now, "03390", 6)
    make_account("tinh", "12", full_name="Nguyễn Văn An")
    logged_in(client, "tinh")
    page = client.get(PAGE)
    assert page.status_code == 200 and 'value="before"' in page.text
    assert 'id="comparison"' not in client.get("/committee/campaigns/now/").text  # none set yet

    done = _post(client, "before")
    assert done.status_code == 303
    assert followed(now).key == "before"  # type: ignore[union-attr]
    assert history(now)[0].actor == "Nguyễn Văn An (tinh)"
    section = _section(client.get("/committee/campaigns/now/").text)
    assert 'data-item="c01"' in section and "Thay đổi so với đợt trước" in section
    # Vietnamese number format: 6 of 6 now; the earlier round has no answers.
    assert "100,0\xa0%" in section and "Không so sánh được" in section
    english = _section(client.get("/committee/campaigns/now/?lang=en").text)
    assert "Change since the earlier round" in english and "100.0%" in english

    cleared = _post(client, "")
    assert cleared.status_code == 303 and followed(now) is None


def test_a_campaign_not_in_the_list_is_refused_with_a_message(client, rounds, make_campaign):  # type: ignore[no-untyped-def]
    _, now = rounds
    make_account("tinh", "12")
    logged_in(client, "tinh")
    for earlier in ("now", "no-such-campaign", "x" * 500):
        response = _post(client, earlier)
        assert response.status_code == 422, earlier
        assert 'id="earlier-error"' in response.text
    assert followed(now) is None
    assert _post(client, "before", token="forged").status_code == 400
    assert followed(now) is None


@pytest.mark.parametrize(("username", "unit", "role"), [
    ("xa-binh-lu", "03390", "officer"),  # a commune of the campaign: not its unit
    ("tinh-khac", "11", "officer"),  # the sibling province
    ("tinh-xem", "12", "viewer"),  # the province, but only reading
])
def test_other_units_and_viewers_cannot_set_it(client, rounds, username, unit, role):  # type: ignore[no-untyped-def]
    _, now = rounds
    make_account(username, unit, role)
    logged_in(client, username)
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client.get("/committee/").text)  # the log-out form's: a valid token
    assert client.post(PAGE, data={"earlier": "before", "csrf_token": token}).status_code == 403
    db.session.rollback()
    assert followed(now) is None


def test_the_country_committee_above_may_set_it(client, rounds):  # type: ignore[no-untyped-def]
    _, now = rounds
    make_account("trung-uong", "VN")
    logged_in(client, "trung-uong")
    assert _post(client, "before").status_code == 303
    assert followed(now).key == "before"  # type: ignore[union-attr]


def test_a_commune_reads_the_comparison_of_its_own_commune_only(client, rounds):  # type: ignore[no-untyped-def]
    _, now = rounds
    answered(now, "03390", 5)
    answered(now, "03430", 4, value=2)
    set_follows(Principal("shell:test", Role.ADMIN), now.key, "before", check_scope=False)
    db.session.commit()
    make_account("xa-binh-lu", "03390", "viewer")
    logged_in(client, "xa-binh-lu")
    own = client.get("/committee/campaigns/now/units/03390")
    assert own.status_code == 200
    assert "5 câu trả lời hợp lệ" in _section(own.text)  # its own 5 answers, not the 4 of Tả Lèng
    assert client.get("/committee/campaigns/now/units/03430").status_code == 403


def test_the_report_page_compares_the_figures_as_submitted(client, rounds):  # type: ignore[no-untyped-def]
    """The report's frozen figures, not today's: answers after the submission do not change it."""
    _, now = rounds
    answered(now, "03390", 4)
    set_follows(Principal("shell:test", Role.ADMIN), now.key, "before", check_scope=False)
    submit_report(officer("03390"), now.key, "Đã rà soát")
    db.session.commit()
    answered(now, "03390", 3, value=2)  # after the submission
    make_account("xa-binh-lu", "03390")
    logged_in(client, "xa-binh-lu")
    page = client.get("/committee/campaigns/now/units/03390/report")
    assert page.status_code == 200
    section = _section(page.text)
    assert "4 câu trả lời hợp lệ" in section and "100,0\xa0%" in section
    assert "7 câu trả lời hợp lệ" in _section(client.get("/committee/campaigns/now/units/03390").text)
