"""The problem tracker's sections (issue 10): the overview panel (open and overdue by category, median days to
resolve), the list with its filters and downloads, one problem's page (`problems?problem=N`: its facts, its text,
its history and the form that moves it on), the form that raises a problem (on the Problems page and on a
scorecard), the problem file's import and its batches.

Every rule is `assistance.guidance.problems`' (checked again on the server side whatever the page offers); every
figure is `analytics.problems`' SQL. A problem's title, description, resolution and comments are user text: they
are shown with `st.text` or escaped (`web.text.plain`), or inside dataframes, never as markdown or HTML.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

from assistance.access.permissions import AccessDenied
from assistance.analytics import problems as figures
from assistance.analytics import scorecard
from assistance.export.columns import PROBLEM_COLUMNS, PROBLEM_LIST_COLUMNS
from assistance.guidance.demo import DEMO_USER
from assistance.guidance.problem_import import ProblemsImport
from assistance.guidance.problems import ProblemChange, ProblemDraft, ProblemRefused, create_problem, update_problem
from assistance.web import cache, upload_sections
from assistance.web.layout import card, card_grid
from assistance.web.registry_sections import import_report
from assistance.web.shell import PROVENANCE_BADGES, Destination, PageContext, go_to
from assistance.web.tables import ROW_HEIGHT, download_buttons, file_stem, paged_table, sort_controls
from assistance.web.text import plain
from assistance.web.upload_flow import History, ImportForm, Upload

PAGE = "pages/problems.py"
_ID = re.compile(r"[0-9]{1,9}")
STATUS_COLOURS = {"open": "blue", "in_progress": "orange", "constrained": "red", "resolved": "green",
                  "discontinued": "gray"}  # fmt: skip
SORT_KEYS = {
    "attention": "problems.sort.attention",
    "raised_on": "export.col.raised_on",
    "due_date": "export.col.due_date",
    "status": "export.col.status",
    "category": "export.col.category",
    "university": "export.col.university",
    "province": "export.col.province",
}
_SEEN = "_problem_seen_{}"  # the version of a problem this session's form is based on


def open_problems_job(con, data: bytes, upload: Upload, actor, _progress) -> ProblemsImport:
    return ProblemsImport(con, data, upload.name, sheet=upload.sheet, actor=actor)


PROBLEM_FORM = ImportForm(
    "problems", open_problems_job, "edit_problems", strict=False, nothing_hint="registry.page.nothing_to_commit"
)
PROBLEM_HISTORY = History(
    prefix="problems_history",
    kinds=("problems",),
    columns=("batch_id", "file", "rows", "inserted", "changed", "unchanged", "rejected", "uploaded_by"),
    title="problems.import.history",
    empty="problems.import.history_empty",
    confirm="problems.import.undo_confirm",
)


def requested_problem() -> int | None:
    """The id of the address's `?problem=` (1–9 ASCII digits), or None."""
    text = (st.query_params.get("problem") or "").strip()
    return int(text) if _ID.fullmatch(text) else None


def problem_link(row) -> Destination:
    """A table row's problem page (the filters stay)."""
    return Destination(PAGE, {"problem": int(row.problem_id)})


def status_badge(ctx: PageContext, status: str) -> None:
    st.badge(ctx.t(f"problem.status.{status}"), color=STATUS_COLOURS.get(status, "gray"))


def denied(ctx: PageContext, code: str = "role") -> str:
    return upload_sections.denied_text(ctx, code)


# ---------------------------------------------------------------------------------------------------------
# The overview panel


def _category_table(ctx: PageContext, counts: pd.DataFrame) -> None:
    """Open and overdue problems by category as in-cell bars on one scale, resolved ones as a number."""
    top = int(max(counts["open"].max(), 1))
    labels = {name: ctx.t(f"problems.col.{name}") for name in ("open", "overdue", "resolved")}
    shown = pd.DataFrame(
        {
            ctx.t("export.col.category"): [ctx.t(f"problem.category.{code}") for code in counts["category"]],
            **{labels[name]: counts[name].astype(int) for name in labels},
        }
    )
    config = {
        labels[name]: st.column_config.ProgressColumn(labels[name], format="%d", min_value=0, max_value=top,
                                                      width="medium")
        for name in ("open", "overdue")
    }  # fmt: skip
    config[labels["resolved"]] = st.column_config.NumberColumn(labels["resolved"], format="%d", width="small")
    st.dataframe(shown, hide_index=True, column_config=config, height=(len(shown) + 1) * ROW_HEIGHT + 3)


def overview_panel(ctx: PageContext, today: date, link: bool = True) -> dict:
    """Open, overdue and resolved problems in view, the median days to resolve, and the counts by category."""
    summary = cache.figure(ctx, figures.summary, ctx.filters, today)
    cards = card_grid(4)
    card(cards, ctx.t("problems.kpi.open"), ctx.number(summary["open"]), help=ctx.t("problems.kpi.open_help"))
    card(
        cards,
        ctx.t("problems.kpi.overdue"),
        ctx.number(summary["overdue"]),
        help=ctx.t("problems.kpi.overdue_help", days=figures.OVERDUE_DAYS),
    )
    card(cards, ctx.t("problems.kpi.resolved"), ctx.number(summary["resolved"]))
    median = summary["median_days"]
    shown = ctx.t("problems.kpi.days", days=f"{median:.0f}") if median is not None else ctx.t("kpi.none")
    card(cards, ctx.t("problems.kpi.median"), shown, help=ctx.t("problems.kpi.median_help"))
    counts = cache.figure(ctx, figures.category_counts, ctx.filters, today)
    if summary["total"]:
        _category_table(ctx, counts)
    caption = ctx.t("problems.panel.caption", today=today.isoformat(), days=figures.OVERDUE_DAYS)
    if summary["demo"]:
        caption += " " + ctx.t("problems.panel.demo", count=summary["demo"])
    st.caption(caption)
    if link:
        st.page_link(PAGE, label=ctx.t("problems.panel.open"), icon=":material/assignment_late:")
    return summary


# ---------------------------------------------------------------------------------------------------------
# The list


def list_filters(ctx: PageContext) -> dict:
    """The list's own filters: status, category, the level that must act, overdue only, words."""
    choices = (  # (column label, codes, label prefix, widget key)
        ("export.col.status", figures.STATUSES, "problem.status", "problems_status"),
        ("export.col.category", figures.CATEGORIES, "problem.category", "problems_category"),
        ("export.col.owner_level", figures.OWNER_LEVELS, "problem.owner", "problems_owner"),
    )
    statuses, categories, owners = (
        column.multiselect(
            ctx.t(label),
            codes,
            format_func=lambda code, prefix=prefix: ctx.t(f"{prefix}.{code}"),
            key=key,
            placeholder=ctx.t("problems.filter.all"),
        )
        for column, (label, codes, prefix, key) in zip(st.columns(3), choices, strict=True)
    )
    words, overdue = st.columns([3, 1], vertical_alignment="bottom")
    search = words.text_input(
        ctx.t("problems.filter.search"), key="problems_search", placeholder=ctx.t("problems.filter.search_hint")
    )
    overdue_only = overdue.toggle(ctx.t("problems.filter.overdue"), key="problems_overdue")
    return {
        "statuses": tuple(statuses),
        "categories": tuple(categories),
        "owner_levels": tuple(owners),
        "overdue_only": overdue_only,
        "search": search,
    }


def problems_table(ctx: PageContext, today: date, chosen: dict) -> int:
    """The problems in view (paged, sorted in SQL), each opening its page; CSV/XLSX of all of them."""
    query = figures.list_query(ctx.filters, today, **chosen)
    total = cache.count(ctx, query)
    if not total:
        st.info(ctx.t("problems.list.empty"), icon=":material/check_circle:")
        return 0
    labels = {key: ctx.t(label) for key, label in SORT_KEYS.items()}
    sort, descending = sort_controls(ctx, query, "problems_list", labels)
    links = {"problems.col.open_link": (ctx.t("problems.open"), problem_link)}
    paged_table(ctx, query, PROBLEM_LIST_COLUMNS, "problems_list", sort, descending, links=links, total=total)
    download_buttons(
        ctx,
        query,
        PROBLEM_COLUMNS,
        "problems_export",
        ctx.t("problems.export", count=ctx.number(total)),
        file_stem(ctx.t("export.file.problems")),
        "export.file.problems",
        sort,
        descending,
    )
    return total


# ---------------------------------------------------------------------------------------------------------
# Raising a problem


def _pairing_labels(ctx: PageContext) -> dict[int, str]:
    rows = cache.figure(ctx, scorecard.pairing_choices, ctx.filters, ctx.lang)
    names = ctx.university_names()
    return {
        int(row.pairing_id): ctx.t("problems.form.pairing_option", school=row.school,
                                   university=names.get(row.university, row.university), county=row.county or "")
        for row in rows.itertuples()
    }  # fmt: skip


def _scopes(ctx: PageContext) -> list[str]:
    """The places this account may raise a problem for: a pairing always; a county or a province for the ministry
    and province accounts."""
    if ctx.account is not None and ctx.account.role in ("ministry", "province"):
        return list(figures.SCOPES)
    return ["pairing"]


def raise_form(ctx: PageContext, today: date, key: str, pairing_id: int | None = None) -> None:
    """The form that raises a problem: of one pairing (a scorecard's), or of a pairing, county or province chosen
    here. Without the right (or with no account) the page says why instead."""
    if not ctx.may("edit_problems"):
        st.info(denied(ctx), icon=":material/lock:")
        return
    st.caption(ctx.t("problems.form.as", username=plain(ctx.account.username)))
    scope, place = "pairing", pairing_id
    if pairing_id is None:
        scopes = _scopes(ctx)
        scope = st.radio(
            ctx.t("problems.form.scope"), scopes, format_func=lambda code: ctx.t(f"problem.scope.{code}"),
            horizontal=True, key=f"{key}_scope",
        )  # fmt: skip
        place = _place_picker(ctx, scope, key)
    with st.form(f"{key}_form", clear_on_submit=False, border=True):
        title = st.text_input(ctx.t("export.col.problem_title"), max_chars=200, key=f"{key}_title")
        left, right = st.columns(2)
        category = left.selectbox(
            ctx.t("export.col.category"), figures.CATEGORIES, format_func=lambda c: ctx.t(f"problem.category.{c}"),
            key=f"{key}_category",
        )  # fmt: skip
        owner = right.selectbox(
            ctx.t("export.col.owner_level"), figures.OWNER_LEVELS, format_func=lambda c: ctx.t(f"problem.owner.{c}"),
            key=f"{key}_owner",
        )  # fmt: skip
        raised_by = left.selectbox(
            ctx.t("export.col.raised_by"), figures.RAISED_BY, format_func=lambda c: ctx.t(f"problem.raised_by.{c}"),
            index=figures.RAISED_BY.index(_default_raiser(ctx)), key=f"{key}_raised_by",
        )  # fmt: skip
        raised_on = right.date_input(ctx.t("export.col.raised_on"), value=today, max_value=today, key=f"{key}_on")
        due = left.date_input(ctx.t("export.col.due_date"), value=None, min_value=raised_on, key=f"{key}_due")
        description = st.text_area(ctx.t("export.col.problem_description"), height=120, key=f"{key}_description")
        submitted = st.form_submit_button(ctx.t("problems.form.submit"), type="primary", icon=":material/add:")
    if submitted:
        draft = ProblemDraft(
            scope=scope, raised_by=raised_by, raised_on=raised_on, category=category, title=title,
            owner_level=owner, description=description, due_date=due,
            pairing_id=place if scope == "pairing" else None, county_adcode=place if scope == "county" else None,
            province_code=place if scope == "province" else None,
        )  # fmt: skip
        _create(ctx, draft, today)


def _default_raiser(ctx: PageContext) -> str:
    role = ctx.account.role if ctx.account is not None else "school"
    return {"university": "university", "school": "school", "province": "province"}.get(role, "school")


def _place_picker(ctx: PageContext, scope: str, key: str):
    if scope == "pairing":
        labels = _pairing_labels(ctx)
        return st.selectbox(
            ctx.t("problems.form.pairing"), list(labels), format_func=labels.get, index=None,
            placeholder=ctx.t("problems.form.pick"), key=f"{key}_pairing",
        )  # fmt: skip
    if scope == "county":
        counties = figures.counties_in_view(ctx.con, ctx.filters)
        names = ctx.province_names()
        labels = {
            row.county_adcode: ctx.t("problems.form.county_option", county=row.county,
                                     province=names.get(row.province_code, row.province_code))
            for row in counties.itertuples()
        }  # fmt: skip
        return st.selectbox(
            ctx.t("problems.form.county"), list(labels), format_func=labels.get, index=None,
            placeholder=ctx.t("problems.form.pick"), key=f"{key}_county",
        )  # fmt: skip
    provinces = ctx.provinces[ctx.provinces["in_programme"]]
    if ctx.filters.scope.province:
        provinces = provinces[provinces["code"] == ctx.filters.scope.province]
    names = ctx.province_names()
    return st.selectbox(
        ctx.t("problems.form.province"), list(provinces["code"]), format_func=lambda code: names.get(code, code),
        index=None, placeholder=ctx.t("problems.form.pick"), key=f"{key}_province",
    )  # fmt: skip


def _create(ctx: PageContext, draft: ProblemDraft, today: date) -> None:
    try:
        problem_id = create_problem(ctx.con, ctx.account, draft, today)
    except ProblemRefused as refused:
        st.error(plain(refused.message(ctx.lang)), icon=":material/error:")
        return
    except AccessDenied as exc:
        st.error(denied(ctx, exc.code), icon=":material/lock:")
        return
    st.cache_data.clear()
    st.session_state["_problem_flash"] = ctx.t("problems.form.created", problem=problem_id)
    go_to(ctx, Destination(PAGE, {"problem": problem_id}))


# ---------------------------------------------------------------------------------------------------------
# One problem


def problem_page(ctx: PageContext, problem_id: int, today: date) -> bool:
    """The problem's page: title and badges, facts, description, resolution, history, the form that moves it on.
    False (and a note) when there is no such problem in the account's scope."""
    info = figures.problem(ctx.con, problem_id, ctx.filters, today)
    if info is None:
        st.title(ctx.t("problems.nav"))
        st.warning(ctx.t("problems.not_found", problem=problem_id))
        _back(ctx)
        return False
    st.query_params["problem"] = str(problem_id)  # the address names this problem, whichever link opened it
    flash = st.session_state.pop("_problem_flash", None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    stale = st.session_state.pop("_problem_stale", None)
    if stale:
        st.error(plain(stale), icon=":material/sync_problem:")
    st.title(plain(info["title"]))
    badges = st.container(horizontal=True)
    with badges:
        status_badge(ctx, info["status"])
        if info["overdue_reason"]:
            st.badge(ctx.t(f"problem.overdue.{info['overdue_reason']}"), color="red", icon=":material/schedule:")
        if info["provenance"] == "demo":
            colour, icon = PROVENANCE_BADGES["demo"]
            st.badge(ctx.t("badge.demo"), color=colour, icon=icon)
    st.markdown(plain(_facts(ctx, info)))
    st.caption(ctx.t("problems.page.meta", problem=problem_id, version=info["version"],
                     at=info["updated_at"].strftime("%Y-%m-%d %H:%M")))  # fmt: skip
    st.markdown(f"**{ctx.t('export.col.problem_description')}**")
    st.text(info["description"] or ctx.t("problems.page.no_description"), wrap=True)
    if info["resolution"]:
        st.markdown(f"**{ctx.t('export.col.resolution')}**")
        st.text(info["resolution"], wrap=True)
    if info["pairing_id"] is not None:
        st.page_link("pages/schools.py", label=ctx.t("problems.page.scorecard"), icon=":material/fact_check:",
                     query_params={"pairing": str(int(info["pairing_id"]))})  # fmt: skip
    history_table(ctx, problem_id)
    edit_form(ctx, info, today)
    _back(ctx)
    return True


def _facts(ctx: PageContext, info: dict) -> str:
    """Where, who raised it when, the category, who must act, the due date (user text escaped by the caller)."""
    provinces = ctx.province_names()
    province = provinces.get(info["province_code"], info["province"] or "")
    if info["scope"] == "pairing":
        names = ctx.university_names()
        place = " · ".join(v for v in (names.get(info["university"], info["university"]), info["school"],
                                         info["county"], province) if v)  # fmt: skip
    elif info["scope"] == "county":
        place = " · ".join(v for v in (ctx.t("problem.scope.county"), info["county"], province) if v)
    else:
        place = f"{ctx.t('problem.scope.province')} · {province}"
    due = info["due_date"].date().isoformat() if info["due_date"] is not None else ctx.t("problems.page.no_due")
    parts = [
        place,
        ctx.t("problems.page.raised", by=ctx.t(f"problem.raised_by.{info['raised_by']}"),
              on=info["raised_on"].date().isoformat()),
        ctx.t("problems.page.category", category=ctx.t(f"problem.category.{info['category']}")),
        ctx.t("problems.page.owner", owner=ctx.t(f"problem.owner.{info['owner_level']}")),
        ctx.t("problems.page.due", due=due),
    ]  # fmt: skip
    if info["resolved_on"] is not None:
        parts.append(ctx.t("problems.page.resolved_on", on=info["resolved_on"].date().isoformat()))
    return " ｜ ".join(parts)


def who(ctx: PageContext, username: str) -> str:
    """A history row's account as shown: the demo history's author as the sample-data label of the UI language."""
    return ctx.t("badge.demo") if username == DEMO_USER else username


def history_table(ctx: PageContext, problem_id: int) -> None:
    """Who changed the status when, from what to what, and why (comments are text in a dataframe)."""
    st.subheader(ctx.t("problems.page.history"))
    rows = figures.history(ctx.con, problem_id)

    def word(code) -> str:
        return ctx.t(f"problem.status.{code}") if isinstance(code, str) else "—"

    table = pd.DataFrame(
        {
            ctx.t("problems.history.at"): rows["occurred_at"].dt.strftime("%Y-%m-%d %H:%M"),
            ctx.t("problems.history.by"): [who(ctx, name) for name in rows["username"]],
            ctx.t("problems.history.from"): [word(code) for code in rows["from_status"]],
            ctx.t("problems.history.to"): [word(code) for code in rows["to_status"]],
            ctx.t("problems.history.comment"): rows["comment"].fillna(""),
            ctx.t("problems.history.batch"): [f"#{int(b)}" if pd.notna(b) else "" for b in rows["batch_id"]],
        }
    )
    comment = ctx.t("problems.history.comment")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={comment: st.column_config.TextColumn(width="large")})  # fmt: skip


def edit_form(ctx: PageContext, info: dict, today: date) -> None:
    """Move the problem on: status (with the rules: resolution text to close, a comment to reopen or mark
    constrained), comment, resolution, due date, the level that must act, category, description. The save names
    the version this session first saw: a save over someone else's newer save is refused and says so."""
    st.subheader(ctx.t("problems.page.update"))
    if not ctx.may("edit_problems"):
        st.info(denied(ctx), icon=":material/lock:")
        return
    problem_id = int(info["problem_id"])
    seen_key = _SEEN.format(problem_id)
    seen = st.session_state.setdefault(seen_key, int(info["version"]))
    key = f"problem_{problem_id}_v{seen}"
    with st.form(key, border=True):
        left, right = st.columns(2)
        status = left.selectbox(
            ctx.t("export.col.status"), figures.STATUSES, index=figures.STATUSES.index(info["status"]),
            format_func=lambda c: ctx.t(f"problem.status.{c}"), key=f"{key}_status",
        )  # fmt: skip
        due_value = info["due_date"].date() if info["due_date"] is not None else None
        raised = info["raised_on"].date()
        due = right.date_input(ctx.t("export.col.due_date"), value=due_value, min_value=raised, key=f"{key}_due")
        owner = left.selectbox(
            ctx.t("export.col.owner_level"), figures.OWNER_LEVELS,
            index=figures.OWNER_LEVELS.index(info["owner_level"]), format_func=lambda c: ctx.t(f"problem.owner.{c}"),
            key=f"{key}_owner",
        )  # fmt: skip
        category = right.selectbox(
            ctx.t("export.col.category"), figures.CATEGORIES, index=figures.CATEGORIES.index(info["category"]),
            format_func=lambda c: ctx.t(f"problem.category.{c}"), key=f"{key}_category",
        )  # fmt: skip
        comment = st.text_area(ctx.t("problems.form.comment"), height=80, key=f"{key}_comment",
                               help=ctx.t("problems.form.comment_help"))  # fmt: skip
        resolution = st.text_area(ctx.t("export.col.resolution"), value=info["resolution"] or "", height=80,
                                  key=f"{key}_resolution", help=ctx.t("problems.form.resolution_help"))  # fmt: skip
        description = st.text_area(ctx.t("export.col.problem_description"), value=info["description"] or "",
                                   height=120, key=f"{key}_description")  # fmt: skip
        saved = st.form_submit_button(ctx.t("problems.form.save"), type="primary", icon=":material/save:")
    if not saved:
        return
    change = ProblemChange(
        category=category if category != info["category"] else None,
        description=description if description.strip() != (info["description"] or "") else None,
        owner_level=owner if owner != info["owner_level"] else None,
        status=status if status != info["status"] else None,
        due_date=due if due != due_value else None,
        clear_due_date=due is None and due_value is not None,
        resolution=resolution if resolution.strip() != (info["resolution"] or "") else None,
        comment=comment,
    )
    try:
        version = update_problem(ctx.con, ctx.account, problem_id, seen, change, today)
    except ProblemRefused as refused:
        if refused.code == "stale":  # show the latest at once, with a fresh form: the next save is based on it
            st.session_state[seen_key] = int(refused.values["version"])
            st.session_state["_problem_stale"] = refused.message(ctx.lang)
            st.rerun()
        st.error(plain(refused.message(ctx.lang)), icon=":material/error:")
        return
    except AccessDenied as exc:
        st.error(denied(ctx, exc.code), icon=":material/lock:")
        return
    st.session_state[seen_key] = version
    st.session_state["_problem_flash"] = ctx.t("problems.form.saved", version=version)
    st.cache_data.clear()
    st.rerun()


def _back(ctx: PageContext) -> None:
    if st.button(ctx.t("problems.page.back"), icon=":material/arrow_back:", type="tertiary", key="problem_back"):
        st.query_params.pop("problem", None)
        go_to(ctx, Destination(PAGE))


# ---------------------------------------------------------------------------------------------------------
# A scorecard's problems


def pairing_problems(ctx: PageContext, pairing_id: int, today: date) -> list[str]:
    """The pairing's problems (each opening its page) and the form to raise one; returns the categories of its
    open problems (the scorecard's linked cases address them)."""
    st.subheader(ctx.t("problems.scorecard.title"), anchor="problems")
    query = figures.list_query(ctx.filters, today, pairing_id=pairing_id)
    frame = query.page(ctx.con)
    if frame.empty:
        st.caption(ctx.t("problems.scorecard.none"))
    else:
        columns = tuple(c for c in PROBLEM_LIST_COLUMNS if c.name not in ("university", "school", "county", "province"))
        links = {"problems.col.open_link": (ctx.t("problems.open"), problem_link)}
        paged_table(ctx, query, columns, "scorecard_problems", links=links, total=len(frame))
    with st.expander(ctx.t("problems.scorecard.raise"), icon=":material/add_alert:"):
        raise_form(ctx, today, "scorecard_raise", pairing_id=pairing_id)
    open_rows = frame[~frame["status"].isin(figures.CLOSED)] if len(frame) else frame
    return list(dict.fromkeys(open_rows["category"])) if len(open_rows) else []


# ---------------------------------------------------------------------------------------------------------
# The problem file


def import_section(ctx: PageContext) -> None:
    """The problem file's format, the upload form (check, then commit), the report and the batches with undo."""
    with st.expander(ctx.t("registry.page.format_title"), icon=":material/help:"):
        st.markdown(ctx.t("problems.import.format"))
    flow = upload_sections.flow_state(PROBLEM_FORM)
    upload = upload_sections.upload_form(ctx, flow, PROBLEM_FORM)

    def render(ctx: PageContext, report, committed: bool) -> None:
        import_report(ctx, report, committed, "problems")

    upload_sections.report_section(ctx, flow, upload, render)
    st.divider()
    upload_sections.history_section(ctx, upload_sections.flow_state(PROBLEM_FORM), PROBLEM_HISTORY)
