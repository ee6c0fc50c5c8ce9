"""A replica's read model: an in-memory DuckDB built with the file's own migrations and filled from PostgreSQL, so
that pages and analytics run today's DuckDB SQL unchanged (issue 15, "Each replica queries an in-process DuckDB
read model").

* `load` (cold): every table by COPY in one PostgreSQL snapshot, inserted in one DuckDB transaction.
* `refresh` (incremental): in one snapshot, the highest change seq committed (`_data_version.seq`); for each table
  with a row or tombstone above the seq last seen, the keys changed (rows above it, tombstones above it) and the
  store's current rows of those keys. In one DuckDB transaction the replica deletes what it holds for those keys and
  inserts the rows. The transaction's commit regroups the summaries of the pairings whose rows changed and moves the
  data version on (`store.transaction`), so every page's kept figures make way at its next rerun.
* `Watcher`: a thread that LISTENs on `assistance_changes` and refreshes on a notification, and at least every
  `POLL_SECONDS` in any case (a lost notification, a connection through a pooler that drops LISTEN). While the
  store cannot be reached it keeps the last loaded data, records since when (`unreachable_since`), and retries.
  Every `PRUNE_SECONDS` it removes the store's tombstones older than the retention; a read model that had not seen
  them (cut off for longer than that) loads the store again at its next refresh.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import logging
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import psycopg
import pyarrow as pa

from assistance.store import db, mode
from assistance.store.pg import connection, schema, transfer
from assistance.store.pg.schema import Table, quoted
from assistance.store.transaction import REPLICA_MARKER, StoreUnavailable, registered, transaction

_log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
PRUNE_SECONDS = 3600.0  # how often a replica's watcher prunes old tombstones (any replica may; once is enough)
# Tables no page shows: a refresh that changes only these (every signed-in session's last-seen time, written once a
# minute on some replica) leaves the pages' kept figures alone, as the same write does in file mode.
_QUIET_TABLES = frozenset({"sessions", "sign_in_failures"})
MARKER = REPLICA_MARKER  # a one-row table naming the model: how `store.transaction` knows a read model

_PG_CASTS = {"INTEGER": "integer", "BIGINT": "bigint", "VARCHAR": "text", "DATE": "date"}

# True while the replica itself writes its read model (a load or a refresh), which is not a write to the store.
applying = contextvars.ContextVar("applying", default=False)


@dataclass
class RefreshStats:
    """What one refresh pulled: rows per table, keys removed per table, the seq now seen, the seconds it took."""

    rows: dict[str, int] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)
    seq: int = 0
    seconds: float = 0.0
    cold: bool = False  # the store was loaded again whole: tombstones it had not seen were pruned

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _changed_keys_sql(table: Table) -> str:
    """The keys of `table` changed after seq %(seen)s: rows written since, and tombstones since."""
    columns = ", ".join(quoted(column) for column in table.key)
    from_tombstones = ", ".join(
        f"CAST(key->>{i} AS {_PG_CASTS[table.type_of(column)]})" for i, column in enumerate(table.key)
    )
    return (
        f"SELECT {columns} FROM {quoted(table.name)} WHERE _seq > %(seen)s UNION "
        f"SELECT {from_tombstones} FROM _tombstones WHERE table_name = '{table.name}' AND seq > %(seen)s"
    )


_numbers = itertools.count(1)
_models: weakref.WeakValueDictionary[int, ReadModel] = weakref.WeakValueDictionary()


def model_of(cur: duckdb.DuckDBPyConnection) -> ReadModel:
    """The read model whose DuckDB `cur` belongs to (its marker names it)."""
    return _models[cur.execute(f"SELECT model FROM {MARKER}").fetchone()[0]]


def sync_sequences(cur: duckdb.DuckDBPyConnection, pg) -> None:
    """Each id sequence of the read model moved up to the store's position, so that the replica's next write
    starts past every id the store has given out."""
    for name, last in cur.execute("SELECT sequence_name, last_value FROM duckdb_sequences()").fetchall():
        stored, called = pg.execute(f"SELECT last_value, is_called FROM {name}").fetchone()
        if called and (last is None or stored > last):
            cur.execute("SELECT setval(?, ?)", [name, stored])


class ReadModel:
    """The in-memory DuckDB of one replica of the store at `url`."""

    def __init__(self, url: str):
        self.url = url
        self.number = next(_numbers)
        _models[self.number] = self
        self.con = duckdb.connect()
        self.seen = 0  # every change up to this seq is in the read model
        self.lock = threading.Lock()  # one load or refresh at a time
        self.unreachable_since: datetime | None = None
        self.last_refresh: datetime | None = None
        self._pg: psycopg.Connection | None = None
        self._pg_url = url
        token = applying.set(True)
        try:
            db.migrate(self.con)
            self.con.execute(f"CREATE TABLE {MARKER} AS SELECT CAST(? AS BIGINT) AS model", [self.number])
        finally:
            applying.reset(token)
        self.tables = schema.replicated_tables(self.con)
        self.tables_by_name = {table.name: table for table in self.tables}

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    @contextlib.contextmanager
    def session(self):
        """The replica's one connection for its refreshes and writes, which take turns under `lock` (so it needs no
        pool): opened at first use, and again after a failure or when `url` changed; whatever transaction the caller
        leaves open is rolled back."""
        if self._pg is None or self._pg.closed or self._pg_url != self.url:
            if self._pg is not None:
                self._pg.close()
            self._pg, self._pg_url = connection.connect(self.url), self.url
        pg = self._pg
        try:
            yield pg
        except psycopg.OperationalError:
            pg.close()  # a lost connection is opened again next time
            raise
        finally:
            if not pg.closed:
                pg.rollback()

    @contextlib.contextmanager
    def _snapshot(self, unlimited: bool = False):
        """The session inside one REPEATABLE READ, READ ONLY transaction (`unlimited`: no statement timeout)."""
        with self.session() as pg:
            pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if unlimited:
                pg.execute("SET LOCAL statement_timeout = 0")
            yield pg

    def close(self) -> None:
        """Close the read model and its connection."""
        if self._pg is not None:
            self._pg.close()
        self.con.close()

    def load(self) -> RefreshStats:
        """Replace everything the read model holds by the store's rows (a cold load)."""
        started, stats = time.perf_counter(), RefreshStats()
        with self.lock, self._snapshot(unlimited=True) as pg:  # the whole store: no time limit
            self._load(pg, stats)
        self._reached()
        stats.seconds = time.perf_counter() - started
        return stats

    def _load(self, pg, stats: RefreshStats) -> None:
        stats.seq = pg.execute("SELECT seq FROM _data_version").fetchone()[0]
        token = applying.set(True)
        try:
            with transaction(self.con) as cur:
                for table in self.tables:
                    cur.execute(f"DELETE FROM {quoted(table.name)}")
                    stats.rows[table.name] = transfer.copy_pg_to_duck(pg, cur, table)
        finally:
            applying.reset(token)
        self.seen = stats.seq
        sync_sequences(self.con, pg)

    def refresh(self) -> RefreshStats:
        """Pull what changed in the store since the last load or refresh; nothing when nothing did. A read model
        that has not seen the tombstones pruned since (`schema.prune_tombstones`) loads the store again instead."""
        started, stats = time.perf_counter(), RefreshStats(seq=self.seen)
        with self.lock:
            with self._snapshot() as pg:
                stats.seq, pruned_through = pg.execute("SELECT seq, pruned_through FROM _data_version").fetchone()
                if self.seen < pruned_through:
                    stats.cold = True
                elif stats.seq != self.seen:
                    self._apply(pg, stats)
                    self.seen = stats.seq
                    sync_sequences(self.con, pg)
            if stats.cold:  # a new snapshot without the statement timeout: the whole store
                with self._snapshot(unlimited=True) as pg:
                    self._load(pg, stats)
        self._reached()
        stats.seconds = time.perf_counter() - started
        return stats

    def prune(self, days: float | None = None) -> int:
        """Remove the store's tombstones older than the retention (`schema.prune_tombstones`); return how many."""
        with self.lock, self.session() as pg:
            return schema.prune_tombstones(pg, days)

    def _changed_tables(self, pg) -> list[Table]:
        probes = " UNION ALL ".join(
            f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM {quoted(t.name)} WHERE _seq > %(seen)s)"
            for t in self.tables
        )
        probes += " UNION ALL SELECT DISTINCT table_name FROM _tombstones WHERE seq > %(seen)s"
        names = {row[0] for row in pg.execute(probes, {"seen": self.seen}).fetchall()}
        return [table for table in self.tables if table.name in names]

    def _apply(self, pg, stats: RefreshStats) -> None:
        params = {"seen": self.seen}
        pulled = []
        for table in self._changed_tables(pg):
            changed = _changed_keys_sql(table)
            keys = pg.execute(changed, params).fetchall()
            where = f"({', '.join(f't.{quoted(c)}' for c in table.key)}) IN ({changed})"
            pulled.append((table, keys, transfer.read_pg(pg, table, where, params)))
        token = applying.set(True)
        figures = any(table.name not in _QUIET_TABLES for table, _, _ in pulled)
        try:
            with transaction(self.con, figures=figures) as cur:
                for table, keys, rows in pulled:
                    self._delete_keys(cur, table, keys)
                    stats.keys[table.name] = len(keys)
                    stats.rows[table.name] = transfer.insert_duck(cur, table, rows)
        finally:
            applying.reset(token)

    @staticmethod
    def _delete_keys(cur: duckdb.DuckDBPyConnection, table: Table, keys: list[tuple]) -> None:
        if not keys:
            return
        columns = list(zip(*keys, strict=True))
        frame = pa.table({f"k{i}": list(values) for i, values in enumerate(columns)})
        match = " AND ".join(f"t.{quoted(column)} = k.k{i}" for i, column in enumerate(table.key))
        with registered(cur, "_gone_keys", frame):
            cur.execute(f"DELETE FROM {quoted(table.name)} t USING _gone_keys k WHERE {match}")

    def _reached(self) -> None:
        self.unreachable_since = None
        self.last_refresh = datetime.now()

    def unreachable(self) -> None:
        """Record that the store could not be reached (the first time only: the banner says since when)."""
        if self.unreachable_since is None:
            self.unreachable_since = datetime.now()


class Watcher(threading.Thread):
    """Keeps one read model fresh: LISTEN, refresh on a notification or every `poll` seconds, retry when down."""

    def __init__(self, model: ReadModel, poll: float = POLL_SECONDS, prune_every: float = PRUNE_SECONDS):
        super().__init__(name="assistance-replica-watcher", daemon=True)
        self.model, self.poll, self.prune_every = model, poll, prune_every
        self.pruned_at = time.monotonic()
        self.stopping = threading.Event()
        self.refreshed = threading.Event()  # set after every refresh (tests wait on it)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                with connection.connect(self.model.url, autocommit=True) as listener:
                    listener.execute(f"LISTEN {schema.CHANNEL}")
                    while not self.stopping.is_set():
                        self.model.refresh()
                        self.refreshed.set()
                        if time.monotonic() - self.pruned_at >= self.prune_every:
                            self.model.prune()
                            self.pruned_at = time.monotonic()
                        for _ in listener.notifies(timeout=self.poll, stop_after=1):
                            pass
            except psycopg.OperationalError:  # the store is down or out of reach: keep the data, say so, retry
                self.model.unreachable()
                self.stopping.wait(self.poll)
            except Exception:  # a refresh that failed otherwise: logged, and tried again after a pause
                _log.exception("refreshing the read model of %s failed", mode.redacted(self.model.url))
                self.stopping.wait(self.poll)

    def stop(self) -> None:
        self.stopping.set()


_shared: dict[str, tuple[ReadModel, Watcher]] = {}
_shared_lock = threading.Lock()


def shared(url: str) -> ReadModel:
    """This process's read model of the store at `url`: loaded and watched from the first call on
    (StoreUnavailable when the store cannot be reached for the first load)."""
    with _shared_lock:
        if url not in _shared:
            model = ReadModel(url)
            try:
                model.load()
            except psycopg.OperationalError as exc:
                model.close()
                raise StoreUnavailable(str(exc).strip()) from exc
            watcher = Watcher(model)
            watcher.start()
            _shared[url] = (model, watcher)
        return _shared[url][0]


def forget(url: str) -> None:
    """Stop watching the store at `url` and drop this process's read model of it (a test's store going away)."""
    with _shared_lock:
        found = _shared.pop(url, None)
    if found is not None:
        model, watcher = found
        watcher.stop()
        watcher.join(timeout=10)
        model.close()


def loaded(url: str) -> bool:
    """Whether this process holds a read model of `url` (then the store was built: it was loaded from it)."""
    return url in _shared


def unreachable_since(url: str) -> datetime | None:
    """Since when this process's read model of `url` has not reached the store (None: it has, or there is none)."""
    found = _shared.get(url)
    return found[0].unreachable_since if found else None
