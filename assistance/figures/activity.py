"""Activity over time: the monthly chart stacked by measure, shared by the overview and the university view."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from assistance.figures.builder import FigureBuilder, trace
from assistance.figures.style import GRID, chart_layout, measure_colour, month_format
from assistance.i18n import t


def monthly_chart(monthly: pd.DataFrame, measures: Mapping[str, str], lang: str, height: int = 360) -> go.Figure:
    """Activities per month stacked by measure.

    `monthly` has one row per (month, measure) with its `activities` (e.g. `coverage.monthly_by_measure`);
    `measures` maps each measure code to its label in `lang`, in the programme's order, which is the legend's
    order (`PageContext.measure_names()`, read from the `measures` table); each measure has its own colour
    (`style.measure_colour`), whatever else is in view. Months are labelled in `lang` (2023年1月 / Jan 2023).
    """
    fig = FigureBuilder()
    for code, label in measures.items():
        part = monthly[monthly["measure"] == code]
        if not len(part):
            continue
        fig.add_trace(
            trace(
                "bar",
                x=pd.to_datetime(part["month"]).dt.strftime("%Y-%m-01").tolist(),
                y=part["activities"].astype(int).tolist(),
                name=label,
                marker={"color": measure_colour(code)},
                hovertemplate=f"{label}: %{{y:,}}<extra></extra>",
            )
        )
    fig.update_layout(
        **chart_layout(height),
        barmode="stack",
        hovermode="x unified",
        # The legend above the bars: below them it covered the month labels, which may be turned on a narrow chart.
        legend={
            "orientation": "h",
            "y": 1.02,
            "yanchor": "bottom",
            "x": 0,
            "font": {"size": 11},
            "traceorder": "normal",
        },
        xaxis={
            "type": "date",
            "tickformat": month_format(lang),
            "hoverformat": month_format(lang),
            "dtick": _month_step(monthly["month"]),
            "automargin": True,
        },
        yaxis={"title": {"text": t("map.metric.activities", lang)}, "tickformat": ",d", "gridcolor": GRID},
        bargap=0.15,
    )
    return fig.figure()


def _month_step(months: pd.Series) -> str:
    """Ticks every quarter, or every half year over more than 30 months (whole month labels side by side)."""
    dates = pd.to_datetime(months)
    span = (dates.max().year - dates.min().year) * 12 + dates.max().month - dates.min().month if len(dates) else 0
    return "M6" if span > 30 else "M3"
