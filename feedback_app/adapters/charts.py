"""Plotly figure specs ({"data", "layout"}) as plain JSON-ready dicts.

The page carries them in a <script type="application/json"> block and static/js/dashboard.js hands
them to the plotly.js bundle served from static/vendor/plotly/ (no CDN, no inline script). Building
plain dicts keeps the server free of the plotly Python package; the keys are plotly.js's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

MEETS = "#1d6b3a"
BELOW = "#b3261e"
UNKNOWN = "#9aa39d"
THRESHOLD = "#f0a500"
CHANNEL_COLOURS = {"web": "#1d6b3a", "sms": "#2f6fb0", "assisted": "#c77700"}
LABEL_MAX = 26  # axis labels longer than this are cut (the full question is in the hover text)
CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


@dataclass(frozen=True)
class Bar:
    label: str  # short, on the axis
    hover: str  # the full question
    rate: float | None  # 0..1; None when nothing valid was answered
    valid: int


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "paper_bgcolor": "#fff", "plot_bgcolor": "#fff",
    }
    layout.update(extra)
    return layout


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1].rstrip() + "…"


def criteria_figure(bars: Sequence[Bar], threshold: float, threshold_label: str, rate_label: str,
                    no_answer_label: str) -> dict[str, Any]:
    """Horizontal bars of each question's rate (readable on a phone), coloured by whether they reach
    the threshold, with the threshold drawn as a vertical line."""
    labels = [_short(bar.label) for bar in bars]
    rates = [round(bar.rate * 100, 1) if bar.rate is not None else 0 for bar in bars]
    colours = [UNKNOWN if bar.rate is None else MEETS if bar.rate >= threshold else BELOW for bar in bars]
    texts = ["—" if bar.rate is None else f"{bar.rate * 100:.1f} %" for bar in bars]
    hovers = [f"{bar.hover}<br>{rate_label}: {text} (n = {bar.valid})" if bar.rate is not None
              else f"{bar.hover}<br>{no_answer_label}" for bar, text in zip(bars, texts, strict=True)]
    return {
        "data": [{
            "type": "bar", "orientation": "h", "x": rates, "y": labels, "text": texts,
            "textposition": "auto", "hovertext": hovers, "hoverinfo": "text",
            "marker": {"color": colours},
        }],
        "layout": _layout(
            height=max(260, 28 * len(bars) + 80),
            xaxis={"range": [0, 100], "ticksuffix": " %", "fixedrange": True},
            yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
            shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": threshold * 100,
                     "x1": threshold * 100, "y0": 0, "y1": 1,
                     "line": {"color": THRESHOLD, "width": 3, "dash": "dash"}}],
            annotations=[{"xref": "x", "yref": "paper", "x": threshold * 100, "y": 1.0,
                          "yanchor": "bottom", "showarrow": False,
                          "text": f"{threshold_label} {threshold * 100:g} %"}],
            showlegend=False,
        ),
        "config": CONFIG,
    }


def timeline_figure(days: Sequence[date], per_channel: Mapping[str, Sequence[int]],
                    channel_labels: Mapping[str, str], y_label: str) -> dict[str, Any]:
    """Stacked bars of the answers received each day, one colour per channel."""
    x = [day.isoformat() for day in days]
    return {
        "data": [
            {"type": "bar", "name": channel_labels.get(channel, channel), "x": x, "y": list(counts),
             "marker": {"color": CHANNEL_COLOURS.get(channel, UNKNOWN)}}
            for channel, counts in per_channel.items()
        ],
        "layout": _layout(
            height=300, barmode="stack", margin={"l": 60, "r": 10, "t": 20, "b": 40},
            xaxis={"type": "date", "fixedrange": True},
            yaxis={"title": {"text": y_label}, "rangemode": "tozero", "fixedrange": True},
            legend={"orientation": "h", "y": -0.2},
        ),
        "config": CONFIG,
    }
