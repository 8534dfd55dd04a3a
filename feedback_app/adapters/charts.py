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
DAY_MS = 86_400_000
LABEL_MAX = 26  # axis labels longer than this are cut (the full question is in the hover text)
CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


@dataclass(frozen=True)
class Bar:
    label: str  # short, on the axis
    hover: str  # the full question
    rate: float | None  # 0..1; None when nothing valid was answered
    valid: int
    text: str = ""  # the rate as the page's language writes it ("84,3 %"); "—" when there is none
    valid_text: str = ""  # the number of valid answers, likewise ("2.223")
    tag: str = ""  # the shortest label ("Tiêu chí 3"), on the axis of a narrow chart (a phone)


@dataclass(frozen=True)
class CriteriaWords:
    """The chart's words in the page's language."""

    threshold: str  # "Ngưỡng 90,0 %", drawn on the threshold line
    rate: str  # "Tỷ lệ hài lòng", in the hover text
    no_answer: str  # for a question nobody answered validly
    meets: str  # legend: bars at or above the threshold
    below: str  # legend: bars below it
    ticks: Sequence[str] = ()  # the x axis ticks (TICKS) as the language writes them


def separators(lang: str) -> str:
    """plotly's decimal and thousands separators for the language ("84,3" and "2.223" in Vietnamese)."""
    return ",." if lang == "vi" else ".,"


def config(lang: str) -> dict[str, Any]:
    """plotly's config: no mode bar, responsive, and the locale (registered by static/vendor/plotly/
    locale-vi.js) for month and day names."""
    return {**CONFIG, "locale": lang}


def _layout(lang: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "paper_bgcolor": "#fff", "plot_bgcolor": "#fff",
        "separators": separators(lang),
    }
    layout.update(extra)
    return layout


def _short(label: str) -> str:
    """An axis label of at most LABEL_MAX characters, cut between words."""
    if len(label) <= LABEL_MAX:
        return label
    cut = label[: LABEL_MAX - 1]
    if " " in cut and label[LABEL_MAX - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" –-:,") + "…"


TICKS = (0, 25, 50, 75, 100)


def criteria_figure(bars: Sequence[Bar], threshold: float, words: CriteriaWords,
                    lang: str = "vi") -> dict[str, Any]:
    """Horizontal bars of each question's rate (readable on a phone), coloured by whether they reach
    the threshold (one legend entry per colour), with the threshold drawn as a line across the bars
    and labelled inside the chart."""
    labels = [_short(bar.label) for bar in bars]
    groups = ((MEETS, words.meets, lambda bar: bar.rate is not None and bar.rate >= threshold),
              (BELOW, words.below, lambda bar: bar.rate is not None and bar.rate < threshold),
              (UNKNOWN, words.no_answer, lambda bar: bar.rate is None))
    data = []
    for colour, name, member in groups:
        chosen = [(label, bar) for label, bar in zip(labels, bars, strict=True) if member(bar)]
        if not chosen:
            continue
        data.append({
            "type": "bar", "orientation": "h", "name": name,
            "x": [round(bar.rate * 100, 1) if bar.rate is not None else 0 for _, bar in chosen],
            "y": [label for label, _ in chosen],
            "text": [bar.text or "—" for _, bar in chosen],
            "textposition": "auto", "insidetextanchor": "end", "cliponaxis": False,
            "hovertext": [f"{bar.hover}<br>{words.rate}: {bar.text} (n = {bar.valid_text or bar.valid})"
                          if bar.rate is not None else f"{bar.hover}<br>{words.no_answer}"
                          for _, bar in chosen],
            "hoverinfo": "text", "marker": {"color": colour},
        })
    at = threshold * 100
    ticks = list(words.ticks) if len(words.ticks) == len(TICKS) else [f"{t} %" for t in TICKS]
    return {
        "data": data,
        "layout": _layout(
            lang,
            height=max(300, 28 * len(bars) + 110),
            margin={"l": 10, "r": 28, "t": 34, "b": 40},
            barmode="overlay", bargap=0.25,
            xaxis={"range": [0, 101], "fixedrange": True, "automargin": True, "tickvals": list(TICKS),
                   "ticktext": ticks, "showgrid": True,
                   "gridcolor": "#e4e8e5", "zeroline": False},
            yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True,
                   "categoryorder": "array", "categoryarray": labels},
            shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": at, "x1": at, "y0": 0, "y1": 1,
                     "line": {"color": THRESHOLD, "width": 3, "dash": "dash"}, "layer": "above"}],
            annotations=[{"xref": "x", "yref": "paper", "x": at, "y": 1.0, "xanchor": "right",
                          "yanchor": "bottom", "showarrow": False, "text": words.threshold,
                          "font": {"color": "#7a5200"}}],
            showlegend=True,
            legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.04, "yanchor": "top",
                    "traceorder": "normal"},
        ),
        # Merged into the layout by static/js/dashboard.js when the chart's box is narrower than
        # 480 px (NARROW_PX there: a phone): the shortest labels, fewer ticks, so the bars keep their width.
        "narrow": {
            "yaxis.tickvals": labels,
            "yaxis.ticktext": [bar.tag or label for label, bar in zip(labels, bars, strict=True)],
            "xaxis.tickvals": list(TICKS[::2]),
            "xaxis.ticktext": ticks[::2],
        },
        "config": config(lang),
    }


def timeline_figure(days: Sequence[date], per_channel: Mapping[str, Sequence[int]],
                    channel_labels: Mapping[str, str], y_label: str, lang: str = "vi") -> dict[str, Any]:
    """Stacked bars of the answers received each day, one colour per channel; the legend above the
    bars, days written as the language writes them."""
    x = [day.isoformat() for day in days]
    day_format, full_day = ("%d/%m", "%d/%m/%Y") if lang == "vi" else ("%b %d", "%b %d, %Y")
    step = max(1, -(-len(days) // 7))  # days between ticks: at most about 7 ticks, whole days
    return {
        "data": [
            {"type": "bar", "name": channel_labels.get(channel, channel), "x": x, "y": list(counts),
             "marker": {"color": CHANNEL_COLOURS.get(channel, UNKNOWN)},
             "hovertemplate": f"%{{x|{full_day}}}: %{{y}}<extra>%{{fullData.name}}</extra>"}
            for channel, counts in per_channel.items()
        ],
        "layout": _layout(
            lang,
            height=320, barmode="stack", margin={"l": 10, "r": 10, "t": 40, "b": 40},
            # No tick0 without days (a campaign not open yet): plotly logs "unrecognized date null"
            xaxis={"type": "date", "fixedrange": True, "tickformat": day_format,
                   "dtick": step * DAY_MS, **({"tick0": x[0]} if x else {}),
                   "automargin": True},
            yaxis={"title": {"text": y_label, "standoff": 8}, "rangemode": "tozero", "fixedrange": True,
                   "automargin": True, "tickformat": ",d"},
            legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        ),
        "config": config(lang),
    }
