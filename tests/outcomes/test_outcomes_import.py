"""Outcome import (issue 11): one row per school and school year, validated with line and reason (counts ≥ 0,
large classes ≤ classes, master's teachers ≤ teachers, rates 0–100, `85%` → 85, an Excel percent cell as shown,
school years as people write them, an unknown school, a year before the baseline, a duplicate row, text in a number
column), a dry run that writes nothing, changes before → after, demo outcomes replaced and undo that reverses
exactly one batch, rows outside the importer's scope rejected."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from assistance.access.accounts import add_account, get_account
from assistance.access.permissions import AccessDenied
from assistance.outcomes.importer import OutcomesImport
from assistance.registry.undo import undo
from tests.conftest import DEMO_TODAY, snapshot

HEADER = (
    "受援学校,受援县,学年,在校生数,班级数,56人及以上班级数,专任教师数,研究生学历教师数,高级职称教师数,流失教师数,"
    "优质生源本地就读率,本科上线率,特控线上线人数,备注"
)
QINGLONG = "青龙满族自治县第一中学"  # a verified pairing's real school: no demo outcomes
DEMO_SCHOOL = "策勒县示例中学"  # a demo pairing's school: demo outcomes of 2021–2025 with a year missing
TABLES = ("outcomes", "archived_outcomes", "registry_changes", "upload_batches", "rejected_rows", "audit_log")


@pytest.fixture
def con(demo_con):
    return demo_con


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def run(con, data: bytes, name: str = "o.csv", **kwargs):
    return OutcomesImport(con, data, name, today=DEMO_TODAY, **kwargs).run()


def check(con, data: bytes, name: str = "o.csv", **kwargs):
    return OutcomesImport(con, data, name, today=DEMO_TODAY, **kwargs).validate()


def stored(con, school: str) -> dict[int, dict]:
    rows = con.execute(
        "SELECT o.* FROM outcomes o JOIN schools s USING (school_id) WHERE s.name_zh = ? ORDER BY school_year",
        [school],
    ).df()
    return {int(r["school_year"]): {k: None if pd.isna(v) else v for k, v in r.items()} for _, r in rows.iterrows()}


def errors(report) -> dict[int, set[tuple[str, str]]]:
    found: dict[int, set[tuple[str, str]]] = {}
    for line, field, code in report.errors[["line", "field", "code"]].itertuples(index=False):
        found.setdefault(int(line), set()).add((field, code))
    return found


def test_every_bad_row_of_the_issue_is_rejected_with_its_line_and_reason(con):
    data = csv(
        f"{QINGLONG},,2021,3200,60,20,240,12,50,8,45,30,12,基线",  # line 2: valid
        f"{QINGLONG},,2022,3300,60,10,250,15,55,6,50,120,14,",  # 3: rate of 120
        f"{QINGLONG},,2023,3300,60,10,-3,15,55,6,50,35,14,",  # 4: negative teachers
        f"{QINGLONG},,2024,3300,60,61,250,15,55,6,50,35,14,",  # 5: large classes > classes
        "不存在的中学,,2023,3300,60,10,250,15,55,6,50,35,14,",  # 6: unknown school
        f"{QINGLONG},,2019,3300,60,10,250,15,55,6,50,35,14,",  # 7: a year before the 2021 baseline
        f"{QINGLONG},,2021—22,3300,60,10,250,15,55,6,50,35,14,",  # 8: duplicate of line 2 (2021–22 is 2021)
        f"{QINGLONG},,2025,很多,60,10,250,15,55,6,50,35,14,",  # 9: text in a number column
        f"{QINGLONG},,2025,3300,60,10,250,300,55,6,50,35,14,",  # 10: master's teachers > teachers
    )
    report = check(con, data)
    assert (report.rows, report.inserted, report.rejected) == (9, 1, 8), report.to_dict("en")
    assert errors(report) == {
        3: {("undergrad_rate_pct", "rate_range")},
        4: {("teachers", "count_negative")},
        5: {("large_classes", "exceeds_classes")},
        6: {("school", "school_unknown")},
        7: {("school_year", "before_baseline")},
        8: {("school_year", "duplicate_in_file")},
        9: {("students", "count_invalid")},
        10: {("teachers_masters", "exceeds_teachers")},
    }
    messages = {e["line"]: e["message"] for e in report.error_records("en")}
    assert "between 0 and 100" in messages[3] and "cannot be negative" in messages[4]
    assert "line 2" in messages[8] and "2021–22 baseline" in messages[7]
    zh = {e["line"]: (e["column"], e["message"]) for e in report.error_records("zh")}
    assert zh[9] == ("在校生数", "“在校生数”为“很多”：应为 0 及以上的整数")
    assert zh[5][0] == "56人及以上班级数" and "61 > 60" in zh[5][1]


def test_school_years_as_people_write_them_mean_the_year_that_starts_in_september(con):
    data = csv(
        f"{QINGLONG},,2023,1,,,,,,,,,,",
        f"{QINGLONG},,2022-2023,2,,,,,,,,,,",
        f"{QINGLONG},,2024—25,3,,,,,,,,,,",
        f"{QINGLONG},,2021学年,4,,,,,,,,,,",
        f"{QINGLONG},,2025-2027,5,,,,,,,,,,",  # not one school year
        f"{QINGLONG},,2030,5,,,,,,,,,,",  # not started yet (today is 2026-11-28)
        f"{QINGLONG},,去年,5,,,,,,,,,,",
    )
    report = run(con, data)
    assert (report.inserted, report.rejected) == (4, 3)
    assert {year: row["students"] for year, row in stored(con, QINGLONG).items()} == {
        2021: 4,
        2022: 2,
        2023: 1,
        2024: 3,
    }
    assert errors(report) == {
        6: {("school_year", "school_year_invalid")},
        7: {("school_year", "future_year")},
        8: {("school_year", "school_year_invalid")},
    }


def test_rates_85_percent_and_85_mean_85_and_an_empty_cell_is_missing_not_zero(con):
    report = run(con, csv(f"{QINGLONG},,2022,,,,,,,,85%,８５,,", f"{QINGLONG},,2023,,,,,,,,0.5,62.5％,,"))
    assert report.rejected == 0
    rows = stored(con, QINGLONG)
    assert (rows[2022]["top_intake_local_pct"], rows[2022]["undergrad_rate_pct"]) == (85, 85)
    assert (rows[2023]["top_intake_local_pct"], rows[2023]["undergrad_rate_pct"]) == (0.5, 62.5)  # a CSV: as written
    assert rows[2022]["students"] is None  # missing, not 0
    long = con.execute(
        "SELECT indicator FROM outcome_overview WHERE school = ? AND school_year = 2022 ORDER BY 1", [QINGLONG]
    ).fetchall()
    assert long == [("top_intake_local_pct",), ("undergrad_rate_pct",)]  # no row for a missing figure


def test_an_excel_percent_cell_means_what_it_shows(con):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["学校填报说明：每校每学年一行"])  # a title row above the header
    sheet.append(["受援学校", "学年", "本科上线率", "优质生源本地就读率", "在校生数"])
    sheet.append([QINGLONG, "2021-2022", 0.35, 0.625, 3200])
    sheet.append([QINGLONG, 2022, 1, 0.7, 3300])  # 100%: the column holds fractions, so 1 is 100
    for cell in ("C3", "D3", "C4", "D4"):
        sheet[cell].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(con, buffer.getvalue(), "成效.xlsx")
    assert (report.inserted, report.rejected) == (2, 0), report.to_dict("en")
    rows = stored(con, QINGLONG)
    assert (rows[2021]["undergrad_rate_pct"], rows[2021]["top_intake_local_pct"]) == (35, 62.5)
    assert (rows[2022]["undergrad_rate_pct"], rows[2022]["top_intake_local_pct"]) == (100, 70)
    assert rows[2021]["students"] == 3200


def test_a_dry_run_writes_nothing(con):
    before = snapshot(con, TABLES)
    report = check(con, csv(f"{QINGLONG},,2021,3200,60,20,240,12,50,8,45,30,12,", f"{DEMO_SCHOOL},,2022,1,,,,,,,,,,"))
    assert (report.inserted, report.batch_id, report.demo["outcomes"]) == (2, None, 4)
    assert snapshot(con, TABLES) == before


def test_a_second_import_shows_changes_before_and_after_and_counts_unchanged_rows(con):
    run(con, csv(f"{QINGLONG},,2021,3200,60,20,240,12,50,8,45,30,12,"))
    again = csv(f"{QINGLONG},,2021,3200,60,18,,,,,,31.5,,更正", f"{QINGLONG},,2021,3200,,,,,,,,,,")
    report = check(con, again)
    assert (report.changed, report.rejected) == (1, 1)  # the second row repeats the key of the first
    changes = {r.field: (r.before, r.after) for r in report.changes.itertuples()}
    assert changes == {"large_classes": ("20", "18"), "undergrad_rate_pct": ("30", "31.5"), "notes": (None, "更正")}
    unchanged = check(con, csv(f"{QINGLONG},,2021,3200,60,,,,,,,,,"))
    assert (unchanged.unchanged, unchanged.changed, unchanged.nothing_to_add) == (1, 0, True)


def test_real_figures_replace_a_schools_demo_outcomes_and_undo_puts_them_back(con):
    demo = stored(con, DEMO_SCHOOL)
    assert len(demo) == 4 and set(demo) < {2021, 2022, 2023, 2024, 2025}  # one year missing, as reports miss one
    assert {r["provenance"] for r in demo.values()} == {"demo"}
    before = snapshot(con, ("outcomes", "archived_outcomes"))
    report = run(con, csv(f"{DEMO_SCHOOL},策勒县,2022,2500,45,3,170,20,40,5,55%,41.5,9,"))
    assert (report.inserted, report.demo) == (1, {"outcomes": 4})
    assert report.demo_notes("en") == ["removed 4 demo outcome rows of these schools"]
    now = stored(con, DEMO_SCHOOL)
    assert list(now) == [2022] and now[2022]["provenance"] == "imported" and now[2022]["batch_id"] == report.batch_id
    result = undo(con, report.batch_id)
    assert result.status == "done", result.message("en")
    assert snapshot(con, ("outcomes", "archived_outcomes")) == before
    assert stored(con, DEMO_SCHOOL) == demo


def test_undo_of_a_change_restores_the_earlier_version_and_waits_for_later_batches(con):
    first = run(con, csv(f"{QINGLONG},,2021,3200,60,20,240,12,50,8,45,30,12,"))
    second = run(con, csv(f"{QINGLONG},,2021,,,18,,,,,,,,"))
    assert second.changed == 1 and stored(con, QINGLONG)[2021]["large_classes"] == 18
    blocked = undo(con, first.batch_id)
    assert (blocked.status, blocked.blockers) == ("blocked", (second.batch_id,))
    assert undo(con, second.batch_id).status == "done"
    row = stored(con, QINGLONG)[2021]
    assert (row["large_classes"], row["students"], row["batch_id"]) == (20, 3200, first.batch_id)
    assert undo(con, first.batch_id).status == "done"
    assert stored(con, QINGLONG) == {}


def test_a_school_named_twice_needs_its_county(con):
    con.execute("INSERT INTO schools VALUES (9001, ?, '620102')", [QINGLONG])  # the same name in 兰州 城关区
    con.execute("INSERT INTO school_aliases VALUES (?, 9001)", [QINGLONG])
    report = check(con, csv(f"{QINGLONG},,2021,1,,,,,,,,,,", f"{QINGLONG},青龙,2021,1,,,,,,,,,,"))
    assert errors(report) == {2: {("school", "school_ambiguous")}}
    assert "青龙满族自治县" in report.error_records("zh")[0]["message"]
    assert report.inserted == 1


def test_rows_outside_the_importers_scope_are_rejected_and_a_viewer_is_refused(con):
    add_account(con, "bnu", "university", None, identity="bnu@example.org", university="北京师范大学")
    add_account(con, "qinglong", "school", None, identity="ql@example.org", school="青龙一中")
    add_account(con, "view", "viewer", None, identity="v@example.org")
    other = con.execute(
        "SELECT s.name_zh FROM pairing_overview po JOIN schools s ON s.name_zh = po.school "
        "WHERE po.university = '复旦大学' LIMIT 1"
    ).fetchone()[0]
    data = csv(f"{QINGLONG},,2021,3200,,,,,,,,,,", f"{other},,2021,3000,,,,,,,,,,")
    for username in ("bnu", "qinglong"):
        report = check(con, data, actor=get_account(con, username))
        assert (report.inserted, report.rejected) == (1, 1), username
        assert errors(report) == {3: {("school", "outside_scope")}}
        assert "outside your scope" in report.error_records("en")[0]["message"]
    committed = run(con, data, actor=get_account(con, "qinglong"))
    assert committed.inserted == 1
    audit = con.execute("SELECT username, role, action FROM audit_log WHERE batch_id = ?", [committed.batch_id])
    assert audit.fetchall() == [("qinglong", "school", "outcome_import")]
    assert undo(con, committed.batch_id, get_account(con, "bnu")).status == "refused"  # not its batch
    assert undo(con, committed.batch_id, get_account(con, "qinglong")).status == "done"  # a school undoes its own
    before = snapshot(con, TABLES)
    with pytest.raises(AccessDenied):
        run(con, data, actor=get_account(con, "view"))
    assert snapshot(con, TABLES) == before


def test_an_outcome_file_elsewhere_is_refused_naming_the_registry_page(con):
    from assistance.ingest.errors import IngestFileError
    from assistance.registry.plans import PlansImport

    with pytest.raises(IngestFileError) as refused:
        PlansImport(con, csv(f"{QINGLONG},,2021,3200,,,,,,,,,,"), "o.csv").validate()
    assert "python -m assistance outcomes import" in refused.value.message("en")


def test_demo_outcomes_belong_to_demo_schools_only(con):
    real = con.execute(
        "SELECT count(*) FROM outcomes o WHERE o.school_id IN "
        "(SELECT school_id FROM pairings WHERE provenance <> 'demo')"
    ).fetchone()[0]
    assert real == 0
    schools, years, provenance = con.execute(
        "SELECT count(DISTINCT school_id), list(DISTINCT school_year ORDER BY school_year), list(DISTINCT provenance) "
        "FROM outcomes"
    ).fetchone()
    assert schools == 86 and years == [2021, 2022, 2023, 2024, 2025] and provenance == ["demo"]
    assert date(2026, 11, 28) == DEMO_TODAY  # the last complete school year of the demo is 2025–26
