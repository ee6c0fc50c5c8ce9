"""The SQL that writes a whole table to a file, and the university lookup of `python -m assistance export`.

A table's own query (a `TableQuery`) is wrapped in one SELECT that presents every column for a reader in
SQL, so rows can stream from DuckDB straight into the file: codes become labels, ratios percentages, school
years "2025–26 学年". What the labels say and which text must be made inert for spreadsheets is decided by
the caller (export.columns, export.cells) and passed in, so this module stays SQL only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import duckdb

from assistance.analytics.tables import TableQuery, bind
from assistance.reference.loader import normalise_name
from assistance.store.transaction import cursor

# The tables that hold the English name of a Chinese name column, by column kind.
_NAME_TABLES = {"university": "universities", "province": "provinces"}


class ExportColumn(Protocol):
    name: str  # the query's column, written in code
    kind: str  # how to present: text | int | id | days | float | percent | date | school_year | measure | a label kind


def export_sql(
    query: TableQuery,
    columns: Sequence[ExportColumn],
    labels: Mapping[str, Sequence[tuple[str, str]]],
    school_year: str,
    sort: str | None = None,
    descending: bool | None = None,
    guard: Callable[[str], str] | None = None,
    lang: str = "zh",
) -> tuple[str, dict]:
    """The SELECT that writes a table, in the order shown, and its bound parameters; result columns c0, c1, ….

    `labels` maps a kind to its (code, label) pairs; `school_year` is the label with a `{years}` slot;
    `guard`, if given, wraps the SQL of every free-text column (the spreadsheet-formula guard); `lang` is the
    language of measure, university and province names (the query holds Chinese names, the key everywhere).
    Column names and codes come from code; labels are bound as parameters.
    """
    params = dict(query.params)
    expressions = []
    for index, column in enumerate(columns):
        ref = f"base.{column.name}"
        if column.kind in labels:
            whens = []
            for number, (code, text) in enumerate(labels[column.kind]):
                key = f"{column.kind}_{number}"
                params[f"code_{key}"] = code
                params[f"label_{key}"] = text
                whens.append(f"WHEN CAST($code_{key} AS VARCHAR) THEN CAST($label_{key} AS VARCHAR)")
            expression = f"CASE {ref} {' '.join(whens)} ELSE {ref} END"
        elif column.kind == "measure":
            label = "label_en" if lang == "en" else "label_zh"
            expression = f"coalesce((SELECT m.{label} FROM measures m WHERE m.code = {ref}), {ref})"
        elif column.kind in _NAME_TABLES and lang == "en":
            english = f"coalesce((SELECT x.name_en FROM {_NAME_TABLES[column.kind]} x WHERE x.name_zh = {ref}), {ref})"
            expression = guard(english) if guard is not None else english
        elif column.kind == "school_year":
            params["label_school_year"] = school_year
            expression = (
                f"replace(CAST($label_school_year AS VARCHAR), '{{years}}', CAST({ref} AS VARCHAR) || '–' || "
                f"lpad(CAST(({ref} + 1) % 100 AS VARCHAR), 2, '0'))"
            )
        elif column.kind == "percent":
            expression = f"round({ref} * 100, 1)"
        elif column.kind == "float":
            expression = f"round({ref}, 2)"
        elif column.kind in ("int", "id", "days"):
            expression = f"CAST({ref} AS BIGINT)"
        elif column.kind == "date":
            expression = f"CAST({ref} AS DATE)"
        elif guard is not None:
            expression = guard(f"CAST({ref} AS VARCHAR)")
        else:
            expression = ref
        expressions.append(f"{expression} AS c{index}")
    sql = f"SELECT {', '.join(expressions)} FROM ({query.sql}) AS base {query.order_by(sort, descending)}"
    return sql, bind(sql, params)


def resolve_university(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The canonical (Chinese) name of a university given its name or a registered alias."""
    with cursor(con) as cur:
        row = cur.execute(
            "SELECT u.name_zh FROM university_aliases a JOIN universities u ON u.university_id = a.university_id "
            "WHERE a.alias = $alias",
            {"alias": normalise_name(name)},
        ).fetchone()
    return row[0] if row else None
