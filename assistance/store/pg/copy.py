"""`python -m assistance store copy`: move a deployment between a DuckDB file and a PostgreSQL database, either
way (issue 15, "Move an existing deployment"). Every replicated table and the id sequences' positions are copied
in one transaction; the summaries and the schema version, which each side keeps for itself, are not. The counts
per table on both sides are read back after the copy, so that the report shows what each side holds, not what
was meant to be written.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assistance.store import db
from assistance.store.pg import connection, schema, transfer
from assistance.store.transaction import transaction


class CopyRefused(ValueError):
    """The copy cannot start (a target that is not empty, a source of an older schema); the message says why."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class CopyReport:
    source: dict[str, int]
    target: dict[str, int]

    @property
    def equal(self) -> bool:
        return self.source == self.target


def counts_duck(con: duckdb.DuckDBPyConnection, tables: tuple[schema.Table, ...]) -> dict[str, int]:
    return {t.name: con.execute(f"SELECT count(*) FROM {schema.quoted(t.name)}").fetchone()[0] for t in tables}


def counts_pg(pg, tables: tuple[schema.Table, ...]) -> dict[str, int]:
    return {t.name: pg.execute(f"SELECT count(*) FROM {schema.quoted(t.name)}").fetchone()[0] for t in tables}


def holds_data(url: str) -> bool:
    """Whether the store at `url` has been built (its schema migrated, the reference data in); migrates its schema
    when it has been built with an older release."""
    with connection.connect(url) as pg:
        if not schema.schema_version(pg):
            return False
        schema.migrate(pg)
        return pg.execute("SELECT EXISTS (SELECT 1 FROM provinces)").fetchone()[0]


def _sequences(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute("SELECT sequence_name FROM duckdb_sequences() ORDER BY 1").fetchall()]


def file_to_pg(path: Path, url: str) -> CopyReport:
    """Copy the DuckDB file at `path` into the PostgreSQL database of `url` (migrated first; it must hold no rows)."""
    if not path.exists():
        raise CopyRefused("store.copy.no_file", path=path)
    duck = db.connect(path, read_only=True)
    pg = connection.connect(url, statement_timeout_ms=0)
    try:
        if db.pending_migrations(duck):
            raise CopyRefused("store.copy.old_file", path=path)
        schema.migrate(pg)
        tables = schema.replicated_tables(duck)
        if any(counts_pg(pg, tables).values()):
            raise CopyRefused("store.copy.not_empty", target=url)
        pg.commit()
        with pg.transaction():
            for table in tables:
                transfer.copy_duck_to_pg(duck, pg, table)
            for name, last in duck.execute("SELECT sequence_name, last_value FROM duckdb_sequences()").fetchall():
                if last is not None:
                    pg.execute("SELECT setval(%s, %s, true)", [name, last])
        pg.execute("ANALYZE")  # statistics now, not at autovacuum's leisure: a replica's first refresh plans on them
        pg.commit()
        return CopyReport(counts_duck(duck, tables), counts_pg(pg, tables))
    finally:
        duck.close()
        pg.close()


def pg_to_file(url: str, path: Path) -> CopyReport:
    """Copy the PostgreSQL database of `url` into a new DuckDB file at `path` (written beside it, then renamed, so
    that a failed copy leaves no file)."""
    if path.exists():
        raise CopyRefused("store.copy.file_exists", path=path)
    building = path.with_name(path.name + ".copying")
    building.unlink(missing_ok=True)
    pg = connection.connect(url, statement_timeout_ms=0)
    con = db.connect(building)
    try:
        if schema.schema_version(pg) != schema.PG_SCHEMA_VERSION:
            raise CopyRefused("store.copy.old_store", target=url)
        db.migrate(con)
        tables = schema.replicated_tables(con)
        pg.commit()
        pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")  # one snapshot for every table
        with transaction(con) as cur:  # its commit builds the summaries
            for table in tables:
                transfer.copy_pg_to_duck(pg, cur, table)
            for name in _sequences(con):
                last, called = pg.execute(f"SELECT last_value, is_called FROM {name}").fetchone()
                if called:
                    cur.execute("SELECT setval(?, ?)", [name, last])
        report = CopyReport(counts_pg(pg, tables), counts_duck(con, tables))
        pg.rollback()
    except BaseException:
        con.close()
        with contextlib.suppress(OSError):
            building.unlink()
        raise
    finally:
        pg.close()
    con.close()
    building.rename(path)
    return report
