"""Chart specs: plain JSON for plotly.js, bars coloured against the threshold, days per channel."""

from __future__ import annotations

import json
from datetime import date

from feedback_app.adapters.charts import BELOW, MEETS, UNKNOWN, Bar, criteria_figure, timeline_figure


def test_criteria_bars_are_coloured_against_the_threshold_which_is_drawn():
    bars = [Bar("Overall", "Overall?", 0.9, 10), Bar("C1", "Planning", 0.899, 10),
            Bar("C2", "Roads", None, 0)]
    figure = json.loads(json.dumps(criteria_figure(bars, 0.9, "Threshold", "Satisfied", "No answer")))
    trace = figure["data"][0]
    assert trace["x"] == [90.0, 89.9, 0]
    assert trace["marker"]["color"] == [MEETS, BELOW, UNKNOWN]  # exactly at the threshold meets it
    assert trace["text"] == ["90.0 %", "89.9 %", "—"]
    line = figure["layout"]["shapes"][0]
    assert (line["x0"], line["x1"], line["yref"]) == (90.0, 90.0, "paper")
    assert "No answer" in trace["hovertext"][2]


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
