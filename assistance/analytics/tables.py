"""Paged, sortable table queries: a table's base SELECT, the sort orders it allows, its row count and
one page of it in SQL (LIMIT/OFFSET). Pages show a page of a `TableQuery`, exports write all of it. A query may
read in-memory frames by name (`frames`: a figure computed once, e.g. progress.pairing_progress), registered on
the cursor of each run."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from assistance.analytics.queries import fetch_df, fetch_one

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def bind(sql: str, params: dict) -> dict:
    """Keep exactly the named parameters the SQL text uses (DuckDB rejects extra ones)."""
    used = set(_PARAM.findall(sql))
    missing = used - set(params)
    if missing:
        raise KeyError(f"SQL needs parameters {sorted(missing)}")
    return {name: value for name, value in params.items() if name in used}


@dataclass(frozen=True)
class TableQuery:
    """A table's base SELECT plus the sort orders it allows; pages show a page of it, exports all of it.

    `orders` maps a sort key to the columns it sorts by, all written in code: a user picks a key, never
    SQL. The first column follows the chosen direction; the rest break ties ascending unless they say DESC.
    `frames` are the in-memory tables the SQL reads by name.
    """

    sql: str
    params: dict
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default_sort: str = ""
    default_descending: bool = False
    frames: Mapping[str, pd.DataFrame | pa.Table] = field(default_factory=dict)

    def order_by(self, sort: str | None = None, descending: bool | None = None) -> str:
        if not self.orders:
            return ""
        key = sort if sort in self.orders else self.default_sort
        desc = self.default_descending if descending is None else descending
        first, *rest = self.orders[key]
        direction = "DESC NULLS LAST" if desc else "ASC NULLS LAST"
        ties = (column if column.endswith(("ASC", "DESC")) else f"{column} ASC" for column in rest)
        return "ORDER BY " + ", ".join([f"{first} {direction}", *ties])

    def count(self, con: duckdb.DuckDBPyConnection) -> int:
        sql = f"SELECT count(*) FROM ({self.sql}) AS base"
        return int(fetch_one(con, sql, bind(sql, self.params), self.frames)[0])

    def page(
        self,
        con: duckdb.DuckDBPyConnection,
        sort: str | None = None,
        descending: bool | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> pd.DataFrame:
        sql = f"SELECT * FROM ({self.sql}) AS base {self.order_by(sort, descending)}"
        params = dict(self.params)
        if limit is not None:
            sql += " LIMIT $limit OFFSET $offset"
            params |= {"limit": int(limit), "offset": int(offset)}
        return fetch_df(con, sql, bind(sql, params), self.frames)
