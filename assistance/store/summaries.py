"""The activity log's summaries, kept in step with it by the write discipline (issue 14: pages at national scale).

Pages count activities by pairing, month and measure far more often than anyone writes them, and at 2,000,000 rows
regrouping the log on every page costs seconds. Two tables hold the groups instead (schema 10):

* `activity_cells`: one row per pairing, calendar month (its first day) and measure with the activities, how many
  of them are demo rows, the teacher and student participations and hours (0 when none was given), and the last
  activity day of the cell. Every filter window of the app is whole months (periods, agreement cycles), so a
  filtered count reads cells; a window that ends on a given day (this semester up to today, the last 60 days)
  reads the raw rows of its cut months only.
* `pairing_activity`: one row per pairing with activities: how many, the first and last day, and a fingerprint of
  its rows (the sum of a hash of each row's id and content).

`refresh` brings both in line with `activities` and is called by `store.transaction.transaction` just before every
COMMIT, so no writer can forget it and a reader never sees a log and summaries that disagree (the refresh is part
of the writer's transaction). It compares each pairing's row count and fingerprint with the stored ones (one
grouped scan of the log, tens of milliseconds at 2M rows) and regroups only the pairings whose rows changed. A file
written by other means (an older release, SQL typed into DuckDB) is mended the same way when it is next opened
(`db.migrate` runs a transaction).
"""

from __future__ import annotations

import duckdb

TABLES = ("activity_cells", "pairing_activity")

# What makes a row count differently: a change to any of these columns changes the pairing's fingerprint.
_ROW_HASH = "hash(activity_id, date, measure, teachers, students, hours, provenance)"

_CHANGED_SQL = f"""
WITH log AS (
    SELECT pairing_id, count(*) AS activities, sum({_ROW_HASH}) AS fingerprint FROM activities GROUP BY pairing_id
)
SELECT coalesce(log.pairing_id, kept.pairing_id) AS pairing_id
FROM log FULL JOIN pairing_activity kept ON kept.pairing_id = log.pairing_id
WHERE log.activities IS DISTINCT FROM kept.activities OR log.fingerprint IS DISTINCT FROM kept.fingerprint
"""

_CHANGED = "(SELECT unnest(CAST($changed AS INTEGER[])))"

_REGROUP = (
    f"DELETE FROM activity_cells WHERE pairing_id IN {_CHANGED}",
    f"""INSERT INTO activity_cells
    SELECT pairing_id, CAST(date_trunc('month', date) AS DATE) AS month, measure, count(*) AS activities,
           count(*) FILTER (WHERE provenance = 'demo') AS demo, CAST(coalesce(sum(teachers), 0) AS BIGINT),
           CAST(coalesce(sum(students), 0) AS BIGINT), coalesce(sum(hours), 0), max(date)
    FROM activities WHERE pairing_id IN {_CHANGED} GROUP BY ALL""",
    f"DELETE FROM pairing_activity WHERE pairing_id IN {_CHANGED}",
    f"""INSERT INTO pairing_activity
    SELECT pairing_id, count(*), sum({_ROW_HASH}), min(date), max(date)
    FROM activities WHERE pairing_id IN {_CHANGED} GROUP BY pairing_id""",
)


def present(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether the file has the summary tables (schema 10 or later; a migration before it runs without them)."""
    names = cur.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name IN ('activity_cells', "
        "'pairing_activity')"
    ).fetchone()[0]
    return names == len(TABLES)


def refresh(cur: duckdb.DuckDBPyConnection) -> int:
    """Regroup the summaries of every pairing whose activities differ from what they hold, inside the caller's
    transaction; return how many pairings were regrouped (0: the summaries already agreed with the log)."""
    if not present(cur):
        return 0
    changed = [row[0] for row in cur.execute(_CHANGED_SQL).fetchall()]
    if changed:
        for statement in _REGROUP:
            cur.execute(statement, {"changed": changed})
    return len(changed)
