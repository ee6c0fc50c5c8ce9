"""Problem file import (困难问题台账 as a province collects it in Excel), in short named steps, through the same
pipeline as the registry and plan files (registry.common.FileImport: dry run, one transaction, one batch of kind
'problems' that registry.undo reverses).

1. read, decode and stage the cells (registry.common), the problem file's header found (ingest.fields.PROBLEMS);
2. resolve, over distinct values: the place (a supporter with its school or county → that pairing, exactly as the
   plan file resolves it; a county alone → that county; a province alone → that province), the codes of the
   category, who raised it, the level that must act and the status (Chinese or English words, analytics.problems);
3. classify each row: new, changed (before → after), unchanged or rejected with its line and reason: unknown
   pairing, county or province, unknown category, status or level, a blank title, a due date before the raised
   day, a raised day that is no date or lies in the future, resolved or discontinued without a resolution text,
   a row outside the importer's scope (outside_scope, as the plan import), a second row of the same problem;
4. report; 5. commit: new problems inserted (provenance 'imported', with their first history row), changed ones
   updated with their version raised and a history row for a status change, each change logged for undo.

A problem is identified by (pairing, county or province; raised day; normalised title) (docs/contracts.md,
"Problem file"). A column absent from the file, or an empty optional cell (description, status, due date,
resolution), leaves that field of an existing problem as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from assistance.access.accounts import CLI, Account
from assistance.access.scope import SCOPED_PAIRING_IDS, Scope, scope_of
from assistance.analytics.problems import CLOSED
from assistance.guidance.problems import EARLIEST, MAX_TEXT, MAX_TITLE, actor_name
from assistance.ingest.fields import PROBLEMS
from assistance.registry import places
from assistance.registry.common import (
    FileImport,
    ImportReport,
    Staged,
    collect_errors,
    date_sql,
    message_table,
    without_nan,
)
from assistance.registry.plans import _keys as pairing_keys  # the plan file's pairing resolution, shared
from assistance.registry.plans import _pairings as resolve_pairings
from assistance.registry.resolve import key_table
from assistance.store.db import title_key_sql

ERROR_CODES = {
    "supporter": ("required", "supporter_unknown", "outside_scope"),
    "tier": ("tier_invalid",),
    "place": ("place_missing",),
    "school": ("pairing_unknown", "pairing_ambiguous"),
    "county": ("pairing_unknown", "pairing_ambiguous", "county_unknown", "county_ambiguous", "outside_scope"),
    "province": ("province_unknown", "outside_scope"),
    "raised_on": ("required", "date_invalid", "date_range"),
    "raised_by": ("required", "raised_by_unknown"),
    "category": ("required", "category_unknown"),
    "title": ("required", "too_long", "duplicate_in_file"),
    "description": ("too_long",),
    "owner_level": ("required", "owner_unknown"),
    "status": ("status_unknown",),
    "due_date": ("date_invalid", "due_before_raised"),
    "resolution": ("resolution_required", "too_long"),
}

# The words a cell may hold for each code (compared folded: NFKC, no spaces, case, _ and - ignored).
WORDS = {
    "category": {
        "teachers": ("师资", "教师", "师资队伍", "teachers", "teacher", "staffing"),
        "funding": ("经费", "资金", "经费保障", "funding", "funds", "money"),
        "intake": ("生源", "招生", "生源流失", "intake", "student intake", "students"),
        "management": ("管理", "学校管理", "内部管理", "management", "school management"),
        "facilities": ("条件保障", "条件", "办学条件", "住房", "设施", "facilities", "facilities and housing",
                       "housing"),
        "policy": ("政策协调", "政策", "协调", "policy", "policy coordination"),
        "other": ("其他", "其它", "other"),
    },
    "raised_by": {
        "university": ("高校", "大学", "帮扶高校", "帮扶单位", "university"),
        "school": ("学校", "受援学校", "中学", "县中", "school"),
        "county": ("县政府", "县", "县级", "县级政府", "县教育局", "县教体局", "county", "county government"),
        "province": ("省级", "省", "省教育厅", "省厅", "省级教育行政部门", "省级教育部门", "province", "provincial"),
    },
    "owner_level": {
        "university": ("高校", "大学", "帮扶高校", "university"),
        "county": ("县政府", "县", "县级", "县级政府", "县教育局", "county", "county government"),
        "province": ("省级", "省", "省教育厅", "省厅", "省级教育行政部门", "province", "provincial"),
        "ministry": ("教育部", "部", "部级", "ministry", "moe", "ministry of education"),
    },
    "status": {
        "open": ("待处理", "未处理", "待办", "新提出", "open", "new"),
        "in_progress": ("处理中", "办理中", "进行中", "推进中", "in progress", "in_progress", "ongoing"),
        "constrained": ("受阻", "阻滞", "推进受阻", "constrained", "blocked"),
        "resolved": ("已解决", "解决", "已办结", "办结", "resolved", "done", "solved"),
        "discontinued": ("不再跟进", "终止", "已终止", "停止跟进", "discontinued", "dropped"),
    },
}  # fmt: skip


def word_key(text: object) -> str:
    return places.fold(text).replace("_", "").replace("-", "")


_LOOKUPS = {
    kind: {word_key(word): code for code, words in table.items() for word in (code, *words)}
    for kind, table in WORDS.items()
}


def code_of(kind: str) -> Callable[[str], str | None]:
    """The function that reads a cell of `kind` (category, raised_by, owner_level, status) as its code."""
    lookup = _LOOKUPS[kind]
    return lambda text: lookup.get(word_key(text))


class ProblemsImport(FileImport):
    """One problem file's import: `validate()` is the dry run, `run()` commits in one transaction (see
    registry.common.FileImport for the arguments); `today` bounds the raised days (default: today)."""

    kind = PROBLEMS
    final = "prob_final"

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source: bytes | str | Path,
        file_name: str | None = None,
        *,
        today: date | None = None,
        actor: Account | None = CLI,
        **options,
    ):
        super().__init__(con, source, file_name, actor=actor, **options)
        self.today = today or date.today()

    def classify(self, cur: duckdb.DuckDBPyConnection, staged: Staged) -> None:
        classify(cur, staged, scope_of(None if self.actor is CLI else self.actor), self.today)

    def describe(self, cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        describe(cur, report)

    def apply(self, cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        apply(cur, report.batch_id, actor_name(self.actor), self.today)


# ---------------------------------------------------------------------------------------------------------
# Resolve and classify


def classify(cur: duckdb.DuckDBPyConnection, staged: Staged, scope: Scope, today: date) -> None:
    """prob_final(line, status, …) and its errors in reg_errors."""
    pairing_keys(cur)  # plan_k: every row's supporter, school, county and tier keys
    resolve_pairings(cur)  # plan_d_pairing, reg_counties
    _codes(cur)
    _counties(cur)
    _rows(cur, today)
    _scope(cur, scope)
    _final(cur)
    _problems(cur)
    collect_errors(cur, message_table("problems.err", ERROR_CODES, PROBLEMS, staged.columns))


def _province_lookup(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    lookup: dict[str, str] = {}
    rows = cur.execute("SELECT code, name_zh, short_zh, name_en FROM provinces WHERE in_programme ORDER BY code")
    for code, name_zh, short_zh, name_en in rows.fetchall():
        for key in places.province_keys(code, name_zh, short_zh, name_en):
            lookup.setdefault(key, code)
    return lookup


def _codes(cur: duckdb.DuckDBPyConnection) -> None:
    """prob_keys(field, value, k1): the code of every distinct province, category, raised-by, owner-level and
    status cell (NULL: not one)."""
    provinces = _province_lookup(cur)

    def province(text: str) -> str | None:
        return provinces.get(places.fold(text)) or provinces.get(places.province_short(text))

    key_table(
        cur, "prob_keys",
        "SELECT province, category, raised_by, owner_level, status FROM reg_cells",
        {
            "province": {"code": province},
            **{kind: {"code": code_of(kind)} for kind in ("category", "raised_by", "owner_level", "status")},
        },
    )  # fmt: skip


def _counties(cur: duckdb.DuckDBPyConnection) -> None:
    """prob_d_county(full_key, short_key, code_key, p_code → adcode, err, cz, ce): a county named without a
    supporter (a county-wide problem), by adcode, full name or short name, narrowed by the province."""
    cur.execute(
        """CREATE TEMP TABLE prob_d_county AS
        WITH d AS (
            SELECT DISTINCT k.full_key, k.short_key, k.code_key, kp.k1 AS p_code
            FROM plan_k k JOIN reg_cells c USING (line)
            LEFT JOIN prob_keys kp ON kp.field = 'province' AND kp.value = c.province
            WHERE k.skey IS NULL AND k.full_key IS NOT NULL),
        hit AS (
            SELECT d.*, r.adcode, r.label_zh, r.label_en,
                CASE WHEN r.adcode = d.code_key THEN 3 WHEN r.full_key = d.full_key THEN 2 ELSE 1 END AS level
            FROM d JOIN reg_counties r
              ON (r.adcode = d.code_key OR r.full_key = d.full_key OR r.short_key = d.short_key)
             AND (d.p_code IS NULL OR r.province_code = d.p_code
                  OR (d.p_code = '650000' AND r.province_code = '660000'))),
        best AS (
            SELECT *, max(level) OVER (PARTITION BY full_key, short_key, code_key, p_code) AS top FROM hit)
        SELECT d.full_key, d.short_key, d.code_key, d.p_code,
            CASE WHEN count(b.adcode) = 1 THEN min(b.adcode) END AS adcode,
            CASE WHEN count(b.adcode) = 0 THEN 'county_unknown' WHEN count(b.adcode) > 1 THEN 'county_ambiguous'
            END AS err,
            list_sort(list(b.label_zh) FILTER (WHERE b.adcode IS NOT NULL)) AS cz,
            list_sort(list(b.label_en) FILTER (WHERE b.adcode IS NOT NULL)) AS ce
        FROM d LEFT JOIN best b ON b.full_key IS NOT DISTINCT FROM d.full_key
            AND b.short_key IS NOT DISTINCT FROM d.short_key AND b.code_key IS NOT DISTINCT FROM d.code_key
            AND b.p_code IS NOT DISTINCT FROM d.p_code AND b.level = b.top
        GROUP BY ALL"""
    )


def _rows(cur: duckdb.DuckDBPyConnection, today: date) -> None:
    """prob_rows: every row with its place (scope, pairing, county or province), codes, dates, texts and the errors
    of its own cells."""
    cur.execute(
        f"""CREATE TEMP TABLE prob_rows AS
        SELECT *,
            CASE WHEN skey IS NULL AND school_fold IS NOT NULL THEN 'required'
                 WHEN place_err = 'supporter_unknown' THEN place_err END AS supporter_err,
            CASE WHEN tier_bad AND skey IS NOT NULL THEN 'tier_invalid' END AS tier_err,
            CASE WHEN scope IS NULL AND school_fold IS NULL THEN 'place_missing' END AS area_err,
            CASE WHEN scope = 'pairing' AND place_err IN ('place_missing', 'pairing_unknown', 'pairing_ambiguous')
                 THEN place_err END AS pairing_err,
            CASE WHEN scope = 'county' THEN county_err0 END AS county_err,
            CASE WHEN scope IN ('county', 'province') AND province_text IS NOT NULL AND province_code IS NULL
                 THEN 'province_unknown' END AS province_err,
            CASE WHEN raised_text IS NULL THEN 'required' WHEN raised_on IS NULL THEN 'date_invalid'
                 WHEN raised_on > CAST($today AS DATE) OR raised_on < CAST($earliest AS DATE) THEN 'date_range'
                 END AS raised_on_err,
            CASE WHEN raised_by_text IS NULL THEN 'required' WHEN raised_by IS NULL THEN 'raised_by_unknown' END
                AS raised_by_err,
            CASE WHEN category_text IS NULL THEN 'required' WHEN category IS NULL THEN 'category_unknown' END
                AS category_err,
            CASE WHEN title IS NULL THEN 'required' WHEN length(title) > {MAX_TITLE} THEN 'too_long' END AS title_err,
            CASE WHEN length(description) > {MAX_TEXT} THEN 'too_long' END AS description_err,
            CASE WHEN owner_text IS NULL THEN 'required' WHEN owner_level IS NULL THEN 'owner_unknown' END
                AS owner_err,
            CASE WHEN status_text IS NOT NULL AND pstatus IS NULL THEN 'status_unknown' END AS status_err,
            CASE WHEN due_text IS NOT NULL AND due_date IS NULL THEN 'date_invalid'
                 WHEN due_date < raised_on THEN 'due_before_raised' END AS due_err,
            CASE WHEN length(resolution) > {MAX_TEXT} THEN 'too_long' END AS resolution_len_err
        FROM (
            SELECT k.line, k.skey, k.school_fold, k.tier_bad, d.pairing_id, d.err AS place_err, d.cz, d.ce,
                CASE WHEN k.skey IS NOT NULL THEN 'pairing'
                     WHEN k.school_fold IS NOT NULL THEN NULL
                     WHEN k.full_key IS NOT NULL THEN 'county'
                     WHEN c.province IS NOT NULL THEN 'province' END AS scope,
                co.adcode AS county_adcode, co.err AS county_err0, co.cz AS county_cz, co.ce AS county_ce,
                c.province AS province_text, kp.k1 AS province_code,
                c.raised_on AS raised_text, {date_sql("c.raised_on")} AS raised_on,
                c.raised_by AS raised_by_text, kr.k1 AS raised_by,
                c.category AS category_text, kc.k1 AS category,
                c.title_raw AS title, c.title AS title_folded, c.description_raw AS description,
                c.owner_level AS owner_text, ko.k1 AS owner_level,
                c.status AS status_text, ks.k1 AS pstatus,
                c.due_date AS due_text, {date_sql("c.due_date")} AS due_date,
                c.resolution_raw AS resolution
            FROM plan_k k JOIN reg_cells c USING (line)
            LEFT JOIN plan_d_pairing d ON d.skey IS NOT DISTINCT FROM k.skey
                AND d.school_fold IS NOT DISTINCT FROM k.school_fold AND d.full_key IS NOT DISTINCT FROM k.full_key
                AND d.tier_code IS NOT DISTINCT FROM k.tier_code
            LEFT JOIN prob_keys kp ON kp.field = 'province' AND kp.value = c.province
            LEFT JOIN prob_d_county co ON k.skey IS NULL AND co.full_key IS NOT DISTINCT FROM k.full_key
                AND co.short_key IS NOT DISTINCT FROM k.short_key AND co.code_key IS NOT DISTINCT FROM k.code_key
                AND co.p_code IS NOT DISTINCT FROM kp.k1
            LEFT JOIN prob_keys kr ON kr.field = 'raised_by' AND kr.value = c.raised_by
            LEFT JOIN prob_keys kc ON kc.field = 'category' AND kc.value = c.category
            LEFT JOIN prob_keys ko ON ko.field = 'owner_level' AND ko.value = c.owner_level
            LEFT JOIN prob_keys ks ON ks.field = 'status' AND ks.value = c.status)""",
        {"today": today, "earliest": EARLIEST},
    )


def _scope(cur: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """prob_scoped: each row's place inside the importer's scope, or `outside` (a pairing outside it; a county or a
    province for any account but the ministry's and that province's)."""
    cur.execute(
        f"""CREATE TEMP TABLE prob_scoped AS
        SELECT r.*, CASE
            WHEN r.scope = 'pairing' THEN r.pairing_id IS NOT NULL AND r.pairing_id NOT IN ({SCOPED_PAIRING_IDS})
            WHEN r.scope IN ('county', 'province') THEN CAST($scope_university AS VARCHAR) IS NOT NULL
                OR CAST($scope_school AS INTEGER) IS NOT NULL
                OR (CAST($scope_province AS VARCHAR) IS NOT NULL AND r.area IS NOT NULL
                    AND r.area <> CAST($scope_province AS VARCHAR))
            ELSE false END AS outside
        FROM (SELECT p.*, CASE WHEN p.scope = 'province' THEN p.province_code
                               WHEN p.scope = 'county' THEN co.province_code END AS area
              FROM prob_rows p LEFT JOIN counties co ON co.adcode = p.county_adcode) r""",
        scope.params(),
    )


def _final(cur: duckdb.DuckDBPyConnection) -> None:
    """prob_final: each valid row's natural key, the stored problem it names, a second row of the same problem in
    the file, the values a commit writes, the resolution rule on them, and each row's status."""
    cur.execute(
        f"""CREATE TEMP TABLE prob_final AS
        WITH keyed AS (
            SELECT s.*,
                CASE s.scope WHEN 'pairing' THEN 'pairing:' || CAST(s.pairing_id AS VARCHAR)
                     WHEN 'county' THEN 'county:' || s.county_adcode
                     WHEN 'province' THEN 'province:' || s.province_code END AS scope_key,
                {title_key_sql("s.title_folded")} AS title_key,
                coalesce(s.supporter_err, s.tier_err, s.area_err, s.pairing_err, s.county_err, s.province_err,
                         CASE WHEN s.outside THEN 'outside_scope' END, s.raised_on_err, s.raised_by_err,
                         s.category_err, s.title_err, s.description_err, s.owner_err, s.status_err, s.due_err,
                         s.resolution_len_err) AS any_err
            FROM prob_scoped s),
        matched AS (
            SELECT k.*, p.problem_id AS old_id, p.category AS old_category, p.raised_by AS old_raised_by,
                p.description AS old_description, p.owner_level AS old_owner_level, p.status AS old_status,
                p.due_date AS old_due_date, p.resolution AS old_resolution, p.resolved_on AS old_resolved_on,
                p.version AS old_version, p.provenance AS old_provenance,
                coalesce(k.pstatus, p.status, 'open') AS final_status,
                coalesce(k.resolution, p.resolution) AS final_resolution
            FROM keyed k LEFT JOIN problems p ON k.any_err IS NULL AND p.scope_key = k.scope_key
                AND p.raised_on = k.raised_on AND p.title_key = k.title_key),
        judged AS (
            SELECT *, CASE WHEN any_err IS NULL AND final_status IN ('resolved', 'discontinued')
                           AND final_resolution IS NULL THEN 'resolution_required' END AS resolution_err
            FROM matched),
        deduped AS (
            SELECT *, min(line) OVER (PARTITION BY scope_key, raised_on, title_key) AS first_line
            FROM judged WHERE any_err IS NULL AND resolution_err IS NULL
            UNION ALL
            SELECT *, NULL FROM judged WHERE any_err IS NOT NULL OR resolution_err IS NOT NULL)
        SELECT *, CASE WHEN first_line <> line THEN 'duplicate_in_file' END AS dup_err,
            CASE WHEN any_err IS NOT NULL OR resolution_err IS NOT NULL OR first_line <> line THEN 'rejected'
                 WHEN old_id IS NULL THEN 'new'
                 WHEN category <> old_category OR raised_by <> old_raised_by OR owner_level <> old_owner_level
                      OR (description IS NOT NULL AND description IS DISTINCT FROM old_description)
                      OR (pstatus IS NOT NULL AND pstatus <> old_status)
                      OR (due_date IS NOT NULL AND due_date IS DISTINCT FROM old_due_date)
                      OR (resolution IS NOT NULL AND resolution IS DISTINCT FROM old_resolution) THEN 'changed'
                 ELSE 'unchanged' END AS status
        FROM deduped"""
    )


def _problems(cur: duckdb.DuckDBPyConnection) -> None:
    """reg_problems: one row per error of a rejected line, with the value the user wrote."""
    cur.execute(
        """CREATE TEMP TABLE reg_problems AS
        SELECT f.line, e.field, e.code, e.cz, e.ce, CASE e.field
            WHEN 'supporter' THEN c.supporter_raw WHEN 'tier' THEN c.tier_raw
            WHEN 'school' THEN c.school_raw WHEN 'county' THEN c.county_raw WHEN 'province' THEN c.province_raw
            WHEN 'place' THEN concat_ws(' / ', c.supporter_raw, c.school_raw, c.county_raw, c.province_raw)
            WHEN 'raised_on' THEN c.raised_on_raw WHEN 'raised_by' THEN c.raised_by_raw
            WHEN 'category' THEN c.category_raw WHEN 'title' THEN left(c.title_raw, 80)
            WHEN 'description' THEN left(c.description_raw, 80) WHEN 'owner_level' THEN c.owner_level_raw
            WHEN 'status' THEN c.status_raw WHEN 'due_date' THEN c.due_date_raw
            WHEN 'resolution' THEN left(c.resolution_raw, 80) END AS value
        FROM prob_final f JOIN reg_cells c USING (line), LATERAL (
            SELECT * FROM (VALUES
                ('supporter', f.supporter_err, NULL, NULL),
                ('tier', f.tier_err, NULL, NULL),
                ('place', f.area_err, NULL, NULL),
                (CASE WHEN f.pairing_err = 'place_missing' THEN 'place'
                      WHEN f.school_fold IS NOT NULL THEN 'school' ELSE 'county' END, f.pairing_err, f.cz, f.ce),
                ('county', f.county_err, f.county_cz, f.county_ce),
                ('province', f.province_err, NULL, NULL),
                (CASE WHEN f.scope = 'pairing' THEN 'supporter' WHEN f.scope = 'county' THEN 'county'
                      ELSE 'province' END, CASE WHEN f.outside THEN 'outside_scope' END, NULL, NULL),
                ('raised_on', f.raised_on_err, NULL, NULL),
                ('raised_by', f.raised_by_err, NULL, NULL),
                ('category', f.category_err, NULL, NULL),
                ('title', f.title_err, NULL, NULL),
                ('title', f.dup_err, [CAST(f.first_line AS VARCHAR)], [CAST(f.first_line AS VARCHAR)]),
                ('description', f.description_err, NULL, NULL),
                ('owner_level', f.owner_err, NULL, NULL),
                ('status', f.status_err, NULL, NULL),
                ('due_date', f.due_err, NULL, NULL),
                ('resolution', f.resolution_err, NULL, NULL),
                ('resolution', f.resolution_len_err, NULL, NULL)
            ) AS v(field, code, cz, ce) WHERE code IS NOT NULL) e
        WHERE f.status = 'rejected'"""
    )


# ---------------------------------------------------------------------------------------------------------
# Report and commit

_COMPARED = (
    ("category", "old_category", "category"),
    ("raised_by", "old_raised_by", "raised_by"),
    ("owner_level", "old_owner_level", "owner_level"),
    ("description", "old_description", "description"),
    ("status", "old_status", "pstatus"),
    ("due_date", "old_due_date", "CAST(due_date AS VARCHAR)"),
    ("resolution", "old_resolution", "resolution"),
)


def _changes_sql(fields: Iterable[tuple[str, str, str]]) -> str:
    parts = [
        f"SELECT line, '{name}' AS field, CAST({old} AS VARCHAR) AS before, CAST({new} AS VARCHAR) AS after "
        f"FROM prob_final WHERE status = 'changed' AND {new} IS NOT NULL AND CAST({new} AS VARCHAR) IS DISTINCT FROM "
        f"CAST({old} AS VARCHAR)"
        for name, old, new in fields
    ]
    return " UNION ALL ".join(parts)


def describe(cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Beyond the counts and errors: the changes (field, before → after; codes as codes) and each line's status
    with its place and title."""
    report.changes = without_nan(cur.execute(f"SELECT * FROM ({_changes_sql(_COMPARED)}) ORDER BY line, field").df())
    report.statuses = cur.execute(
        """SELECT f.line, f.status,
            coalesce(concat_ws(' · ', c.supporter_raw, c.school_raw), c.county_raw, c.province_raw, '') AS supporter,
            coalesce(f.title, '') AS school, f.old_id AS problem_id
        FROM prob_final f JOIN reg_cells c USING (line) ORDER BY f.line"""
    ).df()
    report.demo = {}
    report.new_parties = pd.DataFrame(columns=["name", "kind", "similar", "line"])
    report.new_schools = pd.DataFrame(columns=["school", "county", "county_adcode", "line"])


_STATE = (
    "{'category': {p}category, 'raised_by': {p}raised_by, 'description': {p}description, 'owner_level': "
    "{p}owner_level, 'status': {p}status, 'due_date': {p}due_date, 'resolution': {p}resolution, 'resolved_on': "
    "{p}resolved_on, 'provenance': {p}provenance, 'version': {p}version}"
)


def apply(cur: duckdb.DuckDBPyConnection, batch: int, username: str, today: date) -> None:
    """Insert the new problems (with their first history row), update the changed ones (version raised, a history
    row for a status change), and log each change for undo."""
    now = datetime.now().replace(microsecond=0)
    params = {"batch": batch, "by": username, "now": now, "today": today, "closed": list(CLOSED)}
    cur.execute(
        "CREATE TEMP TABLE prob_new AS SELECT nextval('seq_problem') AS problem_id, * "
        "FROM (SELECT * FROM prob_final WHERE status = 'new' ORDER BY line)"
    )
    cur.execute(
        """INSERT INTO problems (problem_id, scope, pairing_id, county_adcode, province_code, scope_key, raised_by,
            raised_on, category, title, title_key, description, owner_level, status, due_date, resolution, resolved_on,
            version, provenance, batch_id, created_by, created_at, updated_by, updated_at)
        SELECT problem_id, scope, CASE WHEN scope = 'pairing' THEN pairing_id END,
            CASE WHEN scope = 'county' THEN county_adcode END, CASE WHEN scope = 'province' THEN province_code END,
            scope_key, raised_by, raised_on, category, title, title_key, description, owner_level, final_status,
            due_date, final_resolution,
            CASE WHEN list_contains($closed, final_status) THEN CAST($today AS DATE) END, 1, 'imported', $batch,
            $by, $now, $by, $now
        FROM prob_new ORDER BY problem_id""",
        params,
    )
    cur.execute(
        """INSERT INTO problem_history (problem_id, occurred_at, username, from_status, to_status, comment, version,
            batch_id)
        SELECT problem_id, $now, $by, NULL, final_status, NULL, 1, $batch FROM prob_new ORDER BY problem_id""",
        {k: params[k] for k in ("now", "by", "batch")},
    )
    cur.execute(
        "INSERT INTO registry_changes SELECT $batch, 'problem', CAST(problem_id AS VARCHAR), 'insert', NULL, "
        "CAST(to_json({'version': 1}) AS JSON) FROM prob_new",
        {"batch": batch},
    )
    before = _STATE.replace("{p}", "p.")
    after = _STATE.replace("{p}", "n.")
    cur.execute(
        """CREATE TEMP TABLE prob_changed AS
        SELECT f.old_id AS problem_id, f.old_status AS from_status,
            f.category, f.raised_by, coalesce(f.description, f.old_description) AS description, f.owner_level,
            f.final_status AS status, coalesce(f.due_date, f.old_due_date) AS due_date,
            CASE WHEN list_contains($closed, f.final_status) THEN f.final_resolution
                 ELSE coalesce(f.resolution, f.old_resolution) END AS resolution,
            CASE WHEN NOT list_contains($closed, f.final_status) THEN NULL
                 WHEN f.final_status <> f.old_status THEN CAST($today AS DATE)
                 ELSE f.old_resolved_on END AS resolved_on,
            'imported' AS provenance, f.old_version + 1 AS version
        FROM prob_final f WHERE f.status = 'changed'""",
        {"closed": list(CLOSED), "today": today},
    )
    cur.execute(
        f"""INSERT INTO registry_changes
        SELECT $batch, 'problem', CAST(p.problem_id AS VARCHAR), 'update', CAST(to_json({before}) AS JSON),
            CAST(to_json({after}) AS JSON)
        FROM prob_changed n JOIN problems p USING (problem_id)""",
        {"batch": batch},
    )
    cur.execute(
        """INSERT INTO problem_history (problem_id, occurred_at, username, from_status, to_status, comment, version,
            batch_id)
        SELECT problem_id, $now, $by, from_status, status, NULL, version, $batch FROM prob_changed
        WHERE status <> from_status ORDER BY problem_id""",
        {k: params[k] for k in ("now", "by", "batch")},
    )
    cur.execute(
        """UPDATE problems p SET category = n.category, raised_by = n.raised_by, description = n.description,
            owner_level = n.owner_level, status = n.status, due_date = n.due_date, resolution = n.resolution,
            resolved_on = n.resolved_on, provenance = n.provenance, version = n.version, updated_by = $by,
            updated_at = $now
        FROM prob_changed n WHERE p.problem_id = n.problem_id""",
        {"by": username, "now": now},
    )
