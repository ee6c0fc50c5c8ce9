"""The PostgreSQL store's schema: its own numbered migrations, the stable views, and change capture.

Migration 1 is DuckDB's schema 10 translated (the same tables, columns, defaults, primary keys, UNIQUEs and
CHECKs, generated from the DuckDB migrations 1–10, which never change) plus what only PostgreSQL can guard across
processes: the primary key and the natural-key UNIQUE of `activities` (DuckDB dropped its indexes in migration 6
and leaves the guard to its one writer). A later DuckDB migration gets a PostgreSQL migration of its own here,
written out; `tests/store/test_pg_store.py` compares the two schemas column by column.

Change capture (docs/contracts.md, "Server mode"): every replicated table has `_seq`, a number from the global
sequence `change_seq` given to each inserted or updated row (a column default, and a row trigger on UPDATE), and
its deletes leave tombstones (`_tombstones`: table, key as a JSON array, seq). The first write statement of a
transaction locks the one row of `_data_version` (a statement trigger), so writers commit one after the other and
every committed change has a lower seq than any change still to commit; the last one records the highest seq
given (`_data_version.seq`) and sends NOTIFY assistance_changes, delivered at commit. A replica that has seen
everything up to seq S reads, in one snapshot, the rows and tombstones above S and the new S: nothing can be
skipped. TRUNCATE is not captured (nothing in the library truncates).

Tombstones do not pile up for ever (migration 2): each records when it was made, and `prune_tombstones` removes
those older than the retention (ASSISTANCE_TOMBSTONE_DAYS, default 7), recording the highest seq removed in
`_data_version.pruned_through`. A replica that has seen less than that (it was cut off for longer than the
retention) may have missed a delete, so it loads the store cold instead of refreshing (`store.pg.replica`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime

import duckdb

from assistance.store import db

CHANNEL = "assistance_changes"

# DuckDB tables that stay in each replica's read model only: the summaries are rebuilt from the log there, and a
# read model's marker (store.pg.replica).
LOCAL_TABLES = frozenset({"schema_version", "activity_cells", "pairing_activity", "_replica_of"})

# Tables without a primary key: the columns by which a replica reads their rows again after any change (every row
# of that key: a delete of one row removes all the replica holds for the key, then the store's rows come back).
GROUP_KEYS = {
    "activities": ("activity_id",),
    "rejected_rows": ("batch_id",),
    "registry_changes": ("batch_id",),
    "archived_pairings": ("archived_by",),
    "archived_schools": ("archived_by",),
    "archived_school_aliases": ("archived_by",),
    "archived_plan_targets": ("archived_by",),
    "archived_activities": ("archived_by",),
    "archived_outcomes": ("archived_by",),
}

TRANSLATED_DUCKDB_SCHEMA = 10


@dataclass(frozen=True)
class Table:
    """A replicated table as the DuckDB read model has it: its columns (name, DuckDB type) and replication key."""

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def type_of(self, column: str) -> str:
        return dict(self.columns)[column]


def quoted(name: str) -> str:
    """A column or table name as an identifier both engines accept (some are keywords: date, hours, role)."""
    return '"' + name.replace('"', '""') + '"'


def replicated_tables(con: duckdb.DuckDBPyConnection) -> tuple[Table, ...]:
    """Every table of the DuckDB schema of `con` that the store holds, in name order, with its replication key:
    the primary key, else GROUP_KEYS."""
    keys: dict[str, tuple[str, ...]] = {
        table: tuple(columns)
        for table, columns in con.execute(
            "SELECT table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE constraint_type = 'PRIMARY KEY' AND schema_name = 'main'"
        ).fetchall()
    }
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
        "AND NOT internal AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main') "
        "ORDER BY table_name, column_index"
    ).fetchall():
        columns.setdefault(table, []).append((column, data_type))
    found = []
    for name in sorted(set(columns) - LOCAL_TABLES):
        key = keys.get(name) or GROUP_KEYS.get(name)
        if not key:
            raise ValueError(f"table {name} has no primary key and no replication key in GROUP_KEYS")
        found.append(Table(name, tuple(columns[name]), key))
    return tuple(found)


_PG_TYPES = ((r"\bDOUBLE\b", "double precision"), (r"\bJSON\b", "json"), (r"\bHUGEINT\b", "numeric"))


def _translated(statement: str) -> str:
    """DuckDB's CREATE TABLE as it prints it, in PostgreSQL's types (the rest of its syntax PostgreSQL reads)."""
    for pattern, replacement in _PG_TYPES:
        statement = re.sub(pattern, replacement, statement)
    return statement.rstrip().rstrip(";")


def _duckdb_schema(version: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    db.migrate(con, target=version)
    return con


def _capture_functions() -> tuple[str, ...]:
    return (
        "CREATE SEQUENCE change_seq",
        "CREATE TABLE _data_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL, "
        "seq BIGINT NOT NULL)",
        "INSERT INTO _data_version VALUES (1, 0, 0)",
        "CREATE TABLE _tombstones (seq BIGINT PRIMARY KEY, table_name TEXT NOT NULL, key JSONB NOT NULL)",
        "CREATE INDEX _tombstones_by_table ON _tombstones (table_name, seq)",
        # The first write statement of a transaction takes the row lock that orders writers (see the docstring).
        """CREATE FUNCTION _capture_begin() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE _data_version SET version = version + 1 WHERE id = 1;
            RETURN NULL;
        END $$""",
        f"""CREATE FUNCTION _capture_end() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE _data_version SET seq = (SELECT last_value FROM change_seq) WHERE id = 1;
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END $$""",
        """CREATE FUNCTION _capture_seq() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW._seq := nextval('change_seq');
            RETURN NEW;
        END $$""",
    )


def key_json(key: tuple[str, ...], alias: str) -> str:
    """SQL of a row's replication key as a JSON array, the form `_tombstones.key` stores."""
    return "jsonb_build_array(" + ", ".join(f"{alias}.{quoted(column)}" for column in key) + ")"


def capture_statements(name: str, key: tuple[str, ...]) -> tuple[str, ...]:
    """The change capture of one table: `_seq`, its index, the triggers and the table's tombstone function."""
    table = quoted(name)
    function = quoted(f"_tombstone_{name}")
    gone = key_json(key, "o")
    return (
        f"ALTER TABLE {table} ADD COLUMN _seq BIGINT NOT NULL DEFAULT nextval('change_seq')",
        f"CREATE INDEX {quoted(f'{name}_by_seq')} ON {table} (_seq)",
        f"CREATE TRIGGER capture_begin BEFORE INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION _capture_begin()",
        f"CREATE TRIGGER capture_seq BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION _capture_seq()",
        # A deleted key, and an updated row's old key when the update changed it, leave a tombstone.
        f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                INSERT INTO _tombstones SELECT nextval('change_seq'), '{name}', k
                FROM (SELECT DISTINCT {gone} AS k FROM gone o) g;
            ELSE
                INSERT INTO _tombstones SELECT nextval('change_seq'), '{name}', k
                FROM (SELECT DISTINCT {gone} AS k FROM gone o
                      EXCEPT SELECT {key_json(key, "n")} FROM fresh n) g;
            END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER tombstone_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS gone "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        f"CREATE TRIGGER tombstone_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS gone NEW TABLE AS fresh "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        # Triggers of one event fire in name order: zz_ after the tombstones, so the recorded seq covers them.
        f"CREATE TRIGGER zz_capture_end AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION _capture_end()",
    )


def _v1_statements() -> tuple[str, ...]:
    """DuckDB's schema 10 in PostgreSQL, the guards of `activities`, change capture on every table."""
    con = _duckdb_schema(TRANSLATED_DUCKDB_SCHEMA)
    try:
        sequences = [
            f"CREATE SEQUENCE {row[0]}"
            for row in con.execute("SELECT sequence_name FROM duckdb_sequences()").fetchall()
        ]
        tables = replicated_tables(con)
        creates = dict(con.execute("SELECT table_name, sql FROM duckdb_tables() WHERE schema_name = 'main'").fetchall())
    finally:
        con.close()
    statements = [*sequences, *(_translated(creates[table.name]) for table in tables)]
    statements += [
        "ALTER TABLE activities ADD PRIMARY KEY (activity_id)",
        "ALTER TABLE activities ADD CONSTRAINT activities_natural_key UNIQUE (pairing_id, date, measure, title_key)",
        # Undo and the registry read a batch's rows by batch: indexes the DuckDB file does without.
        "CREATE INDEX activities_by_batch ON activities (batch_id)",
        *_capture_functions(),
    ]
    for table in tables:
        statements += capture_statements(table.name, table.key)
    return tuple(statements)


@dataclass(frozen=True)
class PgMigration:
    version: int
    description: str
    statements: object  # a callable giving the statements (migration 1 is generated) or a tuple of them


PG_MIGRATIONS: tuple[PgMigration, ...] = (
    PgMigration(1, "the DuckDB schema 10 with the natural keys, change capture on every table", _v1_statements),
    PgMigration(
        2,
        "tombstones record when they were made and are pruned after a retention",
        (
            "ALTER TABLE _tombstones ADD COLUMN made_at TIMESTAMPTZ NOT NULL DEFAULT now()",
            "CREATE INDEX _tombstones_by_age ON _tombstones (made_at)",
            "ALTER TABLE _data_version ADD COLUMN pruned_through BIGINT NOT NULL DEFAULT 0",
        ),
    ),
)
PG_SCHEMA_VERSION = PG_MIGRATIONS[-1].version

# The indicators of outcome_overview, in DuckDB's UNPIVOT order (PostgreSQL has no UNPIVOT: a LATERAL VALUES).
_OUTCOME_INDICATORS = (
    "students", "classes", "large_classes", "teachers", "teachers_masters", "teachers_senior", "teachers_left",
    "top_intake_local_pct", "undergrad_rate_pct", "special_line_students",
)  # fmt: skip

_UNPIVOTED = ", ".join(f"('{name}', CAST(o.{name} AS DOUBLE PRECISION))" for name in _OUTCOME_INDICATORS)
_PG_OUTCOME_OVERVIEW = f"""CREATE OR REPLACE VIEW outcome_overview AS
    SELECT o.school_id, s.name_zh AS school, s.county_adcode, c.province_code, o.school_year, v.indicator, v.value,
           o.provenance, o.batch_id
    FROM outcomes o
    CROSS JOIN LATERAL (VALUES {_UNPIVOTED}) AS v (indicator, value)
    JOIN schools s ON s.school_id = o.school_id
    LEFT JOIN counties c ON c.adcode = s.county_adcode
    WHERE v.value IS NOT NULL"""


def views() -> tuple[str, ...]:
    """The stable views in PostgreSQL: DuckDB's own SQL (PostgreSQL reads it), outcome_overview rewritten."""
    return tuple(_PG_OUTCOME_OVERVIEW if "VIEW outcome_overview" in view else view for view in db.VIEWS)


TOMBSTONE_DAYS = 7


def tombstone_days() -> float:
    """How long tombstones are kept: ASSISTANCE_TOMBSTONE_DAYS (days, may be a fraction), default 7."""
    value = os.environ.get("ASSISTANCE_TOMBSTONE_DAYS", "").strip()
    try:
        return max(0.0, float(value)) if value else TOMBSTONE_DAYS
    except ValueError:
        return TOMBSTONE_DAYS


def prune_tombstones(pg, days: float | None = None) -> int:
    """Remove the tombstones older than `days` (default: the setting) in one transaction, recording the highest seq
    removed; return how many were removed. Any replica may run it at any time: it waits its turn behind writers
    (the row lock of `_data_version`) and changes no data, so it notifies nobody."""
    days = tombstone_days() if days is None else days
    with pg.transaction():
        pg.execute("SELECT 1 FROM _data_version FOR UPDATE")
        removed, highest = pg.execute(
            "WITH gone AS (DELETE FROM _tombstones WHERE made_at < now() - make_interval(secs => %s) RETURNING seq) "
            "SELECT count(*), max(seq) FROM gone",
            [days * 86_400],
        ).fetchone()
        if removed:
            pg.execute("UPDATE _data_version SET pruned_through = greatest(pruned_through, %s)", [highest])
    return removed


# Two replicas starting at once: the second waits for the first's migration, then finds nothing to do.
_MIGRATION_LOCK = 7_315_001


def schema_version(pg) -> int:
    """The PostgreSQL schema's version; 0 for an empty database."""
    exists = pg.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
    return pg.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0] if exists else 0


def migrate(pg) -> list[int]:
    """Apply the pending PostgreSQL migrations, each in one transaction, then recreate the views; return those
    applied. `pg` is a psycopg connection (not in autocommit)."""
    applied = []
    with pg.transaction():
        pg.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATION_LOCK])
        pg.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        done = {row[0] for row in pg.execute("SELECT version FROM schema_version").fetchall()}
        for migration in PG_MIGRATIONS:
            if migration.version in done:
                continue
            statements = migration.statements() if callable(migration.statements) else migration.statements
            for statement in statements:
                pg.execute(statement)
            pg.execute(
                "INSERT INTO schema_version VALUES (%s, %s, %s)",
                [migration.version, migration.description, datetime.now()],
            )
            applied.append(migration.version)
        if applied:
            for view in views():
                pg.execute(view)
    return applied
