"""Plotly figures of the coordinator and school views (pure functions of query results, no Streamlit)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from assistance.filters import month_starts
from assistance.i18n import t

STATUS_COLOURS = {
    "green": "#2e7d32",
    "amber": "#f0a500",
    "red": "#c62828",
    "not_due": "#9e9e9e",
    "no_target": "#bdbdbd",
    "not_started": "#bdbdbd",
}
FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
MAX_TIMELINE_ROWS = 30  # more schools than this: monthly totals by measure instead of one row per school


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": FONT, "size": 13},
        plot_bgcolor="white",
        paper_bgcolor="white",
        **extra,
    )
    return fig


def timeline_heatmap(
    frame: pd.DataFrame, lang: str, names: dict[str, str], first: date | None = None, last: date | None = None
) -> go.Figure:
    """One row per school, one column per month, the cell = activities that month (blank = none).

    `frame` comes from scorecard.timeline (pairing_id, school, university, month, activities); months
    with no activity are filled in here, from `first` (default: the first active month) to `last`.
    """
    frame = frame.assign(month=pd.to_datetime(frame["month"]).dt.date)
    active = frame.dropna(subset=["month"])
    start = first or (min(active["month"]) if not active.empty else last)
    end = max(last or max(active["month"]), start)
    months = month_starts(start, end)
    several = frame["university"].nunique() > 1
    rows = frame.drop_duplicates("pairing_id").sort_values(["university", "school"])
    pattern = "{school}（{university}）" if lang == "zh" else "{school} ({university})"
    labels = {
        r.pairing_id: pattern.format(school=r.school, university=names.get(r.university, r.university))
        if several
        else r.school
        for r in rows.itertuples()
    }
    grid = active.pivot_table(index="pairing_id", columns="month", values="activities", aggfunc="sum")
    grid = grid.reindex(index=list(labels), columns=months)
    z = grid.to_numpy(dtype=float)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[m.strftime("%Y-%m") for m in months],
            y=[labels[p] for p in grid.index],
            colorscale="Blues",
            zmin=0,
            xgap=1,
            ygap=2,
            colorbar={"title": {"text": t("univ.chart.activities", lang)}, "thickness": 12},
            hovertemplate="%{y}<br>%{x}: %{z}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category", tickangle=-45, nticks=24, showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    return _layout(fig, 140 + 34 * len(labels))


def timeline_by_measure(frame: pd.DataFrame, lang: str, measures: dict[str, str]) -> go.Figure:
    """Monthly activity totals stacked by measure (for views with many schools)."""
    fig = go.Figure()
    for code, label in measures.items():
        part = frame[frame["measure"] == code]
        if part.empty:
            continue
        fig.add_bar(x=pd.to_datetime(part["month"]), y=part["activities"], name=label)
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    fig.update_yaxes(title=t("univ.chart.activities", lang), gridcolor="#eeeeee")
    fig.update_xaxes(title=None)
    return _layout(fig, 420)


def plan_figure(frame: pd.DataFrame, lang: str, measures: dict[str, str]) -> go.Figure:
    """Per measure: full-year target (pale bar), actual (bar in its status colour), pro-rata (marker)."""
    labels = [measures.get(code, code) for code in frame["measure"]]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=frame["target"].fillna(0),
        orientation="h",
        name=t("school.chart.target", lang),
        marker_color="#e3e8ef",
        hovertemplate="%{y}: %{x}<extra>" + t("school.chart.target", lang) + "</extra>",
    )
    fig.add_bar(
        y=labels,
        x=frame["actual"],
        orientation="h",
        name=t("school.chart.actual", lang),
        marker_color=[STATUS_COLOURS.get(s, "#9e9e9e") for s in frame["status"]],
        width=0.45,
        hovertemplate="%{y}: %{x}<extra>" + t("school.chart.actual", lang) + "</extra>",
    )
    fig.add_scatter(
        y=labels,
        x=frame["expected"],
        mode="markers",
        name=t("school.chart.expected", lang),
        marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#263238"}},
        hovertemplate="%{y}: %{x:.1f}<extra>" + t("school.chart.expected", lang) + "</extra>",
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("univ.chart.activities", lang), gridcolor="#eeeeee", rangemode="tozero")
    _layout(fig, 110 + 32 * len(labels))
    fig.update_layout(
        barmode="overlay",
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return fig
