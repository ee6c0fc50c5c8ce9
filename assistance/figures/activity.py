"""Activity over time: the monthly chart stacked by measure, shared by the overview and the university view."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from assistance.figures.builder import FigureBuilder, trace
from assistance.figures.style import GRID, MEASURE_COLOURS, chart_layout
from assistance.i18n import t


def monthly_chart(monthly: pd.DataFrame, measures: Mapping[str, str], lang: str, height: int = 360) -> go.Figure:
    """Activities per month stacked by measure.

    `monthly` has one row per (month, measure) with its `activities` (e.g. `coverage.monthly_by_measure`);
    `measures` maps each measure code to its label in `lang`, in the programme's order, which also fixes each
    measure's colour (`PageContext.measure_names()`, read from the `measures` table).
    """
    fig = FigureBuilder()
    for i, (code, label) in enumerate(measures.items()):
        part = monthly[monthly["measure"] == code]
        if not len(part):
            continue
        fig.add_trace(
            trace(
                "bar",
                x=pd.to_datetime(part["month"]).dt.strftime("%Y-%m-01").tolist(),
                y=part["activities"].astype(int).tolist(),
                name=label,
                marker={"color": MEASURE_COLOURS[i % len(MEASURE_COLOURS)]},
                hovertemplate=f"{label}: %{{y:,}}<extra></extra>",
            )
        )
    fig.update_layout(
        **chart_layout(height),
        barmode="stack",
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.15, "x": 0, "font": {"size": 11}, "traceorder": "normal"},
        xaxis={"type": "date", "tickformat": "%Y-%m", "hoverformat": "%Y-%m", "dtick": "M3"},
        yaxis={"title": {"text": t("map.metric.activities", lang)}, "tickformat": ",d", "gridcolor": GRID},
        bargap=0.15,
    )
    return fig.figure()
