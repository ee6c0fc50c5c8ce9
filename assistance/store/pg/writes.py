"""Writes in server mode: the library's own writer runs on the read model as in file mode (decoding and validation
unchanged), and its effect goes to PostgreSQL in one transaction before the read model commits (issue 15, "Writes
are PostgreSQL transactions").

`store.transaction.transaction` hands the writer a `CapturingCursor`: an INSERT, UPDATE or DELETE of a replicated
table runs with `RETURNING` the key columns, so the keys the transaction touched are known; any other statement
passes through. Just before the DuckDB COMMIT, `push` takes PostgreSQL's write lock (the row of `_data_version`),
checks that no touched key changed in the store since the replica last saw it (an optimistic check for every
write: an edit based on an old version, an id another replica used first), deletes the touched keys' rows there and
inserts the rows the DuckDB transaction ends with for them (COPY into a temporary table), and moves the id sequences
on past the ids used. A unique key or a check failing there (two replicas adding the same activities) is the same
conflict: the DuckDB transaction rolls back, and `store.transaction.retried` refreshes the read model and runs the
write once more, so that the second upload of a file finds its rows and reports them as duplicates.

Ids: every load and refresh moves the read model's sequences up to PostgreSQL's (`replica.sync_sequences`), and a
write moves PostgreSQL's on past the ids it used; two replicas writing at once may still pick the same ids, which
the check above turns into one retry.
"""

from __future__ import annotations

import contextlib
import re

import duckdb
import psycopg
import pyarrow as pa

from assistance.store.pg import transfer
from assistance.store.pg.replica import ReadModel
from assistance.store.pg.schema import Table, quoted
from assistance.store.transaction import StoreConflict, StoreUnavailable, registered

_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+(?:REPLACE|IGNORE)\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE
)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
# A write the capture would miss: after a WITH, or further into the statement. Refused rather than lost.
_HIDDEN_WRITE = re.compile(r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.IGNORECASE)


class CapturingCursor:
    """A DuckDB cursor inside a server-mode transaction that records the keys every write statement touches."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, tables: dict[str, Table]):
        self._cur = cur
        self._tables = tables
        self.touched: dict[str, list[pa.Table]] = {}

    def execute(self, query: str, parameters: object = None) -> CapturingCursor | _Counted:
        found = _WRITE.match(query)
        table = self._tables.get(found.group(1).lower()) if found else None
        if table is None:
            self._refuse_hidden(query)
            self._cur.execute(query, parameters)
            return self
        if _RETURNING.search(query):
            raise NotImplementedError(f"server mode: a write of {table.name} with its own RETURNING is not captured")
        keys = ", ".join(quoted(column) for column in table.key)
        statement = query.rstrip().rstrip(";") + f" RETURNING {keys}"
        rows = self._cur.execute(statement, parameters).fetchall()
        columns = {
            column: pa.array([row[i] for row in rows], type=transfer.arrow_type(table.type_of(column)))
            for i, column in enumerate(table.key)
        }
        self.touched.setdefault(table.name, []).append(pa.table(columns))
        return _Counted(self, len(rows))

    def executemany(self, query: str, parameters: object = None) -> CapturingCursor:
        """Statements other than writes of store tables only (none of the library's writes uses it)."""
        self._refuse_hidden(query)
        self._cur.executemany(query, parameters)
        return self

    def _refuse_hidden(self, query: str) -> None:
        for name in _HIDDEN_WRITE.findall(query):
            if name.lower() in self._tables:
                raise NotImplementedError(f"server mode: this write of {name} would not be captured: {query[:80]}")

    def __getattr__(self, name: str):
        return getattr(self._cur, name)


@contextlib.contextmanager
def unavailable_as_refusal(model: ReadModel):
    """A lost or refused connection to the store as StoreUnavailable, recorded on the model."""
    try:
        yield
    except psycopg.OperationalError as exc:
        model.unreachable()
        raise StoreUnavailable(str(exc).strip(), since=model.unreachable_since) from exc


class _Counted:
    """What DuckDB answers a write statement with (one row: how many rows it wrote), with nothing left unfetched
    on the cursor; anything else is the cursor's."""

    def __init__(self, capture: CapturingCursor, count: int):
        self._capture, self._rows = capture, [(count,)]

    def fetchone(self) -> tuple[int] | None:
        return self._rows.pop(0) if self._rows else None

    def fetchall(self) -> list[tuple[int]]:
        rows, self._rows = self._rows, []
        return rows

    def __getattr__(self, name: str):
        return getattr(self._capture, name)


def _advance_sequences(cur: duckdb.DuckDBPyConnection, pg) -> None:
    for name, last in cur.execute("SELECT sequence_name, last_value FROM duckdb_sequences()").fetchall():
        if last is not None:
            pg.execute(
                f"SELECT setval(%s, greatest(%s, (SELECT last_value FROM {name})), true)",
                [name, last],
            )


def _match(table: Table, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{quoted(c)} = {right}.{quoted(c)}" for c in table.key)


def push(model: ReadModel, capture: CapturingCursor) -> int | None:
    """Apply what the DuckDB transaction of `capture` did to PostgreSQL in one transaction; return the store's
    change seq after it when the read model had seen everything before it (so that it need not pull its own
    write back), else None. Raises StoreConflict (the store unchanged) when a touched key changed since the
    replica's last refresh or a constraint of the store refuses the rows."""
    if not capture.touched:  # nothing of the store's was written (a check that found nothing to do)
        return None
    if model.unreachable_since is not None:  # refused at once: the watcher says when the store is back
        raise StoreUnavailable("the store cannot be reached", since=model.unreachable_since)
    cur = capture._cur
    tables = [model_table for model_table in model.tables if model_table.name in capture.touched]
    with unavailable_as_refusal(model), model.session() as pg:
        try:
            before, pruned_through = pg.execute("SELECT seq, pruned_through FROM _data_version FOR UPDATE").fetchone()
            if model.seen < pruned_through:  # the check below would miss a delete whose tombstone is gone
                raise StoreConflict("the read model is older than the store's oldest tombstone: loaded again first")
            for table in tables:
                _push_table(pg, cur, table, pa.concat_tables(capture.touched[table.name]), model.seen)
            _advance_sequences(cur, pg)
            after = pg.execute("SELECT seq FROM _data_version").fetchone()[0]
            pg.commit()
        except (psycopg.errors.IntegrityError, psycopg.errors.SerializationFailure) as exc:
            pg.rollback()
            raise StoreConflict(str(exc).strip()) from exc
    return after if before == model.seen else None


def _push_table(pg, cur: duckdb.DuckDBPyConnection, table: Table, keys: pa.Table, seen: int) -> None:
    """The rows of `keys` in PostgreSQL replaced by what the DuckDB transaction holds for them."""
    key_columns = ", ".join(quoted(c) for c in table.key)
    keys_name, rows_name = quoted(f"_keys_{table.name}"), quoted(f"_rows_{table.name}")
    pg.execute(
        f"CREATE TEMP TABLE {keys_name} ON COMMIT DROP AS SELECT DISTINCT {key_columns} FROM {quoted(table.name)} "
        "LIMIT 0"
    )
    key_table = Table(f"_keys_{table.name}", tuple((c, table.type_of(c)) for c in table.key), table.key)
    with registered(cur, "_touched_keys", keys):
        cur.execute(f"CREATE OR REPLACE TEMP TABLE _touched AS SELECT DISTINCT {key_columns} FROM _touched_keys")
    transfer.copy_duck_to_pg(cur, pg, key_table, source="_touched")
    changed = pg.execute(
        f"SELECT count(*) FROM {quoted(table.name)} t JOIN {keys_name} k ON {_match(table, 't', 'k')} "
        "WHERE t._seq > %(seen)s",
        {"seen": seen},
    ).fetchone()[0]
    changed += pg.execute(
        f"SELECT count(*) FROM _tombstones g JOIN {keys_name} k ON g.key = jsonb_build_array({key_columns}) "
        "WHERE g.table_name = %(name)s AND g.seq > %(seen)s",
        {"seen": seen, "name": table.name},
    ).fetchone()[0]
    if changed:
        raise StoreConflict(f"{table.name}: {changed} of the rows written were changed by another replica first")
    pg.execute(f"CREATE TEMP TABLE {rows_name} ON COMMIT DROP AS SELECT * FROM {quoted(table.name)} LIMIT 0")
    pg.execute(f"ALTER TABLE {rows_name} DROP COLUMN _seq")
    source = f"(SELECT t.* FROM {quoted(table.name)} t SEMI JOIN _touched k ON {_match(table, 't', 'k')})"
    staged = Table(f"_rows_{table.name}", table.columns, table.key)
    transfer.copy_duck_to_pg(cur, pg, staged, source=source)
    pg.execute(f"DELETE FROM {quoted(table.name)} t USING {keys_name} k WHERE {_match(table, 't', 'k')}")
    columns = transfer.column_list(table)
    pg.execute(f"INSERT INTO {quoted(table.name)} ({columns}) SELECT {columns} FROM {rows_name}")
    cur.execute("DROP TABLE _touched")
