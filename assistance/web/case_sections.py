"""The good-practice library's sections (典型经验, issue 10): the search and its results, one case's page
(`cases?case=N`: shareable, printed cleanly: the sidebar, the page menu and the forms are not printed), the forms
that write, recommend, select or return a case, and the scorecard's "how others solved it" box.

Which cases an account sees and what it may do with them is `assistance.guidance.cases`' (checked again on the
server side); a case's title, texts, tags and comments are user text, shown with `st.text`, escaped
(`web.text.plain`) or inside dataframes, never as markdown or HTML.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from assistance.access.permissions import AccessDenied
from assistance.analytics import problems as problem_figures
from assistance.analytics import scorecard
from assistance.filters import Filters
from assistance.guidance import cases as library
from assistance.outcomes.indicators import BASELINE_YEAR
from assistance.outcomes.words import figure, indicator_name, year_label
from assistance.web.problem_sections import who
from assistance.web.shell import PROVENANCE_BADGES, Destination, PageContext, go_to
from assistance.web.tables import rows_caption
from assistance.web.text import plain
from assistance.web.upload_sections import denied_text

PAGE = "pages/cases.py"
PAGE_SIZE = 10
STATUS_COLOURS = {"draft": "gray", "recommended": "blue", "selected": "green", "returned": "orange"}
_ID = re.compile(r"[0-9]{1,9}")
# What a printed case page leaves out: the sidebar, the top bar and page menu, buttons, forms and expanders.
PRINT_CSS = """
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], header, [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stForm"], [data-testid="stExpander"], [data-testid="stButton"],
  [data-testid="stPageLink"], .no-print { display: none !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"] { padding: 0 !important; margin: 0 !important; }
  [data-testid="stAppViewContainer"] { overflow: visible !important; }
}
"""


def requested_case() -> int | None:
    """The id of the address's `?case=` (1–9 ASCII digits), or None."""
    text = (st.query_params.get("case") or "").strip()
    return int(text) if _ID.fullmatch(text) else None


def link_params(ctx: PageContext, **params: object) -> dict[str, str]:
    """A link's address: the filters and the language (as the shell writes them), and the page's own parameters."""
    query = {key: value if isinstance(value, str) else list(value) for key, value in ctx.filters.to_query().items()}
    if ctx.lang != "zh":
        query["lang"] = ctx.lang
    return query | {key: str(value) for key, value in params.items()}


def status_badge(ctx: PageContext, status: str) -> None:
    st.badge(ctx.t(f"case.status.{status}"), color=STATUS_COLOURS.get(status, "gray"))


def _demo_badge(ctx: PageContext) -> None:
    colour, icon = PROVENANCE_BADGES["demo"]
    st.badge(ctx.t("badge.demo"), color=colour, icon=icon)


def _listed(values) -> list[str]:
    """A list column's value as DuckDB hands it over (list, numpy array or None) as a list."""
    return [] if values is None else list(values)


def _labels(ctx: PageContext, measures, categories) -> str:
    names = ctx.measure_names()
    words = [names.get(code, code) for code in _listed(measures)]
    words += [ctx.t(f"problem.category.{code}") for code in _listed(categories)]
    return ctx.t("list.separator").join(words)


def _measures_and_categories(ctx: PageContext, measures, categories) -> str:
    """帮扶举措：… ｜ 针对的问题：… (each named, as a measure and a category may share a word: 其他 / Other)."""
    parts = [ctx.t("cases.page.measures", measures=_labels(ctx, measures, ()))] if len(_listed(measures)) else []
    if len(_listed(categories)):
        parts.append(ctx.t("cases.page.addresses", categories=_labels(ctx, (), categories)))
    return " ｜ ".join(parts)


# ---------------------------------------------------------------------------------------------------------
# The library


def search_box(ctx: PageContext) -> tuple[str, tuple[str, ...]]:
    """The words (kept in the address as `?q=`, so a search can be shared) and the statuses to show."""
    words, statuses = st.columns([3, 2], vertical_alignment="bottom")
    if "cases_q" not in st.session_state:
        st.session_state["cases_q"] = st.query_params.get("q", "")
    search = words.text_input(
        ctx.t("cases.search"), key="cases_q", placeholder=ctx.t("cases.search_hint"), help=ctx.t("cases.search_help")
    )
    if search.strip():
        st.query_params["q"] = search.strip()
    else:
        st.query_params.pop("q", None)
    chosen = statuses.multiselect(
        ctx.t("cases.status"), library.STATUSES, format_func=lambda s: ctx.t(f"case.status.{s}"),
        key="cases_status", placeholder=ctx.t("cases.status_all"),
    )  # fmt: skip
    return search, tuple(chosen)


def results(ctx: PageContext, search: str, statuses: tuple[str, ...]) -> int:
    """The matching cases as cards (selected first), a page at a time; each opens its own page."""
    query = library.library_query(ctx.filters, search, statuses)
    total = query.count(ctx.con)
    st.caption(ctx.t("cases.found", count=ctx.number(total)) + " " + ctx.t("cases.filters_note"))
    if not total:
        st.info(ctx.t("cases.none"), icon=":material/search_off:")
        return 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = st.session_state.get("cases_page", 1)
    page = page if 1 <= page <= pages else 1
    frame = query.page(ctx.con, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    provinces = ctx.province_names()
    universities = ctx.university_names()
    for row in frame.itertuples():
        with st.container(border=True):
            st.markdown(f"**{plain(row.title)}**")
            with st.container(horizontal=True, vertical_alignment="center"):
                status_badge(ctx, row.status)
                if row.provenance == "demo":
                    _demo_badge(ctx)
            where = [universities.get(u, u) for u in _listed(row.universities)] + _listed(row.schools)
            where += [provinces.get(code, code) for code in _listed(row.provinces)]
            parts = (" · ".join(where), _measures_and_categories(ctx, row.measures, row.categories))
            st.caption(" ｜ ".join(plain(part) for part in parts if part))
            st.text(_excerpt(row.after_text or row.action_text or ""), wrap=True)
            if len(_listed(row.tags)):
                st.caption(plain(ctx.t("cases.tags", tags=" ".join(f"#{tag}" for tag in row.tags))))
            st.page_link(PAGE, label=ctx.t("cases.open"), icon=":material/arrow_forward:",
                         query_params=link_params(ctx, case=row.case_id))  # fmt: skip
    if pages > 1:
        st.number_input(ctx.t("export.table.page"), 1, pages, step=1, key="cases_page", width=160)
        st.caption(rows_caption(ctx, total, page, pages))
    return total


def _excerpt(text: str, length: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length] + "…"


# ---------------------------------------------------------------------------------------------------------
# One case


def case_page(ctx: PageContext, case_id: int) -> bool:
    """The case: title and badges, its pairings, measures and the problems it addresses, the situation before,
    what was done, the result after, tags, evidence, history, the review and edit forms. False (and a note) when
    the account cannot see such a case."""
    info = library.case(ctx.con, case_id, ctx.filters.scope)
    if info is None:
        st.title(ctx.t("cases.nav"))
        st.warning(ctx.t("cases.not_found", case=case_id))
        _back(ctx)
        return False
    st.html(f"<style>{PRINT_CSS}</style>")
    # The address names this case (a link to the page it is on leaves the browser's address as it was): shareable.
    st.query_params.pop("q", None)
    st.query_params["case"] = str(case_id)
    flash = st.session_state.pop("_case_flash", None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    st.title(plain(info["title"]))
    with st.container(horizontal=True):
        status_badge(ctx, info["status"])
        if info["provenance"] == "demo":
            _demo_badge(ctx)
    pairings = library.case_pairings(ctx.con, case_id)
    provinces = ctx.province_names()
    for row in pairings.itertuples():
        university = row.university if ctx.lang == "zh" else row.university_en
        place = " · ".join(v for v in (university, row.school, row.county,
                                         provinces.get(row.province_code, "")) if v)  # fmt: skip
        st.markdown(plain(place))
    st.caption(plain(_measures_and_categories(ctx, info["measures"], info["categories"])))
    for key, text in (("before", info["before_text"]), ("action", info["action_text"]), ("after", info["after_text"])):
        st.subheader(ctx.t(f"cases.page.{key}"))
        st.text(text or "—", wrap=True)
    if info["tags"] is not None and len(info["tags"]):
        st.caption(plain(ctx.t("cases.tags", tags=" ".join(f"#{tag}" for tag in info["tags"]))))
    evidence_table(ctx, case_id)
    outcomes_table(ctx, case_id)
    st.caption(ctx.t("cases.page.share"))
    history_table(ctx, case_id)
    review_form(ctx, info)
    edit_section(ctx, info, pairings)
    _back(ctx)
    return True


def evidence_table(ctx: PageContext, case_id: int) -> None:
    """The activities the case cites: a static table (a dataframe is a canvas of the screen's width, cut off on
    paper), its text cells escaped (st.table renders markdown)."""
    st.subheader(ctx.t("cases.page.evidence"))
    rows = library.evidence(ctx.con, case_id)
    if rows.empty:
        st.caption(ctx.t("cases.page.no_evidence"))
        return
    names = ctx.measure_names()
    table = pd.DataFrame(
        {
            ctx.t("export.col.date"): pd.to_datetime(rows["date"]).dt.strftime("%Y-%m-%d"),
            ctx.t("export.col.school"): [plain(school) for school in rows["school"]],
            ctx.t("export.col.measure"): [names.get(code, code) for code in rows["measure"]],
            ctx.t("export.col.title"): [plain(title) for title in rows["title"]],
            ctx.t("export.col.teachers"): [_count(value) for value in rows["teachers"]],
            ctx.t("export.col.students"): [_count(value) for value in rows["students"]],
            ctx.t("export.col.provenance"): [ctx.t(f"provenance.{p}") for p in rows["provenance"]],
        }
    )
    st.table(table, hide_index=True)


def _count(value) -> str:
    """A head count as a reader writes it (— when the activity has none)."""
    return "—" if value is None or pd.isna(value) else f"{int(value):,}"


def outcomes_table(ctx: PageContext, case_id: int) -> None:
    """The outcome figures the case cites, each beside its school's baseline (nothing when it cites none): a static
    table, which prints whole."""
    rows = library.cited_outcomes(ctx.con, case_id)
    if rows.empty:
        return
    st.subheader(ctx.t("cases.page.outcomes"))
    baseline = year_label(BASELINE_YEAR, ctx.lang)
    table = pd.DataFrame(
        {
            ctx.t("export.col.school"): [plain(school) for school in rows["school"]],
            ctx.t("outcomes.col.indicator"): [indicator_name(name, ctx.lang) for name in rows["indicator"]],
            ctx.t("export.col.school_year"): [year_label(int(year), ctx.lang) for year in rows["school_year"]],
            ctx.t("cases.page.col.value"): [
                figure(name, value) for name, value in zip(rows["indicator"], rows["value"], strict=True)
            ],
            ctx.t("cases.page.col.baseline", baseline=baseline): [
                figure(name, None if pd.isna(value) else value)
                for name, value in zip(rows["indicator"], rows["baseline"], strict=True)
            ],
            ctx.t("export.col.provenance"): [ctx.t(f"provenance.{p}") for p in rows["provenance"]],
        }
    )
    st.table(table, hide_index=True)
    st.caption(ctx.t("cases.page.outcomes_caption", baseline=baseline))


def history_table(ctx: PageContext, case_id: int) -> None:
    rows = library.history(ctx.con, case_id)
    with st.expander(ctx.t("cases.page.history", count=len(rows)), icon=":material/history:"):

        def word(code) -> str:
            return ctx.t(f"case.status.{code}") if isinstance(code, str) else "—"

        st.dataframe(
            pd.DataFrame(
                {
                    ctx.t("problems.history.at"): rows["occurred_at"].dt.strftime("%Y-%m-%d %H:%M"),
                    ctx.t("problems.history.by"): [who(ctx, name) for name in rows["username"]],
                    ctx.t("problems.history.from"): [word(code) for code in rows["from_status"]],
                    ctx.t("problems.history.to"): [word(code) for code in rows["to_status"]],
                    ctx.t("problems.history.comment"): rows["comment"].fillna(""),
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _moves(ctx: PageContext, status: str) -> list[str]:
    """The statuses this account may move a case in `status` to."""
    if ctx.account is None or not ctx.may("review_cases"):
        return []
    return [to for (origin, to), roles in library.TRANSITIONS.items() if origin == status and ctx.account.role in roles]


def review_form(ctx: PageContext, info: dict) -> None:
    """Recommend (province, ministry), select (ministry) or return (with a comment) the case."""
    moves = _moves(ctx, info["status"])
    if not moves:
        return
    case_id = int(info["case_id"])
    seen = st.session_state.setdefault(f"_case_seen_{case_id}", int(info["version"]))
    with st.form(f"case_review_{case_id}_{seen}", border=True):
        st.markdown(f"**{ctx.t('cases.review.title')}**")
        target = st.radio(ctx.t("cases.review.to"), moves, format_func=lambda s: ctx.t(f"cases.review.{s}"),
                          horizontal=True)  # fmt: skip
        comment = st.text_area(ctx.t("problems.form.comment"), height=80, help=ctx.t("cases.review.comment_help"))
        done = st.form_submit_button(ctx.t("cases.review.submit"), type="primary")
    if done:
        _write(ctx, case_id, lambda: library.review_case(ctx.con, ctx.account, case_id, seen, target, comment),
               ctx.t(f"cases.review.done.{target}"))  # fmt: skip


def _write(ctx: PageContext, case_id: int, action, message: str) -> None:
    try:
        version = action()
    except library.CaseRefused as refused:
        if refused.code == "stale":
            st.session_state.pop(f"_case_seen_{case_id}", None)
        st.error(plain(refused.message(ctx.lang)), icon=":material/error:")
        return
    except AccessDenied as exc:
        st.error(denied_text(ctx, exc.code), icon=":material/lock:")
        return
    st.session_state[f"_case_seen_{case_id}"] = version
    st.session_state["_case_flash"] = message
    st.rerun()


def edit_section(ctx: PageContext, info: dict, pairings: pd.DataFrame) -> None:
    """The author's edit form (a university's own draft or returned case; the ministry's any case)."""
    if not ctx.may("edit_cases"):
        return
    editable = ctx.account.role == "ministry" or info["status"] in library.EDITABLE_BY_AUTHOR
    own = all(int(p) in _pairing_labels(ctx) for p in pairings["pairing_id"])
    if not (editable and own):
        return
    case_id = int(info["case_id"])
    seen = st.session_state.setdefault(f"_case_seen_{case_id}", int(info["version"]))
    with st.expander(ctx.t("cases.edit.title"), icon=":material/edit:"):
        draft = case_form(ctx, f"case_edit_{case_id}_{seen}", info, list(pairings["pairing_id"]))
    if draft is not None:
        _write(ctx, case_id, lambda: library.update_case(ctx.con, ctx.account, case_id, seen, draft),
               ctx.t("cases.edit.saved"))  # fmt: skip


def _back(ctx: PageContext) -> None:
    if st.button(ctx.t("cases.back"), icon=":material/arrow_back:", type="tertiary", key="case_back"):
        st.query_params.pop("case", None)
        go_to(ctx, Destination(PAGE))


# ---------------------------------------------------------------------------------------------------------
# Writing a case


def _pairing_labels(ctx: PageContext) -> dict[int, str]:
    rows = scorecard.pairing_choices(ctx.con, Filters(scope=ctx.filters.scope), ctx.lang)
    names = ctx.university_names()
    return {
        int(row.pairing_id): ctx.t("cases.form.pairing_option", school=row.school,
                                   university=names.get(row.university, row.university))
        for row in rows.itertuples()
    }  # fmt: skip


def case_form(ctx: PageContext, key: str, info: dict | None = None, pairing_ids: list[int] | None = None):
    """The case's fields; returns the CaseDraft when submitted (the pairings are chosen above the form, so that the
    evidence offers their activities)."""
    labels = _pairing_labels(ctx)
    chosen = st.multiselect(
        ctx.t("cases.form.pairings"), list(labels), default=[p for p in (pairing_ids or []) if p in labels],
        format_func=labels.get, key=f"{key}_pairings", placeholder=ctx.t("problems.form.pick"),
    )  # fmt: skip
    activities = library.pairing_activities(ctx.con, chosen) if chosen else pd.DataFrame(columns=["activity_id"])
    names = ctx.measure_names()
    evidence_labels = {
        int(row.activity_id): f"{pd.Timestamp(row.date).date()} · {names.get(row.measure, row.measure)} · {row.title}"
        for row in activities.itertuples()
    }
    cited = list(library.evidence(ctx.con, int(info["case_id"]))["activity_id"]) if info else []
    outcomes = library.pairing_outcomes(ctx.con, chosen) if chosen else pd.DataFrame()
    outcome_labels = {
        (int(row.school_id), int(row.school_year), row.indicator): " · ".join(
            (row.school, year_label(int(row.school_year), ctx.lang), indicator_name(row.indicator, ctx.lang),
             figure(row.indicator, row.value))
        )
        for row in outcomes.itertuples()
    }  # fmt: skip
    quoted = library.cited_outcomes(ctx.con, int(info["case_id"])) if info else pd.DataFrame()
    quoted_keys = [(int(r.school_id), int(r.school_year), r.indicator) for r in quoted.itertuples()]
    with st.form(f"{key}_form", border=True):
        title = st.text_input(ctx.t("cases.form.title"), value=(info or {}).get("title") or "", max_chars=200)
        left, right = st.columns(2)
        measures = left.multiselect(
            ctx.t("cases.form.measures"), list(names), default=list((info or {}).get("measures") or []),
            format_func=names.get, placeholder=ctx.t("problems.form.pick"),
        )  # fmt: skip
        categories = right.multiselect(
            ctx.t("cases.form.categories"), problem_figures.CATEGORIES,
            default=list((info or {}).get("categories") or []), format_func=lambda c: ctx.t(f"problem.category.{c}"),
            placeholder=ctx.t("problems.form.pick"),
        )  # fmt: skip
        before = st.text_area(ctx.t("cases.page.before"), value=(info or {}).get("before_text") or "", height=100)
        action = st.text_area(ctx.t("cases.page.action"), value=(info or {}).get("action_text") or "", height=120)
        after = st.text_area(ctx.t("cases.page.after"), value=(info or {}).get("after_text") or "", height=100)
        tags = st.text_input(ctx.t("cases.form.tags"), value=" ".join((info or {}).get("tags") or []),
                             help=ctx.t("cases.form.tags_help"))  # fmt: skip
        evidence = st.multiselect(
            ctx.t("cases.form.evidence"), list(evidence_labels), default=[a for a in cited if a in evidence_labels],
            format_func=evidence_labels.get, placeholder=ctx.t("cases.form.evidence_hint"),
        )  # fmt: skip
        cited_outcomes = st.multiselect(
            ctx.t("cases.form.outcomes"), list(outcome_labels),
            default=[key for key in quoted_keys if key in outcome_labels], format_func=outcome_labels.get,
            placeholder=ctx.t("cases.form.outcomes_hint"), max_selections=library.MAX_CITED,
        )  # fmt: skip
        submitted = st.form_submit_button(ctx.t("cases.form.save"), type="primary", icon=":material/save:")
    if not submitted:
        return None
    return library.CaseDraft(
        title=title, pairing_ids=tuple(chosen), measures=tuple(measures), categories=tuple(categories),
        tags=library.parse_tags(tags), before_text=before, action_text=action, after_text=after,
        evidence=tuple(evidence), outcomes=tuple(cited_outcomes),
    )  # fmt: skip


def new_case(ctx: PageContext) -> None:
    """A new draft case of the account's own pairings (a university's, or the ministry's for anyone)."""
    if not ctx.may("edit_cases"):
        st.info(denied_text(ctx), icon=":material/lock:")
        return
    st.caption(ctx.t("cases.form.intro"))
    draft = case_form(ctx, "case_new")
    if draft is None:
        return
    try:
        case_id = library.create_case(ctx.con, ctx.account, draft)
    except library.CaseRefused as refused:
        st.error(plain(refused.message(ctx.lang)), icon=":material/error:")
        return
    except AccessDenied as exc:
        st.error(denied_text(ctx, exc.code), icon=":material/lock:")
        return
    st.session_state["_case_flash"] = ctx.t("cases.form.created", case=case_id)
    go_to(ctx, Destination(PAGE, {"case": case_id}))


# ---------------------------------------------------------------------------------------------------------
# The scorecard's linked cases


def linked_cases(ctx: PageContext, categories: list[str]) -> None:
    """Up to three selected cases that address the categories of the pairing's open problems: a difficulty next to
    how others solved it."""
    if not categories:
        return
    st.subheader(ctx.t("cases.linked.title"), anchor="linked-cases")
    words = ctx.t("list.separator").join(ctx.t(f"problem.category.{c}") for c in categories)
    st.caption(ctx.t("cases.linked.caption", categories=words))
    found = library.linked_cases(ctx.con, categories)
    if found.empty:
        st.caption(ctx.t("cases.linked.none"))
        return
    columns = st.columns(library.LINKED_CASES)
    for column, row in zip(columns, found.itertuples(), strict=False):
        with column.container(border=True, height="stretch"):
            st.markdown(f"**{plain(row.title)}**")
            st.caption(plain(ctx.t("cases.linked.addresses", categories=_labels(ctx, (), row.matched))))
            st.caption(plain(_labels(ctx, row.measures, ())))
            st.page_link(PAGE, label=ctx.t("cases.open"), icon=":material/arrow_forward:",
                         query_params=link_params(ctx, case=row.case_id))  # fmt: skip
            if row.provenance == "demo":
                _demo_badge(ctx)
