"""Exports of what the coordinator and school views show: CSV (UTF-8 with BOM) and XLSX, Chinese headers.

Every export runs the table's own SQL and streams the result in chunks into the file (never the whole
table in pandas). Headers are always Chinese, and the activity export uses the column names of the
upload template (日期, 帮扶高校, 受援学校, 帮扶举措, 活动名称, …), so an exported file can be edited in
Excel/WPS and uploaded again: unchanged rows come back as duplicates, not as new activities.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb
import pandas as pd

from assistance.analytics.scorecard import (
    AMBER_PERCENT,
    GREEN_PERCENT,
    REASONS,
    SILENCE_DAYS,
    STATUSES,
    TableQuery,
    activity_export_query,
    bind,
)
from assistance.filters import Filters, Period
from assistance.i18n import t
from assistance.reference.loader import normalise_name
from assistance.store import db

CHUNK_ROWS = 10_000
XLSX_MAX_ROWS = 1_048_575  # data rows per sheet (Excel's limit minus the header); the rest continue on new sheets
EXPORT_LANGUAGE = "zh"
BOM = "\ufeff".encode()


@dataclass(frozen=True)
class Column:
    """One column of a table: the query column, the i18n key of its header, how to present it."""

    name: str
    key: str
    kind: str = "text"  # text | university | province | id | int | float | percent | date | school_year
    #                     | measure | provenance | tier | status | reason | confidence
    width: str | None = None  # on screen: "small" | "medium" | "large" (None: Streamlit's default)


# The activity export: upload-template columns first (so the file can be uploaded again), then context.
ACTIVITY_COLUMNS = (
    Column("date", "export.col.date", "date"),
    Column("university", "export.col.university", "university"),
    Column("school", "export.col.school"),
    Column("county", "export.col.county"),
    Column("measure", "export.col.measure", "measure"),
    Column("title", "export.col.title", width="medium"),
    Column("teachers", "export.col.teachers", "int"),
    Column("students", "export.col.students", "int"),
    Column("hours", "export.col.hours", "float"),
    Column("notes", "export.col.notes"),
    Column("province", "export.col.province", "province"),
    Column("provenance", "export.col.provenance", "provenance"),
    Column("activity_id", "export.col.activity_id", "id"),
    Column("batch_id", "export.col.batch_id", "id"),
)
PAIRING_COLUMNS = (
    Column("university", "export.col.university", "university"),
    Column("school", "export.col.school"),
    Column("status", "export.col.status", "status"),
    Column("last_date", "export.col.last_date", "date"),
    Column("days_since_last", "export.col.days_since_last", "int"),
    Column("activities", "export.col.activities", "int"),
    Column("teachers", "export.col.teachers_reached", "int"),
    Column("students", "export.col.students_reached", "int"),
    Column("county", "export.col.county"),
    Column("province", "export.col.province", "province"),
    Column("tier", "export.col.tier", "tier"),
    Column("start_date", "export.col.start_date", "date"),
    Column("provenance", "export.col.provenance", "provenance"),
    Column("source", "export.col.source", width="medium"),
    Column("pairing_id", "export.col.pairing_id", "id"),
)
ATTENTION_COLUMNS = (
    Column("reason", "export.col.reason", "reason"),
    Column("university", "export.col.university", "university"),
    Column("school", "export.col.school"),
    Column("days_since_last", "export.col.days_since_last", "int"),
    Column("measure", "export.col.measure", "measure"),
    Column("target", "export.col.target", "int"),
    Column("expected", "export.col.expected", "float"),
    Column("actual", "export.col.actual", "int"),
    Column("progress", "export.col.progress", "percent"),
    Column("last_date", "export.col.last_date", "date"),
    Column("province", "export.col.province", "province"),
    Column("provenance", "export.col.provenance", "provenance"),
    Column("pairing_id", "export.col.pairing_id", "id"),
)
UNIVERSITY_COLUMNS = (
    Column("university", "export.col.university", "university"),
    Column("pairings", "export.col.pairings", "int"),
    Column("activities", "export.col.activities", "int"),
    Column("teachers", "export.col.teachers_reached", "int"),
    Column("students", "export.col.students_reached", "int"),
    Column("last_date", "export.col.last_date", "date"),
    Column("red_pairings", "export.col.red_pairings", "int"),
)
MEASURE_SCORECARD_COLUMNS = (
    Column("school_year", "export.col.school_year", "school_year"),
    Column("measure", "export.col.measure", "measure"),
    Column("target", "export.col.target", "int"),
    Column("expected", "export.col.expected", "float"),
    Column("actual", "export.col.actual", "int"),
    Column("progress", "export.col.progress", "percent"),
    Column("status", "export.col.status", "status"),
)
MEASURE_COUNT_COLUMNS = (
    Column("measure", "export.col.measure", "measure"),
    Column("activities", "export.col.activities", "int"),
    Column("teachers", "export.col.teachers_reached", "int"),
    Column("students", "export.col.students_reached", "int"),
)
YEAR_SCORECARD_COLUMNS = (
    Column("school_year", "export.col.school_year", "school_year"),
    Column("target", "export.col.target", "int"),
    Column("expected", "export.col.expected", "float"),
    Column("actual_planned", "export.col.actual_planned", "int"),
    Column("actual", "export.col.actual_all", "int"),
    Column("progress", "export.col.progress", "percent"),
    Column("status", "export.col.status", "status"),
)
PAIRING_ACTIVITY_COLUMNS = tuple(c for c in ACTIVITY_COLUMNS if c.name not in ("county", "province"))

# Values the status and reason labels may quote (e.g. "60 天及以上无活动").
RULE_VALUES = {"days": SILENCE_DAYS, "amber": AMBER_PERCENT, "green": GREEN_PERCENT}
# Columns holding a code shown as a label: kind → (i18n key pattern, the codes).
LABELS = {
    "provenance": ("provenance.{}", ("verified", "demo", "imported")),
    "tier": ("tier.{}", ("national", "provincial", "municipal")),
    "status": ("school.status.{}", STATUSES),
    "reason": ("attention.reason.{}", REASONS),
    "confidence": ("school.confidence.{}", ("high", "medium", "low")),
}


def label(kind: str, code: str, lang: str) -> str:
    return t(LABELS[kind][0].format(code), lang, **RULE_VALUES)


def formatter(column: Column, lang: str, measures: dict[str, str]) -> Callable[[object], object]:
    """Turn one raw value into what a person reads in `lang` (for the few rows a page shows)."""
    if column.kind == "measure":
        return lambda value: measures.get(value, value) if _present(value) else None
    if column.kind in LABELS:
        return lambda value: label(column.kind, value, lang) if _present(value) else None
    if column.kind == "school_year":
        return lambda value: Period(int(value)).label(lang) if _present(value) else None
    return lambda value: value


def _present(value: object) -> bool:
    """False for SQL NULL as DuckDB (None) or pandas (NA, NaN, NaT) hands it over."""
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def export_sql(
    query: TableQuery, columns: tuple[Column, ...], sort=None, descending=None, guard_formulas: bool = False
) -> tuple[str, dict]:
    """The SELECT that writes a table: codes turned into Chinese labels, ratios into percentages, in SQL.

    Column names and codes come from this module, labels are bound as parameters; the result columns
    are c0, c1, … (the caller writes the Chinese headers). With `guard_formulas`, free text that a
    spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe.
    """
    params = dict(query.params)
    expressions = []
    for index, column in enumerate(columns):
        ref = f"base.{column.name}"
        if column.kind in LABELS:
            whens = []
            for number, code in enumerate(LABELS[column.kind][1]):
                key = f"{column.kind}_{number}"
                params[f"code_{key}"] = code
                params[f"label_{key}"] = label(column.kind, code, EXPORT_LANGUAGE)
                whens.append(f"WHEN CAST($code_{key} AS VARCHAR) THEN CAST($label_{key} AS VARCHAR)")
            expression = f"CASE {ref} {' '.join(whens)} ELSE {ref} END"
        elif column.kind == "measure":
            expression = f"coalesce((SELECT m.label_zh FROM measures m WHERE m.code = {ref}), {ref})"
        elif column.kind == "school_year":
            params["label_school_year"] = t("period.year", EXPORT_LANGUAGE)
            expression = (
                f"replace(CAST($label_school_year AS VARCHAR), '{{years}}', CAST({ref} AS VARCHAR) || '–' || "
                f"lpad(CAST(({ref} + 1) % 100 AS VARCHAR), 2, '0'))"
            )
        elif column.kind == "percent":
            expression = f"round({ref} * 100, 1)"
        elif column.kind == "float":
            expression = f"round({ref}, 2)"
        elif column.kind in ("int", "id"):
            expression = f"CAST({ref} AS BIGINT)"
        elif column.kind == "date":
            expression = f"CAST({ref} AS DATE)"
        elif guard_formulas:
            text = f"CAST({ref} AS VARCHAR)"
            expression = (
                f"CASE WHEN left({text}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
                f"THEN chr(39) || {text} ELSE {text} END"
            )
        else:
            expression = ref
        expressions.append(f"{expression} AS c{index}")
    sql = f"SELECT {', '.join(expressions)} FROM ({query.sql}) AS base {query.order_by(sort, descending)}"
    return sql, bind(sql, params)


def write_csv(reader, headers: list[str], out: BinaryIO) -> int:
    """UTF-8 with a byte-order mark (Excel and WPS then read it as UTF-8), comma-separated, CRLF lines.

    The header is written here; the rows go straight from DuckDB's Arrow batches to Arrow's CSV writer.
    """
    import pyarrow.csv as arrow_csv

    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(headers)
    out.write(BOM + header.getvalue().encode("utf-8"))
    options = arrow_csv.WriteOptions(include_header=False, eol="\r\n")
    writer = arrow_csv.CSVWriter(out, reader.schema, write_options=options)
    count = 0
    for batch in reader:
        writer.write_batch(batch)
        count += batch.num_rows
    writer.close()
    return count


_WIDTHS = {"date": 12, "id": 10, "int": 10, "float": 10, "percent": 10, "text": 22}


def write_xlsx(headers: list[str], rows: Iterable[tuple], out: BinaryIO, sheet: str, columns=()) -> int:
    """A streamed (write-only) workbook: bold frozen header, dates as date cells, text never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def new_sheet(number: int):
        worksheet = workbook.create_sheet(sheet if number == 1 else f"{sheet} ({number})")
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            width = 30 if column.width else _WIDTHS.get(column.kind, 16)
            worksheet.column_dimensions[get_column_letter(index)].width = width
        header = []
        for name in headers:
            cell = WriteOnlyCell(worksheet, value=name)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        return worksheet

    def as_text(worksheet, value: str):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        return cell

    number, written, count = 1, 0, 0
    worksheet = new_sheet(number)
    for row in rows:
        if written == XLSX_MAX_ROWS:
            number, written = number + 1, 0
            worksheet = new_sheet(number)
        worksheet.append([as_text(worksheet, v) if isinstance(v, str) and v.startswith("=") else v for v in row])
        written += 1
        count += 1
    workbook.save(out)
    return count


def write_table(
    con: duckdb.DuckDBPyConnection,
    query: TableQuery,
    columns: tuple[Column, ...],
    fmt: str,
    out: BinaryIO,
    sheet: str = "Sheet1",
    sort: str | None = None,
    descending: bool | None = None,
) -> int:
    """Write the whole table (all pages) in the order shown, CHUNK_ROWS rows at a time from DuckDB;
    return the number of data rows."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}")
    sql, params = export_sql(query, columns, sort, descending, guard_formulas=fmt == "csv")
    headers = [t(column.key, EXPORT_LANGUAGE) for column in columns]
    cursor = con.cursor()
    try:
        if fmt == "csv":
            return write_csv(cursor.sql(sql, params=params).to_arrow_reader(CHUNK_ROWS), headers, out)
        result = cursor.execute(sql, params)

        def rows():
            while chunk := result.fetchmany(CHUNK_ROWS):
                yield from chunk

        return write_xlsx(headers, rows(), out, sheet, columns)
    finally:
        cursor.close()


def table_bytes(con, query: TableQuery, columns, fmt: str, sheet: str, sort=None, descending=None) -> bytes:
    """The file as bytes, for a download button (called only when the user clicks it)."""
    buffer = io.BytesIO()
    write_table(con, query, columns, fmt, buffer, sheet, sort, descending)
    return buffer.getvalue()


def resolve_university(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The canonical (Chinese) name of a university given its name or a registered alias."""
    cursor = con.cursor()
    try:
        row = cursor.execute(
            "SELECT u.name_zh FROM university_aliases a JOIN universities u ON u.university_id = a.university_id "
            "WHERE a.alias = $alias",
            {"alias": normalise_name(name)},
        ).fetchone()
    finally:
        cursor.close()
    return row[0] if row else None


def export_activities(
    con: duckdb.DuckDBPyConnection, filters: Filters, fmt: str, out: BinaryIO, sheet: str | None = None
) -> int:
    """Every activity in view of `filters`, one row each (what `export` and the activity buttons write)."""
    sheet = sheet or t("export.file.activities", EXPORT_LANGUAGE)
    return write_table(con, activity_export_query(filters), ACTIVITY_COLUMNS, fmt, out, sheet)


def _format_for(output: Path, requested: str | None) -> str:
    if requested:
        return requested
    return "xlsx" if output.suffix.lower() == ".xlsx" else "csv"


def cli_export(args: argparse.Namespace) -> int:
    """`python -m assistance export`: 0 written; 2 unknown university, missing database or unwritable file."""
    path = Path(args.db) if args.db else db.default_db_path()
    if not path.exists():
        print(f"error: database {path} not found; create it with `python -m assistance init`", file=sys.stderr)
        return 2
    output = Path(args.output)
    fmt = _format_for(output, args.format)
    try:
        con = db.connect(path, read_only=True)
    except db.DatabaseBusy:
        print(
            f"error: database {path} is in use by another process (the app or a command); export from the "
            "app's Universities or Schools page, or stop the other process and try again",
            file=sys.stderr,
        )
        return 2
    try:
        universities: tuple[str, ...] = ()
        if args.university:
            name = resolve_university(con, args.university)
            if name is None:
                print(f"error: unknown university: {args.university}", file=sys.stderr)
                return 2
            universities = (name,)
        partial = output.with_name(output.name + ".partial")
        try:
            with open(partial, "wb") as handle:
                rows = export_activities(con, Filters(universities=universities), fmt, handle)
            os.replace(partial, output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            print(f"error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    finally:
        con.close()
    scope = universities[0] if universities else "all universities"
    print(f"wrote {rows} activities ({scope}) to {output} as {fmt}")
    return 0
