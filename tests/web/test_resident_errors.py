"""Bad input on the resident pages: a clear 4xx page, nothing stored, answers never lost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from feedback_app.clock import local_today
from feedback_app.extensions import db
from feedback_app.models import Response

from ..support import codes_of, form_fields


def stored() -> int:
    return db.session.scalar(select(func.count(Response.id)))


def full_form(client, url: str, value: str = "1") -> dict[str, str]:  # type: ignore[no-untyped-def]
    html = client.get(url).get_data(as_text=True)
    data = form_fields(html)
    for name in set(re.findall(r'name="(q_\w+)"', html)):
        data[name] = value
    return data


@pytest.fixture
def url(campaign) -> str:  # type: ignore[no-untyped-def]
    return f"/h/{codes_of(campaign)[0]}"


def test_missing_answers_rerender_the_form_with_given_answers_kept(client, url):
    data = full_form(client, url)
    del data["q_c04"], data["q_c11"]
    data["q_c02"] = "2"
    data["comment"] = "Giữ nguyên ý kiến này"
    page = client.post(url, data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Còn 2 câu hỏi chưa được trả lời" in html
    assert html.count("Xin chọn một câu trả lời.") == 2
    assert re.search(r'name="q_c02" value="2"\s+required\s+checked', html)
    assert "Giữ nguyên ý kiến này</textarea>" in html
    assert f'value="{data["rid"]}"' in html
    assert stored() == 0
    data["q_c04"] = data["q_c11"] = "1"
    assert client.post(url, data=data).status_code == 303
    assert stored() == 1


@pytest.mark.parametrize("value", ["9", "-1", "1.0", "", "hai long", "１"])
def test_out_of_range_values_are_refused(client, url, value):
    data = full_form(client, url)
    data["q_c07"] = value
    page = client.post(url, data=data)
    assert page.status_code == 422
    assert stored() == 0


def test_oversized_comment_is_refused_and_kept_for_editing(client, url):
    data = full_form(client, url)
    data["comment"] = "ý" * 1001
    page = client.post(url, data=data)
    assert page.status_code == 422
    assert "Ý kiến dài quá 1000 ký tự" in page.get_data(as_text=True)
    data["comment"] = "x" * 50_000
    assert client.post(url, data=data).status_code == 400
    assert stored() == 0


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.update(q_c99="1"),  # an item the survey does not have
        lambda d: d.update(rid="not-a-uuid"),
        lambda d: d.update(rid="x" * 100),
    ],
)
def test_tampered_fields_are_refused(client, url, tamper):
    data = full_form(client, url)
    tamper(data)
    page = client.post(url, data=data)
    assert page.status_code == 400
    assert "Không đọc được phiếu" in page.get_data(as_text=True)
    assert stored() == 0


def test_an_answer_sent_twice_is_refused(client, url):
    data = full_form(client, url)
    body = "&".join(f"{k}={v}" for k, v in data.items()) + "&q_c03=2"
    page = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 400
    assert stored() == 0


def test_double_submit_of_one_form_records_once(client, url):
    data = full_form(client, url)
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == 303
    assert second.status_code in (303, 409)
    assert stored() == 1


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/h/12345", 400, "Xin kiểm tra lại mã hộ"),
        ("/h/000000000000000", 404, "Không tìm thấy mã hộ"),
        ("/c/test-campaign/99999", 404, "Không tìm thấy cuộc khảo sát"),
        ("/c/no-such-campaign/03390", 404, "Không tìm thấy cuộc khảo sát"),
        ("/no/such/page", 404, "Không tìm thấy trang"),
    ],
)
def test_unknown_codes_communes_and_pages(client, campaign, path, status, words):
    page = client.get(path)
    assert page.status_code == status
    assert words in page.get_data(as_text=True)
    assert client.post(path, data={"q_overall": "1"}).status_code in (status, 405)
    assert stored() == 0


def test_typed_code_on_the_home_page_leads_to_the_form(client, campaign):
    code = codes_of(campaign)[0]
    typed = f"{code[:5]} {code[5:10]}-{code[10:]}"
    found = client.get("/h", query_string={"code": typed})
    assert found.status_code == 303 and found.headers["Location"].endswith(f"/h/{code}")
    assert client.get("/h", query_string={"code": "  "}).status_code == 400


def test_closed_campaign_says_so_with_its_dates(client, make_campaign):
    today = local_today()
    campaign = make_campaign(opens_on=today - timedelta(days=40),
                             closes_on=today - timedelta(days=10))
    url = f"/h/{codes_of(campaign)[0]}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 403
    assert "Cuộc khảo sát đã kết thúc" in html
    assert str((today - timedelta(days=10)).year) in html
    english = client.get(url + "?lang=en").get_data(as_text=True)
    assert "The survey has closed" in english
    assert client.post(url, data={"q_overall": "1"}).status_code == 403
    assert stored() == 0


def test_not_yet_open_campaign_says_when_it_opens(client, make_campaign):
    today = local_today()
    campaign = make_campaign(opens_on=today + timedelta(days=3),
                             closes_on=today + timedelta(days=30))
    page = client.get(f"/c/{campaign.key}/03390?lang=en")
    assert page.status_code == 403
    assert "The survey has not opened yet" in page.get_data(as_text=True)


def test_open_link_when_the_campaign_takes_only_codes(client, make_campaign):
    make_campaign(open_link=False)
    page = client.get("/c/test-campaign/03390")
    assert page.status_code == 403
    assert "chỉ nhận ý kiến kèm mã hộ" in page.get_data(as_text=True)


def test_the_typed_code_form_takes_digits_and_separators_only(client, campaign):
    from feedback_app.domain.codes import format_code

    code = codes_of(campaign)[0]
    typed = client.get("/h", query_string={"code": format_code(code)})
    assert (typed.status_code, typed.headers["Location"]) == (303, f"/h/{code}")
    with_a_letter = client.get("/h", query_string={"code": f"Mã {code}"}, follow_redirects=True)
    assert with_a_letter.status_code == 400  # "check the code on your slip", not the survey
    assert "Xin kiểm tra lại mã hộ" in with_a_letter.text
