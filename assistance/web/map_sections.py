"""The coverage map, KPI cards and monthly chart as Streamlit sections, shared by the overview and
the map page (issue 3).

One state drives the map: the global province filter. With no province the national choropleth is
shown; clicking a province (or the Corps) sets the filter (so the sidebar, every chart and the URL
follow) and the same spot then shows that province's counties, with a button back. Choosing a
province in the sidebar gives the same drilled view. The map metric and the map page's view are
bound to the URL (`?metric=`, `?view=`) so a shared link shows the same map.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pandas as pd
import streamlit as st

from assistance.analytics import coverage, queries
from assistance.figures import activity, maps
from assistance.filters import current_semester
from assistance.i18n import t
from assistance.reference.codes import CORPS_CODE
from assistance.web import cache
from assistance.web.layout import card, card_grid
from assistance.web.scope import mark_sample_figures, no_pairings_notice
from assistance.web.shell import (
    MAP_VIEWS,
    PLOTLY_CONFIG,
    PageContext,
    address_moved,
    address_written,
    set_filters,
)

_FLASH = "_map_flash"
_GENERATION = "_map_key_generation"


def assets() -> maps.GeoAssets:
    """Geometry by URL from the app's static folder (fetched once per page by the browser)."""
    return maps.GeoAssets()


# ------------------------------------------------------------------------------ controls


def _url_control(ctx: PageContext, param: str, options: list[str], prefix: str, key: str, **kwargs) -> str:
    """A segmented control whose value lives in the URL as `?param=<code>`: language-independent, so
    a shared link works in zh and en (Streamlit's own binding would write the translated label).
    The URL gives the default; the widget key is per page so pages do not share a stale value. When the
    browser's Back/Forward changed the parameter, the URL wins over the widget's last value."""
    wanted = st.query_params.get(param)
    if address_moved(param):
        st.session_state[key] = wanted if wanted in options else options[0]
    choice = st.segmented_control(
        ctx.t(prefix),
        options=options,
        format_func=lambda code: ctx.t(f"{prefix}.{code}"),
        default=wanted if wanted in options else options[0],
        required=True,
        key=key,
        **kwargs,
    )
    choice = choice if choice in options else options[0]
    if choice == options[0]:
        if param in st.query_params:
            del st.query_params[param]
    elif wanted != choice:
        st.query_params[param] = choice
    address_written(param)
    return choice


def metric_control(ctx: PageContext, key: str, **kwargs) -> str:
    """The map metric (`?metric=`), schools paired by default."""
    return _url_control(ctx, "metric", list(coverage.METRICS), "map.metric", key, **kwargs)


def view_control(ctx: PageContext, key: str, **kwargs) -> str:
    """Coverage or link view (`?view=`)."""
    return _url_control(ctx, "view", list(MAP_VIEWS), "map.view", key, **kwargs)


# ------------------------------------------------------------------------------ KPI cards


def _count(value: int) -> str:
    return f"{value:,}"


def kpi_cards(ctx: PageContext, today: date | None = None) -> coverage.Kpis:
    today = today or date.today()
    k = cache.figure(ctx, coverage.kpis, ctx.filters, today)
    no_pairings_notice(ctx, "kpi", k.pairings)
    mark_sample_figures(ctx)
    semester = current_semester(today).label(ctx.lang)
    provinces_key = "kpi.provinces_corps" if k.corps else "kpi.provinces_value"
    share = f"{k.active_share:.0%}" if k.active_share is not None else ctx.t("kpi.none")
    cards = card_grid(4)  # four to a row, two in a narrow window: every value whole
    card(cards, ctx.t("kpi.pairings"), _count(k.pairings), help=ctx.t("kpi.pairings_help"))
    card(cards, ctx.t("kpi.universities"), _count(k.universities), help=ctx.t("kpi.universities_help"))
    card(
        cards,
        ctx.t("kpi.provinces"),
        ctx.t(provinces_key, covered=k.provinces, total=k.province_total),
        help=ctx.t("kpi.provinces_help"),
    )
    card(
        cards,
        ctx.t("kpi.active_share"),
        share,
        help=ctx.t(
            "kpi.active_share_help",
            active=k.active_pairings,
            pairings=k.pairings,
            start=(today - timedelta(days=coverage.ACTIVE_DAYS - 1)).isoformat(),
            today=today.isoformat(),
        ),
    )
    card(
        cards,
        ctx.t("kpi.this_semester"),
        _count(k.this_semester),
        delta=k.semester_delta,
        delta_description=ctx.t("kpi.this_semester_delta"),
        help=ctx.t(
            "kpi.this_semester_help",
            semester=semester,
            start=k.semester_start.isoformat(),
            prev_start=k.last_semester_start.isoformat(),
            prev_same=k.last_semester_same_day.isoformat(),
            prev_count=f"{k.last_semester_to_date:,}",
            prev_total=f"{k.last_semester:,}",
        ),
    )
    card(cards, ctx.t("kpi.activities"), _count(k.activities), help=ctx.t("kpi.activities_help"))
    card(cards, ctx.t("kpi.teachers"), _count(k.teachers), help=ctx.t("kpi.teachers_help"))
    card(cards, ctx.t("kpi.students"), _count(k.students), help=ctx.t("kpi.students_help"))
    tiers = cache.figure(ctx, queries.tier_counts, ctx.filters)  # which tiers the cards count (a tier filter: one)
    if tiers:
        parts = [ctx.t("kpi.tier_count", tier=ctx.t(f"tier.{tier}"), count=f"{n:,}") for tier, n in tiers.items()]
        st.caption(ctx.t("kpi.tiers", tiers=ctx.t("list.separator").join(parts)))
    return k


# ------------------------------------------------------------------------------ coverage map


def _clicked_unit(selection: dict) -> str | None:
    """The unit code a map click selected: the trace's customdata, else the choropleth location; a
    Corps city (6590xx) stands for the Corps."""
    points = (selection or {}).get("selection", {}).get("points", [])
    for point in points:
        custom = point.get("customdata")
        code = custom[0] if isinstance(custom, list) and custom else point.get("location")
        if code:
            code = str(code)
            return CORPS_CODE if code.startswith("6590") else code
    return None


def _chart_key(key: str) -> str:
    """The national map's widget key, renewed after a click that does not drill: a chart under a new
    key starts with no selection, so plotly.js draws every unit at full opacity again (Streamlit
    offers no way to clear a chart's selection; issue 13, item 2)."""
    generation = st.session_state.get(_GENERATION, {}).get(key, 0)
    return key if not generation else f"{key}_{generation}"


def _on_map_click(key: str, in_programme: frozenset[str], names: dict[str, str], lang: str) -> None:
    code = _clicked_unit(st.session_state.get(_chart_key(key)))
    if code in in_programme:
        set_filters(province=code)
        return
    if code:
        st.session_state[_FLASH] = t("map.outside_clicked", lang, province=names.get(code, code))
    generations = st.session_state.setdefault(_GENERATION, {})
    generations[key] = generations.get(key, 0) + 1


def coverage_map(
    ctx: PageContext,
    metric: str,
    key: str,
    today: date | None = None,
    schools_table: bool = False,
    height: int = 600,
    hint: bool = True,
    notice: bool = True,
) -> None:
    """National choropleth, or the drilled province when the province filter is set; `notice`: say so above the
    map, with buttons to clear a filter, when no pairing is in view (a page that says it elsewhere passes False)."""
    today = today or date.today()
    if ctx.filters.province:
        _drilled(ctx, metric, today, schools_table, height, notice)
        return
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.info(flash, icon=":material/info:")
    metrics = cache.figure(ctx, coverage.province_metrics, ctx.filters, today)
    if notice:
        no_pairings_notice(ctx, key, int(metrics["pairings"].sum()))
    names = ctx.province_names()
    in_programme = frozenset(metrics.loc[metrics["in_programme"], "code"])
    figure = cache.chart(
        ctx,
        lambda: maps.national_map(metrics, metric, ctx.lang, assets(), height=height, sample=ctx.demo_in_view),
        "national_map",
        today,
        metric,
        height,
    )
    if hint:
        st.caption(ctx.t("map.click_hint"))
    st.plotly_chart(
        figure,
        key=_chart_key(key),
        on_select=partial(_on_map_click, key, in_programme, names, ctx.lang),
        selection_mode=("points",),
        config=PLOTLY_CONFIG | ctx.chart_locale(),
    )


def _drilled(ctx: PageContext, metric: str, today: date, schools_table: bool, height: int, notice: bool) -> None:
    province = ctx.filters.province
    name = ctx.province_names().get(province, province)
    head, back = st.columns([4, 1], vertical_alignment="center")
    head.subheader(ctx.t("map.drilled", province=name))
    back.button(
        ctx.t("map.back"),
        icon=":material/arrow_back:",
        type="primary",
        on_click=set_filters,
        kwargs={"province": None},
        key=f"back_{province}",
        width="stretch",
    )
    counties = cache.figure(ctx, coverage.county_metrics, ctx.filters, today, province)
    if notice:
        no_pairings_notice(ctx, f"drilled_{province}", int(counties["pairings"].sum()))
    schools = cache.figure(ctx, coverage.school_markers, ctx.filters, today)
    figure = cache.chart(
        ctx,
        lambda: maps.province_map(
            counties, schools, province, metric, ctx.lang, assets(), height=height, sample=ctx.demo_in_view
        ),
        "province_map",
        today,
        province,
        metric,
        height,
    )
    st.caption(ctx.t("map.drilled_caption"))
    st.plotly_chart(figure, config=PLOTLY_CONFIG | ctx.chart_locale(), key=f"drilled_{province}")
    if schools_table and len(schools):
        _schools_table(ctx, schools)


def _schools_table(ctx: PageContext, schools: pd.DataFrame) -> None:
    st.markdown(f"**{ctx.t('map.schools_table', count=len(schools))}**")
    column = "universities_zh" if ctx.lang == "zh" else "universities_en"
    separator = ctx.t("list.separator")
    table = pd.DataFrame(
        {
            ctx.t("map.col.school"): schools["school"],
            ctx.t("map.col.county"): schools["county"],
            ctx.t("map.col.universities"): [separator.join(u) for u in schools[column]],
            ctx.t("map.col.provenance"): [ctx.t(f"provenance.{p}") for p in schools["provenance"]],
            ctx.t("map.col.activities"): schools["activities"],
            ctx.t("map.col.last_activity"): pd.to_datetime(schools["last_activity"]).dt.date,
            ctx.t("map.col.active"): schools["active"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")


# ------------------------------------------------------------------------------ link view


def links_view(ctx: PageContext) -> None:
    """One line per pairing when they can be read one by one (`coverage.individual_links`), else flows from each
    supporting party to each province (issue 14, item 5); the caption says which and why."""
    flows = cache.figure(ctx, coverage.flows, ctx.filters)
    pairings = int(flows["pairings"].sum())
    if not pairings:
        st.caption(ctx.t("map.links.caption"))
        if not no_pairings_notice(ctx, "links"):
            st.info(ctx.t("map.links.empty"))
        return
    individual = coverage.individual_links(ctx.filters, pairings)
    flows_words = ctx.t("map.flows.caption", pairings=f"{pairings:,}", flows=f"{len(flows):,}")
    st.caption(ctx.t("map.links.caption") if individual else flows_words)
    st.caption(ctx.t("map.links.threshold", limit=coverage.LINK_LIMIT))
    st.caption(
        ctx.t(
            "map.links.count",
            pairings=f"{pairings:,}",
            verified=f"{int(flows['verified'].sum()):,}",
            demo=f"{int(flows['demo'].sum()):,}",
            imported=f"{int(flows['imported'].sum()):,}",
        )
    )
    programme = ctx.provinces.loc[ctx.provinces["in_programme"], "code"].tolist()
    if individual:
        links = cache.figure(ctx, coverage.links, ctx.filters)
        figure = cache.chart(
            ctx,
            lambda: maps.links_map(links, ctx.lang, assets(), in_programme=programme, sample=ctx.demo_in_view),
            "links_map",
        )
    else:
        figure = cache.chart(
            ctx,
            lambda: maps.flows_map(flows, ctx.lang, assets(), in_programme=programme, sample=ctx.demo_in_view),
            "flows_map",
        )
    st.plotly_chart(figure, config=PLOTLY_CONFIG | ctx.chart_locale(), key="links_map")


# ------------------------------------------------------------------------------ monthly chart


def monthly_section(ctx: PageContext) -> None:
    monthly = cache.figure(ctx, coverage.monthly_by_measure, ctx.filters)
    if not len(monthly):
        st.info(ctx.t("overview.monthly_empty"))
        return
    figure = cache.chart(ctx, lambda: activity.monthly_chart(monthly, ctx.measure_names(), ctx.lang), "monthly")
    st.plotly_chart(figure, config=PLOTLY_CONFIG | ctx.chart_locale(), key="monthly_chart")
