"""Streamlit glue every page shares: the cached connection, language, filters, the demo badge.

`app.py` calls `render_shell()` once per run before the page; a page then calls `page_context()`
and gets everything it needs. Pages hold no SQL and no state of their own beyond their widgets.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NoReturn

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from assistance import bootstrap
from assistance.access.accounts import Account
from assistance.access.permissions import may
from assistance.access.scope import Scope, scope_of
from assistance.analytics import coverage, queries
from assistance.figures.locale import chart_locale
from assistance.filters import (
    CYCLES,
    TIERS,
    Filters,
    Period,
    cycle_label,
    name_index,
    period_choices,
    read_link,
    within_scope,
)
from assistance.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalise_language, t
from assistance.store import db, mode
from assistance.store.transaction import StoreConflict, StoreUnavailable, data_version
from assistance.web import cache, signin
from assistance.web.layout import page_style
from assistance.web.text import plain

FILTER_KEYS = ("university", "province", "tier", "cycle", "measure", "period")
URL_KEYS = (*FILTER_KEYS, "lang")  # the address's part the shell owns
MAP_VIEWS = ("coverage", "links")  # the map page's `?view=`
# Page parameters with a fixed set of values: a link with another value gets a note (pages fall back to the first).
URL_CHOICES = {"metric": tuple(coverage.METRICS), "view": MAP_VIEWS}
# The label of each parameter a note about a link may name.
PARAM_LABELS = {
    "university": "filters.university",
    "province": "filters.province",
    "tier": "filters.tier",
    "cycle": "filters.cycle",
    "measure": "filters.measure",
    "period": "filters.period",
    "lang": "link.lang",
    "metric": "map.metric",
    "view": "map.view",
}
_PENDING = "_pending_filters"
_CONTEXT = "_page_context"
_WRITTEN = "_url_written"  # the address's filter and language part as the shell last wrote it
_SEEN = "_url_seen"  # page parameters (metric, view) as the app last left them in the address
_FOLLOW = "_follow_address"  # set by `go_to`: the next run takes the filters from the address it wrote
_BARE_PAGES = "_bare_pages"  # the pages shown with no filter or language in the address (see `_source`)
_NOTE = "_link_note"  # (the filters a link opened, the parts of it that were not understood)
_OUTSIDE = "_scope_note"  # (the filters a link opened, the parts of it outside the account's scope)
_NOTE_VALUE_CHARS = 40
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
    account: Account | None = None  # the signed-in account (None: no account exists yet, read-only)
    read_only: bool = False  # no account exists: every write is switched off
    _memo: dict = field(default_factory=dict, repr=False, compare=False)  # `_names`, this run's

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def may(self, action: str) -> bool:
        """Whether the signed-in account may perform `action` (access.permissions); the server-side check is
        the library's own, this only decides what the page offers."""
        return may(self.account, action)

    def scope_label(self) -> str:
        """The account's scope in words: 全国, a province, a supporting party or a school."""
        scope = self.filters.scope
        if scope.university:
            return self.university_names().get(scope.university, scope.university)
        if scope.province:
            return self.province_names().get(scope.province, scope.province)
        return scope.school or self.t("signin.national")

    def number(self, value: int) -> str:
        """A count as the UI language writes it: 17,003 (both languages group thousands with commas)."""
        return t("number.count", self.lang, value=value)

    def province_names(self) -> dict[str, str]:
        column = "name_zh" if self.lang == "zh" else "name_en"
        return self._names("provinces", self.provinces, "code", column)

    def measure_names(self) -> dict[str, str]:
        column = "label_zh" if self.lang == "zh" else "label_en"
        return self._names("measures", self.measures, "code", column)

    def university_names(self) -> dict[str, str]:
        """Chinese name (the key used everywhere) → name shown in the UI language."""
        column = "name_zh" if self.lang == "zh" else "name_en"
        return self._names("universities", self.universities, "name_zh", column)

    def _names(self, kind: str, frame: pd.DataFrame, key: str, column: str) -> dict[str, str]:
        """One code → name mapping, built once per run (a page asks for 625 parties' names many times); callers
        read it, never change it."""
        if kind not in self._memo:
            self._memo[kind] = dict(zip(frame[key], frame[column], strict=True))
        return self._memo[kind]

    def chart_locale(self) -> dict:
        """The plotly config that puts a chart's toolbar in the UI language: `PLOTLY_CONFIG | ctx.chart_locale()`."""
        return chart_locale(self.lang)


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    """One read-write connection per app process; queries take a cursor each (DuckDB threads rule)."""
    con = db.connect(path)
    db.migrate(con)
    return con


def _unreachable_at_start(target: str, lang: str) -> NoReturn:
    """Server mode with no data loaded yet and the store out of reach: say so, show nothing else."""
    st.error(t("store.unreachable_start", lang, target=mode.redacted(target)), icon=":material/cloud_off:")
    st.stop()


def _ensure_database(lang: str) -> duckdb.DuckDBPyConnection:
    """Create the database with a visible progress bar on first start (gone once done: a toast says so), then
    open it."""
    path = db.location()
    try:
        built = db.store_exists(path)
    except StoreUnavailable:
        _unreachable_at_start(path, lang)
    if not built:
        box = st.empty()
        with box.container(), st.status(t("init.running", lang), expanded=True):
            bar = st.progress(0.0)

            def report(fraction: float, step: str) -> None:
                bar.progress(fraction, text=t(f"init.step.{step}", lang))

            bootstrap.initialise(path, progress=report)
        box.empty()
        st.toast(t("init.step.done", lang), icon=":material/check_circle:")
    try:
        con = _connection(str(path))
    except db.DatabaseBusy as exc:
        st.error(t("db.busy", lang, detail=str(exc)))
        st.stop()
    except StoreUnavailable:
        _unreachable_at_start(path, lang)
    since = db.unreachable_since(path)
    if since is not None:  # server mode, the store out of reach: the last loaded data, and why nothing can change
        st.warning(t("store.unreachable", lang, since=f"{since:%Y-%m-%d %H:%M:%S}"), icon=":material/cloud_off:")
    return con


@st.cache_data(show_spinner=False)
def _options(path: str, lang: str, version: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Universities and provinces in the order a reader of `lang` looks them up (pinyin, English names); measures.
    Kept until the next write (`version`: store.transaction.data_version): a registry import shows at once."""
    con = _connection(path)
    return queries.universities(con, lang), queries.provinces(con, lang), queries.measures(con)


@st.cache_data(show_spinner=False)
def _link_indices(path: str, version: int) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The `filters.name_index` of universities (registered aliases too), provinces in the programme, measures."""
    universities, provinces, measures = _options(path, DEFAULT_LANGUAGE, version)
    in_programme = provinces[provinces["in_programme"]]
    university_names = name_index((row.name_zh, [row.name_en]) for row in universities.itertuples())
    return (
        university_names | queries.university_aliases(_connection(path)),
        name_index((row.code, [row.name_zh, row.short_zh, row.name_en]) for row in in_programme.itertuples()),
        name_index((row.code, [row.label_zh, row.label_en]) for row in measures.itertuples()),
    )


def set_filters(**changes: object) -> None:
    """Ask the shell to change filters on the next run (a page cannot edit the sidebar's widgets
    after they were drawn in this run); call `st.rerun()` afterwards."""
    st.session_state[_PENDING] = {**st.session_state.get(_PENDING, {}), **changes}


def _address() -> dict[str, list[str]]:
    """The address's filter and language part as this run received it."""
    return {key: values for key in URL_KEYS if (values := st.query_params.get_all(key))}


def _canonical(filters: Filters, lang: str) -> dict[str, list[str]]:
    """The address's filter and language part for a view (empty filters and the default language left out)."""
    query = {key: [value] if isinstance(value, str) else list(value) for key, value in filters.to_query().items()}
    if lang != DEFAULT_LANGUAGE:
        query["lang"] = [lang]
    return query


def _history_navigation() -> bool:
    """Whether this run is the browser's Back or Forward (Streamlit reruns the page with that entry's address)."""
    ctx = get_script_run_ctx()
    return bool(ctx and ctx.is_history_navigation)


def _source() -> str:
    """Where this run takes the filters and the language from:

    - "address": a session's first run; Back/Forward (the entry's address wins over the widgets' newer state);
      a link inside the app (`go_to`); an address changed under the app; a page switch that dropped the widgets'
      state (Streamlit does on `st.switch_page`) while the address still says the view.
    - "session": the shell's last view, when the address lost its parameters although the view did not change:
      Streamlit's page menu drops them on a page change, and Back to the entry that page change left behind
      (before the shell wrote the filters back) must not read as "no filters".
    - "widgets": otherwise (the sidebar's state, as the user left it).
    """
    written = st.session_state.get(_WRITTEN)
    address = _address()
    if written is None or st.session_state.pop(_FOLLOW, False):
        return "address"
    if _history_navigation():
        return "address" if address or _page_hash() in st.session_state.get(_BARE_PAGES, set()) else "session"
    if address == written:
        return "widgets" if "f_university" in st.session_state else "address"
    return "address" if address else "session"


def _page_hash() -> str:
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx else ""


def _read_language(source: str) -> str:
    if source == "address" or "lang" not in st.session_state:
        st.session_state["lang"] = st.session_state["_lang_choice"] = normalise_language(st.query_params.get("lang"))
    return st.session_state["lang"]


def _read_address(path: str, source: str, scope: Scope) -> None:
    """Set the filter widgets from the address (or from the shell's last view), and keep what a link says that
    could not be understood for a note. The address counts as read at once: a widget changed while this run is
    still going (a first run is slow) is the user's newer choice, not an address change, and wins on the next run."""
    params = st.query_params if source == "address" else st.session_state[_WRITTEN]
    st.session_state[_WRITTEN] = _address() if source == "address" else params
    periods = [period.code for period in period_choices(date.today())]
    reading = read_link(params, *_link_indices(path, data_version()), periods)
    filters, outside = within_scope(reading.filters, scope)
    st.session_state["f_university"] = list(filters.universities)
    st.session_state["f_province"] = filters.province
    st.session_state["f_tier"] = filters.tier
    st.session_state["f_cycle"] = filters.cycle
    st.session_state["f_measure"] = filters.measure
    st.session_state["f_period"] = filters.period.code
    if source != "address":
        return
    st.session_state[_OUTSIDE] = (filters, outside) if outside else None
    ignored = list(reading.ignored)
    language = st.query_params.get("lang")
    if language is not None and language.strip().lower()[:2] not in LANGUAGES:
        ignored.append(("lang", language))
    for param, choices in URL_CHOICES.items():
        ignored += [(param, value) for value in st.query_params.get_all(param) if value not in choices]
    st.session_state[_NOTE] = (filters, tuple(ignored)) if ignored else None


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
    """Keep the address bar equal to the view: filter keys and language, other params untouched. One update
    for all keys: the browser records one history entry per update, so one change is one step of Back."""
    wanted = _canonical(filters, lang)
    if _address() != wanted:
        kept = {key: st.query_params.get_all(key) for key in st.query_params if key not in URL_KEYS}
        st.query_params.from_dict(kept | wanted)
    st.session_state[_WRITTEN] = wanted


def address_moved(param: str) -> bool:
    """Whether a page parameter of the address (`?metric=`) differs from what the app last wrote there: the
    browser's Back or Forward changed it, so the address wins over its widget's last value."""
    seen = st.session_state.get(_SEEN, {})
    return _history_navigation() and param in seen and seen[param] != st.query_params.get(param)


def address_written(param: str) -> None:
    """Remember a page parameter as the app left it in the address (see `address_moved`)."""
    st.session_state.setdefault(_SEEN, {})[param] = st.query_params.get(param)


def _link_note(filters: Filters, lang: str, key: str = _NOTE, message: str = "link.ignored") -> None:
    """While the view a link opened is shown, name the parts of the link that were not understood (or, with
    `key=_OUTSIDE`, that lay outside the account's scope)."""
    note = st.session_state.get(key)
    if not note:
        return
    opened, ignored = note
    if replace(opened, scope=filters.scope) != filters:  # the user moved on
        st.session_state[key] = None
        return
    parts = []
    for param, value in ignored:
        shown = value if len(value) <= _NOTE_VALUE_CHARS else value[:_NOTE_VALUE_CHARS] + "…"
        parts.append(t("link.part", lang, label=t(PARAM_LABELS[param], lang), value=plain(shown)))
    st.warning(t(message, lang, parts=t("list.separator", lang).join(parts)), icon=":material/link_off:")


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


def _sidebar(lang: str, universities, provinces, measures, scope: Scope) -> Filters:
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
    if scope.university is not None:  # a party's account chooses among its own name only
        universities = universities[universities["name_zh"] == scope.university]
    names = dict(zip(universities["name_zh"], universities["name_zh" if lang == "zh" else "name_en"], strict=True))
    sidebar.multiselect(
        t("filters.university", lang),
        options=list(universities["name_zh"]),
        format_func=lambda name: names.get(name, name),
        key="f_university",
        placeholder=t("filters.all_universities", lang),
    )
    in_programme = provinces[provinces["in_programme"]]
    if scope.province is not None:
        in_programme = in_programme[in_programme["code"] == scope.province]
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
        scope=scope,
    )


def _account_box(ctx: PageContext, sidebar) -> None:
    """Who is signed in, with which role and scope, and the sign-out button; or, with no account yet, how to
    create the first one (in `sidebar`, the slot at the top of the sidebar)."""
    if ctx.read_only:
        sidebar.info(ctx.t("signin.read_only"), icon=":material/lock:")
        return
    if ctx.account is None:
        return
    sidebar.markdown(f"**{plain(ctx.t('signin.signed_in_as', username=ctx.account.username))}**")
    sidebar.caption(ctx.t("signin.scope", role=ctx.t(f"role.{ctx.account.role}"), scope=ctx.scope_label()))
    sidebar.button(
        ctx.t("signin.sign_out"),
        icon=":material/logout:",
        on_click=signin.sign_out,
        args=(ctx.con, ctx.account),
        key="sign_out",
        width="stretch",
    )


def route_while_signing_in(pages: list) -> None:
    """Resolve the address to its page without running it while the sign-in form is shown, so that the page a
    pasted link names opens once signed in. A bare address resolves to the default page: rerun once at once, so
    that the form the user fills belongs to that page's run (else the browser's switch to it drops the typing)."""
    run = get_script_run_ctx()
    requested = run.page_script_hash if run else None
    st.navigation(pages, position="hidden")
    if run is not None and run.page_script_hash != requested:
        st.rerun()


def current_language() -> str:
    """The UI language of this run (the shell has read it)."""
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


@contextlib.contextmanager
def _main_script_ids() -> Iterator[None]:
    """Draw the sidebar's widgets under the main script's hash on every run. Streamlit 1.67 computes a widget's id
    with the active script hash, which on a session's first run is the requested page's and afterwards the main
    script's; so on a freshly opened bare address (the overview at /) the first filter a user chose came back under
    another id and was dropped. The same id on every run (and page) keeps the user's choice."""
    run = get_script_run_ctx()
    if run is None:
        yield
        return
    with run.run_with_active_hash(run.pages_manager.main_script_hash):
        yield


def render_shell() -> PageContext | None:
    """Draw what every page shares and remember the context for the page that runs next; None when the sign-in
    form is drawn instead (accounts exist, no one is signed in: web.signin)."""
    page_style()
    source = _source()
    lang = _read_language(source)
    con = _ensure_database(lang)
    try:
        account, read_only = signin.gate(con, lang)
    except signin.SignInRequired:
        st.session_state.pop(_CONTEXT, None)
        return None
    scope = scope_of(account)
    path = db.location()
    universities, provinces, measures = _options(path, lang, data_version())
    if source != "widgets":
        _read_address(path, source, scope)
    _apply_pending()
    account_slot = st.sidebar.container()
    with _main_script_ids():
        filters = _sidebar(lang, universities, provinces, measures, scope)
    lang = st.session_state["lang"]
    _write_url(filters, lang)
    _link_note(filters, lang)
    _link_note(filters, lang, _OUTSIDE, "scope.outside_link")
    demo = cache.remember(con, scope, queries.demo_in_view, filters)  # an EXISTS over the summaries, then kept
    context = PageContext(lang, filters, con, universities, provinces, measures, demo, account, read_only)
    _account_box(context, account_slot)
    st.session_state[_CONTEXT] = context
    return context


@dataclass(frozen=True)
class Destination:
    """Where a link in the app leads: a page file, the page's own parameters (e.g. the scorecard's pairing) and
    filter changes (`Filters` field names, e.g. universities=("北京师范大学",)); the other filters stay."""

    page: str
    params: Mapping[str, object] = field(default_factory=dict)
    changes: Mapping[str, object] = field(default_factory=dict)


def go_to(ctx: PageContext, destination: Destination) -> NoReturn:
    """Open a destination in this tab. Its address carries the filters and the language, so they survive, the
    browser records the step and Back returns here."""
    filters = replace(ctx.filters, **destination.changes)
    query = _canonical(filters, ctx.lang) | {key: str(value) for key, value in destination.params.items()}
    st.session_state[_FOLLOW] = True
    st.switch_page(destination.page, query_params=query)


def unexpected_error(error: Exception) -> None:
    """An error no page expected: a short message in the UI language; the details go to the server's log only."""
    lang = st.session_state.get("lang", DEFAULT_LANGUAGE)
    if isinstance(error, StoreUnavailable | StoreConflict):  # server mode: expected, and said in words
        key = "store.conflict" if isinstance(error, StoreConflict) else "store.write_refused"
        st.error(t(key, lang), icon=":material/cloud_off:")
        return
    logging.getLogger(__name__).error("unexpected error", exc_info=error)
    st.error(t("app.error", lang), icon=":material/error:")


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
    if not st.session_state.get(_WRITTEN):  # this page shown with a bare address: Back to it means no filters
        st.session_state.setdefault(_BARE_PAGES, set()).add(_page_hash())
    return st.session_state[_CONTEXT]


def page_header(ctx: PageContext, title_key: str) -> None:
    """Title, the demo badge and the plain-words description of the active filters."""
    st.title(ctx.t(title_key))
    demo_badge(ctx)
    described = ctx.filters.describe(ctx.lang, ctx.province_names(), ctx.measure_names(), ctx.university_names())
    if not ctx.filters.scope.national:  # a scoped account's national overview is its own slice: say so
        described = f"{ctx.t('scope.yours', scope=ctx.scope_label())} · {described}"
    st.caption(described)
