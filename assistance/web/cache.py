"""Figures kept between reruns until the next write (issue 14: pages at national scale).

A rerun (any click) runs a page again; at 2,000 pairings its SQL costs seconds, its figures rarely change. Every
page section reads its figures through `figure` (a library function's result) or `rows`/`count` (a table's page
and row count), which remember them in `st.cache_data` under:

* the database's path and its data version (`store.transaction.data_version`, which grows after every committed
  write of this process: an upload, an undo, any import, a problem or case edit, an account change), so a figure
  is never read after a write: each rerun after it computes afresh;
* the account's scope, always, even for a function that is not given it: a university account never reads what
  another scope's session computed;
* the function's name and its arguments (the filters, the day, the language), written out by `repr`: values only,
  never a frame (refused), so equal keys mean equal figures.

Charts are kept the same way (`chart`): building a plotly figure costs a page more than its SQL once that is kept.
A chart is one shared object (`st.cache_resource`: no copy per rerun), built once and never changed after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from assistance.access.scope import Scope
from assistance.analytics.tables import TableQuery
from assistance.store import db
from assistance.store.transaction import data_version

if TYPE_CHECKING:  # the shell reads the badge through `remember` before a page context exists
    from assistance.web.shell import PageContext

_ENTRIES = 512  # figures of one data version for many sessions and filter states; older versions age out
_CHARTS = 128  # plotly figures (larger: a national map is about 1 MB)


def figure(ctx: PageContext, fn: Callable[..., Any], *args: object) -> Any:
    """`fn(ctx.con, *args)`, remembered until the next write for the page's scope and these arguments."""
    return remember(ctx.con, ctx.filters.scope, fn, *args)


def remember(con: duckdb.DuckDBPyConnection, scope: Scope, fn: Callable[..., Any], *args: object) -> Any:
    """`fn(con, *args)`, remembered until the next write for `scope` (the account's) and these arguments."""
    for arg in args:
        if isinstance(arg, pd.DataFrame | pa.Table):
            raise TypeError(f"{fn.__qualname__}: a frame is no cache key")
    key = repr((fn.__module__, fn.__qualname__, scope, args))
    return _remembered(db.location(), data_version(), key, lambda: fn(con, *args))


def count(ctx: PageContext, query: TableQuery) -> int:
    """`query.count`, remembered until the next write (the SQL and its parameters, the scope's among them, are the
    key; a query's frames are figures of those same parameters)."""
    key = repr(("count", query.sql, sorted(query.params.items()), ctx.filters.scope))
    return _remembered(db.location(), data_version(), key, lambda: query.count(ctx.con))


def rows(
    ctx: PageContext,
    query: TableQuery,
    sort: str | None = None,
    descending: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """`query.page(...)`, remembered until the next write (keyed as `count`, with the sort and the page)."""
    key = repr(("rows", query.sql, sorted(query.params.items()), ctx.filters.scope, sort, descending, limit, offset))
    return _remembered(
        db.location(),
        data_version(),
        key,
        lambda: query.page(ctx.con, sort, descending, limit, offset),
    )


def chart(ctx: PageContext, build: Callable[[], go.Figure], name: str, *key: object) -> go.Figure:
    """The figure `build()` draws, kept until the next write: `name` and `key` say what it shows besides the page's
    filters, scope, language and sample mark, which are always part of the key (e.g. the map's metric, its height
    and the day). The figure is shared by every session that asks for the same: callers never change it."""
    whole = repr((name, ctx.filters, ctx.filters.scope, ctx.lang, ctx.demo_in_view, key))
    return _drawn(db.location(), data_version(), whole, build)


@st.cache_resource(show_spinner=False, max_entries=_CHARTS)
def _drawn(path: str, version: int, key: str, _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


@st.cache_data(show_spinner=False, max_entries=_ENTRIES)
def _remembered(path: str, version: int, key: str, _compute: Callable[[], Any]) -> Any:
    """The one cache: `_compute()` under (path, version, key); `_compute` itself is not part of the key."""
    return _compute()
