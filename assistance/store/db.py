"""DuckDB connection, schema and versioned migrations.

The database file is the single store of the registry and the activity log. Every schema change is a
numbered migration so that a file made by an older release is upgraded in place, never rebuilt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from assistance.paths import REPO_ROOT
from assistance.store.sortkeys import fill_sort_keys
from assistance.store.transaction import transaction

DEFAULT_DB_PATH = REPO_ROOT / "data" / "assistance.duckdb"


class DatabaseBusy(RuntimeError):
    """Raised when another process holds the database file (DuckDB allows one writer process)."""


def default_db_path() -> Path:
    """The database path: `ASSISTANCE_DB` if set, else `data/assistance.duckdb` in the repo."""
    configured = os.environ.get("ASSISTANCE_DB", "").strip()
    return Path(configured) if configured else DEFAULT_DB_PATH


def connect(path: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database, turning DuckDB's lock conflict into `DatabaseBusy` with a way out."""
    db_path = Path(path) if path else default_db_path()
    try:
        return duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise DatabaseBusy(
                f"database {db_path} is in use by another process (the app or another command); "
                "stop it or use the app's Upload page, then try again"
            ) from exc
        raise


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


_V1_CORE = (
    "CREATE SEQUENCE seq_activity START 1",
    "CREATE SEQUENCE seq_batch START 1",
    """CREATE TABLE provinces (
        code VARCHAR PRIMARY KEY,
        name_zh VARCHAR NOT NULL,
        short_zh VARCHAR NOT NULL,
        name_en VARCHAR NOT NULL,
        region VARCHAR NOT NULL CHECK (region IN ('eastern', 'central', 'western', 'northeastern')),
        in_programme BOOLEAN NOT NULL)""",
    """CREATE TABLE counties (
        adcode VARCHAR PRIMARY KEY,
        name_zh VARCHAR NOT NULL,
        city_zh VARCHAR,
        province_code VARCHAR NOT NULL,
        lon DOUBLE,
        lat DOUBLE)""",
    """CREATE TABLE measures (
        code VARCHAR PRIMARY KEY,
        label_zh VARCHAR NOT NULL UNIQUE,
        label_en VARCHAR NOT NULL,
        sort_order INTEGER NOT NULL)""",
    """CREATE TABLE universities (
        university_id INTEGER PRIMARY KEY,
        name_zh VARCHAR NOT NULL UNIQUE,
        name_en VARCHAR NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('university', 'institution')),
        city_zh VARCHAR,
        district_adcode VARCHAR,
        lon DOUBLE,
        lat DOUBLE)""",
    # Aliases are stored normalised (see reference.normalise_name); the canonical names are aliases too,
    # so resolving a name is one join.
    """CREATE TABLE university_aliases (
        alias VARCHAR PRIMARY KEY,
        university_id INTEGER NOT NULL)""",
    """CREATE TABLE schools (
        school_id INTEGER PRIMARY KEY,
        name_zh VARCHAR NOT NULL,
        county_adcode VARCHAR NOT NULL,
        UNIQUE (name_zh, county_adcode))""",
    """CREATE TABLE school_aliases (
        alias VARCHAR NOT NULL,
        school_id INTEGER NOT NULL,
        PRIMARY KEY (alias, school_id))""",
    """CREATE TABLE pairings (
        pairing_id INTEGER PRIMARY KEY,
        university_id INTEGER NOT NULL,
        school_id INTEGER NOT NULL,
        tier VARCHAR NOT NULL CHECK (tier IN ('national', 'provincial', 'municipal')),
        start_date DATE NOT NULL,
        provenance VARCHAR NOT NULL CHECK (provenance IN ('verified', 'demo', 'imported')),
        confidence VARCHAR,
        source VARCHAR,
        UNIQUE (university_id, school_id, tier))""",
    """CREATE TABLE plan_targets (
        pairing_id INTEGER NOT NULL,
        school_year INTEGER NOT NULL,
        measure VARCHAR NOT NULL,
        target INTEGER NOT NULL CHECK (target >= 0),
        provenance VARCHAR NOT NULL CHECK (provenance IN ('verified', 'demo', 'imported')),
        PRIMARY KEY (pairing_id, school_year, measure))""",
    """CREATE TABLE upload_batches (
        batch_id INTEGER PRIMARY KEY,
        file_name VARCHAR NOT NULL,
        sha256 VARCHAR NOT NULL,
        size_bytes BIGINT NOT NULL,
        rows INTEGER NOT NULL,
        inserted INTEGER NOT NULL,
        duplicates INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        uploaded_by VARCHAR,
        uploaded_at TIMESTAMP NOT NULL,
        undone_at TIMESTAMP)""",
    # The natural key (pairing, date, measure, normalised title) makes a re-uploaded row a duplicate.
    """CREATE TABLE activities (
        activity_id BIGINT PRIMARY KEY DEFAULT nextval('seq_activity'),
        pairing_id INTEGER NOT NULL,
        date DATE NOT NULL,
        measure VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        title_key VARCHAR NOT NULL,
        teachers INTEGER CHECK (teachers >= 0),
        students INTEGER CHECK (students >= 0),
        hours DOUBLE CHECK (hours >= 0),
        notes VARCHAR,
        provenance VARCHAR NOT NULL CHECK (provenance IN ('verified', 'demo', 'imported')),
        batch_id INTEGER,
        UNIQUE (pairing_id, date, measure, title_key))""",
)

_V2_QUARANTINE = (
    # Rows an upload rejected, kept with their reasons so nothing is lost and they can be fixed.
    """CREATE TABLE rejected_rows (
        batch_id INTEGER NOT NULL,
        line INTEGER NOT NULL,
        column_name VARCHAR,
        value VARCHAR,
        message_zh VARCHAR NOT NULL,
        message_en VARCHAR NOT NULL,
        raw_row VARCHAR)""",
    "ALTER TABLE upload_batches ADD COLUMN ignored_columns VARCHAR",
    "ALTER TABLE upload_batches ADD COLUMN sheet VARCHAR",
)

_V3_REGISTRY = (
    # Agreement cycles: a pairing may end, and is re-signed for the next cycle as the same pairing.
    "ALTER TABLE pairings ADD COLUMN end_date DATE",
    "ALTER TABLE pairings ADD COLUMN cycle INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE pairings ADD COLUMN batch_id INTEGER",  # the registry batch that created it (NULL: init)
    # Supporting parties may be city high schools; `national` marks the 48 universities and the society. DuckDB
    # cannot alter a CHECK, so the table is rebuilt (create-copy-drop), the views dropped around it.
    "DROP VIEW IF EXISTS pairing_overview",
    "DROP VIEW IF EXISTS activity_overview",
    "CREATE TABLE universities_v2 AS SELECT * FROM universities",
    "DROP TABLE universities",
    """CREATE TABLE universities (
        university_id INTEGER PRIMARY KEY,
        name_zh VARCHAR NOT NULL UNIQUE,
        name_en VARCHAR NOT NULL,
        kind VARCHAR NOT NULL CHECK (kind IN ('university', 'institution', 'high_school')),
        city_zh VARCHAR,
        district_adcode VARCHAR,
        lon DOUBLE,
        lat DOUBLE,
        national BOOLEAN NOT NULL DEFAULT false)""",
    "INSERT INTO universities SELECT university_id, name_zh, name_en, kind, city_zh, district_adcode, lon, lat, true "
    "FROM universities_v2",
    "DROP TABLE universities_v2",
    # Every upload is a batch of one kind; registry and plan uploads count changed and unchanged rows.
    "ALTER TABLE upload_batches ADD COLUMN kind VARCHAR NOT NULL DEFAULT 'activities'",
    "ALTER TABLE upload_batches ADD COLUMN changed INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE upload_batches ADD COLUMN unchanged INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE plan_targets ADD COLUMN batch_id INTEGER",
    "ALTER TABLE plan_targets ADD COLUMN notes VARCHAR",
    # What each registry or plan batch changed, so that undo reverses exactly that batch. `key` is the row's id
    # (pairing_id, school_id, university_id; 'pairing_id|school_year|measure' for a target; 'school_id|alias').
    """CREATE TABLE registry_changes (
        batch_id INTEGER NOT NULL,
        entity VARCHAR NOT NULL CHECK (entity IN ('pairing', 'school', 'school_alias', 'party', 'plan_target')),
        key VARCHAR NOT NULL,
        action VARCHAR NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
        before JSON,
        after JSON)""",
    # Demo rows a real import removed, kept so that undoing that import puts them back (archived_by = batch).
    """CREATE TABLE archived_pairings (
        pairing_id INTEGER NOT NULL, university_id INTEGER NOT NULL, school_id INTEGER NOT NULL,
        tier VARCHAR NOT NULL, start_date DATE NOT NULL, provenance VARCHAR NOT NULL, confidence VARCHAR,
        source VARCHAR, end_date DATE, cycle INTEGER NOT NULL, batch_id INTEGER, archived_by INTEGER NOT NULL)""",
    """CREATE TABLE archived_schools (
        school_id INTEGER NOT NULL, name_zh VARCHAR NOT NULL, county_adcode VARCHAR NOT NULL,
        archived_by INTEGER NOT NULL)""",
    """CREATE TABLE archived_school_aliases (
        alias VARCHAR NOT NULL, school_id INTEGER NOT NULL, archived_by INTEGER NOT NULL)""",
    """CREATE TABLE archived_plan_targets (
        pairing_id INTEGER NOT NULL, school_year INTEGER NOT NULL, measure VARCHAR NOT NULL, target INTEGER NOT NULL,
        provenance VARCHAR NOT NULL, batch_id INTEGER, notes VARCHAR, archived_by INTEGER NOT NULL)""",
    """CREATE TABLE archived_activities (
        activity_id BIGINT NOT NULL, pairing_id INTEGER NOT NULL, date DATE NOT NULL, measure VARCHAR NOT NULL,
        title VARCHAR NOT NULL, title_key VARCHAR NOT NULL, teachers INTEGER, students INTEGER, hours DOUBLE,
        notes VARCHAR, provenance VARCHAR NOT NULL, batch_id INTEGER, archived_by INTEGER NOT NULL)""",
)

_V4_SORT_KEYS = (
    # The pinyin of every name a list sorts by (store.sortkeys fills it; SQL cannot compute pinyin).
    "CREATE TABLE name_keys (name VARCHAR PRIMARY KEY, pinyin VARCHAR NOT NULL)",
)

_V5_ACCESS = (
    # Accounts (issue 12). A role's scope is one column: `province_code` for province, `university_id` for
    # university, `school_id` for school; a viewer has at most one of the three (none: national). `identity` is
    # the OIDC email or subject an identity provider signs in as; `password_hash` is argon2 (NULL: OIDC only).
    """CREATE TABLE accounts (
        username VARCHAR PRIMARY KEY,
        role VARCHAR NOT NULL CHECK (role IN ('ministry', 'province', 'university', 'school', 'viewer')),
        province_code VARCHAR,
        university_id INTEGER,
        school_id INTEGER,
        identity VARCHAR UNIQUE,
        password_hash VARCHAR,
        disabled BOOLEAN NOT NULL DEFAULT false,
        created_at TIMESTAMP NOT NULL,
        CHECK ((role = 'ministry' AND province_code IS NULL AND university_id IS NULL AND school_id IS NULL)
            OR (role = 'province' AND province_code IS NOT NULL AND university_id IS NULL AND school_id IS NULL)
            OR (role = 'university' AND university_id IS NOT NULL AND province_code IS NULL AND school_id IS NULL)
            OR (role = 'school' AND school_id IS NOT NULL AND province_code IS NULL AND university_id IS NULL)
            OR (role = 'viewer' AND school_id IS NULL
                AND (province_code IS NULL OR university_id IS NULL))))""",
    # Failed sign-ins per name typed (known or not, so that the delay says nothing about which names exist).
    """CREATE TABLE sign_in_failures (
        name_key VARCHAR PRIMARY KEY, failures INTEGER NOT NULL, last_failure TIMESTAMP NOT NULL)""",
    # Signed-in browser sessions: the sha256 of the cookie's token, never the token itself.
    """CREATE TABLE sessions (
        token_hash VARCHAR PRIMARY KEY,
        username VARCHAR NOT NULL,
        started_at TIMESTAMP NOT NULL,
        last_seen TIMESTAMP NOT NULL,
        ended_at TIMESTAMP)""",
    # The audit trail: append-only (nothing in the app updates or deletes a row).
    "CREATE SEQUENCE seq_audit_event START 1",
    """CREATE TABLE audit_log (
        event_id BIGINT PRIMARY KEY DEFAULT nextval('seq_audit_event'),
        occurred_at TIMESTAMP NOT NULL,
        username VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        target VARCHAR,
        batch_id INTEGER,
        detail JSON)""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core registry and activity tables", _V1_CORE),
    Migration(2, "upload quarantine and batch details", _V2_QUARANTINE),
    Migration(3, "registry tiers, agreement cycles, plan batches, change log and demo archive", _V3_REGISTRY),
    Migration(4, "pinyin sort keys of names", _V4_SORT_KEYS),
    Migration(5, "accounts, sign-in sessions and the audit trail", _V5_ACCESS),
)
SCHEMA_VERSION = MIGRATIONS[-1].version

# The documented, stable views (docs/contracts.md, "Stable views"). They are recreated after every migration run so
# that whatever the tables become, analysts keep the same columns.
VIEWS = (
    """CREATE OR REPLACE VIEW pairing_overview AS
    SELECT p.pairing_id, u.name_zh AS university, s.name_zh AS school, c.name_zh AS county,
           s.county_adcode, pr.name_zh AS province, c.province_code, p.tier, p.provenance,
           p.confidence, p.source, p.start_date, p.end_date, p.cycle, u.kind AS supporting_kind
    FROM pairings p
    JOIN universities u ON u.university_id = p.university_id
    JOIN schools s ON s.school_id = p.school_id
    LEFT JOIN counties c ON c.adcode = s.county_adcode
    LEFT JOIN provinces pr ON pr.code = c.province_code""",
    """CREATE OR REPLACE VIEW activity_overview AS
    SELECT a.activity_id, a.pairing_id, u.name_zh AS university, s.name_zh AS school,
           c.province_code, a.date, a.measure, a.title, a.teachers, a.students, a.hours,
           a.provenance, a.batch_id
    FROM activities a
    JOIN pairings p ON p.pairing_id = a.pairing_id
    JOIN universities u ON u.university_id = p.university_id
    JOIN schools s ON s.school_id = p.school_id
    LEFT JOIN counties c ON c.adcode = s.county_adcode""",
    """CREATE OR REPLACE VIEW audit_overview AS
    SELECT event_id, occurred_at AS "at", username, role, action, target, CAST(detail AS VARCHAR) AS detail,
           batch_id
    FROM audit_log""",
    """CREATE OR REPLACE VIEW plan_overview AS
    SELECT pairing_id, school_year, measure, target, provenance, batch_id FROM plan_targets""",
)


def title_key_sql(column: str) -> str:
    """SQL for the normalised title in the natural key: trimmed, inner whitespace collapsed, lower case.

    Text is NFKC-folded in Python before it reaches the database, so full-width forms are already gone.
    `column` is always a column name written in code, never user input.
    """
    return f"lower(regexp_replace(trim({column}), '\\s+', ' ', 'g'))"


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version recorded in the file; 0 for a file with no schema yet."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection, target: int = SCHEMA_VERSION) -> list[int]:
    """Apply pending migrations up to `target`, each in its own transaction; return those applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    current = schema_version(con)
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= current or migration.version > target:
            continue
        with transaction(con) as cur:
            for statement in migration.statements:
                cur.execute(statement)
            cur.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [migration.version, migration.description, datetime.now()],
            )
        applied.append(migration.version)
    if applied and target >= SCHEMA_VERSION:  # the views name the latest columns: an older target gets none
        for view in VIEWS:
            con.execute(view)
    if schema_version(con) >= 4:  # names written since the last start (by any means) get their sort key
        with transaction(con) as cur:
            fill_sort_keys(cur)
    return applied
