"""The write discipline: one cursor context manager, one transaction helper, one process-wide write lock.

A cached connection is shared by every browser session's thread, so each query runs on its own cursor
(`with cursor(con) as cur`). Writes run inside `with WRITE_LOCK, transaction(con) as cur`: DuckDB's file lock
keeps other processes out, and the lock keeps two uploads of this process from colliding at commit.

Every write ends here, so this is where the reading side learns of it: just before COMMIT the activity summaries
are brought in line with the log (`store.summaries`, in the same transaction), and just after it the data version
(`data_version`) grows. The pages key their caches by that version, so an upload, an undo or any import shows on
every page at its next rerun and no write path can forget to say so.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import duckdb

from assistance.store import summaries

# One write at a time inside this process. Every commit and undo holds it for the whole transaction.
WRITE_LOCK = threading.Lock()

# How many transactions this process has committed (see `data_version`). DuckDB lets one process write a file, and
# every write of this process commits through `transaction`, so the count changes whenever the data may have.
_committed = 0
_committed_lock = threading.Lock()


def data_version() -> int:
    """A number that grows after every committed transaction of this process: a cache of figures keyed by it (with
    the database path) is never read after a write. It grows after COMMIT, never before, so a figure computed from
    the data before a write can only be cached under a version that is already over."""
    return _committed


def _committed_one() -> None:
    global _committed
    with _committed_lock:
        _committed += 1


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
def transaction(con: duckdb.DuckDBPyConnection, *, figures: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside BEGIN … COMMIT: committed when the block ends normally, rolled back when it raises.

    `Rollback` raised in the block rolls back quietly; any other exception rolls back and propagates. Before
    COMMIT the activity summaries are refreshed (`summaries.refresh`); after it the data version grows, unless
    `figures` is False: a write that no page shows (a signed-in session's last-seen time, written once a minute per
    session, would otherwise empty every page's cache that often).
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
        try:
            summaries.refresh(cur)  # in the writer's transaction: the log and its summaries commit together
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")
        if figures:
            _committed_one()


@contextlib.contextmanager
def registered(cur: duckdb.DuckDBPyConnection, name: str, data: object) -> Iterator[None]:
    """`data` (a DataFrame or Arrow table) readable as the view `name` on `cur` for the block only."""
    cur.register(name, data)
    try:
        yield
    finally:
        cur.unregister(name)
