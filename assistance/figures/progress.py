"""Plotly figures of the coordinator and school views (pure functions of query results, no Streamlit)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from assistance.figures.activity import monthly_chart
from assistance.figures.style import GRID, STATUS_COLOURS, chart_layout, month_label
from assistance.i18n import t
from assistance.reference.calendar import month_starts

MAX_TIMELINE_ROWS = 30  # more schools than this: monthly totals by measure instead of one row per school


def _layout(fig: go.Figure, height: int, **extra) -> go.Figure:
    fig.update_layout(
        **chart_layout(height, top=30, font_size=13, plot_bgcolor="white", paper_bgcolor="white", **extra)
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
    order = ["university_key", "school_key"] if "school_key" in frame else ["university", "school"]
    rows = frame.drop_duplicates("pairing_id").sort_values(order)  # pinyin / English order (analytics keys)
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
            x=[month_label(m, lang) for m in months],
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
    """Monthly activity totals stacked by measure (for views with many schools): the overview's chart, taller."""
    return monthly_chart(frame, measures, lang, height=420)


def plan_figure(frame: pd.DataFrame, lang: str, measures: dict[str, str]) -> go.Figure:
    """Per measure: full-year target (pale bar), actual (bar in its status colour), pro-rata (marker)."""
    labels = [measures.get(code, code) for code in frame["measure"]]
    fig = go.Figure()

    def series(add, values, name: str, value_format: str = "%{x}", **style) -> None:
        add(y=labels, x=values, name=name, hovertemplate=f"%{{y}}: {value_format}<extra>{name}</extra>", **style)

    series(
        fig.add_bar, frame["target"].fillna(0), t("school.chart.target", lang), orientation="h", marker_color="#e3e8ef"
    )
    series(
        fig.add_bar,
        frame["actual"],
        t("school.chart.actual", lang),
        orientation="h",
        marker_color=[STATUS_COLOURS.get(s, "#9e9e9e") for s in frame["status"]],
        width=0.45,
    )
    series(
        fig.add_scatter,
        frame["expected"],
        t("school.chart.expected", lang),
        "%{x:.1f}",
        mode="markers",
        marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#263238"}},
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=t("univ.chart.activities", lang), gridcolor=GRID, rangemode="tozero")
    _layout(fig, 110 + 32 * len(labels))
    fig.update_layout(
        barmode="overlay",
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
    )
    return fig
