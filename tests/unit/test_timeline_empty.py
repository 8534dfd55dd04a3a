"""The answers-over-time chart of a campaign that has not opened (no day yet): no tick0 of null,
which plotly logs as a console error ("unrecognized date null") on every such dashboard."""

from __future__ import annotations

from feedback_app.adapters.charts import timeline_figure


def test_a_timeline_without_days_names_no_first_tick() -> None:
    figure = timeline_figure([], {"web": []}, {"web": "Web"}, "Answers per day", "vi")
    assert "tick0" not in figure["layout"]["xaxis"]
