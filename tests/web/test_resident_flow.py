"""A resident opens the survey from a QR link, answers on a phone, and the answer is stored."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.models import Answer, Response

from ..support import codes_of, form_fields


def _answer_form(html: str, value: str = "1") -> dict[str, str]:
    data = form_fields(html)
    for name in sorted(set(re.findall(r'name="(q_\w+)"', html))):
        data[name] = value
    return data


def _responses() -> int:
    return db.session.scalar(select(func.count(Response.id)))


def test_household_answers_in_vietnamese_and_is_thanked(client, campaign):
    code = codes_of(campaign, "03390")[0]
    page = client.get(f"/h/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'lang="vi"' in html
    assert "Xã Bình Lư" in html
    assert "Tiêu chí 2 – Giao thông" in html
    assert html.count('type="radio"') == 20 * 3

    data = _answer_form(html)
    data["q_c02"] = "2"
    data["comment"] = "Đường ra đồng còn lầy lội"
    sent = client.post(f"/h/{code}", data=data)
    assert sent.status_code == 303
    thanks = client.get(sent.headers["Location"])
    assert thanks.status_code == 200
    assert "Xã Bình Lư" in thanks.get_data(as_text=True)
    # The results are on another page (a "not published yet" page until the report is accepted).
    said = thanks.get_data(as_text=True)
    assert "trên trang này" not in said
    assert "trên một trang riêng; trước thời điểm đó, trang ấy chỉ báo là kết quả chưa được công bố" in said
    assert 'href="/results/test-campaign/03390" id="results-link">trang kết quả của xã</a>' in said

    response = db.session.scalar(select(Response))
    assert response.channel == "web"
    assert response.commune.code == "03390"
    assert response.household_code.code == code
    assert response.comment == "Đường ra đồng còn lầy lội"
    answers = {a.item_id: a.value for a in db.session.scalars(select(Answer))}
    assert len(answers) == 20 and answers["c02"] == 2 and answers["overall"] == 1


def test_english_is_one_tap_away_and_remembered(client, campaign):
    code = codes_of(campaign)[0]
    html = client.get(f"/h/{code}").get_data(as_text=True)
    assert f'href="/h/{code}?lang=en"' in html
    english = client.get(f"/h/{code}?lang=en")
    text = english.get_data(as_text=True)
    assert 'lang="en"' in text
    assert "Criterion 2 – Transport" in text
    assert "Binh Lu Commune" in text
    # The choice sticks (cookie) for the post and the thank-you page.
    sent = client.post(f"/h/{code}", data=_answer_form(text))
    assert sent.status_code == 303
    thanks = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Thank you" in thanks and 'lang="en"' in thanks


def test_second_use_of_a_code_is_refused_politely_and_first_answer_stays(client, campaign):
    code = codes_of(campaign)[0]
    first = _answer_form(client.get(f"/h/{code}").get_data(as_text=True), "1")
    assert client.post(f"/h/{code}", data=first).status_code == 303

    again = client.get(f"/h/{code}")
    assert again.status_code == 409
    assert "đã được sử dụng" in again.get_data(as_text=True)
    # A second form (opened before the first was sent) posted afterwards changes nothing.
    second = dict(first, rid="8b0f3f5e-7c1a-4a57-9d2b-6f1c2a9e1d11")
    second.update({k: "2" for k in second if k.startswith("q_")})
    refused = client.post(f"/h/{code}", data=second)
    assert refused.status_code == 409
    assert _responses() == 1
    values = set(db.session.scalars(select(Answer.value)))
    assert values == {1}
