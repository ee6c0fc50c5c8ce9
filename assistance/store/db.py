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
from assistance.store import mode
from assistance.store.sortkeys import fill_sort_keys
from assistance.store.transaction import StoreUnavailable, transaction

DEFAULT_DB_PATH = REPO_ROOT / "data" / "assistance.duckdb"


class DatabaseBusy(RuntimeError):
    """Raised when another process holds the database file (DuckDB allows one writer process)."""


def default_db_path() -> Path:
    """The database path: `ASSISTANCE_DB` if set, else `data/assistance.duckdb` in the repo."""
    configured = os.environ.get("ASSISTANCE_DB", "").strip()
    return Path(configured) if configured else DEFAULT_DB_PATH


def location() -> str:
    """The store `ASSISTANCE_DB` names, as text: a PostgreSQL URL in server mode, else the database file's path."""
    return mode.server_url() or str(default_db_path())


def store_exists(target: str | Path) -> bool:
    """Whether the store at `target` has been built: the file exists, or the PostgreSQL database holds the
    reference data (raises psycopg.OperationalError when it cannot be reached)."""
    if mode.is_server(target):
        import psycopg

        from assistance.store.pg import copy, replica

        if replica.loaded(str(target)):  # every rerun asks: no round trip once loaded, and none while it is down
            return True
        try:
            return copy.holds_data(str(target))
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(str(exc).strip()) from exc
    return Path(target).exists()


def unreachable_since(target: str | None = None) -> datetime | None:
    """Server mode: since when this process has not reached the store (its read model keeps the data loaded before);
    None in file mode or while the store answers."""
    target = target or location()
    if not mode.is_server(target):
        return None
    from assistance.store.pg import replica

    return replica.unreachable_since(target)


def connect(path: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database, turning DuckDB's lock conflict into `DatabaseBusy` with a way out. In server mode (a
    PostgreSQL URL, given or in ASSISTANCE_DB) a cursor of this process's read model of the store: loaded at the
    first call, kept fresh by its watcher; writes through `store.transaction` go to PostgreSQL (issue 15)."""
    target = str(path) if path else location()
    if mode.is_server(target):
        from assistance.store.pg import replica  # psycopg is imported in server mode only

        return replica.shared(target).cursor()
    db_path = Path(target)
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

_V6_ACTIVITIES_UNINDEXED = (
    # Issue 14: the primary key and the natural-key UNIQUE constraint of `activities` are ART indexes that cost a
    # bulk insert 1.5-2x its own time. Their guards move to the writers: every activity id comes from seq_activity,
    # and every writer adds only rows whose natural key (pairing, date, measure, title_key) is new, under the write
    # lock (the upload's anti-join, ingest.validate; the demo builders' unique keys; undo's restore). DuckDB cannot
    # drop a constraint, so the table is rebuilt: same columns in the same order, ids and their default kept.
    """CREATE TABLE activities_v6 (
        activity_id BIGINT NOT NULL DEFAULT nextval('seq_activity'),
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
        batch_id INTEGER)""",
    "INSERT INTO activities_v6 SELECT * FROM activities ORDER BY activity_id",
    "DROP TABLE activities",
    "ALTER TABLE activities_v6 RENAME TO activities",
)

_V7_GUIDANCE = (
    # The problem tracker (困难问题台账, issue 10). A problem belongs to one pairing, or to a county or a province
    # when it spans several (`scope`); `scope_key` ('pairing:12', 'county:620102', 'province:620000') with the
    # raised day and the normalised title is its natural key (docs/contracts.md, "Problem file"). `version` grows
    # with every save: a save based on an older version is refused, never a silent overwrite.
    "CREATE SEQUENCE seq_problem START 1",
    """CREATE TABLE problems (
        problem_id INTEGER PRIMARY KEY DEFAULT nextval('seq_problem'),
        scope VARCHAR NOT NULL CHECK (scope IN ('pairing', 'county', 'province')),
        pairing_id INTEGER,
        county_adcode VARCHAR,
        province_code VARCHAR,
        scope_key VARCHAR NOT NULL,
        raised_by VARCHAR NOT NULL CHECK (raised_by IN ('university', 'school', 'county', 'province')),
        raised_on DATE NOT NULL,
        category VARCHAR NOT NULL
            CHECK (category IN ('teachers', 'funding', 'intake', 'management', 'facilities', 'policy', 'other')),
        title VARCHAR NOT NULL,
        title_key VARCHAR NOT NULL,
        description VARCHAR,
        owner_level VARCHAR NOT NULL CHECK (owner_level IN ('university', 'county', 'province', 'ministry')),
        status VARCHAR NOT NULL DEFAULT 'open'
            CHECK (status IN ('open', 'in_progress', 'constrained', 'resolved', 'discontinued')),
        due_date DATE,
        resolution VARCHAR,
        resolved_on DATE,
        version INTEGER NOT NULL DEFAULT 1,
        provenance VARCHAR NOT NULL CHECK (provenance IN ('demo', 'imported', 'entered')),
        batch_id INTEGER,
        created_by VARCHAR,
        created_at TIMESTAMP NOT NULL,
        updated_by VARCHAR,
        updated_at TIMESTAMP NOT NULL,
        CHECK (due_date IS NULL OR due_date >= raised_on),
        CHECK ((scope = 'pairing' AND pairing_id IS NOT NULL AND county_adcode IS NULL AND province_code IS NULL)
            OR (scope = 'county' AND county_adcode IS NOT NULL AND pairing_id IS NULL AND province_code IS NULL)
            OR (scope = 'province' AND province_code IS NOT NULL AND pairing_id IS NULL AND county_adcode IS NULL)),
        CHECK (status NOT IN ('resolved', 'discontinued') OR (resolution IS NOT NULL AND resolved_on IS NOT NULL)),
        UNIQUE (scope_key, raised_on, title_key))""",
    # Every status change of a problem (and its creation): who, when, from, to, with a comment. Append-only.
    "CREATE SEQUENCE seq_problem_event START 1",
    """CREATE TABLE problem_history (
        event_id BIGINT PRIMARY KEY DEFAULT nextval('seq_problem_event'),
        problem_id INTEGER NOT NULL,
        occurred_at TIMESTAMP NOT NULL,
        username VARCHAR NOT NULL,
        from_status VARCHAR,
        to_status VARCHAR NOT NULL,
        comment VARCHAR,
        version INTEGER NOT NULL,
        batch_id INTEGER)""",
    # The good-practice library (典型经验): a case of one or more pairings, the measures it used, the problem
    # categories it addresses, its texts, tags and evidence (the pairings' own activities); draft → recommended by
    # the province → selected by the ministry, or returned.
    "CREATE SEQUENCE seq_case START 1",
    """CREATE TABLE cases (
        case_id INTEGER PRIMARY KEY DEFAULT nextval('seq_case'),
        title VARCHAR NOT NULL,
        measures VARCHAR[] NOT NULL,
        categories VARCHAR[] NOT NULL,
        tags VARCHAR[] NOT NULL,
        before_text VARCHAR,
        action_text VARCHAR,
        after_text VARCHAR,
        status VARCHAR NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'recommended', 'selected', 'returned')),
        version INTEGER NOT NULL DEFAULT 1,
        provenance VARCHAR NOT NULL CHECK (provenance IN ('demo', 'entered')),
        created_by VARCHAR,
        created_at TIMESTAMP NOT NULL,
        updated_by VARCHAR,
        updated_at TIMESTAMP NOT NULL)""",
    "CREATE TABLE case_pairings (case_id INTEGER NOT NULL, pairing_id INTEGER NOT NULL, "
    "PRIMARY KEY (case_id, pairing_id))",
    "CREATE TABLE case_evidence (case_id INTEGER NOT NULL, activity_id BIGINT NOT NULL, "
    "PRIMARY KEY (case_id, activity_id))",
    "CREATE SEQUENCE seq_case_event START 1",
    """CREATE TABLE case_history (
        event_id BIGINT PRIMARY KEY DEFAULT nextval('seq_case_event'),
        case_id INTEGER NOT NULL,
        occurred_at TIMESTAMP NOT NULL,
        username VARCHAR NOT NULL,
        from_status VARCHAR,
        to_status VARCHAR NOT NULL,
        comment VARCHAR)""",
    # A problem file's batch logs its changes for undo like a registry or plan batch: the change log's entity
    # CHECK gains 'problem' (DuckDB cannot alter a CHECK: the table is rebuilt, its rows kept).
    "CREATE TABLE registry_changes_v7 AS SELECT * FROM registry_changes",
    "DROP TABLE registry_changes",
    """CREATE TABLE registry_changes (
        batch_id INTEGER NOT NULL,
        entity VARCHAR NOT NULL
            CHECK (entity IN ('pairing', 'school', 'school_alias', 'party', 'plan_target', 'problem')),
        key VARCHAR NOT NULL,
        action VARCHAR NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
        before JSON,
        after JSON)""",
    "INSERT INTO registry_changes SELECT * FROM registry_changes_v7",
    "DROP TABLE registry_changes_v7",
)

_V8_OUTCOMES = (
    # Outcome indicators per school and school year (办学成效指标, issue 11; docs/contracts.md, "Outcome file"): one
    # row per (school, school year), wide as schools keep them; an empty figure is NULL (missing), never zero.
    """CREATE TABLE outcomes (
        school_id INTEGER NOT NULL,
        school_year INTEGER NOT NULL CHECK (school_year >= 2021),
        students INTEGER CHECK (students >= 0),
        classes INTEGER CHECK (classes >= 0),
        large_classes INTEGER CHECK (large_classes >= 0),
        teachers INTEGER CHECK (teachers >= 0),
        teachers_masters INTEGER CHECK (teachers_masters >= 0),
        teachers_senior INTEGER CHECK (teachers_senior >= 0),
        teachers_left INTEGER CHECK (teachers_left >= 0),
        top_intake_local_pct DOUBLE CHECK (top_intake_local_pct BETWEEN 0 AND 100),
        undergrad_rate_pct DOUBLE CHECK (undergrad_rate_pct BETWEEN 0 AND 100),
        special_line_students INTEGER CHECK (special_line_students >= 0),
        notes VARCHAR,
        provenance VARCHAR NOT NULL CHECK (provenance IN ('demo', 'imported')),
        batch_id INTEGER,
        PRIMARY KEY (school_id, school_year),
        CHECK (large_classes IS NULL OR classes IS NULL OR large_classes <= classes),
        CHECK (teachers_masters IS NULL OR teachers IS NULL OR teachers_masters <= teachers),
        CHECK (teachers_senior IS NULL OR teachers IS NULL OR teachers_senior <= teachers))""",
    # The rows an outcome batch replaced (a school's demo outcomes, or an earlier version of a row it changed), and
    # the demo outcomes of schools a registry batch archived: undo puts them back (archived_by = the batch).
    """CREATE TABLE archived_outcomes (
        school_id INTEGER NOT NULL, school_year INTEGER NOT NULL, students INTEGER, classes INTEGER,
        large_classes INTEGER, teachers INTEGER, teachers_masters INTEGER, teachers_senior INTEGER,
        teachers_left INTEGER, top_intake_local_pct DOUBLE, undergrad_rate_pct DOUBLE, special_line_students INTEGER,
        notes VARCHAR, provenance VARCHAR NOT NULL, batch_id INTEGER, archived_by INTEGER NOT NULL)""",
    # An outcome batch logs its rows for undo like a plan batch: the change log's entity CHECK gains 'outcome'
    # (rebuilt as in migration 7, its rows kept).
    "CREATE TABLE registry_changes_v8 AS SELECT * FROM registry_changes",
    "DROP TABLE registry_changes",
    """CREATE TABLE registry_changes (
        batch_id INTEGER NOT NULL,
        entity VARCHAR NOT NULL CHECK (entity IN ('pairing', 'school', 'school_alias', 'party', 'plan_target',
                                                  'problem', 'outcome')),
        key VARCHAR NOT NULL,
        action VARCHAR NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
        before JSON,
        after JSON)""",
    "INSERT INTO registry_changes SELECT * FROM registry_changes_v8",
    "DROP TABLE registry_changes_v8",
)

_V9_CASE_OUTCOMES = (
    # The outcome figures a good-practice case cites as evidence beside its activities (issue 10: "optionally the
    # outcome figures it cites"): one figure of one of its pairings' schools, by school, school year and indicator
    # (the outcome file's English column name). A figure removed since (an undone outcome batch) is no longer shown.
    """CREATE TABLE case_outcomes (
        case_id INTEGER NOT NULL,
        school_id INTEGER NOT NULL,
        school_year INTEGER NOT NULL,
        indicator VARCHAR NOT NULL,
        PRIMARY KEY (case_id, school_id, school_year, indicator))""",
)

_V10_ACTIVITY_SUMMARIES = (
    # The activity log's summaries (issue 14: pages at national scale), kept in step with it by every transaction
    # (store.summaries, called by store.transaction before COMMIT; filled by this migration's own commit).
    """CREATE TABLE activity_cells (
        pairing_id INTEGER NOT NULL,
        month DATE NOT NULL,
        measure VARCHAR NOT NULL,
        activities BIGINT NOT NULL,
        demo BIGINT NOT NULL,
        teachers BIGINT NOT NULL,
        students BIGINT NOT NULL,
        hours DOUBLE NOT NULL,
        last_date DATE NOT NULL)""",
    """CREATE TABLE pairing_activity (
        pairing_id INTEGER NOT NULL,
        activities BIGINT NOT NULL,
        fingerprint HUGEINT NOT NULL,
        first_date DATE NOT NULL,
        last_date DATE NOT NULL)""",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core registry and activity tables", _V1_CORE),
    Migration(2, "upload quarantine and batch details", _V2_QUARANTINE),
    Migration(3, "registry tiers, agreement cycles, plan batches, change log and demo archive", _V3_REGISTRY),
    Migration(4, "pinyin sort keys of names", _V4_SORT_KEYS),
    Migration(5, "accounts, sign-in sessions and the audit trail", _V5_ACCESS),
    Migration(6, "activities without indexes: the natural key is guarded by every writer", _V6_ACTIVITIES_UNINDEXED),
    Migration(7, "problem tracker, good-practice library, problem batches in the change log", _V7_GUIDANCE),
    Migration(8, "outcome indicators per school and school year, their archive and change log", _V8_OUTCOMES),
    Migration(9, "the outcome figures a good-practice case cites", _V9_CASE_OUTCOMES),
    Migration(10, "activity summaries by pairing, month and measure, and by pairing", _V10_ACTIVITY_SUMMARIES),
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
    # Exactly the columns issue 10 lists (docs/contracts.md, "Stable views"). `overdue` as of today: not resolved or
    # discontinued, and past its due date or raised more than 60 days ago (analytics.problems.OVERDUE_DAYS, the rule
    # the pages apply with their own `today`; the pages read the tables, not this view).
    """CREATE OR REPLACE VIEW problem_overview AS
    SELECT p.problem_id, p.pairing_id, po.university, po.school,
           coalesce(po.province_code, c.province_code, p.province_code) AS province_code, p.scope, p.raised_by,
           p.raised_on, p.category, p.title, p.owner_level, p.status, p.due_date, p.resolved_on,
           (p.status NOT IN ('resolved', 'discontinued')
            AND (coalesce(p.due_date < current_date, false) OR current_date - p.raised_on > 60)) AS overdue,
           p.provenance
    FROM problems p
    LEFT JOIN pairing_overview po ON po.pairing_id = p.pairing_id
    LEFT JOIN counties c ON c.adcode = p.county_adcode""",
    # Exactly the columns issue 10 lists: one row per case and pairing (a case of two pairings has two rows).
    """CREATE OR REPLACE VIEW case_overview AS
    SELECT c.case_id, c.title, po.university, po.school, po.province_code, c.measures, c.tags, c.status,
           c.updated_at, c.provenance
    FROM cases c
    LEFT JOIN case_pairings cp ON cp.case_id = c.case_id
    LEFT JOIN pairing_overview po ON po.pairing_id = cp.pairing_id""",
    # Long form: one row per school, school year and indicator with a value (a missing figure has no row).
    """CREATE OR REPLACE VIEW outcome_overview AS
    SELECT u.school_id, s.name_zh AS school, s.county_adcode, c.province_code, u.school_year, u.indicator, u.value,
           u.provenance, u.batch_id
    FROM (UNPIVOT (
        SELECT school_id, school_year, provenance, batch_id, CAST(students AS DOUBLE) AS students,
               CAST(classes AS DOUBLE) AS classes, CAST(large_classes AS DOUBLE) AS large_classes,
               CAST(teachers AS DOUBLE) AS teachers, CAST(teachers_masters AS DOUBLE) AS teachers_masters,
               CAST(teachers_senior AS DOUBLE) AS teachers_senior, CAST(teachers_left AS DOUBLE) AS teachers_left,
               top_intake_local_pct, undergrad_rate_pct, CAST(special_line_students AS DOUBLE) AS special_line_students
        FROM outcomes)
        ON students, classes, large_classes, teachers, teachers_masters, teachers_senior, teachers_left,
           top_intake_local_pct, undergrad_rate_pct, special_line_students
        INTO NAME indicator VALUE value) u
    JOIN schools s ON s.school_id = u.school_id
    LEFT JOIN counties c ON c.adcode = s.county_adcode""",
)


def title_key_sql(column: str) -> str:
    """SQL for the normalised title in the natural key: trimmed, inner whitespace collapsed, lower case.

    Text is NFKC-folded in Python before it reaches the database, so full-width forms are already gone.
    `column` is always a column name written in code, never user input.
    """
    return f"lower(regexp_replace(trim({column}), '\\s+', ' ', 'g'))"


def new_natural_key(alias: str) -> str:
    """SQL that holds for a row `alias` (pairing_id, date, measure, title_key) whose natural key no stored activity
    has yet. `activities` has no unique index (migration 6): every writer adds rows only where this holds, and
    keeps one row per key of what it adds, inside a transaction under the write lock."""
    return (
        f"NOT EXISTS (SELECT 1 FROM activities k WHERE k.pairing_id = {alias}.pairing_id AND k.date = {alias}.date "
        f"AND k.measure = {alias}.measure AND k.title_key = {alias}.title_key)"
    )


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version recorded in the file; 0 for a file with no schema yet."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def pending_migrations(con: duckdb.DuckDBPyConnection, target: int = SCHEMA_VERSION) -> list[int]:
    """The versions up to `target` that the file has not recorded yet. A migration is pending by its own number,
    not by the highest one applied: a version numbered below one already applied (reserved and landed later)
    still runs."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()[0]
    done = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()} if exists else set()
    return [m.version for m in MIGRATIONS if m.version <= target and m.version not in done]


def migrate(con: duckdb.DuckDBPyConnection, target: int = SCHEMA_VERSION) -> list[int]:
    """Apply pending migrations up to `target` (`pending_migrations`), in order, each in its own transaction;
    return those applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    pending = set(pending_migrations(con, target))
    applied = []
    for migration in MIGRATIONS:
        if migration.version not in pending:
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
        with transaction(con) as cur:  # and its commit mends summaries a write by other means left behind
            fill_sort_keys(cur)
    return applied
