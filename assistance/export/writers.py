"""The file writers: CSV (UTF-8 with BOM) and XLSX, rows streamed in chunks from DuckDB; Chinese headers and labels
(the format the importer reads back), or English ones for reading.

Every export runs the table's own SQL (analytics.exports) and streams the result into the file (never the
whole table in pandas). The activity export uses the column names of the upload template (日期, 帮扶高校,
受援学校, 帮扶举措, 活动名称, …), so an exported file can be edited in Excel/WPS and uploaded again:
unchanged rows come back as duplicates, not as new activities. Every cell passes the one formula guard
(export.cells).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from typing import BinaryIO

import duckdb

from assistance.analytics.exports import export_sql
from assistance.analytics.queries import register_frames
from assistance.analytics.tables import TableQuery
from assistance.analytics.universities import activity_export_query
from assistance.export.cells import formula_like, guard_sql, inert
from assistance.export.columns import ACTIVITY_COLUMNS, EXPORT_LANGUAGE, Column, code_labels
from assistance.filters import Filters
from assistance.i18n import t
from assistance.store.transaction import cursor

CHUNK_ROWS = 10_000
XLSX_MAX_ROWS = 1_048_575  # data rows per sheet (Excel's limit minus the header); the rest continue on new sheets


def _csv_text(rows: Iterable[Iterable[object]]) -> bytes:
    """Rows as comma-separated UTF-8 with CRLF line ends, every cell through the formula guard."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([inert(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def csv_bytes(header: list[str], rows: Iterable[Iterable[object]]) -> bytes:
    """A small CSV in memory (a template, the rejected rows): UTF-8 with a BOM, so Excel and WPS open it as
    UTF-8, CRLF line ends, formulas made inert."""
    return codecs.BOM_UTF8 + _csv_text([header, *rows])


def write_csv(reader, headers: list[str], out: BinaryIO) -> int:
    """The same CSV, streamed: the header is written here; the rows (already guarded in SQL) go straight
    from DuckDB's Arrow batches to Arrow's CSV writer. Returns the number of rows."""
    import pyarrow.csv as arrow_csv

    out.write(codecs.BOM_UTF8 + _csv_text([headers]))
    options = arrow_csv.WriteOptions(include_header=False, eol="\r\n")
    writer = arrow_csv.CSVWriter(out, reader.schema, write_options=options)
    count = 0
    for batch in reader:
        writer.write_batch(batch)
        count += batch.num_rows
    writer.close()
    return count


_WIDTHS = {"date": 12, "id": 10, "int": 10, "days": 10, "float": 10, "percent": 10, "text": 22}


def write_xlsx(headers: list[str], rows: Iterable[tuple], out: BinaryIO, sheet: str, columns=()) -> int:
    """A streamed (write-only) workbook: bold frozen header, dates as date cells, formula-like text stored as
    quote-prefixed text (its value unchanged, never run)."""
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
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        return cell

    number, written, count = 1, 0, 0
    worksheet = new_sheet(number)
    for row in rows:
        if written == XLSX_MAX_ROWS:
            number, written = number + 1, 0
            worksheet = new_sheet(number)
        worksheet.append([as_text(worksheet, v) if formula_like(v) else v for v in row])
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
    lang: str = EXPORT_LANGUAGE,
) -> int:
    """Write the whole table (all pages) in the order shown, CHUNK_ROWS rows at a time from DuckDB;
    return the number of data rows. `lang` is the language of the headers, labels and names: Chinese (the
    default) is the format the importer reads back; English is for reading."""
    if fmt not in ("csv", "xlsx"):
        raise ValueError(f"unknown export format {fmt!r}")
    sql, params = export_sql(
        query,
        columns,
        code_labels(lang),
        t("period.year", lang),
        sort,
        descending,
        guard=guard_sql if fmt == "csv" else None,  # XLSX cells are guarded as they are written
        lang=lang,
    )
    headers = [t(column.key, lang) for column in columns]
    with cursor(con) as cur:
        register_frames(cur, query.frames)
        if fmt == "csv":
            return write_csv(cur.sql(sql, params=params).to_arrow_reader(CHUNK_ROWS), headers, out)
        result = cur.execute(sql, params)

        def rows():
            while chunk := result.fetchmany(CHUNK_ROWS):
                yield from chunk

        return write_xlsx(headers, rows(), out, sheet, columns)


def table_bytes(
    con, query: TableQuery, columns, fmt: str, sheet: str, sort=None, descending=None, lang: str = EXPORT_LANGUAGE
) -> bytes:
    """The file as bytes, for a download button (called only when the user clicks it)."""
    buffer = io.BytesIO()
    write_table(con, query, columns, fmt, buffer, sheet, sort, descending, lang)
    return buffer.getvalue()


def export_activities(
    con: duckdb.DuckDBPyConnection, filters: Filters, fmt: str, out: BinaryIO, sheet: str | None = None
) -> int:
    """Every activity in view of `filters`, one row each (what `export` and the activity buttons write)."""
    sheet = sheet or t("export.file.activities", EXPORT_LANGUAGE)
    return write_table(con, activity_export_query(filters), ACTIVITY_COLUMNS, fmt, out, sheet)
