"""The brief's coverage map as one SVG drawing, made without a browser or a network: the scope's units (the
province-level units and the Corps nationally; a province's county-level units when the scope is one province)
filled by the map page's default metric with the map page's colours (`figures.maps`: its scale, the amber of a 0,
the pale of a unit without a pairing, the grey outside the programme, the Corps' red), names on the units, the South
China Sea inset of a national map, and a small legend below it.

The same drawing goes into both forms: the HTML inlines it (`<svg>`, no namespace, no reference to anything), the
PDF embeds it as vector graphics (fpdf2 reads SVG, its text too). Its text names the PDF's own font last in the
font stack (`fonts.PDF_FONT`): a browser takes the first CJK font it has, fpdf2 the one it registered. One
`<path data-code="…">` per unit of the scope, so what is drawn can be checked.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from html import escape

import pandas as pd

from assistance.brief.fonts import PDF_FONT
from assistance.figures import maps
from assistance.figures.labels import light_text_on
from assistance.figures.style import INK
from assistance.geo.outline import Outlines, national_outlines, province_outlines
from assistance.i18n import t
from assistance.reference.codes import CORPS_CODE, HAINAN_CODE, XINJIANG_CODE

FONT_STACK = f"WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, {PDF_FONT}, sans-serif"
MUTED = "#52606d"
FRAME = "#9aa5b1"
LABEL_SIZE = {"zh": 19.0, "en": 15.5}  # map units: a map 100 mm wide writes them at about 5.5 and 4.5 pt
LEGEND_SIZE = 16.5
TITLE_SIZE = 19.5
BAR = (240.0, 13.0)  # the colour bar's width and height
BAR_STEPS = 24
SWATCH = 14.0
COUNTY_LABELS = 15  # names are written on a province's counties when at most this many have a school


@dataclass(frozen=True)
class MapImage:
    """The drawing (`svg`), its legend title, every character it writes (the PDF's font subset needs them) and
    its height over its width."""

    svg: str
    title: str
    text: str
    aspect: float


def text_width(text: str, size: float) -> float:
    """Roughly how wide `text` is written at `size`: a Chinese character a full em, Latin about half one."""
    return size * sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.56 for c in text)


def _hex(colour: str) -> str:
    """'#rrggbb' of a '#rrggbb' or 'rgb(r, g, b)' colour (the scale gives the latter)."""
    if colour.startswith("#"):
        return colour
    r, g, b = (round(float(v)) for v in colour[colour.index("(") + 1 : colour.index(")")].split(","))
    return f"#{r:02x}{g:02x}{b:02x}"


class _Drawing:
    """SVG elements in drawing order, and the characters written."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.written: list[str] = []

    def path(self, data: str, fill: str, stroke: str, width: float, code: str | None = None, **extra: str) -> None:
        if not data:
            return
        attributes = f' data-code="{code}"' if code else ""
        attributes += "".join(f' {key.replace("_", "-")}="{value}"' for key, value in extra.items())
        self.parts.append(
            f'<path{attributes} d="{data}" fill="{_hex(fill)}" fill-rule="evenodd" stroke="{_hex(stroke)}" '
            f'stroke-width="{width:g}" stroke-linejoin="round"/>'
        )

    def line(self, data: str, stroke: str, width: float) -> None:
        if data:
            self.parts.append(f'<path d="{data}" fill="none" stroke="{stroke}" stroke-width="{width:g}"/>')

    def rect(self, x: float, y: float, w: float, h: float, fill: str, stroke: str | None = None) -> None:
        line = f' stroke="{_hex(stroke)}" stroke-width="1"' if stroke else ""
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{_hex(fill)}"{line}/>')

    def text(
        self, x: float, y: float, text: str, size: float, colour: str = INK, anchor: str = "start", halo: bool = False
    ) -> None:
        """A line of text; `halo`: on a white outline first, drawn under it, so that it reads on any fill."""
        self.written.append(text)
        element = f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}"'
        if halo:
            self.parts.append(f'{element} fill="#ffffff" stroke="#ffffff" stroke-width="{size / 5:.1f}" '
                              f'stroke-linejoin="round">{escape(text)}</text>')  # fmt: skip
        self.parts.append(f'{element} fill="{_hex(colour)}">{escape(text)}</text>')


@dataclass(frozen=True)
class _Legend:
    title: str
    metric: str
    vmax: float
    swatches: tuple[tuple[str, str, str], ...]  # (fill, line, label)


def coverage_map(units: pd.DataFrame, province: str | None, metric: str, lang: str) -> MapImage:
    """The map of the brief's scope: `units` is `coverage.province_metrics` (national, `province` None) or
    `coverage.county_metrics` of `province` (its county-level units, the Corps' cities for 660000)."""
    if province is None:
        outlines, legend, drawing = _national(units, metric, lang)
    else:
        outlines, legend, drawing = _drilled(units, province, metric, lang)
    height = _legend(drawing, legend, outlines.width, outlines.height + 14, lang)
    svg = (
        f'<svg viewBox="0 0 {outlines.width:g} {height:.1f}" width="{outlines.width:g}" height="{height:.1f}" '
        f'font-family="{FONT_STACK}" role="img" aria-label="{escape(legend.title)}">{"".join(drawing.parts)}</svg>'
    )  # no <title> element: fpdf2 takes drawing elements only
    return MapImage(svg, legend.title, "".join(drawing.written), height / outlines.width)


def _label_colour(fill: str) -> str:
    return "#ffffff" if light_text_on(fill) else INK


def _zero_swatch(metric: str, lang: str) -> tuple[str, str, str]:
    return (*maps.zero_style(metric), t("map.legend.zero", lang, metric=maps.metric_label(metric, lang)))


def _national(metrics: pd.DataFrame, metric: str, lang: str) -> tuple[Outlines, _Legend, _Drawing]:
    """Every province-level unit (grey outside the programme), the Corps over Xinjiang, names on the programme's
    provinces, the maritime line and the South China Sea inset."""
    outlines = national_outlines()
    vmax = maps.national_vmax(metrics, metric)
    fills = maps.national_fills(metrics, metric, vmax)
    rows = metrics.set_index("code", drop=False)
    drawing = _Drawing()
    zero_fill, zero_line = maps.zero_style(metric)
    lines = {maps.OUTSIDE: maps.OUTSIDE_LINE, maps.NO_PAIRINGS: maps.NO_PAIRINGS_LINE, zero_fill: zero_line}
    for code, data in outlines.units.items():
        if code != CORPS_CODE:
            fill = fills.get(code, maps.OUTSIDE)
            drawing.path(data, fill, lines.get(fill, maps.BORDER), 1.2 if fill == zero_fill else 0.8, code)
    drawing.line(outlines.maritime, maps.MARITIME, 1.2)
    corps_fill = fills.get(CORPS_CODE, maps.NO_PAIRINGS)
    drawing.path(outlines.units[CORPS_CODE], corps_fill, maps.CORPS_LINE, 1.2, CORPS_CODE)
    size = LABEL_SIZE.get(lang, LABEL_SIZE["en"])
    for code, row in rows.iterrows():
        if not row["in_programme"] or code == CORPS_CODE or code not in outlines.labels:
            continue
        x, y = outlines.labels[code]
        name = str(row["short_zh"] if lang == "zh" else row["name_en"])
        drawing.text(x, y + size * 0.35, name, size, _label_colour(fills[code]), "middle")
    if CORPS_CODE in rows.index:
        x, y = outlines.labels[CORPS_CODE]
        label = t("map.corps_label", lang)
        if rows.loc[CORPS_CODE, "pairings"] > 0:
            label = f"{label} {maps.format_metric(metric, rows.loc[CORPS_CODE, metric], lang)}"
        drawing.text(x, y + size * 0.35, label, size, maps.CORPS_LINE, halo=True)
    _inset(drawing, outlines, fills.get(HAINAN_CODE, maps.OUTSIDE), lines, lang)

    in_programme = metrics[metrics["in_programme"]]
    swatches = []
    if zero_fill in {fills[code] for code in in_programme["code"]}:  # only a unit with a pairing is drawn so
        swatches.append(_zero_swatch(metric, lang))
    if (in_programme["pairings"] == 0).any():
        swatches.append((maps.NO_PAIRINGS, maps.NO_PAIRINGS_LINE, t("map.legend.no_pairings", lang)))
    swatches.append((maps.OUTSIDE, FRAME, t("map.legend.outside", lang)))
    if CORPS_CODE in in_programme["code"].to_numpy():
        swatches.append((corps_fill, maps.CORPS_LINE, t("map.legend.corps", lang)))
    title = t("brief.map.title_national", lang, metric=maps.metric_label(metric, lang))
    return outlines, _Legend(title, metric, vmax, tuple(swatches)), drawing


def _inset(drawing: _Drawing, outlines: Outlines, hainan: str, lines: dict[str, str], lang: str) -> None:
    inset = outlines.inset
    x, y, w, h = inset.box
    drawing.rect(x, y, w, h, "#ffffff", FRAME)
    for code, data in inset.coast.items():
        fill = hainan if code == HAINAN_CODE else maps.OUTSIDE
        drawing.path(data, fill, lines.get(fill, maps.BORDER), 0.6)
    dots = "".join(f"M{ix - 0.7:.1f} {iy - 0.7:.1f}h1.4v1.4h-1.4Z" for ix, iy in inset.islands)  # one path, not 160
    drawing.path(dots, MUTED, MUTED, 0.1)
    drawing.line(inset.maritime, maps.MARITIME, 1.0)
    drawing.text(x + w, y - 5, t("map.scs", lang), LEGEND_SIZE * 0.9, MUTED, "end")


def _drilled(counties: pd.DataFrame, province: str, metric: str, lang: str) -> tuple[Outlines, _Legend, _Drawing]:
    """A province's county-level units: those with a school outlined dark and filled by `metric` (amber at 0), the
    rest faint; for the Corps, its cities over a faint Xinjiang; for Xinjiang, the Corps' cities as context."""
    outlines = province_outlines(province)
    frame = counties[counties["adcode"].isin(outlines.units.keys())]
    vmax = maps.drilled_vmax(frame, metric)
    fills = maps.county_fills(frame, metric, vmax, province)
    assisted = set(frame.loc[frame["pairings"] > 0, "adcode"])
    drawing = _Drawing()
    other_fill = maps.CORPS_FILL if province == CORPS_CODE else maps.COUNTY_FAINT
    if "xinjiang" in outlines.context:
        drawing.path(outlines.context["xinjiang"], maps.COUNTY_FAINT, maps.COUNTY_FAINT_LINE, 0.8)
    faint_line = maps.CORPS_LINE if province == CORPS_CODE else maps.COUNTY_FAINT_LINE
    for code, data in outlines.units.items():  # the counties with a school last: their dark outline stays whole
        if code not in assisted:
            drawing.path(data, fills.get(code, other_fill), faint_line, 0.7, code)
    line = maps.CORPS_LINE if province == CORPS_CODE else maps.ASSISTED_LINE
    for code, data in outlines.units.items():
        if code in assisted:
            drawing.path(data, fills[code], line, 1.4, code)
    if "corps" in outlines.context:
        drawing.path(outlines.context["corps"], maps.CORPS_FILL, maps.CORPS_LINE, 1.0)
    named = frame[frame["pairings"] > 0]
    if len(named) <= COUNTY_LABELS:
        size = LABEL_SIZE["zh"]
        for row in named.itertuples(index=False):
            if pd.notna(row.lon) and pd.notna(row.lat):
                x, y = outlines.plane.point(float(row.lon), float(row.lat))
                drawing.text(x, y + size * 0.35, str(row.name_zh), size, INK, "middle", halo=True)  # over any fill

    swatches = []
    zero_fill = maps.zero_style(metric)[0]
    if any(fills[code] == zero_fill for code in assisted):
        swatches.append(_zero_swatch(metric, lang))
    if province == CORPS_CODE:
        swatches.append((maps.CORPS_FILL, maps.CORPS_LINE, t("map.legend.counties_other", lang)))
        swatches.append((maps.COUNTY_FAINT, maps.COUNTY_FAINT_LINE, t("map.legend.xinjiang_context", lang)))
    else:
        swatches.append((maps.COUNTY_FAINT, maps.COUNTY_FAINT_LINE, t("map.legend.counties_other", lang)))
    if province == XINJIANG_CODE:
        swatches.append((maps.CORPS_FILL, maps.CORPS_LINE, t("map.legend.corps_context", lang)))
    title = t("brief.map.title_counties", lang, metric=maps.metric_label(metric, lang))
    return outlines, _Legend(title, metric, vmax, tuple(swatches)), drawing


def _ticks(metric: str, vmax: float) -> list[float]:
    """0, the middle and the top of the colour bar, whole numbers for counts."""
    if metric in ("active_share", "per_school"):
        return [0.0, vmax / 2, vmax]
    top = max(math.floor(vmax), 1)
    return sorted({0.0, float(round(top / 2)), float(top)})


def _legend(drawing: _Drawing, legend: _Legend, width: float, top: float, lang: str) -> float:
    """The legend below the map: its title, the colour bar with three values, then a swatch per flat colour in
    view, in rows as wide as the map. Returns the drawing's full height."""
    drawing.text(0, top + TITLE_SIZE, legend.title, TITLE_SIZE)
    bar_top = top + TITLE_SIZE + 8
    step = BAR[0] / BAR_STEPS
    for i in range(BAR_STEPS):
        drawing.rect(i * step, bar_top, step + 0.4, BAR[1], maps.scale_colour((i + 0.5) / BAR_STEPS))
    for value in _ticks(legend.metric, legend.vmax):
        x = BAR[0] * value / (legend.vmax or 1)
        anchor = "start" if value == 0 else "end" if value >= legend.vmax else "middle"
        drawing.text(x, bar_top + BAR[1] + LEGEND_SIZE + 2, maps.format_metric(legend.metric, value, lang),
                     LEGEND_SIZE, MUTED, anchor)  # fmt: skip
    x, y = BAR[0] + 36, bar_top
    for fill, line, label in legend.swatches:
        room = SWATCH + 6 + text_width(label, LEGEND_SIZE) + 24
        if x + room > width and x > BAR[0] + 36:
            x, y = BAR[0] + 36, y + LEGEND_SIZE + 12
        drawing.rect(x, y, SWATCH, SWATCH * 0.8, fill, line)
        drawing.text(x + SWATCH + 6, y + SWATCH * 0.8, label, LEGEND_SIZE)
        x += room
    return max(y + LEGEND_SIZE + 10, bar_top + BAR[1] + LEGEND_SIZE + 8)
