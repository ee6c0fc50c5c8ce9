"""The one formula guard (export.cells) over one table of tricky cells, through every writer that uses it:
Python (`inert`), the SQL of the streamed CSV export, the XLSX writer and the small in-memory CSVs
(templates, rejected rows). They must all agree with the table."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import duckdb
import pytest
from openpyxl import load_workbook

from assistance.analytics.tables import TableQuery
from assistance.export import cells, writers
from assistance.export.columns import Column

# (cell, what a CSV holds, the export column kind that carries such a value)
TRICKY = [
    ("=1+1", "'=1+1", "text"),
    ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")', "text"),
    ("+1", "+1", "text"),  # a plain signed number: read as the number 1, never run
    ("-5", "-5", "text"),
    ("+1.5", "+1.5", "text"),
    ("-2+3", "'-2+3", "text"),  # arithmetic is a formula
    ("-1 学期总结", "'-1 学期总结", "text"),
    ("-５", "'-５", "text"),  # a full-width digit is not a plain number, in Python as in SQL
    ("@SUM(A1)", "'@SUM(A1)", "text"),
    ("\t=1", "'\t=1", "text"),
    ("\r=1", "'\r=1", "text"),
    ("普通文字 = 1", "普通文字 = 1", "text"),
    ("", "", "text"),
    (None, None, "text"),
    (-5, -5, "int"),  # a negative number stored as a number is not a formula
    (-5.5, -5.5, "float"),
    (date(2025, 9, 1), date(2025, 9, 1), "date"),
]
IDS = [repr(cell) for cell, _, _ in TRICKY]
SQL_TYPES = {"text": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "date": "DATE"}


def as_csv_text(value: object) -> str:
    return "" if value is None else str(value)


def read_back(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


@pytest.mark.parametrize(("cell", "expected", "kind"), TRICKY, ids=IDS)
def test_inert(cell, expected, kind):
    assert cells.inert(cell) == expected
    assert cells.formula_like(cell) == (cell != expected)


@pytest.mark.parametrize(("cell", "expected", "kind"), TRICKY, ids=IDS)
def test_streamed_csv_export_guards_in_sql_as_python_does(cell, expected, kind):
    query = TableQuery(f"SELECT CAST($v AS {SQL_TYPES[kind]}) AS v, 'end' AS tail", {"v": cell})
    columns = (Column("v", "export.col.title", kind), Column("tail", "export.col.notes"))
    buffer = io.BytesIO()
    with duckdb.connect() as con:
        assert writers.write_table(con, query, columns, "csv", buffer) == 1
    assert read_back(buffer.getvalue())[1] == [as_csv_text(expected), "end"]


@pytest.mark.parametrize(("cell", "expected"), [(c, e) for c, e, kind in TRICKY if kind == "text"])
def test_sql_guard_alone_agrees_with_inert(cell, expected):
    """The guard wraps free-text columns only; numbers and dates are typed columns, never guarded."""
    with duckdb.connect() as con:
        sql = f"SELECT {cells.guard_sql('x')} FROM (SELECT CAST($v AS VARCHAR) AS x)"
        assert con.execute(sql, {"v": cell}).fetchone()[0] == expected


@pytest.mark.parametrize(("cell", "expected", "kind"), TRICKY, ids=IDS)
def test_in_memory_csv_guards_header_and_cells(cell, expected, kind):
    rows = read_back(writers.csv_bytes(["h", as_csv_text(cell)], [[cell]]))
    assert rows == [["h", as_csv_text(expected)], [as_csv_text(expected)]]


@pytest.mark.parametrize(("cell", "expected", "kind"), TRICKY, ids=IDS)
def test_xlsx_keeps_the_value_and_never_runs_it(cell, expected, kind):
    buffer = io.BytesIO()
    writers.write_xlsx(["h"], [(cell,)], buffer, "s")
    written = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]["A2"]
    value = written.value
    if isinstance(cell, date):
        assert isinstance(value, datetime) and value.date() == cell
    elif cell == "":
        assert value is None  # openpyxl reads an empty string back as an empty cell
    else:
        assert value == (cell.replace("\r", "\n") if isinstance(cell, str) else cell)  # XML reads CR as LF
    assert written.data_type != "f"
    assert bool(written.quotePrefix) == cells.formula_like(cell)
