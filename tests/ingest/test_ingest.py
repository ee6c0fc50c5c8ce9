"""The import pipeline on the generated corpus: exact counts, every error with its line, the invariant
inserted + duplicates + rejected = rows, idempotent re-upload, undo, strict mode, limits and templates."""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
import threading

import openpyxl
import pytest

from assistance.i18n import t
from assistance.ingest.batches import batch_rejected_csv, list_batches, undo_batch
from assistance.ingest.decode import max_upload_bytes
from assistance.ingest.errors import IngestFileError
from assistance.ingest.fields import ACTIVITIES
from assistance.ingest.headers import HEADER_ALIASES
from assistance.ingest.pipeline import Ingest
from assistance.ingest.templates import all_templates, csv_template, headers
from assistance.store import db
from tests.corpus import (
    TODAY,
    VALID,
    ZH,
    Case,
    build_corpus_database,
    corpus,
    demo_duplicates_case,
    to_csv,
    unusable,
)

CASES = corpus()


@pytest.fixture(scope="session")
def corpus_template(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "corpus.duckdb"
    build_corpus_database(demo_db_template, path)
    return path


@pytest.fixture
def con(corpus_template, tmp_path):
    path = tmp_path / "corpus.duckdb"
    shutil.copy(corpus_template, path)
    connection = db.connect(path)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def shared_con(corpus_template, tmp_path_factory):
    """One database for the dry-run tests, which must leave it untouched."""
    path = tmp_path_factory.mktemp("dry") / "corpus.duckdb"
    shutil.copy(corpus_template, path)
    connection = db.connect(path)
    yield connection
    connection.close()


def counts(con) -> dict[str, int]:
    return {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        for table in ("activities", "upload_batches", "rejected_rows", "schools", "pairings")
    }


def job(con, case: Case, **options) -> Ingest:
    return Ingest(con, case.data, case.name, sheet=case.sheet, today=TODAY, uploaded_by="测试员", **options)


def error_set(report) -> set[tuple[int, str, str]]:
    if report.errors.empty:
        return set()
    triples = report.errors[["line", "field", "code"]].itertuples(index=False)
    return {(int(line), field, code) for line, field, code in triples}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_dry_run_gives_exact_counts_and_errors_and_writes_nothing(shared_con, case):
    before = counts(shared_con)
    with job(shared_con, case) as ingest:
        report = ingest.validate()
    assert (report.rows, report.inserted, report.duplicates, report.rejected) == (
        case.rows,
        case.inserted,
        case.duplicates,
        case.expected_rejected,
    )
    assert report.inserted + report.duplicates + report.rejected == report.rows
    assert error_set(report) == case.errors
    assert report.ignored_columns == case.ignored
    assert report.header_line == case.header_line
    assert report.batch_id is None and not report.committed
    assert counts(shared_con) == before
    if case.name.endswith((".csv", ".tsv", ".txt")):
        # The careful Python reader must agree with whichever reader was chosen.
        careful = job(shared_con, case, csv_engine="python").validate()
        assert (careful.rows, careful.inserted, careful.duplicates, careful.rejected) == (
            report.rows,
            report.inserted,
            report.duplicates,
            report.rejected,
        )
        assert careful.errors_in("en").equals(report.errors_in("en"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_commit_records_the_batch_and_a_second_upload_inserts_nothing(con, case):
    before = counts(con)
    first = job(con, case).run()
    if case.inserted == 0:  # nothing to add: no commit, not even an empty batch (docs/contracts.md)
        assert not first.committed and first.batch_id is None and first.nothing_to_add
        assert counts(con) == before
        return
    assert first.committed and first.batch_id is not None
    assert first.inserted + first.duplicates + first.rejected == first.rows == case.rows
    after = counts(con)
    assert after["activities"] - before["activities"] == first.inserted == case.inserted
    assert after["upload_batches"] == before["upload_batches"] + 1
    stored = con.execute(
        "SELECT file_name, sha256, size_bytes, rows, inserted, duplicates, rejected, uploaded_by, sheet, "
        "ignored_columns FROM upload_batches WHERE batch_id = ?",
        [first.batch_id],
    ).fetchall()[0]
    assert stored[:8] == (
        case.name, first.sha256, len(case.data), case.rows, case.inserted, case.duplicates, case.expected_rejected,
        "测试员",
    )  # fmt: skip
    assert json.loads(stored[9]) == case.ignored
    quarantined = con.execute(
        "SELECT count(DISTINCT line), count(*) FROM rejected_rows WHERE batch_id = ?", [first.batch_id]
    ).fetchall()[0]
    assert quarantined == (case.expected_rejected, len(case.errors))

    second = job(con, case).run()
    assert second.inserted == 0
    assert second.duplicates == first.inserted + first.duplicates
    assert second.rejected == first.rejected
    assert second.previous_batch_id == first.batch_id
    assert counts(con)["activities"] == after["activities"]


@pytest.mark.parametrize("name,data,code,sheet", unusable(), ids=[u[0] for u in unusable()])
def test_unusable_files_are_refused_with_a_reason_and_change_nothing(con, name, data, code, sheet):
    before = counts(con)
    with pytest.raises(IngestFileError) as raised:
        Ingest(con, data, name, sheet=sheet, today=TODAY).run()
    assert raised.value.code == code
    for lang in ("zh", "en"):
        assert raised.value.message(lang).strip()
    assert counts(con) == before


REGISTRY_FILE = "帮扶单位,省份,受援县,受援学校,层级\n北京师范大学,河北,青龙,青龙一中,国家示范\n".encode()
PLANS_FILE = "帮扶高校,受援学校,学年,帮扶举措,目标次数\n北师大,青龙一中,2023,教研,6\n".encode()


@pytest.mark.parametrize(("data", "command"), [(REGISTRY_FILE, "registry import"), (PLANS_FILE, "plans import")])
def test_a_registry_or_plan_file_is_refused_naming_the_registry_page(con, data, command):
    """The activity import finds its header with the one matcher every kind of file uses (ingest.fields), so a
    registry or plan file is refused naming where it belongs, and nothing is written."""
    before = counts(con)
    with pytest.raises(IngestFileError) as raised:
        Ingest(con, data, "f.csv", today=TODAY).run()
    assert raised.value.code == "wrong_kind" and raised.value.params["line"] == 1
    assert "名册管理" in raised.value.message("zh") and "Registry page" in raised.value.message("en")
    assert command in raised.value.message("en")
    assert counts(con) == before


def test_an_activity_log_missing_a_column_is_not_taken_for_a_registry(con):
    """帮扶高校, 受援学校 and 受援县 make a complete registry header, but a log without 活动名称 lacks a column."""
    with pytest.raises(IngestFileError) as raised:
        Ingest(con, to_csv([ZH[:5], VALID[0][:5]]).encode(), "f.csv", today=TODAY).validate()
    assert raised.value.code == "missing_columns"
    assert "活动名称" in raised.value.message("zh") and "title" in raised.value.message("en")


def test_rows_already_in_the_database_are_duplicates(con):
    case = demo_duplicates_case(con)
    report = job(con, case).run()
    assert (report.rows, report.inserted, report.duplicates, report.rejected) == (3, 0, 3, 0)
    assert report.duplicates_in_db == 3 and report.duplicates_in_file == 0


def test_ambiguous_county_names_every_candidate(con):
    case = next(c for c in CASES if c.name == "every_bad_row.csv")
    report = job(con, case).validate()
    ambiguous = report.errors[report.errors["code"] == "ambiguous"]
    assert len(ambiguous) == 1
    for message in (ambiguous["message_zh"].iloc[0], ambiguous["message_en"].iloc[0]):
        assert "青龙满族自治县第一中学" in message and "青龙满族自治县第二中学" in message
    not_paired = report.errors[report.errors["code"] == "school_not_paired"]["message_en"].iloc[0]
    assert "奉节中学" in not_paired and "都安瑶族自治县高级中学" in not_paired  # 复旦大学's own schools


def test_strict_mode_commits_nothing_when_a_row_is_rejected(con):
    case = next(c for c in CASES if c.name == "mixed.csv")
    before = counts(con)
    report = job(con, case, strict=True).run()
    assert report.strict_blocked and not report.committed and report.batch_id is None
    assert report.inserted + report.duplicates + report.rejected == report.rows
    assert counts(con) == before
    clean = next(c for c in CASES if c.name == "utf8_comma_lf.csv")
    assert job(con, clean, strict=True).run().committed


def test_undo_removes_exactly_the_batch_and_twice_is_a_clear_no_op(con):
    case = next(c for c in CASES if c.name == "mixed.csv")
    before = counts(con)
    other = job(con, next(c for c in CASES if c.name == "formats.csv")).run()
    report = job(con, case).run()
    result = undo_batch(con, report.batch_id)
    assert result.status == "done" and result.removed == report.inserted
    after = counts(con)
    assert after["activities"] == before["activities"] + other.inserted
    assert con.execute("SELECT count(*) FROM activities WHERE batch_id = ?", [other.batch_id]).fetchall()[0][0] == (
        other.inserted
    )
    again = undo_batch(con, report.batch_id)
    assert again.status == "already" and again.removed == 0 and again.undone_at is not None
    assert "already" in again.message("en") and "已于" in again.message("zh")
    assert undo_batch(con, 999_999).status == "unknown"
    assert counts(con) == after
    batches = list_batches(con)
    assert bool(batches.loc[batches["batch_id"] == report.batch_id, "undone"].iloc[0])
    # Undone rows are gone, so the same file inserts them again.
    assert job(con, case).run().inserted == report.inserted


def test_batches_are_listed_newest_first(con):
    files = [to_csv([ZH, [*VALID[0][:5], f"第 {n} 批（测试）", *VALID[0][6:]]]).encode() for n in range(3)]
    ids = [Ingest(con, data, f"batch{n}.csv", today=TODAY).run().batch_id for n, data in enumerate(files)]
    listed = list_batches(con)
    assert list(listed["batch_id"][:3]) == ids[::-1]
    assert {"batch_id", "file", "sha256", "rows", "inserted", "duplicates", "rejected", "uploaded_by",
            "uploaded_at", "undone"} <= set(listed.columns)  # fmt: skip


def test_size_cap_has_a_default_a_setting_and_a_clear_message(con, monkeypatch):
    monkeypatch.delenv("ASSISTANCE_MAX_UPLOAD_MB", raising=False)
    assert max_upload_bytes() == 20 * 1024 * 1024
    data = to_csv([ZH, *VALID] * 20).encode("utf-8")
    with pytest.raises(IngestFileError) as raised:
        Ingest(con, data, "big.csv", max_bytes=1000).validate()
    assert raised.value.code == "too_large"
    assert "MB" in raised.value.message("en") and "ASSISTANCE_MAX_UPLOAD_MB" in raised.value.message("zh")
    monkeypatch.setenv("ASSISTANCE_MAX_UPLOAD_MB", "0.001")
    with pytest.raises(IngestFileError):
        Ingest(con, data, "big.csv").validate()
    assert Ingest(con, data, "big.csv", max_bytes=10**9, today=TODAY).validate().rows > 0


def test_rejected_rows_download_round_trips(con):
    case = next(c for c in CASES if c.name == "mixed.csv")
    report = job(con, case).run()
    for lang in ("zh", "en"):
        payload = report.rejected_csv(lang)
        assert payload.startswith(codecs.BOM_UTF8)
        rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
        assert rows[0] == [*ZH, t("ingest.csv.error_column", lang)]
        assert len(rows) - 1 == report.rejected
        assert rows[1][-1].startswith(t("ingest.csv.line_prefix", lang, line=3))
    assert batch_rejected_csv(con, report.batch_id, "zh") == report.rejected_csv("zh")
    # Fix the rows in the downloaded file and upload it again: they go in, the error column is ignored.
    rows = list(csv.reader(io.StringIO(report.rejected_csv("zh").decode("utf-8-sig"))))
    rows[1][0] = "2023-02-28"
    rows[2][4] = "教师培训"
    fixed = Ingest(con, to_csv(rows).encode("utf-8"), "fixed.csv", today=TODAY).run()
    assert (fixed.rows, fixed.inserted, fixed.rejected) == (2, 2, 0)
    assert fixed.ignored_columns == ["错误原因"]


def test_hostile_text_is_stored_verbatim_and_inert(con):
    case = next(c for c in CASES if c.name == "injection_titles.csv")
    before = counts(con)
    report = job(con, case).run()
    titles = {
        r[0] for r in con.execute("SELECT title FROM activities WHERE batch_id = ?", [report.batch_id]).fetchall()
    }
    expected = {row[5] for row in csv.reader(io.StringIO(case.data.decode()))} - {"活动名称"}
    assert titles == expected
    after = counts(con)
    assert after["activities"] == before["activities"] + 5 and after["upload_batches"] == before["upload_batches"] + 1
    # A formula-like cell in a download is made inert for Excel.
    broken = to_csv([ZH, ["2023-09-01", "北师大", "青龙一中", "", "吃饭", '=HYPERLINK("http://x")', "1", "1", "1", ""]])
    rejected = Ingest(con, broken.encode(), "f.csv", today=TODAY).validate().rejected_csv("en").decode("utf-8-sig")
    assert "'=HYPERLINK" in rejected


def test_messages_are_stored_in_both_languages(con):
    case = next(c for c in CASES if c.name == "every_bad_row.csv")
    good = [*VALID[0][:5], "两种语言（测试）", *VALID[0][6:]]  # one row to add, so that the batch is recorded
    report = Ingest(con, case.data + to_csv([good]).encode(), case.name, today=TODAY).run()
    assert report.committed and report.inserted == 1
    rows = con.execute(
        "SELECT message_zh, message_en, column_name, value, raw_row FROM rejected_rows WHERE batch_id = ?",
        [report.batch_id],
    ).fetchall()
    assert len(rows) == len(case.errors)
    for zh, en, column, _value, raw in rows:
        assert zh and en and zh != en and column
        assert list(json.loads(raw)) == ZH


def test_two_uploads_at_once_are_serialised(con):
    case = next(c for c in CASES if c.name == "utf8_comma_lf.csv")
    twin = next(c for c in CASES if c.name == "gbk_comma_crlf.csv")  # the same rows in another encoding
    results, failures = [], []

    def upload(which: Case) -> None:
        try:
            results.append(job(con, which).run())
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=upload, args=(c,)) for c in (case, twin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert sorted(r.inserted for r in results) == [0, len(VALID)]
    assert sum(r.duplicates for r in results) == len(VALID)
    assert natural_keys_twice(con) == 0


def natural_keys_twice(con) -> int:
    """Stored activities whose natural key another stored activity has (activities has no unique index: the
    import's anti-join under the write lock is the guard)."""
    return con.execute(
        "SELECT count(*) - count(DISTINCT (pairing_id, date, measure, title_key)) FROM activities"
    ).fetchone()[0]


def test_a_file_checked_before_another_upload_committed_its_rows_adds_none_of_them(con):
    case = next(c for c in CASES if c.name == "utf8_comma_lf.csv")
    twin = next(c for c in CASES if c.name == "gbk_comma_crlf.csv")  # the same rows in another encoding
    checked = job(con, case)
    assert checked.validate().inserted == len(VALID)  # the dry run, before the twin went in
    assert job(con, twin).run().inserted == len(VALID)
    again = checked.run()  # the commit checks again, under the write lock
    assert (again.inserted, again.duplicates, again.committed) == (0, len(VALID), False)
    assert natural_keys_twice(con) == 0


def test_progress_is_reported_to_the_end(con):
    seen: list[tuple[float, str]] = []
    job(con, CASES[0], progress=lambda fraction, step: seen.append((fraction, step))).run()
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert {"read", "validate", "commit", "done"} <= {step for _, step in seen}
    for step in {step for _, step in seen}:
        assert t(f"upload.progress.{step}", "en")


def test_a_large_file_keeps_the_files_own_line_numbers(con):
    """Enough rows for DuckDB to read in parallel; blank lines and bad rows at known places."""
    lines = [",".join(ZH)]
    bad_lines = set()
    for index in range(120_000):
        if index % 40_000 == 7:
            lines.append("")
        day = f"2023-{1 + index % 12:02d}-{1 + index % 28:02d}"
        measure = "吃饭" if index % 29_999 == 3 else "教师培训"
        lines.append(f"{day},北师大,青龙一中,,{measure},大文件第{index}期,1,2,3,")
        if measure == "吃饭":
            bad_lines.add(len(lines))
    report = Ingest(con, "\n".join(lines).encode("utf-8"), "large.csv", today=TODAY, max_bytes=0).validate()
    assert report.rows == 120_000
    assert set(report.errors["line"].astype(int)) == bad_lines
    assert report.rejected == len(bad_lines) and report.inserted == 120_000 - len(bad_lines)


def test_every_header_alias_maps_to_its_field():
    for name, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            assert ACTIVITIES.field_for(alias) == name
            assert ACTIVITIES.field_for(f" {alias.upper()} ") == name
    assert ACTIVITIES.field_for("参与教师人数（人）") == "teachers"
    assert ACTIVITIES.field_for("日期（YYYY-MM-DD）") == "date"
    assert ACTIVITIES.field_for("联系电话") is None


def test_templates_have_the_canonical_headers_and_drop_downs(con):
    assert csv_template("zh") == codecs.BOM_UTF8 + (",".join(ZH) + "\r\n").encode("utf-8")
    assert headers("en") == ["date", "university", "school", "county", "measure", "title", "teachers", "students",
                             "hours", "notes"]  # fmt: skip
    files = all_templates(con)
    assert set(files) == {"csv_zh", "xlsx_zh", "csv_en", "xlsx_en"}
    universities = con.execute("SELECT count(*) FROM universities").fetchall()[0][0]
    for lang in ("zh", "en"):
        name, data, _mime = files[f"xlsx_{lang}"]
        assert name.endswith(".xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        data_sheet, lists = workbook.worksheets[0], workbook.worksheets[-1]
        assert [c.value for c in data_sheet[1]] == headers(lang)
        assert lists.sheet_state == "hidden"
        assert len([c for c in lists["B"] if c.value]) == universities
        assert len([c for c in lists["A"] if c.value]) == 10
        sources = sorted(v.formula1 for v in data_sheet.data_validations.dataValidation if v.type == "list")
        assert sources[0].endswith("$A$1:$A$10") and sources[1].endswith(f"$B$1:$B${universities}")
    for name, data, _mime in files.values():
        report = Ingest(con, data, name, today=TODAY).validate()
        assert report.rows == 0 and report.ignored_columns == []


def test_a_filled_xlsx_template_imports(con):
    _name, data, _mime = all_templates(con)["xlsx_zh"]
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    for number, row in enumerate(VALID, start=2):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value or None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = Ingest(con, buffer.getvalue(), "filled.xlsx", today=TODAY).run()
    assert (report.rows, report.inserted, report.rejected) == (len(VALID), len(VALID), 0)
    assert report.header_line == 1
