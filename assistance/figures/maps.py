"""The map figures: the national choropleth, a province's drill-down and the university–school links.

Plotly only: no Streamlit here, and the geometry they draw (label points, frames, the inset's coast) comes
from `assistance.geo.shapes`.

Map design, in short:

* **Projection.** National maps use an Albers (conic equal-area) projection with standard parallels
  25°N and 47°N and central meridian 105°E, the usual parameters for a map of all China: the west and
  the north-east keep their shapes, and areas stay comparable, which a choropleth needs. Province
  drill-downs use Mercator fitted to the province (a small area; conformal shapes look familiar).
* **South China Sea.** The mainland view stops at 17.5°N; the islands and the maritime boundary line
  are shown in an inset (lower right), as China's standard horizontal maps do.
* **Units.** The 23 provinces in the programme are coloured by the chosen metric; the other
  province-level units are drawn neutral grey and named "outside the programme". The Corps (660000)
  is its own unit: its ten city polygons (6590xx) are drawn over Xinjiang, coloured by the Corps'
  own value, with a red outline, a red diamond marker per city and their own legend entry.
* **Geometry travels once.** A trace's GeoJSON is given as a URL (`app/static/geo/...`, served by
  Streamlit's static serving) when the file is served, so the figure JSON carries only the data;
  plotly.js fetches each file once per page and caches it. Tests and tools can ask for the GeoJSON
  inline instead (`GeoAssets(inline=True)`, in `assistance.geo.shapes`).

All labels go through `assistance.i18n`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go

from assistance.figures import labels
from assistance.figures.builder import FigureBuilder, trace
from assistance.figures.style import FONT, HALO, INK
from assistance.geo import boundaries
from assistance.geo.shapes import (
    CORPS_LABEL_AT,
    INSET_COAST,
    INSET_LAT,
    INSET_LON,
    GeoAssets,
    corps_points,
    counties_at,
    county_frame,
    county_ids,
    island_points,
    maritime_lines,
    province_label_points,
)
from assistance.i18n import t
from assistance.reference.codes import CORPS_CODE, HAINAN_CODE, XINJIANG_CODE

# Colours
SCALE = [[0.0, "#dbe9f6"], [0.25, "#a6cbe3"], [0.5, "#5fa2ce"], [0.75, "#2a6fb0"], [1.0, "#0b3c7d"]]
OUTSIDE = "#d9d9d9"
OUTSIDE_LINE = "#ffffff"
NO_PAIRINGS = "#f6f8fb"
NO_PAIRINGS_LINE = "#b7c4d3"
BORDER = "#ffffff"
CORPS_LINE = "#d7301f"
CORPS_FILL = "#fde4df"
COUNTY_FAINT = "#f1f3f5"
COUNTY_FAINT_LINE = "#d0d5db"
# A unit with a school whose value is 0 (榆中县 at 0% active) must not look like one with no school: amber, not
# the scale's near-white, with its own legend entry; units with a school are outlined dark (issue 13, item 8).
ZERO_FILL = "#f6c667"
ZERO_LINE = "#9a5b00"
# ... except where 0 is the good news: no open problem (issue 10) is a calm pale green, not the warning amber.
CALM_ZERO = {"open_problems"}
CALM_ZERO_FILL = "#e3f0df"
CALM_ZERO_LINE = "#4d7c43"
ASSISTED_LINE = "#3e4c59"
DARK_HALO = "0 0 2px #102a43, 0 0 2px #102a43, 0 0 3px #102a43"  # white names on dark fills
MARITIME = "#6b7280"
PROVENANCE_COLOUR = {"verified": "#1b7837", "demo": "#e08214", "imported": "#7b3294"}
PROVENANCE_DASH = {"verified": "solid", "demo": "dot", "imported": "dash"}
LINK_RANK = {"verified": 1, "imported": 2, "demo": 3}
UNIVERSITY_COLOUR = "#0b3c7d"

# Frames. The mainland frame stops short of the islands, which the inset (lower right) shows.
NATIONAL_LON = (73.0, 135.5)
NATIONAL_LAT = (17.5, 54.0)
INSET_DOMAIN = {"x": [0.835, 0.998], "y": [0.0, 0.36]}
ALBERS = {"type": "conic equal area", "parallels": [25, 47], "rotation": {"lon": 105}}


# ------------------------------------------------------------------------------ formatting


def metric_label(metric: str, lang: str) -> str:
    return t(f"map.metric.{metric}", lang)


def format_metric(metric: str, value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("kpi.none", lang)
    if metric == "active_share":
        return f"{float(value):.0%}"
    if metric == "per_school":
        return f"{float(value):,.1f}"
    return f"{int(value):,}"


def _colorbar(metric: str, lang: str, vmax: float, **position) -> dict:
    """A slim horizontal colour bar; whole-number ticks for small counts."""
    bar = {
        "title": {"text": metric_label(metric, lang), "side": "top", "font": {"size": 11}},
        "orientation": "h",
        "len": 0.26,
        "thickness": 10,
        "tickformat": {"active_share": ".0%", "per_school": ",.0f"}.get(metric, ",d"),
        "tickfont": {"size": 10},
        "outlinewidth": 0,
        **position,
    }
    if metric in ("schools", "activities", "participants", "open_problems") and vmax <= 8:
        bar["dtick"] = 1
    return bar


def _coloraxis(metric: str, lang: str, vmax: float, **position) -> dict:
    """The metric's colour axis, 0 to `vmax`, shared by the national and drill-down maps; `position` places its bar."""
    return {"colorscale": SCALE, "cmin": 0, "cmax": vmax, "colorbar": _colorbar(metric, lang, vmax, **position)}


def _names(row: Mapping, lang: str, zh: str = "name_zh", en: str = "name_en") -> str:
    return str(row[zh] if lang == "zh" else row[en])


def _join(items: Sequence[str], lang: str) -> str:
    return t("list.separator", lang).join(str(i) for i in items)


def _unit_hover(row: Mapping, name: str, lang: str, metric: str, click: bool = False) -> str:
    """Hover text of a unit (province, the Corps, a county) with its values and top universities."""
    lines = [f"<b>{name}</b>"]
    for key in ("schools", "activities", "participants", "per_school", "active_share", "open_problems"):
        value = format_metric(key, row[key], lang)
        label = t(f"map.hover.{key}", lang)
        lines.append(f"<b>{label}: {value}</b>" if key == metric else f"{label}: {value}")
    top = list(row["top_universities_zh" if lang == "zh" else "top_universities_en"])
    if top:
        lines.append(f"{t('map.hover.top_universities', lang)}: {_join(top, lang)}")
    if click:
        lines.append(f"<i>{t('map.hover.click', lang)}</i>")
    return "<br>".join(lines)


def _norm(values: pd.Series, vmax: float) -> np.ndarray:
    return np.clip(values.astype(float).fillna(0).to_numpy() / (vmax or 1), 0, 1)


def _text_colours(norm: np.ndarray) -> list[str]:
    """Dark text on light fills, white on dark ones."""
    return ["#ffffff" if n > 0.62 else INK for n in norm]


# ------------------------------------------------------------------------------ layout helpers


def _scatter(lons, lats, mode: str, hover=None, **attributes) -> dict:
    """A scattergeo trace (markers, lines or text) at the given positions; `hover`, one text per point, is
    shown as it is."""
    if hover is not None:
        attributes.update(hovertext=_values(hover), hovertemplate="%{hovertext}<extra></extra>")
    return trace("scattergeo", lon=_values(lons), lat=_values(lats), mode=mode, **attributes)


def _values(sequence) -> list:
    """Plain Python values (a Series' `tolist()`), as plotly's JSON encoder likes them best."""
    return sequence.tolist() if hasattr(sequence, "tolist") else list(sequence)


def _legend(**extra) -> dict:
    return {
        "orientation": "v",
        "x": 0.005,
        "y": 0.005,
        "xanchor": "left",
        "yanchor": "bottom",
        "bgcolor": "rgba(255,255,255,0.85)",
        "bordercolor": "#d0d5db",
        "borderwidth": 1,
        "font": {"size": 11},
        "itemclick": False,
        "itemdoubleclick": False,
        **extra,
    }


def _base_layout(fig: FigureBuilder, height: int, selectable: bool = False) -> None:
    """Size, font, no zoom or pan; a click selects (fading the rest) only on a map whose selection the
    app reads, the national map: elsewhere it would leave the map faded (issue 13, item 2)."""
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        font={"family": FONT},
        paper_bgcolor="rgba(0,0,0,0)",
        dragmode=False,
        hoverlabel={"font": {"family": FONT, "size": 12}, "align": "left"},
        clickmode="event+select" if selectable else "event",
    )


def _national_geo(fig: FigureBuilder) -> None:
    fig.update_layout(
        geo={
            "visible": False,
            "projection": ALBERS,
            "lonaxis": {"range": list(NATIONAL_LON)},
            "lataxis": {"range": list(NATIONAL_LAT)},
            "bgcolor": "rgba(0,0,0,0)",
            "domain": {"x": [0, 1], "y": [0, 1]},
        },
        geo2={
            "visible": False,
            "showframe": True,
            "framecolor": "#9aa5b1",
            "framewidth": 1,
            "projection": {"type": "conic equal area", "parallels": [5, 20], "rotation": {"lon": 115}},
            "lonaxis": {"range": list(INSET_LON)},
            "lataxis": {"range": list(INSET_LAT)},
            "bgcolor": "#ffffff",
            "domain": INSET_DOMAIN,
        },
    )


def _neutral_trace(
    source, locations, hover, name, fill, line, geo_id="geo", showlegend=True, width=0.6, **extra
) -> dict:
    """A flat-coloured choropleth; `source(codes)` gives the GeoJSON (URL or the features inline)."""
    locations = list(locations)
    return trace(
        "choropleth",
        geojson=source(locations),
        featureidkey="id",
        locations=list(locations),
        z=[0] * len(locations),
        colorscale=[[0, fill], [1, fill]],
        showscale=False,
        marker={"line": {"color": line, "width": width}},
        text=list(hover),
        hovertemplate="%{text}<extra></extra>",
        name=name,
        showlegend=showlegend,
        legendgroup=name,
        geo=geo_id,
        **extra,
    )


def _metric_trace(source, units: pd.DataFrame, code: str, metric: str, hover, line, width, **extra) -> dict:
    """A choropleth of `units` (their codes in column `code`) coloured by `metric` on the shared colour axis;
    `source` as in `_neutral_trace`."""
    locations = list(units[code])
    return trace(
        "choropleth",
        geojson=source(locations),
        featureidkey="id",
        locations=locations,
        z=units[metric].astype(float).fillna(0).tolist(),
        coloraxis="coloraxis",
        marker={"line": {"color": line, "width": width}},
        text=hover,
        hovertemplate="%{text}<extra></extra>",
        showlegend=False,
        **extra,
    )


def zero_style(metric: str) -> tuple[str, str]:
    """(fill, line) of a unit with a school whose `metric` is 0: amber (look here), or calm where 0 is good."""
    return (CALM_ZERO_FILL, CALM_ZERO_LINE) if metric in CALM_ZERO else (ZERO_FILL, ZERO_LINE)


def national_vmax(metrics: pd.DataFrame, metric: str) -> float:
    """The top of the national map's colour axis: the largest `metric` of a programme unit with a pairing in view
    (1 for the active share, a fraction; 1 when no unit has a value above 0)."""
    if metric == "active_share":
        return 1.0
    values = metrics.loc[metrics["in_programme"] & (metrics["pairings"] > 0), metric].astype(float)
    return float(values.max()) if len(values) and values.max() > 0 else 1.0


def drilled_vmax(counties: pd.DataFrame, metric: str) -> float:
    """The top of a province drill-down's colour axis: the largest `metric` of a county with a pairing in view."""
    assisted = counties[counties["pairings"] > 0]
    return 1.0 if metric == "active_share" else float(assisted[metric].max() or 1) if len(assisted) else 1.0


def unit_fill(pairings: int, value: object, metric: str, vmax: float, empty: str = NO_PAIRINGS) -> str:
    """The fill of a unit in view: `empty` without a pairing, the zero style at 0 (a missing value counts as 0, as
    on the colour axis), else the colour axis' colour of `value`."""
    if pairings <= 0:
        return empty
    number = 0.0 if value is None or pd.isna(value) else float(value)
    return zero_style(metric)[0] if number == 0 else scale_colour(number / (vmax or 1))


def national_fills(metrics: pd.DataFrame, metric: str, vmax: float) -> dict[str, str]:
    """The fill of each province-level unit of `coverage.province_metrics` (the Corps' too) on the national map:
    neutral grey outside the programme, pale without a pairing in view, else by `metric` (amber at 0)."""
    return {
        row.code: unit_fill(row.pairings, getattr(row, metric), metric, vmax) if row.in_programme else OUTSIDE
        for row in metrics.itertuples(index=False)
    }


def _paired_traces(
    source, units: pd.DataFrame, code: str, metric: str, hover, lang: str, line, width, clickable=False, **extra
) -> list[dict]:
    """Units with a pairing: on the colour axis, except those whose value is 0, flat in ZERO_FILL under their own
    legend entry (so a 0 never reads as "no school"); `clickable` puts each unit's code in its customdata."""
    zero = units[metric].astype(float).fillna(0).to_numpy() == 0
    hover = np.asarray(list(hover), dtype=object)
    showlegend = extra.pop("showlegend", True)  # of the units at 0 (the colour bar stands for the rest)
    traces = []
    for part, texts, at_zero in ((units[~zero], hover[~zero], False), (units[zero], hover[zero], True)):
        if not len(part):
            continue
        more = {"customdata": [[c] for c in part[code]]} if clickable else {}
        if at_zero:
            name = t("map.legend.zero", lang, metric=metric_label(metric, lang))
            geo = extra.get("geo", "geo")
            traces.append(
                _neutral_trace(source, part[code], texts, name, *zero_style(metric), geo, showlegend, 1.4, **more)
            )
        else:
            traces.append(_metric_trace(source, part, code, metric, texts.tolist(), line, width, **extra, **more))
    return traces


def _corps_context(assets: GeoAssets, width: float, **extra) -> dict:
    """The Corps' cities flat in the Corps' colour (context, no metric): the drill-down and link maps."""
    codes = list(corps_points())
    return trace(
        "choropleth",
        geojson=assets.corps(codes),
        featureidkey="id",
        locations=codes,
        z=[0] * len(codes),
        colorscale=[[0, CORPS_FILL], [1, CORPS_FILL]],
        showscale=False,
        marker={"line": {"color": CORPS_LINE, "width": width}},
        **extra,
        showlegend=True,
    )


def _maritime_traces(fig: FigureBuilder, lang: str) -> None:
    island_lons, island_lats = island_points()
    fig.add_trace(
        _scatter(
            island_lons,
            island_lats,
            "markers",
            marker={"size": 2, "color": "#52606d"},
            hoverinfo="skip",
            showlegend=False,
            geo="geo2",
        )
    )
    lons, lats = maritime_lines()
    for geo_id in ("geo", "geo2"):
        fig.add_trace(
            _scatter(
                lons,
                lats,
                "lines",
                line={"color": MARITIME, "width": 1.1},
                hoverinfo="skip",
                name=t("map.scs", lang),
                showlegend=False,
                geo=geo_id,
            )
        )


def _inset_title(fig: FigureBuilder, lang: str) -> None:
    fig.add_annotation(
        text=t("map.scs", lang),
        x=INSET_DOMAIN["x"][1],
        y=INSET_DOMAIN["y"][1] + 0.004,
        xref="paper",
        yref="paper",
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        font={"size": 11, "color": "#52606d"},
    )


def _sample_title(fig: FigureBuilder, lang: str, what: str) -> None:
    """A title naming what the map shows and, in the demo colour, that its figures include sample data: it stays
    on any crop of the map (issue 13, item 15)."""
    mark = f"<span style='color:{PROVENANCE_COLOUR['demo']}'><b>{t('badge.demo', lang)}</b></span>"
    fig.update_layout(
        title={
            "text": f"{what} · {mark}",
            "x": 0.005,
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 6},
            "font": {"size": 13, "color": INK},
        },
        margin={"l": 0, "r": 0, "t": 28, "b": 0},
    )


def _empty_note(fig: FigureBuilder, lang: str) -> None:
    """Written across a map with no school in view, so an empty map is not read as a map of zeros."""
    fig.add_annotation(
        text=t("map.empty", lang),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 15, "color": INK},
        bgcolor="rgba(255,255,255,0.9)",
        bordercolor="#9aa5b1",
        borderwidth=1,
        borderpad=8,
    )


# ------------------------------------------------------------------------------ national map


def national_map(
    metrics: pd.DataFrame,
    metric: str,
    lang: str,
    assets: GeoAssets | None = None,
    height: int = 600,
    clickable: bool = True,
    sample: bool = False,
) -> go.Figure:
    """The national choropleth: programme provinces by `metric`, the rest neutral, the Corps apart.

    `metrics` is `coverage.province_metrics(...)`: one row per province-level unit (the Corps 660000).
    Every clickable trace carries the unit code as customdata[0]. `sample`: the figures include demo data (the
    title says so).
    """
    assets = assets or GeoAssets()
    provinces = assets.provinces
    frame = metrics.set_index("code", drop=False)
    names = {code: _names(row, lang) for code, row in frame.iterrows()}
    in_programme = frame[frame["in_programme"]]
    corps = in_programme.loc[CORPS_CODE] if CORPS_CODE in in_programme.index else None
    provinces_in = in_programme[in_programme["code"] != CORPS_CODE]
    with_data = provinces_in[provinces_in["pairings"] > 0]
    without = provinces_in[provinces_in["pairings"] == 0]
    outside = frame[~frame["in_programme"]]
    vmax = national_vmax(metrics, metric)

    fig = FigureBuilder()
    _base_layout(fig, height, selectable=clickable)
    if sample:
        _sample_title(fig, lang, metric_label(metric, lang))
    _national_geo(fig)
    fig.update_layout(
        coloraxis=_coloraxis(metric, lang, vmax, x=0.005, xanchor="left", y=0.30, yanchor="bottom"),
        legend=_legend(),
    )

    outside_hover = [f"<b>{names[c]}</b><br>{t('map.hover.outside', lang)}" for c in outside["code"]]
    fig.add_trace(
        _neutral_trace(provinces, outside["code"], outside_hover, t("map.legend.outside", lang), OUTSIDE, OUTSIDE_LINE)
    )
    if len(without):
        hover = [f"<b>{names[c]}</b><br>{t('map.hover.no_pairings', lang)}" for c in without["code"]]
        fig.add_trace(
            _neutral_trace(
                provinces, without["code"], hover, t("map.legend.no_pairings", lang), NO_PAIRINGS, NO_PAIRINGS_LINE
            )
        )
    hover = [_unit_hover(row, names[c], lang, metric, clickable) for c, row in with_data.iterrows()]
    for unit_trace in _paired_traces(provinces, with_data, "code", metric, hover, lang, BORDER, 0.8, clickable):
        fig.add_trace(unit_trace)
    if corps is not None:
        _add_corps(fig, assets, corps, names[CORPS_CODE], metric, lang, clickable)
    if not in_programme["pairings"].sum():
        _empty_note(fig, lang)

    # Province names (programme units only: the rest are labelled by their hover and the legend).
    points = province_label_points()
    labelled = provinces_in
    norm = _norm(labelled[metric].where(labelled["pairings"] > 0), vmax)
    fig.add_trace(
        _scatter(
            [points[c][0] for c in labelled["code"]],
            [points[c][1] for c in labelled["code"]],
            "text",
            text=[_names(row, lang, "short_zh", "name_en") for _, row in labelled.iterrows()],
            textfont={"size": 11 if lang == "zh" else 9.5, "color": _text_colours(norm)},
            hoverinfo="skip",
            showlegend=False,
        )
    )

    # The South China Sea inset: the coast around it neutral, Hainan (whose 三沙 holds the islands)
    # in its programme colour, and the maritime boundary in both frames.
    coast = [c for c in INSET_COAST if c in frame.index]
    fig.add_trace(
        _neutral_trace(assets.inset, coast, [names[c] for c in coast], "", OUTSIDE, OUTSIDE_LINE, "geo2", False)
    )
    if HAINAN_CODE in frame.index:
        hainan = frame.loc[HAINAN_CODE]
        hover = _unit_hover(hainan, names[HAINAN_CODE], lang, metric, clickable)
        if hainan["pairings"] > 0:
            units = frame.loc[[HAINAN_CODE]]
            for unit_trace in _paired_traces(
                assets.inset, units, "code", metric, [hover], lang, BORDER, 0.5, clickable, geo="geo2", showlegend=False
            ):
                fig.add_trace(unit_trace)
        else:
            fig.add_trace(
                _neutral_trace(assets.inset, [HAINAN_CODE], [hover], "", NO_PAIRINGS, NO_PAIRINGS_LINE, "geo2", False)
            )
    _maritime_traces(fig, lang)
    _inset_title(fig, lang)
    return fig.figure()


def _add_corps(fig, assets, row, name, metric, lang, clickable) -> None:
    """The Corps' city polygons outlined in the Corps' red, plus a marker per city: both filled by the chosen
    metric (its value also written beside the Corps' name), amber at 0 (pale green for no open problem), pale with no
    pairing in view."""
    points = corps_points()
    codes = list(points)
    corps_source = assets.corps(codes)
    hover = _unit_hover(row, name, lang, metric, clickable)
    has_data = row["pairings"] > 0
    value = float(row[metric]) if has_data and pd.notna(row[metric]) else 0.0
    flat = None if has_data and value else zero_style(metric)[0] if has_data else NO_PAIRINGS
    polygon = {
        "geojson": corps_source,
        "featureidkey": "id",
        "locations": codes,
        "marker": {"line": {"color": CORPS_LINE, "width": 1.4}},
        "customdata": [[CORPS_CODE]] * len(codes),
        "text": [hover] * len(codes),
        "hovertemplate": "%{text}<extra></extra>",
        "showlegend": False,
        "legendgroup": "corps",
    }
    if flat is None:
        fig.add_trace(trace("choropleth", z=[value] * len(codes), coloraxis="coloraxis", **polygon))
        fill = {"color": [value] * len(codes), "coloraxis": "coloraxis"}
    else:
        flat_scale = {"colorscale": [[0, flat], [1, flat]], "showscale": False}
        fig.add_trace(trace("choropleth", z=[0] * len(codes), **flat_scale, **polygon))
        fill = {"color": flat}
    label = t("map.corps_label", lang)
    if has_data:
        label = f"{label} {format_metric(metric, value, lang)}"
    fig.add_trace(
        _scatter(
            [points[c][0] for c in codes],
            [points[c][1] for c in codes],
            "markers",
            marker={"symbol": "diamond", "size": 10, **fill, "line": {"color": CORPS_LINE, "width": 1.6}},
            customdata=[[CORPS_CODE]] * len(codes),
            hover=[hover] * len(codes),
            name=t("map.legend.corps", lang),
            legendgroup="corps",
            showlegend=True,
        )
    )
    # One name for the unit, beside the cluster of cities around 石河子 and 五家渠.
    fig.add_trace(
        _scatter(
            [CORPS_LABEL_AT[0]],
            [CORPS_LABEL_AT[1]],
            "text",
            text=[label],
            textfont={"size": 12, "color": CORPS_LINE, "weight": "bold", "shadow": HALO},
            customdata=[[CORPS_CODE]],
            hover=[hover],
            showlegend=False,
        )
    )


# ------------------------------------------------------------------------------ province drill-down


def _spread(frame: pd.DataFrame) -> tuple[list[float], list[float]]:
    """Marker positions: schools sharing a county are spread on a small circle around its point."""
    lons, lats = [], []
    for _, group in frame.groupby("county_adcode", sort=False):
        n = len(group)
        for i, (lon, lat) in enumerate(zip(group["lon"].tolist(), group["lat"].tolist(), strict=True)):
            if n == 1:
                lons.append(float(lon))
                lats.append(float(lat))
                continue
            angle = 2 * math.pi * i / n
            lons.append(float(lon) + 0.07 * math.cos(angle))
            lats.append(float(lat) + 0.05 * math.sin(angle))
    return lons, lats


def scale_colour(norm: float) -> str:
    """The colour axis' colour at `norm` (0–1)."""
    return plotly.colors.sample_colorscale(SCALE, [min(max(norm, 0.0), 1.0)])[0]


def _school_hover(row: Mapping, lang: str) -> str:
    universities = row["universities_zh" if lang == "zh" else "universities_en"]
    last = row["last_activity"]
    last_text = t("map.hover.never", lang) if pd.isna(last) else pd.Timestamp(last).strftime("%Y-%m-%d")
    lines = [
        f"<b>{row['school']}</b>",
        f"{t('map.hover.county', lang)}: {row['county']}",
        f"{t('map.hover.universities', lang)}: {_join(list(universities), lang)}",
        f"{t('map.hover.activities', lang)}: {int(row['activities']):,}",
        f"{t('map.hover.last_activity', lang)}: {last_text}",
        f"{t('map.hover.provenance', lang)}: {t('provenance.' + row['provenance'], lang)}",
    ]
    return "<br>".join(lines)


def county_fills(frame: pd.DataFrame, metric: str, vmax: float, province: str) -> dict[str, str]:
    """The fill each county-level unit of a drill-down is drawn in (faint without a school; the Corps' cities pale
    red)."""
    other = CORPS_FILL if province == CORPS_CODE else COUNTY_FAINT
    return {
        row.adcode: unit_fill(row.pairings, getattr(row, metric), metric, vmax, empty=other)
        for row in frame.itertuples(index=False)
    }


def _add_county_labels(fig, in_view, fills, province, lon_range, lat_range, height) -> None:
    """One name per county with a school (on its first school), placed clear of other names and markers, white
    on dark fills and dark on light ones: the fill is the one under the name, wherever it was placed."""

    def light_at(lons, lats) -> list[bool]:
        return [labels.light_text_on(fills.get(unit, "#ffffff")) for unit in counties_at(province, lons, lats)]

    first = (~in_view["county_adcode"].duplicated()).to_numpy()
    named = in_view[first]
    places = labels.place_labels(
        in_view["_lon"], in_view["_lat"], in_view["_text"], lon_range, lat_range, light_at, 700, height
    )
    places = [place for place, keep in zip(places, first, strict=True) if keep]
    light = np.array([is_light for _, is_light in places], dtype=bool)
    for mask, colour, halo in ((~light, INK, HALO), (light, "#ffffff", DARK_HALO)):
        if not mask.any():
            continue
        fig.add_trace(
            _scatter(
                named["_lon"][mask],
                named["_lat"][mask],
                "markers+text",  # an invisible marker of the schools' size keeps the name clear of theirs
                marker={"size": 10, "color": "rgba(0,0,0,0)"},
                text=named["_text"][mask].tolist(),
                textposition=[place for (place, _), keep in zip(places, mask, strict=True) if keep],
                textfont={"size": labels.LABEL_FONT_PX, "color": colour, "shadow": halo},
                hoverinfo="skip",
                showlegend=False,
            )
        )


def province_map(
    counties: pd.DataFrame,
    schools: pd.DataFrame,
    province: str,
    metric: str,
    lang: str,
    assets: GeoAssets | None = None,
    height: int = 600,
    sample: bool = False,
) -> go.Figure:
    """A province's county-level units: counties with a paired school outlined and filled by `metric` (amber at 0),
    the rest faint, a marker per school, the counties' names beside them. For the Corps, its cities over a faint
    Xinjiang; for Xinjiang, the Corps cities outlined as a separate unit."""
    assets = assets or GeoAssets()

    def source(codes):
        return assets.counties(province, codes)

    ids = set(county_ids(province))
    frame = counties[counties["adcode"].isin(ids)]
    assisted = frame[frame["pairings"] > 0]
    others = frame[frame["pairings"] == 0]
    vmax = drilled_vmax(frame, metric)

    fig = FigureBuilder()
    _base_layout(fig, height)
    if sample:
        _sample_title(fig, lang, metric_label(metric, lang))
    lon_range, lat_range = county_frame(province)
    fig.update_layout(
        geo={
            "visible": False,
            "projection": {"type": "mercator"},
            "lonaxis": {"range": list(lon_range)},
            "lataxis": {"range": list(lat_range)},
            "bgcolor": "rgba(0,0,0,0)",
        },
        coloraxis=_coloraxis(metric, lang, vmax, x=0.005, xanchor="left", y=0.995, yanchor="top"),
        legend=_legend(),
    )
    if province == CORPS_CODE:
        fig.add_trace(
            _neutral_trace(
                assets.provinces,
                [XINJIANG_CODE],
                [t("map.legend.xinjiang_context", lang)],
                t("map.legend.xinjiang_context", lang),
                COUNTY_FAINT,
                COUNTY_FAINT_LINE,
            )
        )
    if len(others):
        hover = [f"<b>{row['name_zh']}</b><br>{t('map.hover.no_pairings', lang)}" for _, row in others.iterrows()]
        fill, line = (CORPS_FILL, CORPS_LINE) if province == CORPS_CODE else (COUNTY_FAINT, COUNTY_FAINT_LINE)
        fig.add_trace(_neutral_trace(source, others["adcode"], hover, t("map.legend.counties_other", lang), fill, line))
    hover = [_unit_hover(row, str(row["name_zh"]), lang, metric) for _, row in assisted.iterrows()]
    line = ASSISTED_LINE if province != CORPS_CODE else CORPS_LINE
    for unit_trace in _paired_traces(source, assisted, "adcode", metric, hover, lang, line, 1.0):
        fig.add_trace(unit_trace)
    if province == XINJIANG_CODE:
        name = t("map.legend.corps_context", lang)
        fig.add_trace(
            _corps_context(
                assets, 1.2, text=[name] * len(corps_points()), hovertemplate="%{text}<extra></extra>", name=name
            )
        )

    if not len(assisted):
        _empty_note(fig, lang)
    in_view = schools[schools["county_adcode"].isin(ids) & schools["lon"].notna()]
    if len(in_view):
        lons, lats = _spread(in_view)
        first = ~in_view["county_adcode"].duplicated()
        in_view = in_view.assign(
            _lon=lons, _lat=lats, _text=[str(c) if f else "" for c, f in zip(in_view["county"], first, strict=True)]
        )
        for provenance in ("verified", "imported", "demo"):
            part = in_view[in_view["provenance"] == provenance]
            if not len(part):
                continue
            fig.add_trace(
                _scatter(
                    part["_lon"],
                    part["_lat"],
                    "markers",
                    marker={
                        "size": 10,
                        "color": PROVENANCE_COLOUR[provenance],
                        "symbol": "circle",
                        "line": {"color": "#ffffff", "width": 1.2},
                    },
                    hover=[_school_hover(row, lang) for _, row in part.iterrows()],
                    name=f"{t('map.legend.schools', lang)}（{t('provenance.' + provenance, lang)}）"
                    if lang == "zh"
                    else f"{t('map.legend.schools', lang)} ({t('provenance.' + provenance, lang)})",
                    showlegend=True,
                )
            )
        _add_county_labels(
            fig, in_view, county_fills(frame, metric, vmax, province), province, lon_range, lat_range, height
        )
    return fig.figure()


# ------------------------------------------------------------------------------ link view


def _links_base(
    lang: str, assets: GeoAssets | None, in_programme: Sequence[str], height: int, sample: bool, title: str = ""
) -> FigureBuilder:
    """The link map's ground, shared by the per-pairing lines and the flows: the provinces (programme ones tinted),
    the Corps, the South China Sea inset and the sample-data title."""
    assets = assets or GeoAssets()
    provinces = assets.provinces
    fig = FigureBuilder()
    _base_layout(fig, height)
    if sample:
        _sample_title(fig, lang, title or t("map.view.links", lang))
    _national_geo(fig)
    fig.update_layout(legend=_legend())
    codes = [f["id"] for f in boundaries.provinces_geojson()["features"]]
    programme = set(in_programme)
    fig.add_trace(
        trace(
            "choropleth",
            geojson=provinces(codes),
            featureidkey="id",
            locations=codes,
            z=[1 if c in programme else 0 for c in codes],
            colorscale=[[0, "#ececec"], [1, "#e4ecf5"]],
            zmin=0,
            zmax=1,
            showscale=False,
            marker={"line": {"color": "#ffffff", "width": 0.6}},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(_corps_context(assets, 0.7, hoverinfo="skip", name=t("map.legend.corps", lang), legendrank=40))
    coast = [*INSET_COAST, HAINAN_CODE]
    fig.add_trace(_neutral_trace(assets.inset, coast, [""] * len(coast), "", "#ececec", "#ffffff", "geo2", False))
    fig.update_traces(hoverinfo="skip", selector={"geo": "geo2"})
    _maritime_traces(fig, lang)
    _inset_title(fig, lang)
    return fig


def links_map(
    links: pd.DataFrame,
    lang: str,
    assets: GeoAssets | None = None,
    in_programme: Sequence[str] = (),
    height: int = 600,
    sample: bool = False,
) -> go.Figure:
    """Lines from each university's city to its schools; verified solid, demo dotted, imported dashed."""
    fig = _links_base(lang, assets, in_programme, height, sample)

    for provenance in ("demo", "imported", "verified"):  # verified drawn last, on top
        part = links[links["provenance"] == provenance]
        if not len(part):
            continue
        fig.add_trace(
            _scatter(
                _segments(part["university_lon"], part["school_lon"]),
                _segments(part["university_lat"], part["school_lat"]),
                "lines",
                line={
                    "color": PROVENANCE_COLOUR[provenance],
                    "width": 1.8 if provenance == "verified" else 1.2,
                    "dash": PROVENANCE_DASH[provenance],
                },
                opacity=0.9 if provenance == "verified" else 0.75,
                hoverinfo="skip",
                name=t(f"map.links.{provenance}", lang),
                legendgroup=provenance,
                legendrank=LINK_RANK[provenance],
            )
        )

    # Schools: one marker per pairing end (a school with two universities gets one marker per line).
    for provenance in ("demo", "imported", "verified"):
        part = links[links["provenance"] == provenance]
        if not len(part):
            continue
        hover = []
        for _, row in part.iterrows():
            university = row["university"] if lang == "zh" else row["university_en"]
            lines = [
                f"<b>{row['school']}</b>",
                f"{t('map.hover.county', lang)}: {row['county']}",
                f"{t('map.hover.universities', lang)}: {university}",
                f"{t('map.hover.provenance', lang)}: {t('provenance.' + provenance, lang)}",
            ]
            if provenance == "verified" and isinstance(row["source"], str):
                lines.append(f"{t('map.hover.source', lang)}: {row['source'][:80]}")
            hover.append("<br>".join(lines))
        fig.add_trace(
            _scatter(
                part["school_lon"],
                part["school_lat"],
                "markers",
                marker={
                    "size": 7 if provenance == "verified" else 6,
                    "color": PROVENANCE_COLOUR[provenance],
                    "line": {"color": "#ffffff", "width": 0.8},
                },
                hover=hover,
                name=t(f"map.links.school_{provenance}", lang),  # one entry (and colour) per provenance
                legendgroup=f"school-{provenance}",
                legendrank=LINK_RANK[provenance] + 10,
            )
        )

    if len(links):
        _add_university_markers(fig, links.assign(schools=1), lang)
    return fig.figure()


def _add_university_markers(
    fig: FigureBuilder, frame: pd.DataFrame, lang: str, size: tuple[float, float] = (6, 2)
) -> None:
    """One square per university city (universities in the same place share it and its label),
    sized by the number of schools (`frame`'s `schools`, summed: `size` is the side of none and the growth by its
    square root); names are written when few are in view."""
    name_column = "university" if lang == "zh" else "university_en"
    per_university = frame.groupby([name_column, "university_lon", "university_lat"], as_index=False).agg(
        schools=("schools", "sum"), city=("city_zh", "first")
    )
    places = per_university.groupby(["university_lon", "university_lat"], as_index=False, sort=False).agg(
        names=(name_column, list), counts=("schools", list), city=("city", "first"), schools=("schools", "sum")
    )
    label = len(per_university) <= 6
    hover = []
    for _, row in places.iterrows():
        lines = [f"<b>{row['city']}</b>"]
        lines += [
            f"{name}: {count} {t('map.hover.schools', lang)}"
            for name, count in zip(row["names"], row["counts"], strict=True)
        ]
        hover.append("<br>".join(lines))
    fig.add_trace(
        _scatter(
            places["university_lon"],
            places["university_lat"],
            "markers+text" if label else "markers",
            text=[_join(names, lang) for names in places["names"]],
            textposition="middle right",
            textfont={"size": 11, "color": UNIVERSITY_COLOUR, "shadow": HALO},
            marker={
                "symbol": "square",
                "size": (size[0] + size[1] * np.sqrt(places["schools"].to_numpy())).round(1).tolist(),
                "color": UNIVERSITY_COLOUR,
                "line": {"color": "#ffffff", "width": 1},
            },
            hover=hover,
            name=t("map.links.university", lang),
            legendrank=30,
        )
    )


# Flows (issue 14, item 5): one line per supporting party and province, in width classes (plotly gives a line trace
# one width): up to this many pairings, this width and opacity.
FLOW_CLASSES = ((1, 0.7, 0.35), (3, 1.4, 0.5), (9, 2.4, 0.65), (math.inf, 3.6, 0.8))
# A flow mixing provenances is drawn as its least certain one: only a flow of verified pairings alone is solid.
FLOW_PROVENANCE = ("demo", "imported", "verified")
HUB_COLOUR = "#3e4c59"


def flow_provenance(row: Mapping) -> str:
    """The provenance a flow is drawn in: demo if any of its pairings is demo, then imported, else verified."""
    return next(p for p in FLOW_PROVENANCE if row[p] > 0)


def flow_class(pairings: int) -> int:
    """The index in FLOW_CLASSES of a flow of this many pairings."""
    return next(i for i, (most, _, _) in enumerate(FLOW_CLASSES) if pairings <= most)


def _flow_hover(row: Mapping, lang: str) -> str:
    university = row["university"] if lang == "zh" else row["university_en"]
    province = row["province"] if lang == "zh" else row["province_en"]
    mix = [
        t("map.flows.hover_mix", lang, provenance=t(f"provenance.{p}", lang), count=int(row[p]))
        for p in ("verified", "imported", "demo")
        if row[p]
    ]
    return "<br>".join(
        [
            f"<b>{university} → {province}</b>",
            t("map.flows.hover", lang, pairings=int(row["pairings"]), schools=int(row["schools"])),
            t("list.separator", lang).join(mix),
        ]
    )


def _segments(starts: pd.Series, ends: pd.Series) -> list[float | None]:
    """Start, end, gap for each row: many line segments in one trace."""
    out: list[float | None] = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        out += [float(start), float(end), None]
    return out


def flows_map(
    flows: pd.DataFrame,
    lang: str,
    assets: GeoAssets | None = None,
    in_programme: Sequence[str] = (),
    height: int = 600,
    sample: bool = False,
) -> go.Figure:
    """Flows from each supporting party's city to each province where it supports schools (the province's label
    point): wider and darker with more pairings, in the colour of the least certain provenance among them; hover on
    a flow's middle dot gives its pairings and schools."""
    fig = _links_base(lang, assets, in_programme, height, sample, t("map.flows.title", lang))
    points = province_label_points() | {CORPS_CODE: CORPS_LABEL_AT}
    frame = flows.assign(
        province_lon=[points[c][0] for c in flows["province_code"]],
        province_lat=[points[c][1] for c in flows["province_code"]],
        drawn=[flow_provenance(row) for row in flows[list(FLOW_PROVENANCE)].to_dict("records")],
        width_class=[flow_class(int(n)) for n in flows["pairings"]],
    )
    for provenance in FLOW_PROVENANCE:  # verified drawn last, on top
        legend = True
        for index, (_, width, opacity) in reversed(list(enumerate(FLOW_CLASSES))):  # the legend shows the widest
            part = frame[(frame["drawn"] == provenance) & (frame["width_class"] == index)]
            if not len(part):
                continue
            fig.add_trace(
                _scatter(
                    _segments(part["university_lon"], part["province_lon"]),
                    _segments(part["university_lat"], part["province_lat"]),
                    "lines",
                    line={"color": PROVENANCE_COLOUR[provenance], "width": width, "dash": PROVENANCE_DASH[provenance]},
                    opacity=opacity,
                    hoverinfo="skip",
                    name=t(f"map.links.{provenance}", lang),
                    legendgroup=provenance,
                    legendrank=LINK_RANK[provenance],
                    showlegend=legend,
                )
            )
            legend = False
    if len(frame):
        rows = frame.to_dict("records")
        fig.add_trace(
            _scatter(
                (frame["university_lon"] + frame["province_lon"]) / 2,
                (frame["university_lat"] + frame["province_lat"]) / 2,
                "markers",
                marker={"size": 3, "color": [PROVENANCE_COLOUR[p] for p in frame["drawn"]], "opacity": 0.7},
                hover=[_flow_hover(row, lang) for row in rows],
                name=t("map.flows.middle", lang),
                legendrank=25,
            )
        )
        _add_province_hubs(fig, frame, lang)
        _add_university_markers(fig, frame, lang, size=(4, 1))  # hundreds of parties: smaller squares
    return fig.figure()


def _add_province_hubs(fig: FigureBuilder, frame: pd.DataFrame, lang: str) -> None:
    """A circle where a province's flows meet, sized by its pairings in view."""
    name = "province" if lang == "zh" else "province_en"
    hubs = frame.groupby(["province_code", name, "province_lon", "province_lat"], as_index=False).agg(
        pairings=("pairings", "sum"), parties=("university", "nunique")
    )
    fig.add_trace(
        _scatter(
            hubs["province_lon"],
            hubs["province_lat"],
            "markers",
            marker={
                "size": (5 + 1.2 * np.sqrt(hubs["pairings"].to_numpy())).round(1).tolist(),
                "color": "#ffffff",
                "line": {"color": HUB_COLOUR, "width": 2},
            },
            hover=[
                f"<b>{row[name]}</b><br>" + t("map.flows.hub", lang, pairings=row["pairings"], parties=row["parties"])
                for row in hubs.to_dict("records")
            ],
            name=t("map.flows.province", lang),
            legendrank=35,
        )
    )
