"""Writes held to the actor (issue 12), checked on the server side: an import takes the rows inside the actor's
scope and rejects the others as outside_scope; a role that may not write a kind of file is refused before anything
is read (AccessDenied, nothing written); undo of another party's batch is refused; every committed import and undo
leaves its audit row naming who did it."""

from __future__ import annotations

import pytest

from assistance.access.accounts import CLI, add_account, disable_account, get_account
from assistance.access.permissions import AccessDenied
from assistance.ingest.pipeline import Ingest
from assistance.registry.importer import RegistryImport
from assistance.registry.plans import PlansImport
from assistance.registry.undo import undo
from tests.conftest import snapshot
from tests.corpus import TODAY, VALID, ZH, to_csv

TABLES = (
    "activities", "upload_batches", "rejected_rows", "pairings", "plan_targets", "universities", "schools",
    "audit_log",
)  # fmt: skip
DATA_TABLES = TABLES[:-1]
# Accounts by username: role and scope (created with an identity, no password: writes never ask for one).
ACCOUNTS = {
    "bnu1": ("university", {"university": "北师大"}),
    "bnu2": ("university", {"university": "北京师范大学"}),
    "fudan": ("university", {"university": "复旦大学"}),
    "guangxi1": ("province", {"province": "广西"}),
    "guangxi2": ("province", {"province": "450000"}),
    "gansu": ("province", {"province": "甘肃"}),
    "qinglong": ("school", {"school": "青龙一中"}),
    "viewer": ("viewer", {}),
    "bnu_viewer": ("viewer", {"university": "北京师范大学"}),
    "ministry": ("ministry", {}),
}
# VALID's rows of 北京师范大学 (file lines 2, 3 and 7) and of other universities (lines 4, 5, 6).
BNU_LINES, OTHER_LINES = {2, 3, 7}, {4, 5, 6}
MIXED = to_csv([ZH, *VALID]).encode("utf-8")
BNU_ONLY = to_csv([ZH, VALID[0], VALID[1], VALID[5]]).encode("utf-8")
REGISTRY_HEADER = "帮扶单位,省份,市/州,受援县,受援学校,学校简称,层级,协议开始日期,协议结束日期,周期,来源"
PLANS_HEADER = "帮扶高校,受援学校,受援县,学年,帮扶举措,目标次数,备注"


@pytest.fixture
def con(demo_con):
    for username, (role, scope) in ACCOUNTS.items():
        add_account(demo_con, username, role, None, identity=f"{username}@example.org", **scope)
    return demo_con


def actor(con, username: str):
    return get_account(con, username)


def upload(con, username, data: bytes = MIXED, name: str = "log.csv"):
    return Ingest(con, data, name, today=TODAY, actor=actor(con, username)).run()


def lines(*rows: str, header: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def audit(con) -> list[tuple]:
    return con.execute("SELECT username, role, action, batch_id FROM audit_overview ORDER BY event_id").fetchall()


def error_cells(report) -> set[tuple]:
    cells = report.errors[["line", "field", "code"]].itertuples(index=False)
    return {(int(line), field, code) for line, field, code in cells}


# ---------------------------------------------------------------------------------------------------------
# Activities


def test_a_university_upload_takes_its_own_rows_and_rejects_the_others_as_outside_its_scope(con):
    before = con.execute("SELECT count(*) FROM activities").fetchone()[0]
    dry = Ingest(con, MIXED, "log.csv", today=TODAY, actor=actor(con, "bnu1")).validate()
    assert (dry.rows, dry.inserted, dry.rejected) == (6, 3, 3)
    report = upload(con, "bnu1")
    assert (report.rows, report.inserted, report.rejected, report.committed) == (6, 3, 3, True)
    assert error_cells(report) == {(line, "university", "outside_scope") for line in OTHER_LINES}
    english = report.errors_in("en")
    for message in english["message"]:
        assert "帮扶高校" in message and "outside your scope" in message
    assert set(english["column"]) == {"帮扶高校"}
    assert all("不在您的权限范围内" in message for message in report.errors_in("zh")["message"])
    inserted = con.execute(
        "SELECT DISTINCT university FROM activity_overview WHERE batch_id = ?", [report.batch_id]
    ).fetchall()
    assert inserted == [("北京师范大学",)]
    assert con.execute("SELECT count(*) FROM activities").fetchone()[0] == before + 3
    quarantined = con.execute("SELECT DISTINCT line FROM rejected_rows WHERE batch_id = ?", [report.batch_id])
    assert {row[0] for row in quarantined.fetchall()} == OTHER_LINES
    assert con.execute("SELECT uploaded_by FROM upload_batches WHERE batch_id = ?", [report.batch_id]).fetchone() == (
        "bnu1",
    )


def test_the_same_mixed_file_is_taken_whole_from_the_ministry_and_the_command_line(con):
    assert upload(con, "ministry").inserted == 6
    again = Ingest(con, to_csv([ZH, *[[*row[:5], row[5] + "（二）", *row[6:]] for row in VALID]]).encode(), "cli.csv",
                   today=TODAY, actor=CLI).run()  # fmt: skip
    assert (again.inserted, again.rejected) == (6, 0)


def test_a_school_scope_is_not_a_university_scope(con):
    """The school account may not upload at all; the coordinator of its university may, for every school."""
    with pytest.raises(AccessDenied):
        upload(con, "qinglong", BNU_ONLY)
    assert upload(con, "bnu2", BNU_ONLY).inserted == 3


REFUSED_WRITERS = [
    # (job, actor username, what the refusal says)
    ("activities", "viewer", "role"),
    ("activities", "bnu_viewer", "role"),
    ("activities", "qinglong", "role"),
    ("activities", "guangxi1", "role"),
    ("activities", None, "signed_out"),
    ("plans", "viewer", "role"),
    ("plans", "qinglong", "role"),
    ("plans", "guangxi1", "role"),
    ("registry", "viewer", "role"),
    ("registry", "bnu1", "role"),
    ("registry", "qinglong", "role"),
    ("registry", None, "signed_out"),
]
FILES = {
    "activities": (Ingest, MIXED),
    "plans": (PlansImport, lines("北师大,青龙一中,,2023,教研,6,", header=PLANS_HEADER)),
    "registry": (RegistryImport, lines("广西师范大学,广西,,马山,马山县第二中学,,省级,2023-09-01,,,",
                                       header=REGISTRY_HEADER)),
}  # fmt: skip


@pytest.mark.parametrize(("kind", "username", "code"), REFUSED_WRITERS, ids=[f"{k}-{u}" for k, u, _ in REFUSED_WRITERS])
def test_a_role_that_may_not_write_a_file_is_refused_and_nothing_is_written(con, kind, username, code):
    job_class, data = FILES[kind]
    before = snapshot(con, TABLES)
    account = actor(con, username) if username else None
    options = {"today": TODAY} if kind == "activities" else {}
    with pytest.raises(AccessDenied) as refused:
        job_class(con, data, f"{kind}.csv", actor=account, **options).run()
    assert refused.value.code == code
    assert snapshot(con, TABLES) == before


def test_a_disabled_account_can_write_nothing(con):
    disable_account(con, "bnu1")
    before = snapshot(con, TABLES)
    with pytest.raises(AccessDenied):
        upload(con, "bnu1", BNU_ONLY)
    with pytest.raises(AccessDenied):
        PlansImport(con, FILES["plans"][1], "p.csv", actor=actor(con, "bnu1")).run()
    assert snapshot(con, TABLES) == before


# ---------------------------------------------------------------------------------------------------------
# Registry and plans


def test_a_province_imports_its_own_provincial_rows_and_no_national_or_other_province_row(con):
    rows = [
        "广西师范大学,广西,,马山,马山县第二中学,,省级,2023-09-01,,,",  # line 2: its own, provincial
        "南宁市第一中学,,,隆林,隆林县第二中学,,市级,2023-09-01,,,",  # line 3: its own, municipal, county alone
        "北京师范大学,广西,,融安,融安县第一中学,,国家示范,,,,",  # line 4: national tier
        "甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,,,",  # line 5: another province
        "兰州市第一中学,,,临洮,临洮中学,,市级,2023-09-01,,,",  # line 6: another province's county, no province
    ]
    pairings_before = con.execute("SELECT count(*) FROM pairings").fetchone()[0]
    report = RegistryImport(con, lines(*rows, header=REGISTRY_HEADER), "r.csv", actor=actor(con, "guangxi1")).run()
    assert (report.rows, report.inserted, report.rejected) == (5, 2, 3), report.to_dict("en")
    errors = {(e["line"], e["column"]) for e in report.to_dict("en")["errors"]}
    assert errors == {(4, "层级"), (5, "省份"), (6, "省份")}
    assert all("outside your scope" in e["message"] for e in report.to_dict("en")["errors"])
    taken = con.execute(
        "SELECT school, tier, province_code FROM pairing_overview WHERE tier <> 'national' ORDER BY tier"
    ).fetchall()
    assert taken == [("隆林县第二中学", "municipal", "450000"), ("马山县第二中学", "provincial", "450000")]
    assert con.execute("SELECT count(*) FROM pairings").fetchone()[0] == pairings_before + 2


def test_the_ministry_imports_registry_rows_of_every_tier_and_province(con):
    rows = [
        "广西师范大学,广西,,马山,马山县第二中学,,省级,2023-09-01,,,",
        "甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,,,",
    ]
    report = RegistryImport(con, lines(*rows, header=REGISTRY_HEADER), "r.csv", actor=actor(con, "ministry")).run()
    assert (report.inserted, report.rejected) == (2, 0)


def test_a_university_plans_import_rejects_another_universitys_pairing(con):
    fudan_targets = "SELECT * FROM plan_targets WHERE pairing_id IN (SELECT pairing_id FROM pairing_overview " \
        "WHERE university = '复旦大学') ORDER BY ALL"  # fmt: skip
    before = con.execute(fudan_targets).fetchall()
    rows = ["北师大,青龙一中,,2023,教研,6,", "复旦大学,奉节中学,,2023,教研,6,"]
    report = PlansImport(con, lines(*rows, header=PLANS_HEADER), "p.csv", actor=actor(con, "bnu1")).run()
    assert (report.rows, report.inserted, report.rejected) == (2, 1, 1)
    (error,) = report.to_dict("en")["errors"]
    assert (error["line"], error["column"], error["value"]) == (3, "帮扶高校", "复旦大学")
    assert "outside your scope" in error["message"]
    assert con.execute(fudan_targets).fetchall() == before
    mine = con.execute(
        "SELECT target FROM plan_overview WHERE pairing_id = 1 AND school_year = 2023 AND measure = 'teaching_research'"
    ).fetchall()
    assert mine == [(6,)]


# ---------------------------------------------------------------------------------------------------------
# Undo


def test_undo_of_another_partys_batch_is_refused_and_a_colleagues_undo_works(con):
    report = upload(con, "bnu1")
    assert report.inserted == 3
    before = snapshot(con, DATA_TABLES)
    for username in ("fudan", "guangxi1", "qinglong", "viewer", "bnu_viewer"):
        result = undo(con, report.batch_id, actor(con, username))
        assert result.status == "refused", username
        assert str(report.batch_id) in result.message("en")
    assert undo(con, report.batch_id, None).status == "refused"
    assert snapshot(con, DATA_TABLES) == before
    done = undo(con, report.batch_id, actor(con, "bnu2"))
    assert (done.status, done.removed) == ("done", 3)
    assert con.execute("SELECT count(*) FROM activities WHERE batch_id = ?", [report.batch_id]).fetchone() == (0,)


def test_a_university_cannot_undo_a_command_line_batch_that_carries_its_name(con):
    """`--uploaded-by` on the command line is free text: naming an account there does not make the batch (with
    rows of other universities) that account's own."""
    report = Ingest(con, MIXED, "cli.csv", today=TODAY, uploaded_by="bnu1").run()
    assert report.inserted == 6
    before = snapshot(con, DATA_TABLES)
    for username in ("bnu1", "bnu2"):
        assert undo(con, report.batch_id, actor(con, username)).status == "refused", username
    assert snapshot(con, DATA_TABLES) == before
    assert undo(con, report.batch_id, actor(con, "ministry")).removed == 6


def test_a_province_undoes_its_own_registry_batches_not_another_provinces(con):
    report = RegistryImport(con, FILES["registry"][1], "r.csv", actor=actor(con, "guangxi1")).run()
    assert report.inserted == 1
    before = snapshot(con, DATA_TABLES)
    for username in ("gansu", "bnu1", "viewer"):
        assert undo(con, report.batch_id, actor(con, username)).status == "refused", username
    assert snapshot(con, DATA_TABLES) == before
    assert undo(con, report.batch_id, actor(con, "guangxi2")).status == "done"
    assert con.execute("SELECT count(*) FROM pairing_overview WHERE tier = 'provincial'").fetchone() == (0,)


def test_the_ministry_undoes_anyones_batch(con):
    activities = upload(con, "bnu1")
    plans = PlansImport(con, FILES["plans"][1], "p.csv", actor=actor(con, "bnu1")).run()
    registry = RegistryImport(con, FILES["registry"][1], "r.csv", actor=actor(con, "guangxi1")).run()
    command_line = Ingest(con, MIXED.replace("（测试）".encode(), "（命令行）".encode()), "c.csv", today=TODAY).run()
    ministry = actor(con, "ministry")
    for batch in (command_line, registry, plans, activities):
        assert batch.batch_id is not None
        assert undo(con, batch.batch_id, ministry).status == "done", batch.batch_id
    assert con.execute("SELECT count(*) FROM upload_batches WHERE undone_at IS NULL").fetchone() == (0,)


# ---------------------------------------------------------------------------------------------------------
# The audit trail


def test_every_committed_import_and_undo_has_its_audit_row_and_refusals_none(con):
    assert audit(con) == []
    activities = upload(con, "bnu1")
    plans = PlansImport(con, FILES["plans"][1], "p.csv", actor=actor(con, "bnu1")).run()
    registry = RegistryImport(con, FILES["registry"][1], "r.csv", actor=actor(con, "guangxi1")).run()
    # neither a dry run, nor a refused import, nor a refused undo, nor a file with nothing new is a write
    Ingest(con, MIXED, "again.csv", today=TODAY, actor=actor(con, "ministry")).validate()
    with pytest.raises(AccessDenied):
        upload(con, "viewer")
    assert undo(con, activities.batch_id, actor(con, "fudan")).status == "refused"
    nothing_new = upload(con, "bnu2", BNU_ONLY)
    assert nothing_new.batch_id is None
    assert undo(con, activities.batch_id, actor(con, "bnu2")).status == "done"
    assert undo(con, registry.batch_id, actor(con, "ministry")).status == "done"
    assert audit(con) == [
        ("bnu1", "university", "upload", activities.batch_id),
        ("bnu1", "university", "plan_import", plans.batch_id),
        ("guangxi1", "province", "registry_import", registry.batch_id),
        ("bnu2", "university", "undo", activities.batch_id),
        ("ministry", "ministry", "undo", registry.batch_id),
    ]
    at = con.execute('SELECT min("at"), max("at") FROM audit_overview').fetchone()
    assert at[0] is not None and at[1] is not None
    targets = con.execute("SELECT target FROM audit_overview WHERE action <> 'undo' ORDER BY event_id").fetchall()
    assert targets == [("log.csv",), ("p.csv",), ("r.csv",)]


# ---------------------------------------------------------------------------------------------------------
# A viewer writes nothing: problems and cases too

PROBLEMS_HEADER = "帮扶高校,受援学校,受援县,省份,提出日期,提出方,类别,问题,问题描述,责任层级,状态,期限,处理结果"
GUIDANCE_TABLES = ("problems", "problem_history", "cases", "case_history", "upload_batches", "audit_log")


@pytest.mark.parametrize("username", ["viewer", "bnu_viewer"])
def test_a_viewer_is_refused_every_problem_and_case_write_on_the_server_side(con, username):
    """Whatever the page offers, the library refuses a viewer (national, or scoped to 北京师范大学, whose pairing
    each write names): raising and updating a problem, a problem file, writing, editing and reviewing a case."""
    from assistance.guidance.cases import CaseDraft, create_case, review_case, update_case
    from assistance.guidance.problem_import import ProblemsImport
    from assistance.guidance.problems import ProblemChange, ProblemDraft, create_problem, update_problem

    pairing = con.execute("SELECT min(pairing_id) FROM pairing_overview WHERE university = '北京师范大学'").fetchone()[
        0
    ]
    problem = ProblemDraft(scope="pairing", raised_by="university", raised_on=TODAY, category="teachers",
                           title="数学教师短缺", owner_level="county", pairing_id=pairing)  # fmt: skip
    case = CaseDraft(title="跟岗研修", pairing_ids=(pairing,), action_text="每学期两批教师跟岗")
    ministry = actor(con, "ministry")
    problem_id = create_problem(con, ministry, problem, TODAY)
    case_id = create_case(con, ministry, case)
    problem_file = lines("北京师范大学,,青龙,,2024-09-01,学校,师资,实验员短缺,,县政府,,,", header=PROBLEMS_HEADER)
    viewer = actor(con, username)
    before = snapshot(con, GUIDANCE_TABLES)
    writes = {
        "raise a problem": lambda: create_problem(con, viewer, problem, TODAY),
        "update a problem": lambda: update_problem(con, viewer, problem_id, 1, ProblemChange(comment="看过"), TODAY),
        "import a problem file": lambda: ProblemsImport(con, problem_file, "台账.csv", today=TODAY, actor=viewer).run(),
        "write a case": lambda: create_case(con, viewer, case),
        "edit a case": lambda: update_case(con, viewer, case_id, 1, case),
        "recommend a case": lambda: review_case(con, viewer, case_id, 1, "recommended"),
        "select a case": lambda: review_case(con, viewer, case_id, 1, "selected"),
        "return a case": lambda: review_case(con, viewer, case_id, 1, "returned", "请补充"),
    }
    for name, write in writes.items():
        with pytest.raises(AccessDenied) as refused:
            write()
        assert refused.value.code == "role", name
    assert snapshot(con, GUIDANCE_TABLES) == before
