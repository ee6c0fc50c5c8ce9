"""The write discipline: one cursor context manager, one transaction helper, one process-wide write lock.

A cached connection is shared by every browser session's thread, so each query runs on its own cursor
(`with cursor(con) as cur`). Writes run inside `with WRITE_LOCK, transaction(con) as cur`: DuckDB's file lock
keeps other processes out, and the lock keeps two uploads of this process from colliding at commit.

In server mode (issue 15) the connection is a replica's read model (it has the table `_replica_of`): the same
writer's code runs on it, and its effect goes to PostgreSQL in one transaction just before the local COMMIT
(`store.pg.writes`); a conflict there rolls both back.

Every write ends here, so this is where the reading side learns of it: just before COMMIT the activity summaries
are brought in line with the log (`store.summaries`, in the same transaction), and just after it the data version
(`data_version`) grows. The pages key their caches by that version, so an upload, an undo or any import shows on
every page at its next rerun and no write path can forget to say so.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import duckdb

from assistance.store import summaries

T = TypeVar("T")

# The table that marks a replica's read model (store.pg.replica), naming its model.
REPLICA_MARKER = "_replica_of"

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


class StoreConflict(RuntimeError):
    """Server mode: another replica changed the same records first, or added the same natural keys; nothing was
    written (store.pg.writes)."""


class StoreUnavailable(RuntimeError):
    """Server mode: the PostgreSQL store cannot be reached (since `since`, when known); nothing was written."""

    def __init__(self, message: str, since: object = None):
        super().__init__(message)
        self.since = since


def retried(con: duckdb.DuckDBPyConnection, write: Callable[[], T]) -> T:
    """`write()`; in server mode once more after a refresh of the read model when it met a StoreConflict, so that a
    re-run sees what the other replica wrote (an upload's second run reports those rows as duplicates)."""
    try:
        return write()
    except StoreConflict:
        with cursor(con) as cur:
            model = _replica(cur)
        if model is None:
            raise
        model.refresh()
        return write()


def retrying(write: Callable[..., T]) -> Callable[..., T]:
    """A library write `write(con, ...)` run through `retried` (a no-op in file mode)."""

    @functools.wraps(write)
    def run(con: duckdb.DuckDBPyConnection, *args: object, **kwargs: object) -> T:
        return retried(con, lambda: write(con, *args, **kwargs))

    return run


class Rollback(Exception):
    """Raise inside `transaction` to end it without writing anything; the transaction swallows it."""


def _replica(cur: duckdb.DuckDBPyConnection):
    """The read model `cur` belongs to when it is one and the write is the library's (not the replica's own load
    or refresh); None for a DuckDB file."""
    marked = cur.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", [REPLICA_MARKER]
    ).fetchone()[0]
    if not marked:
        return None
    from assistance.store.pg import replica  # psycopg is imported in server mode only

    return None if replica.applying.get() else replica.model_of(cur)


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection, *, figures: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside BEGIN … COMMIT: committed when the block ends normally, rolled back when it raises.

    `Rollback` raised in the block rolls back quietly; any other exception rolls back and propagates. Before
    COMMIT the activity summaries are refreshed (`summaries.refresh`) and, in server mode, the changes pushed to
    PostgreSQL; after it the data version grows, unless `figures` is False: a write that no page shows (a signed-in
    session's last-seen time, written once a minute per session, would otherwise empty every page's cache that
    often).
    """
    with cursor(con) as cur, contextlib.ExitStack() as held:
        model = _replica(cur)
        if model is not None:
            from assistance.store.pg import writes

            held.enter_context(model.lock)  # no refresh of the read model while its write is under way
        cur.execute("BEGIN TRANSACTION")
        target = writes.CapturingCursor(cur, model.tables_by_name) if model is not None else cur
        try:
            yield target
        except Rollback:
            cur.execute("ROLLBACK")
            return
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise
        try:
            summaries.refresh(cur)  # in the writer's transaction: the log and its summaries commit together
            seen = writes.push(model, target) if model is not None else None
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")
        if seen is not None:
            model.seen = seen  # its own write need not be pulled back
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
