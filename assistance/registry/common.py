"""What the registry and plan imports share: their cells, the import-job skeleton, messages and the report.

Both imports are ingest.job.FileJobs: the file is read exactly as the activity upload reads it (ingest.decode:
format from the content, any usual encoding, the file's own line numbers), staged and its header found by
ingest.stage.stage_file (ingest.fields, which also refuses a file of another kind), and the cells left in the
temp table `reg_cells(line, <field>, <field>_raw, …)`: `<field>` is the cell NFKC-folded and trimmed (the form
values are checked in), `<field>_raw` the user's text trimmed (the form new names are stored in). A column absent
from the file is NULL in every row, like an empty cell: both leave a stored field as it is. `FileImport` is the
steps both run (classify, count, describe, apply, record the batch); the report's rejected rows, exit status and
batch record are the activity upload's own (ingest.report, ingest.commit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from assistance.i18n import t
from assistance.ingest.commit import next_batch_id, record_batch
from assistance.ingest.decode import ParsedFile
from assistance.ingest.fields import FileKind
from assistance.ingest.job import FileJob
from assistance.ingest.report import FileReport, previous_batch, read_errors
from assistance.ingest.stage import Staged, stage_file
from assistance.store.transaction import registered

# A cell exported with the formula guard (export.cells: a leading apostrophe before = + - @) reads back as its text.
_GUARDED = "^'([=+\\-@])"
_INVISIBLE = "[\u200b-\u200d\u2060\ufeff]"
# A total row at the bottom of a spreadsheet (合计/总计/小计) is never a record.
TOTAL_ROW = "^(合计|总计|小计|total)"


def _clean(array: pa.ChunkedArray, fold: bool) -> pa.ChunkedArray:
    """Trimmed text (NFKC-folded when `fold`), the formula guard's apostrophe and zero-width spaces removed,
    empty → NULL."""
    text = pc.utf8_normalize(array, form="NFKC") if fold else array
    text = pc.replace_substring_regex(text, pattern=_INVISIBLE, replacement="")
    text = pc.utf8_trim_whitespace(text)
    text = pc.replace_substring_regex(text, pattern=_GUARDED, replacement="\\1")
    text = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def stage_cells(cur: duckdb.DuckDBPyConnection, parsed: ParsedFile, kind: FileKind) -> Staged:
    """Stage the file (ing_raw), find the header of `kind` and make reg_cells(line, blank, total, <field>,
    <field>_raw …) of the rows below it."""
    staged = stage_file(cur, parsed, kind)
    parsed, header, header_line = staged.parsed, staged.header, staged.header_line
    present = [(name, position) for name, position in header.fields.items()]
    select = "".join(f", CAST(c{position} AS VARCHAR) AS {name}" for name, position in present)
    # The row's first non-empty cell among its leading columns, for a total row (合计 under 序号, say).
    leading = ", ".join(f"nullif(trim(CAST(c{p} AS VARCHAR)), '')" for p in range(min(parsed.width, 3)))
    select += f", coalesce({leading}) AS leading_cell" if leading else ", NULL::VARCHAR AS leading_cell"
    table = cur.sql(f"SELECT line{select} FROM ing_raw WHERE line > {header_line} ORDER BY line").to_arrow_table()
    rows = table.num_rows
    columns: dict[str, pa.Array | pa.ChunkedArray] = {"line": table["line"], "leading_cell": table["leading_cell"]}
    empty = pa.nulls(rows, pa.string())
    for name in kind.fields:
        if name in header.fields:
            columns[name] = _clean(table[name], fold=True)
            columns[f"{name}_raw"] = _clean(table[name], fold=False)
        else:
            columns[name] = empty
            columns[f"{name}_raw"] = empty
    with registered(cur, "reg_in", pa.table(columns)):
        any_cell = " OR ".join(f"{name} IS NOT NULL" for name in kind.fields)
        first = "coalesce(" + ", ".join(kind.fields) + ")"
        cur.execute(
            f"CREATE TEMP TABLE reg_cells AS SELECT *, NOT ({any_cell}) AS blank, "
            f"coalesce(regexp_matches(lower({first}), '{TOTAL_ROW}'), false) "
            f"OR coalesce(regexp_matches(lower(leading_cell), '{TOTAL_ROW}'), false) AS total FROM reg_in"
        )
    return staged


class FileImport(FileJob):
    """One registry or plan file's import (see ingest.job.FileJob for the arguments, `validate()` and `run()`).

    A subclass names its `kind` (ingest.fields) and `final`, the table its classification ends in (one row per
    line with its `status`: new, changed, unchanged or rejected), and implements `classify` (reg_problems →
    reg_errors via `collect_errors`, and `final`), `describe` (the report's changes, statuses, new names and demo
    rows) and `apply` (the commit's writes). A commit records a batch unless `records` is False (init's
    reference load)."""

    final: str
    records: bool = True

    def classify(self, cur: duckdb.DuckDBPyConnection, staged: Staged) -> None:
        raise NotImplementedError

    def describe(self, cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        raise NotImplementedError

    def apply(self, cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        raise NotImplementedError

    def stage(self, cur: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> Staged:
        return stage_cells(cur, parsed, self.kind)

    def steps(
        self, cur: duckdb.DuckDBPyConnection, staged: Staged, sha256: Callable[[], str], size: int, commit: bool
    ) -> ImportReport:
        """Classify, report and, when `commit`, write and record the batch (its valid rows, whatever was
        rejected)."""
        report = ImportReport.of(staged, self.file_name, sha256(), size, not commit, kind=self.kind.name)
        self.classify(cur, staged)
        _count(cur, report, staged, self.final)
        self.describe(cur, report)
        if commit:
            report.batch_id = next_batch_id(cur) if self.records else None
            self.apply(cur, report)
            if self.records:
                record_batch(
                    cur, report.batch_id, report, staged, self.uploaded_by, duplicates=report.unchanged,
                    kind=report.kind, changed=report.changed, unchanged=report.unchanged, errors="reg_errors",
                )  # fmt: skip
            report.committed = True
        return report


def _count(cur: duckdb.DuckDBPyConnection, report: ImportReport, staged: Staged, final: str) -> None:
    """The report's counts by status (total rows skipped apart), an earlier batch of the same file, the errors and
    rejected rows."""
    (
        report.rows, report.inserted, report.changed, report.unchanged, report.rejected, report.total_rows,
    ) = cur.execute(
        "SELECT count(*), count(*) FILTER (status = 'new'), count(*) FILTER (status = 'changed'), "
        "count(*) FILTER (status = 'unchanged'), count(*) FILTER (status = 'rejected'), "
        f"(SELECT count(*) FROM reg_cells WHERE total AND NOT blank) FROM {final}"
    ).fetchall()[0]  # fmt: skip
    report.previous_batch_id = previous_batch(cur, report.sha256, report.kind)
    report.errors, report.rejected_rows = read_errors(cur, "reg_errors", staged.width)


# ---------------------------------------------------------------------------------------------------------
# Messages: row-error templates with the file's own column names filled in; SQL fills {value} and {candidates}


def message_table(prefix: str, codes: dict[str, Sequence[str]], kind: FileKind, columns: dict[str, str]) -> pa.Table:
    """(field, code, column_name, zh, en, field_order) for every error a row can get; `codes` maps a field to
    its error codes, `prefix` is the catalogue's key prefix (registry.err, plans.err)."""
    records = []
    for order, (name, field_codes) in enumerate(codes.items()):
        for code in field_codes:
            texts = []
            for lang in ("zh", "en"):
                column = _column(name, kind, columns, lang)
                texts.append(t(f"{prefix}.{code}", lang, column=column, value="{value}", candidates="{candidates}"))
            records.append((name, code, _column(name, kind, columns, "zh"), texts[0], texts[1], order))
    names = ("field", "code", "column_name", "zh", "en", "field_order")
    return pa.table({n: [r[i] for r in records] for i, n in enumerate(names)})


def _column(name: str, kind: FileKind, columns: dict[str, str], lang: str) -> str:
    """The file's own header of a field; for 'place' (one of school/county) both; else the field's label."""
    if name == "place":
        return " / ".join(columns.get(f) or kind.field_label(f, lang) for f in ("school", "county"))
    return columns.get(name) or kind.field_label(name, lang)


def collect_errors(cur: duckdb.DuckDBPyConnection, messages: pa.Table) -> None:
    """reg_errors(line, field, code, column_name, value, field_order, message_zh, message_en) from
    reg_problems(line, field, code, value, cz, ce): cz/ce the candidates (VARCHAR[]) named in the message."""
    with registered(cur, "reg_msgs", messages):
        cur.execute(
            """CREATE TEMP TABLE reg_errors AS
            SELECT p.line, p.field, p.code, m.column_name, p.value, m.field_order,
                replace(replace(m.zh, '{candidates}', coalesce(array_to_string(p.cz, '、'), '')),
                        '{value}', coalesce(left(p.value, 80), '')) AS message_zh,
                replace(replace(m.en, '{candidates}', coalesce(array_to_string(p.ce, '; '), '')),
                        '{value}', coalesce(left(p.value, 80), '')) AS message_en
            FROM reg_problems p JOIN reg_msgs m ON m.field = p.field AND m.code = p.code"""
        )
        missing = cur.execute(
            "SELECT DISTINCT field, code FROM reg_problems ANTI JOIN reg_msgs USING (field, code)"
        ).fetchall()
        if missing:  # a programming error: every code a check can give must have a message
            raise RuntimeError(f"no message for {missing}")


# ---------------------------------------------------------------------------------------------------------
# The report


@dataclass
class ImportReport(FileReport):
    """What a registry or plan import found (a dry run) or did (a commit). rows = inserted + changed +
    unchanged + rejected; blank lines and total rows are not rows."""

    kind: str = field(kw_only=True)  # registry | plans | outcomes
    changed: int = 0
    unchanged: int = 0
    total_rows: int = 0  # 合计/总计 rows skipped
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)  # line, field, before, after
    statuses: pd.DataFrame = field(default_factory=pd.DataFrame)  # line, status, and what the row names
    new_parties: pd.DataFrame = field(default_factory=pd.DataFrame)  # name, kind, similar
    new_schools: pd.DataFrame = field(default_factory=pd.DataFrame)  # school, county, adcode
    demo: dict[str, int] = field(default_factory=dict)  # pairings, plans, activities, kept: what a commit removes
    demo_tiers: list[str] = field(default_factory=list)

    @property
    def nothing_to_add(self) -> bool:
        """No row is new or changed: a commit would change nothing (the Registry page disables it)."""
        return not (self.inserted or self.changed)

    def demo_notes(self, lang: str) -> list[str]:
        """The demo rows a commit removes (a dry run) or removed, and the demo pairings kept; [] if none."""
        demo, notes = self.demo, []
        done = "" if self.dry_run else "_done"
        if self.kind == "plans" and demo.get("plans"):
            notes.append(t(f"registry.demo.plans{done}", lang, plans=demo["plans"]))
        elif self.kind == "outcomes" and demo.get("outcomes"):
            notes.append(t(f"outcomes.demo{done}", lang, rows=demo["outcomes"]))
        elif any(demo.get(k) for k in ("pairings", "plans", "activities")):
            order = ("national", "provincial", "municipal")
            tiers = t("list.separator", lang).join(t(f"tier.{tier}", lang) for tier in order if tier in self.demo_tiers)
            counts = {k: demo.get(k, 0) for k in ("pairings", "plans", "activities")}
            notes.append(t(f"registry.demo.tier{done}", lang, tiers=tiers, **counts))
        if demo.get("kept"):
            notes.append(t("registry.demo.kept", lang, kept=demo["kept"]))
        return notes

    def to_dict(self, lang: str) -> dict:
        """The JSON object of `registry import --json` / `plans import --json` (docs/contracts.md)."""
        return {
            "file": self.file_name,
            "kind": self.kind,
            "rows": self.rows,
            "inserted": self.inserted,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "batch_id": self.batch_id,
            "errors": self.error_records(lang),
        }


def without_nan(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty values as None (not NaN), so that `before`/`after` read as "no value"."""
    return frame.astype(object).where(frame.notna(), None)


# ---------------------------------------------------------------------------------------------------------
# Cell values in SQL (over NFKC-folded, trimmed text; `column` is always a name written in code)

EARLIEST_DATE, LATEST_DATE = "2000-01-01", "2100-12-31"
_YMD = (
    "'^(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})\\s*日?"
    "(?:\\s*[T ]?\\s*\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?$'"
)


def date_sql(column: str) -> str:
    """A DATE from YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD or an Excel serial; NULL if none of
    those or outside 2000–2100."""
    parsed = f"""CASE
        WHEN regexp_matches({column}, {_YMD})
            THEN CAST(try_strptime(regexp_replace({column}, {_YMD}, '\\1-\\2-\\3'), '%Y-%m-%d') AS DATE)
        WHEN regexp_full_match({column}, '\\d{{8}}') THEN CAST(try_strptime({column}, '%Y%m%d') AS DATE)
        WHEN regexp_full_match({column}, '\\d{{5}}(\\.\\d+)?')
            THEN DATE '1899-12-30' + CAST(floor(CAST({column} AS DOUBLE)) AS INTEGER)
    END"""
    return f"(CASE WHEN ({parsed}) BETWEEN DATE '{EARLIEST_DATE}' AND DATE '{LATEST_DATE}' THEN ({parsed}) END)"


def whole_sql(column: str, pattern: str = "^\\+?(\\d{1,9})(?:\\.0*)?$") -> str:
    """A whole number ≥ 0 (NULL if the text is not one); `pattern`'s first group holds the digits."""
    return f"TRY_CAST(regexp_extract({column}, '{pattern}', 1) AS INTEGER)"
