"""Plan import: pairing × school year × measure → target, new / unchanged / changed / rejected, demo targets
replaced, a batch that undo reverses."""

from __future__ import annotations

import pytest

from assistance.ingest.errors import IngestFileError
from assistance.registry.plans import PlansImport
from assistance.registry.undo import undo

HEADER = "帮扶高校,受援学校,受援县,学年,帮扶举措,目标次数,备注"


@pytest.fixture
def con(demo_con):
    return demo_con


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def targets(con, pairing_id: int) -> dict:
    rows = con.execute(
        "SELECT school_year, measure, target, provenance FROM plan_overview WHERE pairing_id = ?", [pairing_id]
    ).fetchall()
    return {(year, measure): (target, provenance) for year, measure, target, provenance in rows}


def test_school_years_measures_and_places_as_people_write_them(con):
    rows = [
        "北师大,青龙一中,,2023,教研,6,",
        "北京师范大学,,青龙,2023-2024,teacher_visit,10,",
        "北京师范大学,,青龙满族自治县,2023—24,派驻校长教师团队,3,",
        "北京师范大学,,130321,2023学年,支教,２,",
        "北京师范大学,青龙满族自治县第一中学,,2024/25学年,跟岗,4次,",
    ]
    report = PlansImport(con, csv(*rows), "p.csv").run()
    assert (report.rows, report.inserted, report.rejected) == (5, 5, 0), report.to_dict("en")
    stored = targets(con, 1)
    assert stored == {
        (2023, "teaching_research"): (6, "imported"),
        (2023, "teacher_visit"): (10, "imported"),
        (2023, "resident_team"): (3, "imported"),
        (2023, "student_teaching"): (2, "imported"),
        (2024, "shadowing"): (4, "imported"),
    }  # the pairing's demo targets are gone: real plans never mix with demo ones
    assert report.demo["plans"] > 0
    batch = con.execute("SELECT DISTINCT batch_id FROM plan_overview WHERE pairing_id = 1").fetchall()
    assert batch == [(report.batch_id,)]


def test_changes_are_shown_before_and_after_and_unchanged_rows_counted(con):
    PlansImport(con, csv("北师大,青龙一中,,2023,教研,6,"), "p.csv").run()
    report = PlansImport(con, csv("北师大,青龙一中,,2023,教研,8,第二版", "北师大,青龙一中,,2023,教研,8,"), "p2.csv")
    result = report.validate()
    assert (result.changed, result.rejected) == (1, 1)  # the second row repeats the key of the first
    changes = {r.field: (r.before, r.after) for r in result.changes.itertuples()}
    assert changes == {"target": ("6", "8"), "notes": (None, "第二版")}
    again = PlansImport(con, csv("北师大,青龙一中,,2023,教研,6,"), "p3.csv").validate()
    assert (again.unchanged, again.changed) == (1, 0)


def test_rows_that_cannot_be_a_plan_are_rejected_with_a_reason(con):
    rows = [
        "某大学,,青龙,2023,教研,1,",
        "北京师范大学,,大化,2023,教研,1,",
        "北京师范大学,,,2023,教研,1,",
        "北京师范大学,,青龙,2023-2025,教研,1,",
        "北京师范大学,,青龙,2023,吃饭,1,",
        "北京师范大学,,青龙,2023,教研,-1,",
    ]
    report = PlansImport(con, csv(*rows), "p.csv").validate()
    assert report.rejected == 6
    by_line = {e["line"]: (e["column"], e["message"]) for e in report.to_dict("en")["errors"]}
    assert by_line[2][0] == "帮扶高校" and "not in the registry" in by_line[2][1]
    assert by_line[3][0] == "受援县" and "青龙满族自治县第一中学" in by_line[3][1]  # the pairings it does have
    assert by_line[4][0] == "受援学校 / 受援县"
    assert by_line[5][0] == "学年" and by_line[6][0] == "帮扶举措" and by_line[7][0] == "目标次数"


def test_a_county_with_two_pairings_of_the_supporter_is_ambiguous(con):
    from tests.corpus import corpus_database

    corpus_database(con)  # a second 青龙 school for 北京师范大学 (provincial tier)
    report = PlansImport(con, csv("北京师范大学,,青龙,2023,教研,1,"), "p.csv").validate()
    [error] = report.to_dict("zh")["errors"]
    assert "青龙满族自治县第二中学" in error["message"] and "青龙满族自治县第一中学" in error["message"]
    tiered = PlansImport(
        con, csv("北京师范大学,青龙,省级,2023,教研,1", header="帮扶高校,受援县,层级,学年,帮扶举措,目标次数"), "p.csv"
    ).validate()
    assert (tiered.inserted, tiered.rejected) == (1, 0)


def test_undo_of_a_plan_batch_restores_the_demo_targets(con):
    before = targets(con, 1)
    report = PlansImport(con, csv("北师大,青龙一中,,2023,教研,6,"), "p.csv").run()
    assert targets(con, 1) != before
    assert undo(con, report.batch_id).status == "done"
    assert targets(con, 1) == before


def test_a_registry_file_uploaded_as_plans_is_refused_naming_the_registry(con):
    registry = "帮扶单位,省份,受援县,受援学校,层级\n北京师范大学,河北,青龙,青龙一中,国家示范\n".encode()
    with pytest.raises(IngestFileError) as caught:
        PlansImport(con, registry, "r.csv").validate()
    assert caught.value.code == "wrong_kind" and "名册管理" in caught.value.message("zh")
    assert "registry import" in caught.value.message("en")
