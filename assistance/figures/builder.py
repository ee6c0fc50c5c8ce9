"""A figure assembled as plain dicts and validated once: cheaper than Plotly's incremental calls."""

from __future__ import annotations

import plotly.graph_objects as go


def trace(kind: str, **attributes) -> dict:
    """A trace as a plain dict (`kind` is Plotly's trace type: "bar", "choropleth", "scattergeo", …)."""
    return {"type": kind, **attributes}


class FigureBuilder:
    """Collects traces and layout as plain dicts and validates them once, in `figure()`: plotly's
    incremental add_trace/update_layout validate on every call and cost several times as much."""

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict = {}

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)

    def update_layout(self, **attributes) -> None:
        self.layout.update(attributes)

    def add_annotation(self, **annotation) -> None:
        self.layout.setdefault("annotations", []).append(annotation)

    def update_traces(self, selector: dict, **attributes) -> None:
        for trace in self.data:
            if all(trace.get(key) == value for key, value in selector.items()):
                trace.update(attributes)

    def figure(self) -> go.Figure:
        return go.Figure({"data": self.data, "layout": self.layout})
