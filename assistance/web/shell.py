"""Streamlit glue every page shares: the cached connection, language, filters, the demo badge.

`app.py` calls `render_shell()` once per run before the page; a page then calls `page_context()`
and gets everything it needs. Pages hold no SQL and no state of their own beyond their widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from assistance import bootstrap
from assistance.analytics import queries
from assistance.figures.locale import chart_locale
from assistance.filters import CYCLES, TIERS, Filters, Period, cycle_label, period_choices
from assistance.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalise_language, t
from assistance.store import db
from assistance.web.layout import page_style

FILTER_KEYS = ("university", "province", "tier", "cycle", "measure", "period")
_PENDING = "_pending_filters"
_CONTEXT = "_page_context"
# The badge (Streamlit colour, icon) of each provenance: demo rows always look the same.
PROVENANCE_BADGES = {
    "verified": ("green", ":material/verified:"),
    "demo": ("orange", ":material/science:"),
    "imported": ("blue", ":material/upload:"),
}
# Where plotly.js fetches its base topojson; the app serves a stub so no request leaves the machine.
PLOTLY_CONFIG = {"topojsonURL": "app/static/", "displaylogo": False}


@dataclass
class PageContext:
    lang: str
    filters: Filters
    con: duckdb.DuckDBPyConnection
    universities: pd.DataFrame
    provinces: pd.DataFrame
    measures: pd.DataFrame
    demo_in_view: bool

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def province_names(self) -> dict[str, str]:
        column = "name_zh" if self.lang == "zh" else "name_en"
        return dict(zip(self.provinces["code"], self.provinces[column], strict=True))

    def measure_names(self) -> dict[str, str]:
        column = "label_zh" if self.lang == "zh" else "label_en"
        return dict(zip(self.measures["code"], self.measures[column], strict=True))

    def university_names(self) -> dict[str, str]:
        """Chinese name (the key used everywhere) → name shown in the UI language."""
        column = "name_zh" if self.lang == "zh" else "name_en"
        return dict(zip(self.universities["name_zh"], self.universities[column], strict=True))

    def chart_locale(self) -> dict:
        """The plotly config that puts a chart's toolbar in the UI language: `PLOTLY_CONFIG | ctx.chart_locale()`."""
        return chart_locale(self.lang)


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    """One read-write connection per app process; queries take a cursor each (DuckDB threads rule)."""
    con = db.connect(path)
    db.migrate(con)
    return con


def _ensure_database(lang: str) -> duckdb.DuckDBPyConnection:
    """Create the database with a visible progress bar on first start, then open it."""
    path = db.default_db_path()
    if not Path(path).exists():
        with st.status(t("init.running", lang), expanded=True) as status:
            bar = st.progress(0.0)

            def report(fraction: float, step: str) -> None:
                bar.progress(fraction, text=t(f"init.step.{step}", lang))

            bootstrap.initialise(path, progress=report)
            status.update(label=t("init.step.done", lang), state="complete", expanded=False)
    try:
        return _connection(str(path))
    except db.DatabaseBusy as exc:
        st.error(t("db.busy", lang, detail=str(exc)))
        st.stop()


@st.cache_data(ttl=60, show_spinner=False)
def _options(path: str, lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Universities and provinces in the order a reader of `lang` looks them up (pinyin, English names); measures."""
    con = _connection(path)
    return queries.universities(con, lang), queries.provinces(con, lang), queries.measures(con)


def set_filters(**changes: object) -> None:
    """Ask the shell to change filters on the next run (a page cannot edit the sidebar's widgets
    after they were drawn in this run); call `st.rerun()` afterwards."""
    st.session_state[_PENDING] = {**st.session_state.get(_PENDING, {}), **changes}


def _read_language() -> str:
    if "lang" not in st.session_state:
        st.session_state["lang"] = normalise_language(st.query_params.get("lang"))
    return st.session_state["lang"]


def _initial_widget_state(universities, provinces, measures) -> None:
    """On a session's first run the URL decides the filters; afterwards the widgets do."""
    if "f_university" in st.session_state:
        return
    filters = Filters.from_query(
        st.query_params,
        known_universities=set(universities["name_zh"]),
        known_provinces=set(provinces.loc[provinces["in_programme"], "code"]),
        known_measures=set(measures["code"]),
    )
    st.session_state["f_university"] = list(filters.universities)
    st.session_state["f_province"] = filters.province
    st.session_state["f_tier"] = filters.tier
    st.session_state["f_cycle"] = filters.cycle
    st.session_state["f_measure"] = filters.measure
    st.session_state["f_period"] = filters.period.code


def _apply_pending() -> None:
    pending = st.session_state.pop(_PENDING, None) or {}
    for key, value in pending.items():
        st.session_state[f"f_{key}"] = value


def _clear_filters() -> None:
    st.session_state["f_university"] = []
    st.session_state["f_province"] = None
    st.session_state["f_tier"] = None
    st.session_state["f_cycle"] = None
    st.session_state["f_measure"] = None
    st.session_state["f_period"] = "all"


def _write_url(filters: Filters, lang: str) -> None:
    """Keep the address bar equal to the view: filter keys and language, other params untouched."""
    wanted = filters.to_query()
    if lang != DEFAULT_LANGUAGE:
        wanted["lang"] = lang
    for key in (*FILTER_KEYS, "lang"):
        current = st.query_params.get_all(key)
        value = wanted.get(key)
        target = [] if value is None else ([value] if isinstance(value, str) else list(value))
        if current != target:
            if target:
                st.query_params[key] = target if len(target) > 1 else target[0]
            else:
                del st.query_params[key]


def _on_language_change() -> None:
    """Switch language; clicking the selected option again deselects it, which keeps the language."""
    choice = st.session_state.get("_lang_choice")
    if choice is None:
        st.session_state["_lang_choice"] = st.session_state["lang"]
    else:
        st.session_state["lang"] = choice


def _code_filter(sidebar, label: str, frame: pd.DataFrame, name: str, key: str, placeholder: str, lang: str) -> None:
    """A single-choice filter over reference codes, shown by `name`_zh/_en; no choice (None) means all."""
    names = dict(zip(frame["code"], frame[f"{name}_zh" if lang == "zh" else f"{name}_en"], strict=True))
    sidebar.selectbox(
        label,
        options=list(frame["code"]),
        format_func=lambda code: names.get(code, code),
        key=key,
        index=None,
        placeholder=placeholder,
    )


def _tier_and_cycle(sidebar, lang: str) -> None:
    """The registry tier (国家示范 / 省级 / 市级) and the agreement cycle (a time window, filters.CYCLES); no
    choice means all."""
    sidebar.selectbox(
        t("filters.tier", lang),
        options=list(TIERS),
        format_func=lambda code: t(f"tier.{code}", lang),
        key="f_tier",
        index=None,
        placeholder=t("filters.all_tiers", lang),
    )
    sidebar.selectbox(
        t("filters.cycle", lang),
        options=list(CYCLES),
        format_func=lambda number: cycle_label(number, lang),
        key="f_cycle",
        index=None,
        placeholder=t("filters.all_cycles", lang),
        help=t("filters.cycle_help", lang),
    )


def _sidebar(lang: str, universities, provinces, measures) -> Filters:
    sidebar = st.sidebar
    if st.session_state.get("_lang_choice") is None:
        st.session_state["_lang_choice"] = lang
    sidebar.segmented_control(
        t("sidebar.language", lang),
        options=list(LANGUAGES),
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        key="_lang_choice",
        selection_mode="single",
        on_change=_on_language_change,
    )
    lang = st.session_state["lang"]
    sidebar.subheader(t("sidebar.filters", lang))
    names = dict(zip(universities["name_zh"], universities["name_zh" if lang == "zh" else "name_en"], strict=True))
    sidebar.multiselect(
        t("filters.university", lang),
        options=list(universities["name_zh"]),
        format_func=lambda name: names.get(name, name),
        key="f_university",
        placeholder=t("filters.all_universities", lang),
    )
    in_programme = provinces[provinces["in_programme"]]
    _code_filter(
        sidebar, t("filters.province", lang), in_programme, "name", "f_province", t("filters.all_provinces", lang), lang
    )
    _tier_and_cycle(sidebar, lang)
    _code_filter(
        sidebar, t("filters.measure", lang), measures, "label", "f_measure", t("filters.all_measures", lang), lang
    )
    periods = {p.code: p for p in period_choices(date.today())}
    if st.session_state.get("f_period") not in periods:
        st.session_state["f_period"] = "all"
    sidebar.selectbox(
        t("filters.period", lang),
        options=list(periods),
        format_func=lambda code: periods[code].label(lang),
        key="f_period",
    )
    sidebar.button(t("filters.reset", lang), on_click=_clear_filters, use_container_width=True)
    sidebar.caption(t("sidebar.share", lang))
    return Filters(
        universities=tuple(st.session_state["f_university"] or ()),
        province=st.session_state["f_province"],
        measure=st.session_state["f_measure"],
        period=Period.parse(st.session_state["f_period"]),
        tier=st.session_state.get("f_tier"),
        cycle=st.session_state.get("f_cycle"),
    )


def render_shell() -> PageContext:
    """Draw what every page shares and remember the context for the page that runs next."""
    page_style()
    lang = _read_language()
    con = _ensure_database(lang)
    universities, provinces, measures = _options(str(db.default_db_path()), lang)
    _initial_widget_state(universities, provinces, measures)
    _apply_pending()
    filters = _sidebar(lang, universities, provinces, measures)
    lang = st.session_state["lang"]
    _write_url(filters, lang)
    demo = queries.demo_in_view(con, filters)
    context = PageContext(lang, filters, con, universities, provinces, measures, demo)
    st.session_state[_CONTEXT] = context
    return context


def demo_badge(ctx: PageContext) -> None:
    """The 示例数据 / sample-data badge, shown whenever demo rows are in view."""
    if ctx.demo_in_view:
        colour, icon = PROVENANCE_BADGES["demo"]
        st.badge(ctx.t("badge.demo"), icon=icon, color=colour, help=ctx.t("badge.demo_help"))


def page_context() -> PageContext:
    """The context `render_shell` prepared in this run.

    Streamlit treats a `pages/` folder as an old-style multipage app until `st.navigation` has run
    once in the process; a first visit straight to e.g. `/about` then runs the page without `app.py`.
    In that case switch the process to `st.navigation` routing and rerun, so `app.py` draws the shell.
    """
    if _CONTEXT not in st.session_state:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()
    return st.session_state[_CONTEXT]


def page_header(ctx: PageContext, title_key: str) -> None:
    """Title, the demo badge and the plain-words description of the active filters."""
    st.title(ctx.t(title_key))
    demo_badge(ctx)
    st.caption(ctx.filters.describe(ctx.lang, ctx.province_names(), ctx.measure_names(), ctx.university_names()))
