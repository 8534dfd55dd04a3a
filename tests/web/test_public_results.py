"""The public results page of a commune: hidden until the commune's report is accepted, then the
accepted figures with small cells hidden, in Vietnamese or English, without logging in."""

from __future__ import annotations

import re

from feedback_app.extensions import db
from feedback_app.services.reports import workflow as reports

from ..reports_support import answered, officer

URL = "/results/test-campaign/03390"


def test_hidden_until_the_report_is_accepted(client, campaign):
    answered(campaign, "03390", 6)
    page = client.get(URL)
    assert page.status_code == 404
    assert "Kết quả chưa được công bố" in page.text and "Xã Bình Lư" in page.text
    reports.submit_report(officer("03390"), campaign.key)
    db.session.commit()
    assert client.get(URL).status_code == 404  # submitted is not enough
    reports.return_report(officer("12"), campaign.key, "03390", "Thiếu phiếu")
    db.session.commit()
    assert client.get(URL).status_code == 404
    english = client.get(URL + "?lang=en")
    assert english.status_code == 404 and "Results are not published yet" in english.text


def test_shown_after_acceptance_with_small_cells_hidden(client, campaign):
    answered(campaign, "03390", 6, c02=0)  # nobody gave an opinion on criterion 2
    answered(campaign, "03390", 3, value=2, c03=0)  # criterion 3: 6 valid answers, all satisfied
    answered(campaign, "03390", 1, c04=0, c03=0)
    reports.submit_report(officer("03390"), campaign.key, "remarks stay internal")
    reports.accept_report(officer("12"), campaign.key, "03390")
    db.session.commit()
    answered(campaign, "03390", 5, value=2)  # later answers do not change what was published

    page = client.get(URL)
    assert page.status_code == 200
    text = page.text
    assert "Xã Bình Lư" in text
    assert "70,0\u00a0%" in text  # overall: 7 satisfied of 10 (feedback_app/i18n.py)
    assert "25\u00a0%" in text  # coverage: 10 of 40 households
    assert re.search(r"được tiếp nhận ngày \d+ tháng \d+ năm 20\d\d\.", text)  # in words, once
    # The rate is of answers (not of households), and the verdict gives its real reason: coverage.
    rate = re.search(r'id="public-rate">(.*?)</p>', text, re.S).group(1)
    assert "Tỷ lệ phiếu hài lòng" in rate and "trong số hộ đã trả lời có ý kiến" in rate
    assert "Hộ hài lòng" not in text
    verdict = re.sub(r"[ \n]+", " ", re.search(r'id="public-verdict">(.*?)</p>', text, re.S).group(1))
    assert "25\u00a0% số hộ đã trả lời; cần ít nhất 60\u00a0%" in verdict and "ngưỡng" not in verdict
    assert 'id="accepted-insufficient"' in text  # accepted knowing too few households answered
    assert "remarks stay internal" not in text
    bars = re.findall(r'<li>\s*<span class="bar-label">(Tiêu chí \d+)[^<]*</span>(.*?)</li>', text, re.S)
    shown = {label: body for label, body in bars}
    assert "Quá ít câu trả lời để hiển thị" in shown["Tiêu chí 2"]  # 0 valid answers
    assert 'value="1.0000"' in shown["Tiêu chí 3"]  # 6 satisfied of 6 valid: shown
    assert 'value="0.6667"' in shown["Tiêu chí 4"]  # 6 of 9
    assert 'low="0.9"' in shown["Tiêu chí 4"]  # the threshold, as the meter's boundary
    assert "<script" not in text
    english = client.get(URL + "?lang=en").text
    assert "Binh Lu Commune" in english and "Satisfaction by criterion" in english


def test_a_rate_from_fewer_than_five_answers_is_never_shown(client, campaign):
    answered(campaign, "03390", 4)
    reports.submit_report(officer("03390"), campaign.key)
    reports.accept_report(officer("12"), campaign.key, "03390")
    db.session.commit()
    text = client.get(URL).text
    assert "100,0\u00a0%" not in text
    assert text.count("Quá ít câu trả lời để hiển thị") == 1 + 20  # the overall rate and every question


def test_unknown_campaign_or_commune(client, campaign):
    assert client.get("/results/nope/03390").status_code == 404
    assert client.get("/results/test-campaign/99999").status_code == 404
    assert client.get("/results/test-campaign/12").status_code == 404  # a province is not a commune
