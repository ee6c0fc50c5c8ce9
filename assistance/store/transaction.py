"""The write discipline: one cursor context manager, one transaction helper, one process-wide write lock.

A cached connection is shared by every browser session's thread, so each query runs on its own cursor
(`with cursor(con) as cur`). Writes run inside `with WRITE_LOCK, transaction(con) as cur`: DuckDB's file lock
keeps other processes out, and the lock keeps two uploads of this process from colliding at commit.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import duckdb

# One write at a time inside this process. Every commit and undo holds it for the whole transaction.
WRITE_LOCK = threading.Lock()


@contextlib.contextmanager
def cursor(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of `con` that is closed however the block ends."""
    cur = con.cursor()
    try:
        yield cur
    finally:
        cur.close()


class Rollback(Exception):
    """Raise inside `transaction` to end it without writing anything; the transaction swallows it."""


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside BEGIN … COMMIT: committed when the block ends normally, rolled back when it raises.

    `Rollback` raised in the block rolls back quietly; any other exception rolls back and propagates.
    """
    with cursor(con) as cur:
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except Rollback:
            cur.execute("ROLLBACK")
            return
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")


@contextlib.contextmanager
def registered(cur: duckdb.DuckDBPyConnection, name: str, data: object) -> Iterator[None]:
    """`data` (a DataFrame or Arrow table) readable as the view `name` on `cur` for the block only."""
    cur.register(name, data)
    try:
        yield
    finally:
        cur.unregister(name)
