"""The problem file (困难问题台账 as a province collects it in Excel), through the registry's pipeline: each bad row
rejected with its line and reason (the issue's list: an unknown pairing, an unknown category, a due date before the
raised date, a status outside the list, a blank title), places and words as people write them, rows outside the
importer's scope, dry run vs commit, a changed problem, undo (refused once the app edited an imported problem), the
export that imports again unchanged, and a problem file refused on the activity upload naming the Problems page.
On an `init --empty` database."""

from __future__ import annotations

import io
from datetime import date

import pytest

from assistance.access.accounts import add_account
from assistance.access.permissions import AccessDenied
from assistance.guidance.problem_import import ProblemsImport
from assistance.guidance.problems import ProblemChange, update_problem, write_problems
from assistance.ingest.errors import IngestFileError
from assistance.ingest.pipeline import Ingest
from assistance.registry.undo import undo
from tests.conftest import snapshot

TODAY = date(2026, 11, 28)
HEADER = "帮扶高校,受援学校,受援县,省份,提出日期,提出方,类别,问题,问题描述,责任层级,状态,期限,处理结果"
TABLES = ("problems", "problem_history", "upload_batches", "registry_changes", "audit_log")


@pytest.fixture
def con(empty_con):
    return empty_con


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def run(con, data: bytes, commit: bool = True, **options):
    job = ProblemsImport(con, data, "台账.csv", today=TODAY, **options)
    return job.run() if commit else job.validate()


def errors(report, lang: str = "zh") -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for line, column, _value, message in report.errors_in(lang).itertuples(index=False):
        found.setdefault(int(line), []).append((column, message))
    return found


def test_each_bad_row_is_rejected_with_its_line_and_reason(con):
    rows = [
        "北京师范大学,,青龙,,2026-09-01,学校,师资,数学教师短缺,,县政府,处理中,2026-12-31,",  # line 2: fine
        "北京师范大学,不存在的中学,,,2026-09-01,学校,师资,未知配对,,高校,,,",  # 3: unknown pairing
        "北京师范大学,,青龙,,2026-09-02,学校,吃饭,未知类别,,高校,,,",  # 4: unknown category
        "北京师范大学,,青龙,,2026-09-03,学校,师资,期限早于提出,,高校,,2026-08-01,",  # 5: due before raised
        "北京师范大学,,青龙,,2026-09-04,学校,师资,未知状态,,高校,搁置,,",  # 6: status outside the list
        "北京师范大学,,青龙,,2026-09-05,学校,师资,,,高校,,,",  # 7: blank title
        "北京师范大学,,青龙,,2026-09-06,学校,师资,已解决没写结果,,高校,已解决,,",  # 8: resolution required
        "北京师范大学,,青龙,,2027-01-01,学校,师资,未来的日期,,高校,,,",  # 9: raised in the future
        "北京师范大学,,青龙,,2026-09-01,学校,师资,数学教师短缺,,县政府,,,",  # 10: the same problem as line 2
    ]
    before = snapshot(con, TABLES)
    report = run(con, csv(*rows), commit=False)
    assert (report.rows, report.inserted, report.rejected, report.batch_id) == (9, 1, 8, None)
    assert snapshot(con, TABLES) == before, "a dry run writes nothing"
    found = errors(report)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert found[3] == [
        (
            "受援学校",
            "受援学校「不存在的中学」不是该帮扶单位的配对（该单位的配对："
            "融安县示例中学（融安县，national）、青龙满族自治县第一中学（青龙满族自治县，national））",
        )
    ]
    assert found[4] == [("类别", "类别「吃饭」须为 师资、经费、生源、管理、条件保障、政策协调、其他 之一")]
    assert found[5] == [("期限", "期限「2026-08-01」早于提出日期")]
    assert found[6] == [("状态", "状态「搁置」须为 待处理、处理中、受阻、已解决、不再跟进 之一")]
    assert found[7] == [("问题", "问题 为必填项")]
    assert found[8] == [("处理结果", "已解决或不再跟进的问题须填写 处理结果")]
    assert found[9][0][0] == "提出日期"
    assert "第 2 行" in found[10][0][1]
    english = errors(report, "en")
    assert english[4][0][1].startswith("类别 '吃饭' must be one of teachers")
    assert "line 2" in english[10][0][1]
    committed = run(con, csv(*rows))
    assert (committed.inserted, committed.rejected) == (1, 8) and committed.batch_id is not None
    assert con.execute("SELECT count(*) FROM rejected_rows WHERE batch_id = ?", [committed.batch_id]).fetchone()[0] == 8
    assert b"\xe5\x90\x83\xe9\xa5\xad" in committed.rejected_csv("zh"), "the rejected rows download with their cells"


def test_places_and_words_as_people_write_them(con):
    header = "帮扶单位,受援校,县区,省份,提出时间,提出单位,问题类型,困难问题,描述,责任主体,处理状态,完成期限,解决情况"
    rows = [
        "北师大,青龙一中,,,2026/9/1,高校,条件保障,周转房,,县,处理中,2026年12月31日,",
        ",,永登,甘肃,2026-10-02,县政府,funding,县中配套经费不足,,county,resolved,,已拨付",
        ",,,广西壮族自治区,2026.10.3,province,policy,编制核定滞后,,省教育厅,待处理,,",
        ",,朝阳,,2026-10-04,县,其他,同名的县,,县,,,",  # 朝阳 is in 辽宁, 北京, 吉林…: ambiguous without a province
        ",,,,2026-10-05,县,其他,哪里的问题,,县,,,",  # no place at all
    ]
    report = run(con, csv(*rows, header=header))
    found = errors(report)
    assert (report.inserted, report.rejected) == (3, 2), report.to_dict("zh")
    assert "朝阳" in found[5][0][1] and found[5][0][0] == "县区"
    assert "未说明问题属于哪里" in found[6][0][1]
    stored = con.execute(
        "SELECT o.scope, o.pairing_id, o.province_code, o.category, o.status, o.owner_level, o.due_date, "
        "p.resolution FROM problem_overview o JOIN problems p USING (problem_id) ORDER BY problem_id"
    ).fetchall()
    assert stored == [
        ("pairing", 1, "130000", "facilities", "in_progress", "county", date(2026, 12, 31), None),
        ("county", None, "620000", "funding", "resolved", "county", None, "已拨付"),
        ("province", None, "450000", "policy", "open", "province", None, None),
    ]


def test_a_row_outside_the_importers_scope_is_rejected(con):
    bnu = add_account(con, "bnu", "university", "password-for-tests", university="北京师范大学")
    hebei = add_account(con, "hebei", "province", "password-for-tests", province="130000")
    viewer = add_account(con, "viewer", "viewer", "password-for-tests")
    rows = [
        "北京师范大学,,青龙,,2026-09-01,学校,师资,本校的问题,,高校,,,",
        "复旦大学,,奉节,,2026-09-01,学校,师资,别校的问题,,高校,,,",  # Fudan's pairing in 重庆
        ",,,河北,2026-09-01,省级,政策协调,全省的问题,,省级,,,",
    ]
    report = run(con, csv(*rows), actor=bnu)
    assert (report.inserted, report.rejected) == (1, 2)
    assert {line: messages[0][1] for line, messages in errors(report).items()} == {
        3: "“复旦大学”不在您的权限范围内",
        4: "“河北”不在您的权限范围内",
    }
    report = run(con, csv(*rows[1:]), actor=hebei)
    assert (report.inserted, report.rejected) == (1, 1), "Hebei's own province-wide problem, not Fudan's pairing"
    with pytest.raises(AccessDenied):
        run(con, csv(*rows), actor=viewer)
    batch = con.execute("SELECT uploaded_by FROM upload_batches ORDER BY batch_id DESC LIMIT 1").fetchone()[0]
    assert batch == "hebei"
    assert con.execute("SELECT DISTINCT username FROM problem_history ORDER BY 1").fetchall() == [("bnu",), ("hebei",)]


def test_a_changed_problem_and_undo(con):
    first = run(con, csv("北京师范大学,,青龙,,2026-09-01,学校,师资,数学教师短缺,缺 3 人,县政府,处理中,,"))
    again = run(con, csv("北京师范大学,,青龙,,2026-09-01,学校,师资,数学教师短缺,,县政府,处理中,,"))
    assert (again.unchanged, again.changed, again.batch_id is not None) == (1, 0, True), "an empty cell changes nothing"
    second = run(con, csv("北京师范大学,,青龙,,2026-09-01,学校,师资, 数学教师短缺 ,,县政府,已解决,,招聘到位"))
    assert (second.changed, second.inserted) == (1, 0)
    assert {r.field: (r.before, r.after) for r in second.changes.itertuples()} == {
        "status": ("in_progress", "resolved"),
        "resolution": (None, "招聘到位"),
    }
    status, version = con.execute("SELECT status, version FROM problems").fetchone()
    assert (status, version) == ("resolved", 2)
    history = con.execute("SELECT from_status, to_status, batch_id FROM problem_history ORDER BY event_id").fetchall()
    assert history == [(None, "in_progress", first.batch_id), ("in_progress", "resolved", second.batch_id)]
    blocked = undo(con, first.batch_id)
    assert blocked.status == "blocked" and blocked.blockers == (second.batch_id,), "the batch that changed it since"
    assert undo(con, second.batch_id).status == "done"
    assert con.execute("SELECT status, resolution, version FROM problems").fetchone() == ("in_progress", None, 3)
    assert undo(con, again.batch_id).status == "done"
    assert undo(con, first.batch_id).status == "done"
    assert con.execute("SELECT count(*) FROM problems").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM problem_history").fetchone()[0] == 0


def test_undo_is_refused_once_the_app_edited_an_imported_problem(con):
    report = run(con, csv("北京师范大学,,青龙,,2026-09-01,学校,师资,数学教师短缺,,县政府,,,"))
    problem_id = con.execute("SELECT problem_id FROM problems").fetchone()[0]
    update_problem(con, add_account(con, "moe", "ministry", "password-for-tests"), problem_id, 1,
                   ProblemChange(status="in_progress", comment="已联系县政府"), TODAY)  # fmt: skip
    result = undo(con, report.batch_id)
    assert (result.status, result.reason, result.blockers) == ("blocked", "edited", (problem_id,))
    assert f"#{problem_id}" in result.message("zh") and "edited in the app" in result.message("en")


def test_the_export_imports_again_unchanged(con):
    run(con, csv(
        "北京师范大学,,青龙,,2026-09-01,学校,师资,=HYPERLINK(\"x\"),\"<script>alert(1)</script>\",县政府,处理中,,",
        ",,永登,甘肃,2026-10-02,县政府,经费,县中配套经费不足,,县政府,已解决,,已拨付",
        ",,,广西,2026-10-03,省级,政策协调,编制核定滞后,,省级,,,",
    ))  # fmt: skip
    for fmt in ("csv", "xlsx"):
        buffer = io.BytesIO()
        assert write_problems(con, buffer, fmt, today=TODAY) == 3
        data = buffer.getvalue()
        if fmt == "csv":
            text = data.decode("utf-8-sig")
            assert text.splitlines()[0].startswith(HEADER)
            assert "'=HYPERLINK" in text, "a formula-like cell is written inert"
        again = ProblemsImport(con, data, f"export.{fmt}", today=TODAY).validate()
        assert (again.rows, again.unchanged, again.rejected) == (3, 3, 0), again.to_dict("en")


def test_a_problem_file_on_the_activity_upload_names_the_problems_page(con):
    data = csv("北京师范大学,,青龙,,2026-09-01,学校,师资,数学教师短缺,,县政府,,,")
    with pytest.raises(IngestFileError) as refused:
        Ingest(con, data, "台账.csv", today=TODAY).validate()
    assert "问题台账" in refused.value.message("zh") and "Problems" in refused.value.message("en")
