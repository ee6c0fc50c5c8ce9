"""The Audit log page's sections (审计日志, issue 12): the refusal for anyone but the ministry, the filters (user,
action, days), one page of the events newest first with the total, and the CSV of every event the filters select.

The events come from `access.audit` (the stable view `audit_overview`, SQL there); this module only words them.
User-supplied text (usernames, file names, details) is shown in a dataframe, never as markdown.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import date
from functools import partial

import duckdb
import pandas as pd
import streamlit as st

from assistance.access import audit
from assistance.export.filenames import safe_stem
from assistance.export.writers import csv_bytes
from assistance.i18n import catalogue, t
from assistance.web.shell import PageContext
from assistance.web.tables import ROW_HEIGHT, file_stem, rows_caption

PAGE_SIZE = 50
_PAGE = "audit_page"
# The table's columns (audit_overview's) and the catalogue keys of their headers, in the order shown.
COLUMNS = {
    "at": "audit.col.at",
    "username": "audit.col.username",
    "role": "audit.col.role",
    "action": "audit.col.action",
    "target": "audit.col.target",
    "batch_id": "audit.col.batch",
    "detail": "audit.col.detail",
}
# Their widths in pixels: the seven fit side by side in the main column of a 1400-pixel window (a wider one shares
# out the rest); a longer name or detail ends in "…" and is read whole by clicking its cell.
DAYS_WIDTH = 250  # pixels: a whole "2026-01-05 – 2026-12-02" and the calendar icon, in any window
WIDTHS = {"at": 150, "username": 110, "role": 110, "action": 130, "target": 180, "batch_id": 60, "detail": 180}


@dataclass(frozen=True)
class AuditFilters:
    """What the page's filters chose (None: any)."""

    username: str | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None


def refuse_unless_allowed(ctx: PageContext) -> None:
    """Stop here for anyone the ministry's right `view_audit` does not cover (a hidden menu entry is not the check:
    an address can be typed)."""
    if not ctx.may("view_audit"):
        st.error(ctx.t("audit.refused"), icon=":material/lock:")
        st.stop()


def header(ctx: PageContext) -> None:
    """The title and what the log holds (the sidebar's filters are the dashboards', not this page's)."""
    st.title(ctx.t("audit.nav"))
    st.caption(ctx.t("audit.intro"))


def _label(prefix: str, code: str, lang: str) -> str:
    """A code's label under `prefix` (role., audit.action.), or the code itself if it has none."""
    return t(f"{prefix}{code}", lang) if f"{prefix}{code}" in catalogue() else code


def role_label(role: str, lang: str) -> str:
    return _label("role.", role, lang)


def action_label(action: str, lang: str) -> str:
    return _label("audit.action.", action, lang)


def _first_page() -> None:
    st.session_state[_PAGE] = 1


def filter_row(ctx: PageContext) -> AuditFilters:
    """User (the names the log holds), action and a range of days, side by side; a change goes back to page 1."""
    row = st.container(horizontal=True)  # side by side; the dates wrap under the others in a narrow window
    username = row.selectbox(
        ctx.t("audit.filter.user"),
        audit.audit_users(ctx.con),
        index=None,
        placeholder=ctx.t("audit.filter.all_users"),
        key="audit_user",
        on_change=_first_page,
    )
    action = row.selectbox(
        ctx.t("audit.filter.action"),
        list(audit.AUDIT_ACTIONS),
        format_func=partial(action_label, lang=ctx.lang),
        index=None,
        placeholder=ctx.t("audit.filter.all_actions"),
        key="audit_action",
        on_change=_first_page,
    )
    today = date.today()
    days = row.date_input(
        ctx.t("audit.filter.days"),
        value=[],
        min_value=min(audit.audit_first_day(ctx.con) or today, today),
        max_value=today,
        format="YYYY-MM-DD",
        help=ctx.t("audit.filter.days_help"),
        width=DAYS_WIDTH,
        key="audit_days",
        on_change=_first_page,
    )
    start, end = (*(days or ()), None, None)[:2]  # () all days, (start,) from a day on, (start, end)
    return AuditFilters(username, action, start, end)


def detail_text(detail: object) -> str:
    """An event's JSON detail in a line: `rows: 3 · rejected: 0` (empty values left out)."""
    if not isinstance(detail, str) or not detail:
        return ""
    try:
        values = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(values, dict):
        return detail
    return " · ".join(
        f"{key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}"
        for key, value in values.items()
        if value not in (None, "")
    )


def readable(frame: pd.DataFrame, lang: str, *, raw_detail: bool = False) -> pd.DataFrame:
    """Events as a person reads them: role and action labels in `lang`, headers in `lang`; the detail in a line,
    or as stored (JSON, `raw_detail`) for a file."""
    shown = pd.DataFrame(index=frame.index)
    for column, key in COLUMNS.items():
        values = frame[column]
        if column == "role":
            values = values.map(partial(role_label, lang=lang))
        elif column == "action":
            values = values.map(partial(action_label, lang=lang))
        elif column == "detail":
            values = values.fillna("") if raw_detail else values.map(detail_text)
        shown[t(key, lang)] = values
    return shown


def csv_file(con: duckdb.DuckDBPyConnection, chosen: AuditFilters, lang: str) -> bytes:
    """Every event the filters select, newest first: UTF-8 with a BOM, formula-like cells made inert."""
    shown = readable(audit.audit_rows(con, **asdict(chosen)), lang, raw_detail=True)
    time_header, batch_header = t("audit.col.at", lang), t("audit.col.batch", lang)
    shown[time_header] = shown[time_header].dt.strftime("%Y-%m-%d %H:%M:%S")
    shown[batch_header] = shown[batch_header].map(lambda batch: "" if pd.isna(batch) else str(int(batch)))
    return csv_bytes(list(shown.columns), shown.itertuples(index=False, name=None))


def _column_config(column: str, label: str):
    """How the table shows a column: times to the second, batch numbers without separators, widths of WIDTHS."""
    width = WIDTHS[column]
    if column == "at":
        return st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm:ss", width=width)
    if column == "batch_id":
        return st.column_config.NumberColumn(label, format="%d", width=width)
    return st.column_config.TextColumn(label, width=width)


def events_table(ctx: PageContext, chosen: AuditFilters) -> int:
    """One page of the events (newest first) with the pager and the total; return the total."""
    total = audit.audit_count(ctx.con, **asdict(chosen))
    if not total:
        st.info(ctx.t("audit.empty"), icon=":material/search_off:")
        return 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if not 1 <= int(st.session_state.get(_PAGE, 1)) <= pages:
        st.session_state[_PAGE] = 1
    page = int(st.session_state.get(_PAGE, 1))
    frame = audit.audit_rows(ctx.con, **asdict(chosen), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    shown = readable(frame, ctx.lang)
    config = {ctx.t(key): _column_config(column, ctx.t(key)) for column, key in COLUMNS.items()}
    height = (len(shown) + 1) * ROW_HEIGHT + 3
    st.dataframe(shown, hide_index=True, column_config=config, height=height, placeholder="—")
    rows = rows_caption(ctx, total, page, pages)
    if pages > 1:
        left, right = st.columns([1, 4], vertical_alignment="center")
        left.number_input(ctx.t("export.table.page"), 1, pages, step=1, key=_PAGE, label_visibility="collapsed")
        right.caption(rows)
    else:
        st.caption(rows)
    return total


def download_row(ctx: PageContext, chosen: AuditFilters, total: int) -> None:
    """What the file holds and its button; the file (named with the filters and today's date) is built on click."""
    parts = (ctx.t("audit.file"), chosen.username or "", action_label(chosen.action, ctx.lang) if chosen.action else "")
    row = st.container(horizontal=True, vertical_alignment="center")
    row.markdown(ctx.t("audit.download", count=ctx.number(total)), width="stretch")
    row.download_button(
        ctx.t("audit.csv"),
        data=partial(csv_file, ctx.con, chosen, ctx.lang),
        file_name=f"{safe_stem(file_stem(*parts), ctx.lang)}.csv",
        mime="text/csv",
        key="audit_csv",
        help=ctx.t("audit.csv_help"),
        icon=":material/download:",
        on_click="ignore",
        width="content",
    )
