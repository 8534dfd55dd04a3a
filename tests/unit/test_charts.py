"""Chart specs: plain JSON for plotly.js, bars coloured against the threshold, days per channel."""

from __future__ import annotations

import importlib.util
import json
from datetime import date

from feedback_app.adapters.charts import (
    BELOW,
    MEETS,
    UNKNOWN,
    Bar,
    CriteriaWords,
    _short,
    criteria_figure,
    timeline_figure,
)
from feedback_app.config import PROJECT_ROOT

WORDS = CriteriaWords(threshold="Threshold 90.0%", rate="Satisfied", no_answer="No answer",
                      meets="Reaches the threshold", below="Below the threshold",
                      ticks=["0%", "25%", "50%", "75%", "100%"])


def test_criteria_bars_are_coloured_against_the_threshold_which_is_drawn():
    bars = [Bar("Overall", "Overall?", 0.9, 10, "90.0%"), Bar("C1", "Planning", 0.899, 10, "89.9%"),
            Bar("C2", "Roads", None, 0)]
    figure = json.loads(json.dumps(criteria_figure(bars, 0.9, WORDS, "en")))
    # One trace per colour, so that the legend names each colour; exactly at the threshold meets it.
    assert [(t["name"], t["marker"]["color"], t["y"], t["x"], t["text"]) for t in figure["data"]] == [
        ("Reaches the threshold", MEETS, ["Overall"], [90.0], ["90.0%"]),
        ("Below the threshold", BELOW, ["C1"], [89.9], ["89.9%"]),
        ("No answer", UNKNOWN, ["C2"], [0], ["—"]),
    ]
    assert figure["layout"]["showlegend"] is True
    assert figure["layout"]["yaxis"]["categoryarray"] == ["Overall", "C1", "C2"]  # the survey's order
    line = figure["layout"]["shapes"][0]
    assert (line["x0"], line["x1"], line["yref"], line["y0"], line["y1"]) == (90.0, 90.0, "paper", 0, 1)
    label = figure["layout"]["annotations"][0]
    assert (label["text"], label["xanchor"]) == ("Threshold 90.0%", "right")  # ends at the line
    assert figure["layout"]["xaxis"]["ticktext"][-1] == "100%"
    assert figure["layout"]["xaxis"]["range"][1] > 100  # so that the 100 % tick is drawn
    assert "No answer" in figure["data"][2]["hovertext"][0]


def test_vietnamese_charts_take_the_vietnamese_locale_and_decimal_comma():
    figure = criteria_figure([Bar("Tiêu chí 1 – Quy hoạch", "…", 0.5, 4, "50,0 %", tag="Tiêu chí 1")],
                             0.9, WORDS, "vi")
    assert figure["config"]["locale"] == "vi" and figure["layout"]["separators"] == ",."
    assert figure["narrow"]["yaxis.ticktext"] == ["Tiêu chí 1"]  # a phone gets the shortest labels
    timeline = timeline_figure([date(2026, 11, 25)], {"web": [1]}, {"web": "Web"}, "Số phiếu", "vi")
    assert timeline["layout"]["xaxis"]["tickformat"] == "%d/%m"
    assert timeline["config"]["locale"] == "vi" and timeline["layout"]["separators"] == ",."
    english = timeline_figure([date(2026, 11, 25)], {"web": [1]}, {"web": "Web"}, "Answers", "en")
    assert english["config"]["locale"] == "en" and english["layout"]["separators"] == ".,"


def test_axis_labels_are_cut_between_words():
    assert _short("Tiêu chí 6 – Cơ sở vật chất văn hóa") == "Tiêu chí 6 – Cơ sở vật…"
    assert _short("Tiêu chí 4 – Điện") == "Tiêu chí 4 – Điện"


def test_plotly_css_is_the_bundles_own_stylesheet():
    """static/vendor/plotly/plotly.css is what scripts/plotly_css.py reads out of the bundle (run it
    after updating plotly-basic.min.js), and holds the rule that stacks the SVG layers."""
    spec = importlib.util.spec_from_file_location("plotly_css", PROJECT_ROOT / "scripts/plotly_css.py")
    assert spec is not None and spec.loader is not None
    plotly_css = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plotly_css)
    bundle = (PROJECT_ROOT / "static/vendor/plotly/plotly-basic.min.js").read_text(encoding="utf-8")
    css = (PROJECT_ROOT / "static/vendor/plotly/plotly.css").read_text(encoding="utf-8")
    assert css == plotly_css.css_of(bundle)
    assert ".js-plotly-plot .plotly .main-svg { position:absolute;top:0;left:0;" in css


def test_timeline_has_one_stacked_trace_per_channel():
    days = [date(2026, 11, 1), date(2026, 11, 2)]
    figure = timeline_figure(days, {"web": [3, 0], "sms": [1, 2], "assisted": [0, 0]},
                             {"web": "Web", "sms": "SMS", "assisted": "Assisted"}, "Answers")
    assert figure["layout"]["barmode"] == "stack"
    assert [(t["name"], t["x"], t["y"]) for t in figure["data"]] == [
        ("Web", ["2026-11-01", "2026-11-02"], [3, 0]),
        ("SMS", ["2026-11-01", "2026-11-02"], [1, 2]),
        ("Assisted", ["2026-11-01", "2026-11-02"], [0, 0]),
    ]
