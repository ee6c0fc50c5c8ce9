"""The look every figure shares: the font stack, one colour per measure and per status, month labels in the UI
language, and the layout of plain charts.

Map-only colours (choropleth scale, neutral units, the Corps' red) stay with the map figures in `maps.py`.
"""

from __future__ import annotations

from datetime import date

# Chinese-capable fonts first: Windows, macOS, then the Linux CJK fonts; the browser takes the first it has.
FONT = "Microsoft YaHei, PingFang SC, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
# One colour per measure (codes of data/measures.csv), for every chart and the brief: a measure looks the same
# wherever it appears, whatever else is in view. A measure added later without a colour gets UNKNOWN_MEASURE.
MEASURE_COLOURS = {
    "resident_team": "#4e79a7",
    "teacher_visit": "#f28e2b",
    "student_teaching": "#e15759",
    "principal_training": "#76b7b2",
    "teacher_training": "#59a14f",
    "shadowing": "#edc948",
    "student_camp": "#b07aa1",
    "lab_open_day": "#ff9da7",
    "teaching_research": "#9c755f",
    "other": "#bab0ac",
}
UNKNOWN_MEASURE = "#7f7f7f"
GRID = "#eeeeee"
INK = "#1f2933"  # dark text on light fills
HALO = "0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff"  # a white halo keeps names on a map legible

# The scorecard statuses' colours, for every place that shows a status: bars in figures (STATUS_COLOURS),
# table cells (STATUS_BACKGROUNDS, pale so the text stays readable, with the word in STATUS_TEXT) and
# Streamlit's named colours for coloured text and badges (STATUS_BADGES; other statuses: gray).
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
# A status is always a word with a marker, never a colour alone: the marker in front of the word in table cells
# (● rated, ○ not rated), the word in a darker shade of its colour (readable on the pale backgrounds).
STATUS_MARKERS = {
    "green": "●",
    "amber": "●",
    "red": "●",
    "not_due": "○",
    "no_target": "○",
    "not_started": "○",
    "ended": "○",
}
STATUS_TEXT = {
    "green": "#1b5e20",
    "amber": "#8a5300",
    "red": "#b71c1c",
    "not_due": "#616161",
    "no_target": "#616161",
    "not_started": "#616161",
    "ended": "#616161",
}


def chart_layout(height: int, *, top: int = 10, font_size: int | None = None, **extra) -> dict:
    """Layout attributes of a plain (non-map) chart: its height, narrow margins, the app's font."""
    font = {"family": FONT} if font_size is None else {"family": FONT, "size": font_size}
    return {"height": height, "margin": {"l": 10, "r": 10, "t": top, "b": 10}, "font": font, **extra}


def measure_colour(code: str) -> str:
    """The colour of measure `code` in every chart (and the brief)."""
    return MEASURE_COLOURS.get(code, UNKNOWN_MEASURE)


# Month labels in the UI language: plotly's d3 formats (axis ticks, hover) and the same text from Python
# (category axes), never plotly's locale (English month names in a Chinese page).
MONTH_FORMATS = {"zh": "%Y年%-m月", "en": "%b %Y"}
MONTH_NAMES_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_format(lang: str) -> str:
    """A month as plotly writes it in `lang`: 2023年1月 / Jan 2023."""
    return MONTH_FORMATS["zh" if lang == "zh" else "en"]


def month_label(month: date, lang: str) -> str:
    """`month` as `month_format(lang)` writes it, from Python."""
    return f"{month.year}年{month.month}月" if lang == "zh" else f"{MONTH_NAMES_EN[month.month - 1]} {month.year}"
