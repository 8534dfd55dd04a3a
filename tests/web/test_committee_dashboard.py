"""The dashboard shows what services/indices/index.py computes, its charts' JSON, answers per day and
channel, and the residents' comments (newest first, paginated, only in scope); plotly.js is served
from static/ and loaded after the figures."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from feedback_app.config import PROJECT_ROOT
from feedback_app.domain.access import Principal
from feedback_app.extensions import db
from feedback_app.services.indices.index import campaign_index
from feedback_app.services.responses.record import Channel, Submission, record_response

from ..committee_support import logged_in, make_account
from ..indices_support import submit
from ..support import all_answers

PROVINCE = "/committee/campaigns/test-campaign/units/12?lang=en"


@pytest.fixture
def answered(campaign):  # type: ignore[no-untyped-def]
    """Bình Lư: 6 answers (5 satisfied; 1 by SMS, 1 assisted); Tả Lèng: 4 (3 satisfied)."""
    for value in (1, 1, 1, 1, 2):
        submit(campaign, "03390", value=value)
    submit(campaign, "03390", value=1, channel=Channel.SMS)
    for value in (1, 1, 2):
        submit(campaign, "03430", value=value)
    submit(campaign, "03430", value=1, channel=Channel.ASSISTED)
    db.session.commit()
    return campaign


def comment(campaign, commune: str, words: str) -> None:  # type: ignore[no-untyped-def]
    record_response(Submission(campaign_key=campaign.key, channel=Channel.WEB, answers=all_answers(campaign),
                               client_uuid=str(uuid.uuid4()), commune_code=commune, comment=words))


def chart_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


def cell_text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">(.*?)</span>', html, re.S)
    assert found
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_figures_match_the_index_service(client, answered):  # type: ignore[no-untyped-def]
    make_account("tinh", "12", "viewer")
    page = logged_in(client, "tinh").get(PROVINCE)
    assert page.status_code == 200
    report = campaign_index("test-campaign", "12", principal=Principal("tinh", unit_id=answered.unit_id))
    figures = report.root.figures
    assert figures.counts.respondents == 10
    assert cell_text(page.text, "rate") == f"{float(figures.rate) * 100:.1f}%"  # 8/10
    assert cell_text(page.text, "coverage") == f"{float(figures.coverage) * 100:.1f}%"  # 10/65
    assert "Not enough households answered" in cell_text(page.text, "verdict")
    low, high = figures.interval
    assert f"{low * 100:.1f}% – {high * 100:.1f}%" in page.text
    for child in report.root.children:
        unit = report.unit(child)
        row = re.search(rf'<tr data-code="{unit.code}">(.*?)</tr>', page.text, re.S).group(1)
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert cells[0] == f"{child.figures.counts.respondents} / {child.figures.counts.households}"
        assert cells[2] == f"{float(child.figures.rate) * 100:.1f}%"
        assert f'href="/committee/campaigns/test-campaign/units/{unit.code}"' in row  # drill-down


def test_chart_json_is_valid_and_matches_the_figures(client, answered):  # type: ignore[no-untyped-def]
    make_account("tinh", "12", "viewer")
    page = logged_in(client, "tinh").get(PROVINCE)
    charts = chart_data(page.text)
    report = campaign_index("test-campaign", "12")
    criteria = charts["criteria"]["data"][0]
    rates = {item: tally.rate for item, tally in report.root.figures.counts.items.items()}
    assert criteria["x"] == [round(float(r) * 100, 1) for r in rates.values()]
    assert len(criteria["y"]) == len(rates) == 20 and criteria["y"][0] == "Overall"
    threshold = charts["criteria"]["layout"]["shapes"][0]
    assert threshold["x0"] == threshold["x1"] == 90
    series = {trace["name"]: trace["y"] for trace in charts["timeline"]["data"]}
    assert {name: sum(ys) for name, ys in series.items()} == {"Web": 8, "SMS": 1, "Assisted": 1}


def test_no_inline_script_and_plotly_from_static_after_the_figures(client, answered):  # type: ignore[no-untyped-def]
    make_account("tinh", "12", "viewer")
    html = logged_in(client, "tinh").get(PROVINCE.replace("lang=en", "lang=vi")).text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attributes, body in scripts:
        assert 'type="application/json"' in attributes or ("src=" in attributes and not body.strip())
    sources = re.findall(r'<script src="([^"]+)" defer>', html)
    assert len(sources) == 3  # the resident app's offline scripts are not loaded on committee pages
    assert re.fullmatch(r"/static/vendor/plotly/plotly-basic\.min\.[0-9a-f]+\.js", sources[0])
    assert re.fullmatch(r"/static/vendor/plotly/locale-vi\.[0-9a-f]+\.js", sources[1])  # Vietnamese
    assert re.fullmatch(r"/static/js/dashboard\.[0-9a-f]+\.js", sources[2])
    english = re.findall(r'<script src="([^"]+)" defer>', client.get(PROVINCE).text)
    assert [s.split("/")[-1].split(".")[0] for s in english] == ["plotly-basic", "dashboard"]
    # plotly.js's stylesheet is a file, marked so that plotly.js injects no inline <style>
    assert re.search(r'<link rel="stylesheet" id="plotly.js-style-global" class="no-inline-styles" '
                     r'href="/static/vendor/plotly/plotly\.[0-9a-f]+\.css">', html)
    assert html.index("plotly-basic.min.") > html.index('id="children"') > html.index('id="rate"')
    bundle = client.get(sources[0])
    assert bundle.status_code == 200 and b"plotly.js (basic - minified)" in bundle.data[:200]
    assert all(client.get(source).status_code == 200 for source in sources[1:])
    assert (PROJECT_ROOT / "static/vendor/plotly/LICENSE").read_text().startswith("MIT License")


def test_commune_dashboard_has_no_children_table(client, answered):  # type: ignore[no-untyped-def]
    make_account("xa-binh-lu", "03390", "viewer")
    page = logged_in(client, "xa-binh-lu").get("/committee/campaigns/test-campaign/?lang=en")
    assert page.status_code == 200
    assert cell_text(page.text, "rate") == "83.3%"  # 5 of 6
    assert 'id="children"' not in page.text


def test_comments_newest_first_paginated_and_only_in_scope(client, campaign):  # type: ignore[no-untyped-def]
    for n in range(25):
        comment(campaign, "03390", f"comment number {n}")
        db.session.commit()
    comment(campaign, "03430", "from the other commune")
    db.session.commit()
    make_account("xa-binh-lu", "03390", "viewer")
    logged_in(client, "xa-binh-lu")
    first = client.get("/committee/campaigns/test-campaign/units/03390/comments?lang=en").text
    shown = re.findall(r"comment number (\d+)", first)
    assert shown == [str(n) for n in range(24, 4, -1)]
    second = client.get("/committee/campaigns/test-campaign/units/03390/comments?page=2&lang=en").text
    assert re.findall(r"comment number (\d+)", second) == ["4", "3", "2", "1", "0"]
    assert "from the other commune" not in first + second
    dashboard = client.get("/committee/campaigns/test-campaign/units/03390?lang=en").text
    assert re.findall(r"comment number (\d+)", dashboard) == ["24", "23", "22", "21", "20"]
    assert client.get("/committee/campaigns/test-campaign/units/03390/comments?page=x").status_code == 400


def test_dashboard_in_vietnamese_by_default(client, answered):  # type: ignore[no-untyped-def]
    make_account("tinh", "12", "viewer")
    page = logged_in(client, "tinh").get("/committee/campaigns/test-campaign/units/12")
    assert "Tỷ lệ hài lòng" in page.text and "80,0\u00a0%" in page.text  # feedback_app/i18n.py


def test_the_index_is_computed_once_per_dashboard(client, answered, monkeypatch):  # type: ignore[no-untyped-def]
    """The report panel reuses the dashboard's index for the children's report statuses."""
    from feedback_app.services.indices import dashboard
    from feedback_app.services.indices import index as indices
    from feedback_app.services.reports import workflow as reports

    calls = []

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return indices.campaign_index(*args, **kwargs)

    monkeypatch.setattr(dashboard, "campaign_index", counted)
    monkeypatch.setattr(reports, "campaign_index", counted)
    make_account("tinh", "12", "officer")
    page = logged_in(client, "tinh").get(PROVINCE)
    assert page.status_code == 200 and "03390" in page.get_data(as_text=True)
    assert len(calls) == 1


def test_a_phone_labels_the_2026_criteria_by_number_not_by_a_cut_sentence(client, make_campaign):  # type: ignore[no-untyped-def]
    """The 2026 survey's questions have no "Tiêu chí N –" in front: on a phone the axis says
    "Tiêu chí 2", never the end of a long sentence cut by the chart's margin."""
    make_campaign(survey_id="ntm-xa-2026")
    make_account("tinh", "12", "viewer")
    page = logged_in(client, "tinh").get(PROVINCE.replace("?lang=en", "?lang=vi"))
    narrow = chart_data(page.text)["criteria"]["narrow"]["yaxis.ticktext"]
    assert narrow == [f"Tiêu chí {n}" for n in range(1, 11)] + ["Đánh giá chung"]
