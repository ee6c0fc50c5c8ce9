"""Each step of the import alone (decode → stage → validate → report → commit), on a cursor of its own, and
the strict-mode rule. tests/ingest/test_ingest.py runs the whole pipeline over the corpus; these pin each step's
inputs and outputs, so a step can change without reading the others."""

from __future__ import annotations

import duckdb
import pytest

from assistance.ingest.checks import check_dates, check_titles
from assistance.ingest.commit import commit_batch
from assistance.ingest.decode import parse
from assistance.ingest.report import IngestReport, build_report
from assistance.ingest.stage import stage
from assistance.ingest.validate import validate
from assistance.store import db
from assistance.store.transaction import cursor
from tests.corpus import EN, TODAY, VALID, ZH, to_csv


def _silent(_fraction: float, _step: str) -> None:
    return None


def decoded(rows: list[list[str]]):
    return parse(to_csv(rows).encode("utf-8"), None, None, "python", _silent)


@pytest.fixture
def cur(demo_db):
    """A cursor on a fresh copy of the demo database (reference tables, demo activities)."""
    with db.connect(demo_db) as con, cursor(con) as connection_cursor:
        yield connection_cursor


def test_stage_skips_title_rows_and_names_cells_by_field():
    rows = [["XX大学帮扶活动记录表"], ["序号", *ZH, ""], ["1", *VALID[0], "备用"], ["2", *VALID[1], ""]]
    with duckdb.connect() as con:
        staged = stage(con, decoded(rows))
        cells = con.execute("SELECT line, date, university, notes FROM ing_cells ORDER BY line").fetchall()
    assert staged.header_line == 2
    assert staged.columns["date"] == "日期" and staged.columns["title"] == "活动名称"
    assert staged.ignored == ["序号", "#12"]  # a named column not ours, then an unnamed one holding data
    assert staged.names[0] == "序号" and staged.names[-1] == "#12"
    assert cells == [(3, VALID[0][0], VALID[0][1], VALID[0][9]), (4, VALID[1][0], VALID[1][1], "")]


def test_check_dates_alone():
    with duckdb.connect() as con:
        con.execute(
            "CREATE TEMP VIEW ing_cells AS SELECT * FROM (VALUES ('2023/9/1'), ('２０２３年９月２日'), ('45174'), "
            "('2021-01-01'), ('2099-01-01'), ('昨天'), ('')) AS t(date)"
        )
        check_dates(con, TODAY)
        found = dict(con.execute("SELECT raw, coalesce(CAST(value AS VARCHAR), err) FROM ing_d_date").fetchall())
    assert found == {
        "2023/9/1": "2023-09-01",
        "２０２３年９月２日": "2023-09-02",
        "45174": "2023-09-05",
        "2021-01-01": "date_too_early",
        "2099-01-01": "date_future",
        "昨天": "date_invalid",
        "": "required",
    }


def test_title_keys_are_the_natural_key_of_the_folded_title():
    """check_titles skips title_key_sql's regular expression for a title without a tab, a line break or two spaces
    in a row: the key must still be exactly title_key_sql of the NFKC-folded, trimmed title."""
    titles = [
        " 教研活动（第1期） ", "Ａｂｃ　 Ｄ", "a  b", "a\tb", "a\nb\r\nc", "a\u000bb\u000cc", "\u3000ＸＹ\u3000",
        "İstanbul ÉCOLE", "ⅣⅫ ① ﬁ", "", "   ", "x" * 250,
    ]  # fmt: skip
    rows = [(line, title, "") for line, title in enumerate(titles, start=2)]
    with duckdb.connect() as con:
        con.execute("CREATE TEMP TABLE ing_cells AS SELECT * FROM (VALUES " + ", ".join(["(?, ?, ?)"] * len(rows))
                    + ") AS t(line, title, notes)", [v for row in rows for v in row])  # fmt: skip
        for name in ("date", "university", "school", "county", "measure", "teachers", "students", "hours"):
            con.execute(f"ALTER TABLE ing_cells ADD COLUMN {name} VARCHAR DEFAULT ''")
        check_titles(con)
        found = con.execute(
            f"SELECT line, title_key, {db.title_key_sql('norm')}, norm, err FROM ing_d_title ORDER BY line"
        ).fetchall()
    assert [line for line, *_ in found] == [line for line, *_ in rows]
    for line, key, expected, norm, err in found:
        assert key == expected, (line, norm)
        assert (err == "required") == (norm is None)
    assert found[1][1] == "abc d" and found[2][1] == "a b" and found[-1][4] == "title_too_long"


def test_validate_alone_from_named_cells(cur):
    """No file at all: validate reads only ing_cells (and the reference tables)."""
    bad_measure = [*VALID[1][:4], "吃饭", *VALID[1][5:]]
    rows = [(2, *VALID[0]), (3, *VALID[0]), (4, *bad_measure), (5, *[""] * 10)]
    values = ", ".join("(" + ", ".join(["?"] * 11) + ")" for _ in rows)
    cur.execute(
        f"CREATE TEMP TABLE ing_cells AS SELECT * FROM (VALUES {values}) AS t(line, {', '.join(EN)})",
        [value for row in rows for value in row],
    )
    validate(cur, {}, TODAY)
    staged = cur.execute("SELECT line, blank, valid FROM ing_staged ORDER BY line").fetchall()
    assert staged == [(2, False, True), (3, False, True), (4, False, False), (5, True, False)]
    assert cur.execute("SELECT line FROM ing_first").fetchall() == [(2,)]  # line 3 repeats line 2's key
    assert cur.execute("SELECT line, field, code FROM ing_errors").fetchall() == [(4, "measure", "measure_unknown")]
    message = cur.execute("SELECT message_en FROM ing_errors").fetchone()[0]
    assert "吃饭" in message and "measure" in message  # no header given: the field's own name


def staged_and_validated(cur, rows):
    staged = stage(cur, decoded(rows))
    validate(cur, staged.columns, TODAY)
    return staged


def report_of(cur, staged, *, strict=False, dry_run=True) -> IngestReport:
    return build_report(cur, staged, file_name="f.csv", sha256="0" * 64, size_bytes=1, strict=strict, dry_run=dry_run)


def test_report_counts_every_row_once(cur):
    bad_date = ["2099-01-01", *VALID[2][1:]]
    staged = staged_and_validated(cur, [ZH, VALID[0], VALID[0], VALID[1], bad_date])
    report = report_of(cur, staged)
    assert (report.rows, report.inserted, report.duplicates, report.rejected) == (4, 2, 1, 1)
    assert report.duplicates_in_file == 1 and report.duplicates_in_db == 0
    assert list(report.errors_in("en")["line"]) == [5]
    assert list(report.rejected_rows["line"]) == [5] and report.rejected_columns == ZH
    assert report.exit_code == 1 and report.batch_id is None


def test_commit_alone_inserts_the_fresh_rows_and_records_the_batch(cur):
    staged = staged_and_validated(cur, [ZH, VALID[0], ["", *VALID[1][1:]]])
    report = report_of(cur, staged, dry_run=False)
    before = cur.execute("SELECT count(*) FROM activities").fetchone()[0]
    batch_id = commit_batch(cur, report, staged, "测试员")
    assert report.batch_id == batch_id
    assert cur.execute("SELECT count(*) FROM activities").fetchone()[0] == before + 1
    assert cur.execute("SELECT count(*) FROM activities WHERE batch_id = ?", [batch_id]).fetchone()[0] == 1
    stored = cur.execute(
        "SELECT rows, inserted, rejected, uploaded_by FROM upload_batches WHERE batch_id = ?", [batch_id]
    ).fetchone()
    assert stored == (2, 1, 1, "测试员")
    assert cur.execute("SELECT line FROM rejected_rows WHERE batch_id = ?", [batch_id]).fetchall() == [(3,)]


@pytest.mark.parametrize(
    ("strict", "rejected", "dry_run", "blocked"),
    [
        (True, 1, False, True),  # the one case: a strict commit of a file with a rejected row writes nothing
        (True, 0, False, False),
        (False, 1, False, False),  # not strict: the valid rows go in, the rejected ones are kept with the batch
        (True, 1, True, False),  # a dry run writes nothing anyway; it reports what a commit would do
    ],
)
def test_the_strict_rule(strict, rejected, dry_run, blocked):
    report = IngestReport("f.csv", "", 0, "csv", None, None, None, 1, {}, [], rows=1, rejected=rejected)
    report.strict, report.dry_run = strict, dry_run
    assert report.strict_blocked is blocked
