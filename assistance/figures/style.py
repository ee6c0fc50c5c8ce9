"""The look every figure shares: the font stack, the measure palette and the layout of plain charts.

Map-only colours (choropleth scale, neutral units, the Corps' red) stay with the map figures in `maps.py`.
"""

from __future__ import annotations

# Chinese-capable fonts first: Windows, macOS, then the Linux CJK fonts; the browser takes the first it has.
FONT = "Microsoft YaHei, PingFang SC, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
MEASURE_COLOURS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip
GRID = "#eeeeee"
INK = "#1f2933"  # dark text on light fills
HALO = "0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff"  # a white halo keeps names on a map legible

# The scorecard statuses' colours, for every place that shows a status: bars in figures (STATUS_COLOURS),
# table cells (STATUS_BACKGROUNDS, pale so the text stays readable) and Streamlit's named colours for
# coloured text and badges (STATUS_BADGES; other statuses: gray).
STATUS_COLOURS = {
    "green": "#2e7d32",
    "amber": "#f0a500",
    "red": "#c62828",
    "not_due": "#9e9e9e",
    "no_target": "#bdbdbd",
    "not_started": "#bdbdbd",
}
STATUS_BACKGROUNDS = {"green": "#dcedc8", "amber": "#ffe7b3", "red": "#ffcdd2"}
STATUS_BADGES = {"green": "green", "amber": "orange", "red": "red"}


def chart_layout(height: int, *, top: int = 10, font_size: int | None = None, **extra) -> dict:
    """Layout attributes of a plain (non-map) chart: its height, narrow margins, the app's font."""
    font = {"family": FONT} if font_size is None else {"family": FONT, "size": font_size}
    return {"height": height, "margin": {"l": 10, "r": 10, "t": top, "b": 10}, "font": font, **extra}
