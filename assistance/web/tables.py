"""Streamlit helpers for long tables: sort chosen from a fixed list, pages fetched with SQL LIMIT/OFFSET (and kept
until the next write: web.cache), columns labelled in the UI language, and CSV/XLSX download buttons that export
the whole table."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from assistance.analytics.scorecard import STATUSES
from assistance.analytics.tables import TableQuery
from assistance.export.columns import EXPORT_LANGUAGE, RULE_VALUES, Column, days_text, formatter
from assistance.export.columns import label as code_label
from assistance.export.filenames import safe_stem
from assistance.export.writers import table_bytes
from assistance.figures.style import STATUS_BACKGROUNDS, STATUS_MARKERS, STATUS_TEXT
from assistance.i18n import t
from assistance.ingest.templates import reuploadable
from assistance.web import cache
from assistance.web.shell import Destination, PageContext, go_to

PAGE_SIZE = 25
ROW_HEIGHT = 35  # st.dataframe's default row height in pixels
# Days-since have no column format: Streamlit shows a styled table's display text (今天, 昨天, 3 天前) only in number
# columns without one (`styled` words them; the cells keep their numbers, so the grid still sorts them as numbers).
NUMBER_FORMATS = {"id": "%d", "int": "localized", "days": None, "float": "%.1f", "percent": "%.0f%%"}
DATE_WIDTH = 104  # pixels: a whole YYYY-MM-DD at any window width
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Link columns of a table: header key → (the text each cell shows, function of a raw row → where it leads).
Links = dict[str, tuple[str, Callable[[pd.Series], Destination]]]


def present(df: pd.DataFrame, columns: tuple[Column, ...], ctx: PageContext) -> tuple[pd.DataFrame, dict]:
    """The table as a person reads it in the UI language, with a column_config for st.dataframe."""
    measures = ctx.measure_names()
    universities = ctx.university_names()
    provinces = ctx.province_names()
    shown = pd.DataFrame(index=df.index)
    config: dict[str, object] = {}
    for column in columns:
        label = ctx.t(column.key)
        values = df[column.name]
        if column.kind == "university":
            shown[label] = values.map(lambda name: universities.get(name, name))
        elif column.kind == "province" and "province_code" in df:
            shown[label] = [provinces.get(code, name) for code, name in zip(df["province_code"], values, strict=True)]
        elif column.kind == "date":
            shown[label] = pd.to_datetime(values)
            config[label] = st.column_config.DateColumn(label, format="YYYY-MM-DD", width=DATE_WIDTH)
        elif column.kind in NUMBER_FORMATS:
            numbers = pd.to_numeric(values, errors="coerce")
            shown[label] = numbers * 100 if column.kind == "percent" else numbers
            config[label] = st.column_config.NumberColumn(label, format=NUMBER_FORMATS[column.kind], width=column.width)
        elif column.kind == "status":
            shown[label] = [status_text(code, ctx.lang) if isinstance(code, str) else "" for code in values]
        else:
            shown[label] = values.map(formatter(column, ctx.lang, measures)).fillna("")
        if column.width and column.kind not in NUMBER_FORMATS and column.kind != "date":
            config[label] = st.column_config.TextColumn(label, width=column.width)
    return shown, config


# Cell backgrounds of reason columns: a reason is as serious as the status it stands for.
REASON_BACKGROUNDS = {
    "never_reported": STATUS_BACKGROUNDS["red"],
    "silent": STATUS_BACKGROUNDS["red"],
    "below_plan": STATUS_BACKGROUNDS["amber"],
    "problem_overdue": STATUS_BACKGROUNDS["red"],
}


def status_text(code: str, lang: str) -> str:
    """A status as a table cell shows it: its marker and its word (e.g. "● 滞后"), never a colour alone."""
    return f"{STATUS_MARKERS.get(code, STATUS_MARKERS['not_due'])} {code_label('status', code, lang)}"


def _cell_styles(column: Column, lang: str) -> dict[str, str]:
    """The CSS of each cell text of a status or reason column: the word in its status colour on a pale fill."""
    if column.kind == "status":
        return {
            status_text(code, lang): f"color: {STATUS_TEXT.get(code, STATUS_TEXT['not_due'])}"
            + (f"; background-color: {STATUS_BACKGROUNDS[code]}" if code in STATUS_BACKGROUNDS else "")
            for code in STATUSES
        }
    if column.kind == "reason":
        return {
            t(f"attention.reason.{code}", lang, **RULE_VALUES): f"background-color: {colour}"
            for code, colour in REASON_BACKGROUNDS.items()
        }
    return {}


def styled(shown: pd.DataFrame, columns: tuple[Column, ...], ctx: PageContext):
    """Colour the status/reason cells and word the days-since cells of a presented table (a Styler, or the frame
    if there is nothing to style)."""
    styles = {ctx.t(column.key): _cell_styles(column, ctx.lang) for column in columns}
    styles = {header: css for header, css in styles.items() if css}
    days = [ctx.t(column.key) for column in columns if column.kind == "days"]
    if not (styles or days) or shown.empty:
        return shown
    # A Styler's display strings take over from column_config formats, so format them the same way here;
    # days-since read as words (今天, 昨天, 3 天前) while the cell keeps its number, so sorting stays numeric.
    patterns = {"id": "{:.0f}", "int": "{:,.0f}", "float": "{:.1f}", "percent": "{:.0f}%", "date": "{:%Y-%m-%d}"}
    formats: dict[str, object] = {ctx.t(c.key): patterns[c.kind] for c in columns if c.kind in patterns}
    formats.update({header: partial(_days_cell, lang=ctx.lang) for header in days})
    style = shown.style.format(formats, na_rep="")
    for header, css in styles.items():
        style = style.map(lambda v, m=css: m.get(v, ""), subset=[header])
    return style


def _days_cell(value: object, lang: str) -> str:
    return "" if pd.isna(value) else days_text(int(value), lang)


def _reset_page(key: str) -> None:
    st.session_state[f"{key}_page"] = 1


def sort_controls(ctx: PageContext, query: TableQuery, key: str, labels: dict[str, str]) -> tuple[str, bool]:
    """A sort selector (keys the query allows, labelled) and a descending toggle; both reset the page."""
    options = [option for option in labels if option in query.orders]
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    if st.session_state.get(f"{key}_sort") not in options:
        st.session_state[f"{key}_sort"] = query.default_sort
        st.session_state[f"{key}_desc"] = query.default_descending
    sort = left.selectbox(
        ctx.t("export.table.sort"),
        options,
        format_func=labels.get,
        key=f"{key}_sort",
        on_change=_reset_page,
        args=(key,),
    )
    descending = right.toggle(ctx.t("export.table.descending"), key=f"{key}_desc", on_change=_reset_page, args=(key,))
    return sort, descending


def paged_table(
    ctx: PageContext,
    query: TableQuery,
    columns: tuple[Column, ...],
    key: str,
    sort: str | None = None,
    descending: bool | None = None,
    links: Links | None = None,
    total: int | None = None,
) -> int:
    """Show one page of the table (LIMIT/OFFSET in SQL) with a pager under it; return the row count.

    `links` adds link columns. A click on a link cell, or on the row's name (the school, else the first column),
    opens the destination in this tab with the filters kept (`shell.go_to`; Back returns). Streamlit's own link
    column always opens a new tab, so the table takes cell clicks instead.
    """
    total = cache.count(ctx, query) if total is None else total
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page_key = f"{key}_page"
    if not 1 <= int(st.session_state.get(page_key, 1)) <= pages:
        st.session_state[page_key] = 1
    page = int(st.session_state.get(page_key, 1))
    frame = cache.rows(ctx, query, sort, descending, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    shown, config = present(frame, columns, ctx)
    # Link columns go right after the school (or first) column, where the eye looks for them.
    anchor = next((c for c in columns if c.name == "school"), columns[0])
    position = list(shown.columns).index(ctx.t(anchor.key)) + 1
    targets: dict[str, Callable[[pd.Series], Destination]] = {}
    for header_key, (text, build) in (links or {}).items():
        label = ctx.t(header_key)
        shown.insert(position, label, [f"{text} →"] * len(shown))
        config[label] = st.column_config.TextColumn(label, width="small", help=ctx.t("table.link_help"))
        targets.setdefault(ctx.t(anchor.key), build)
        targets[label] = build
        position += 1
    event = st.dataframe(
        styled(shown, columns, ctx),
        hide_index=True,
        column_config=config,
        height=(len(shown) + 1) * ROW_HEIGHT + 3 if len(shown) else "auto",
        placeholder="—",
        key=f"{key}_grid_{page}" if targets else None,
        on_select="rerun" if targets else "ignore",
        selection_mode="single-cell",
    )
    if targets:
        st.caption(ctx.t("table.link_hint"))
        _follow_link(ctx, event, frame, targets)
    if pages > 1:
        left, right = st.columns([1, 4], vertical_alignment="center")
        left.number_input(ctx.t("export.table.page"), 1, pages, step=1, key=page_key, label_visibility="collapsed")
        right.caption(rows_caption(ctx, total, page, pages))
    else:
        st.caption(rows_caption(ctx, total, 1, 1))
    return total


def rows_caption(ctx: PageContext, total: int, page: int, pages: int) -> str:
    """The line under a paged list (1,234 rows · page 2 of 5); in English, "1 row" when there is one."""
    if total == 1:
        return ctx.t("export.table.rows_one", page=page, pages=pages)
    return ctx.t("export.table.rows", total=ctx.number(total), page=page, pages=pages)


def _follow_link(ctx: PageContext, event, frame: pd.DataFrame, targets: dict) -> None:
    """Go where the clicked cell leads, if it is a link cell or a row's name (positions are the frame's rows,
    whatever order the user sorted the grid in)."""
    for row, column in event.selection.cells:
        if column in targets and 0 <= int(row) < len(frame):
            go_to(ctx, targets[column](frame.iloc[int(row)]))


def file_stem(*parts: str) -> str:
    """A file name from its whole parts and today's date, e.g. 北京师范大学_活动记录_2026-11-28 (the download
    buttons make it safe in the page's language: export.filenames)."""
    return "_".join([*(part.strip() for part in parts if part and part.strip()), date.today().isoformat()])


def _chinese_buttons(
    ctx: PageContext,
    target,
    query: TableQuery,
    columns: tuple[Column, ...],
    key: str,
    stem: str,
    sheet_key: str,
    sort: str | None,
    descending: bool | None,
) -> None:
    """On an English page, the Chinese files too: the format the importer reads back (for an activity table the
    upload template's columns, so they can be edited and uploaded again). Their labels say which is which."""
    kind = "reupload" if reuploadable(columns) else "chinese"
    sheet = t(sheet_key, EXPORT_LANGUAGE)[:31]
    for fmt, mime in (("csv", "text/csv"), ("xlsx", XLSX_MIME)):
        target.download_button(
            ctx.t(f"export.{fmt}_{kind}"),
            data=partial(table_bytes, ctx.con, query, columns, fmt, sheet, sort, descending, EXPORT_LANGUAGE),
            file_name=f"{safe_stem(stem, ctx.lang)}_zh.{fmt}",
            mime=mime,
            key=f"{key}_{fmt}_zh",
            help=ctx.t(f"export.{kind}_help"),
            icon=":material/download:",
            on_click="ignore",
            width="content",
        )


def download_buttons(
    ctx: PageContext,
    query: TableQuery,
    columns: tuple[Column, ...],
    key: str,
    label: str,
    stem: str,
    sheet_key: str,
    sort: str | None = None,
    descending: bool | None = None,
) -> None:
    """`label`, then CSV (UTF-8 with BOM) and XLSX buttons in the page's language, and on an English page the
    Chinese (re-uploadable) files too; a file is built only when its button is clicked."""
    sheet = t(sheet_key, ctx.lang)[:31]
    # One row that wraps: in a narrow window the buttons move under the label, whole, instead of shrinking to "C..".
    text = csv_button = xlsx_button = st.container(horizontal=True, vertical_alignment="center")
    text.markdown(label, width="stretch")
    csv_button.download_button(
        ctx.t("export.csv"),
        data=partial(table_bytes, ctx.con, query, columns, "csv", sheet, sort, descending, ctx.lang),
        file_name=f"{safe_stem(stem, ctx.lang)}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        help=ctx.t("export.csv_help"),
        icon=":material/download:",
        on_click="ignore",
        width="content",
    )
    xlsx_button.download_button(
        ctx.t("export.xlsx"),
        data=partial(table_bytes, ctx.con, query, columns, "xlsx", sheet, sort, descending, ctx.lang),
        file_name=f"{safe_stem(stem, ctx.lang)}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        help=ctx.t("export.xlsx_help"),
        icon=":material/download:",
        on_click="ignore",
        width="content",
    )
    if ctx.lang != EXPORT_LANGUAGE:
        _chinese_buttons(ctx, xlsx_button, query, columns, key, stem, sheet_key, sort, descending)


def small_table(
    ctx: PageContext, frame: pd.DataFrame, columns: tuple[Column, ...], bars: dict[str, int] | None = None
) -> None:
    """A short table shown whole (a few rows: a scorecard's measures or school years).

    `bars` draws the named count columns as in-cell bars up to the given maximum (a chart and its
    numbers in one).
    """
    shown, config = present(frame, columns, ctx)
    for column in columns:
        if column.name in (bars or {}):
            label = ctx.t(column.key)
            config[label] = st.column_config.ProgressColumn(
                label, format="%d", min_value=0, max_value=max(1, bars[column.name]), width="large"
            )
    height = (len(shown) + 1) * ROW_HEIGHT + 3
    st.dataframe(styled(shown, columns, ctx), hide_index=True, column_config=config, height=height, placeholder="—")


def table_with_downloads(
    ctx: PageContext,
    query: TableQuery,
    key: str,
    sort_keys: dict[str, str],
    shown: tuple[Column, ...],
    columns: tuple[Column, ...],
    export_label: str,
    stem: str,
    sheet_key: str,
    links: Links | None = None,
    total: int | None = None,
) -> int:
    """A paged table of the `shown` columns and CSV/XLSX buttons for all `columns`; return the row count.

    Sorted in SQL only when there are several pages (one page sorts by its headers); `sort_keys` maps the
    query's sort keys to the catalogue keys of their labels. The downloads follow the order shown.
    """
    total = cache.count(ctx, query) if total is None else total
    sort = descending = None
    if total > PAGE_SIZE:
        sort, descending = sort_controls(ctx, query, key, {name: ctx.t(label) for name, label in sort_keys.items()})
    paged_table(ctx, query, shown, key, sort, descending, links=links, total=total)
    download_buttons(ctx, query, columns, f"{key}_export", export_label, stem, sheet_key, sort, descending)
    return total
