"""The problem tracker's rules in the library (issue 10): raising and moving a problem on, the history, the version
that refuses a save over someone else's, the account's right and scope, the overdue rule at its boundaries and
where overdue problems show (needs attention, the overview's counts, the map). On an `init --empty` database (the
115 registry pairings, no demo problems)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assistance.access.accounts import CLI, add_account
from assistance.access.permissions import AccessDenied
from assistance.access.scope import Scope
from assistance.analytics import attention, coverage
from assistance.analytics import problems as figures
from assistance.filters import Filters
from assistance.guidance.problems import ProblemChange, ProblemDraft, ProblemRefused, create_problem, update_problem

TODAY = date(2026, 11, 28)
QINGLONG = 1  # 北京师范大学 → 青龙满族自治县第一中学 (河北), verified
RONGAN = 38  # 北京师范大学 → 融安 (广西), demo
PASSWORD = "password-for-tests"


@pytest.fixture
def con(empty_con):
    return empty_con


@pytest.fixture
def accounts(con):
    """A ministry, a BNU, a Fudan, a Hebei and a Guangxi account, and a viewer."""
    made = {
        "ministry": add_account(con, "moe", "ministry", PASSWORD),
        "bnu": add_account(con, "bnu", "university", PASSWORD, university="北京师范大学"),
        "fudan": add_account(con, "fudan", "university", PASSWORD, university="复旦大学"),
        "hebei": add_account(con, "hebei", "province", PASSWORD, province="130000"),
        "guangxi": add_account(con, "guangxi", "province", PASSWORD, province="450000"),
        "viewer": add_account(con, "viewer", "viewer", PASSWORD),
    }
    return made


def draft(**changes) -> ProblemDraft:
    values = {
        "scope": "pairing", "pairing_id": QINGLONG, "raised_by": "school", "raised_on": TODAY - timedelta(days=10),
        "category": "facilities", "title": "派驻教师周转房不足", "owner_level": "county",
        "description": "县城没有可供派驻教师居住的周转房。",
    }  # fmt: skip
    return ProblemDraft(**(values | changes))


def row(con, problem_id: int) -> dict:
    cur = con.execute("SELECT * FROM problems WHERE problem_id = ?", [problem_id])
    return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))


def test_a_problem_moves_through_its_statuses_and_keeps_its_history(con, accounts):
    bnu = accounts["bnu"]
    problem_id = create_problem(con, bnu, draft(), TODAY)
    assert row(con, problem_id)["version"] == 1 and row(con, problem_id)["provenance"] == "entered"
    moving = ProblemChange(status="in_progress", comment="已协调县政府")
    version = update_problem(con, bnu, problem_id, 1, moving, TODAY)
    version = update_problem(
        con, accounts["hebei"], problem_id, version, ProblemChange(status="resolved", resolution="腾出 20 套周转房"),
        TODAY,
    )  # fmt: skip
    stored = row(con, problem_id)
    assert (stored["status"], stored["version"], stored["resolved_on"]) == ("resolved", 3, TODAY)
    history = figures.history(con, problem_id)
    assert list(history["username"]) == ["bnu", "bnu", "hebei"], "the history names each account"
    assert list(history["from_status"].fillna("")) == ["", "open", "in_progress"]
    assert list(history["to_status"]) == ["open", "in_progress", "resolved"]
    assert list(history["comment"].fillna("")) == ["", "已协调县政府", ""]
    actions = con.execute("SELECT action, username FROM audit_log WHERE target = ? ORDER BY event_id",
                          [f"problem:{problem_id}"]).fetchall()  # fmt: skip
    assert actions == [("problem_add", "bnu"), ("problem_update", "bnu"), ("problem_update", "hebei")]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (ProblemChange(status="resolved"), "resolution_required"),
        (ProblemChange(status="discontinued", resolution="   "), "resolution_required"),
        (ProblemChange(status="constrained"), "constrained_comment"),
        (ProblemChange(), "nothing_changed"),
        (ProblemChange(due_date=TODAY - timedelta(days=30)), "due_before_raised"),
        (ProblemChange(status="shelved"), "status_unknown"),
    ],
)
def test_a_change_that_skips_the_rules_is_refused_with_a_clear_message(con, accounts, change, code):
    problem_id = create_problem(con, accounts["bnu"], draft(), TODAY)
    with pytest.raises(ProblemRefused) as refused:
        update_problem(con, accounts["bnu"], problem_id, 1, change, TODAY)
    assert refused.value.code == code
    assert refused.value.message("zh") and refused.value.message("en")
    assert row(con, problem_id)["version"] == 1, "nothing written"
    if code == "resolution_required":
        assert "处理结果" in refused.value.message("zh") and "resolution" in refused.value.message("en")


def test_reopening_needs_a_comment(con, accounts):
    problem_id = create_problem(con, accounts["bnu"], draft(status="resolved", resolution="已解决"), TODAY)
    with pytest.raises(ProblemRefused, match="reopen_comment"):
        update_problem(con, accounts["bnu"], problem_id, 1, ProblemChange(status="in_progress"), TODAY)
    update_problem(con, accounts["bnu"], problem_id, 1, ProblemChange(status="in_progress", comment="又出现了"), TODAY)
    assert row(con, problem_id)["resolved_on"] is None


def test_a_save_based_on_an_old_version_is_refused_never_overwrites(con, accounts):
    problem_id = create_problem(con, accounts["bnu"], draft(), TODAY)
    taken = ProblemChange(status="in_progress", comment="省里接手")
    update_problem(con, accounts["hebei"], problem_id, 1, taken, TODAY)
    with pytest.raises(ProblemRefused) as refused:  # BNU's form still shows version 1
        update_problem(con, accounts["bnu"], problem_id, 1, ProblemChange(owner_level="university"), TODAY)
    assert refused.value.code == "stale"
    assert "hebei" in refused.value.message("zh") and "hebei" in refused.value.message("en")
    assert "处理中" in refused.value.message("zh")
    stored = row(con, problem_id)
    assert (stored["owner_level"], stored["status"], stored["version"]) == ("county", "in_progress", 2)


def test_writes_are_held_to_the_account(con, accounts):
    with pytest.raises(AccessDenied):
        create_problem(con, None, draft(), TODAY)
    with pytest.raises(AccessDenied):
        create_problem(con, accounts["viewer"], draft(), TODAY)
    with pytest.raises(AccessDenied, match="scope"):  # Fudan's account, BNU's pairing
        create_problem(con, accounts["fudan"], draft(), TODAY)
    with pytest.raises(AccessDenied, match="scope"):  # a university cannot raise a province's problem
        create_problem(con, accounts["bnu"], draft(scope="province", pairing_id=None, province_code="130000"), TODAY)
    with pytest.raises(AccessDenied, match="scope"):  # Guangxi's account, Hebei's province
        create_problem(con, accounts["guangxi"], draft(scope="province", pairing_id=None, province_code="130000"),
                       TODAY)  # fmt: skip
    problem_id = create_problem(con, accounts["bnu"], draft(), TODAY)
    with pytest.raises(AccessDenied, match="scope"):
        update_problem(con, accounts["guangxi"], problem_id, 1, ProblemChange(comment="看一下"), TODAY)
    area = create_problem(con, accounts["hebei"], draft(scope="province", pairing_id=None, province_code="130000"),
                          TODAY)  # fmt: skip
    assert row(con, area)["scope_key"] == "province:130000"
    assert con.execute("SELECT count(*) FROM problems").fetchone()[0] == 2


def test_a_school_raises_and_moves_on_its_own_pairings_problems_only(con, accounts):
    school = add_account(con, "qinglong", "school", PASSWORD, school="青龙满族自治县第一中学")
    problem_id = create_problem(con, school, draft(), TODAY)
    assert update_problem(con, school, problem_id, 1, ProblemChange(status="in_progress", comment="已报县里"), TODAY)
    with pytest.raises(AccessDenied, match="scope"):
        create_problem(con, school, draft(pairing_id=RONGAN), TODAY)
    with pytest.raises(AccessDenied, match="scope"):  # a county's problem: the ministry and that province only
        create_problem(con, school, draft(scope="county", pairing_id=None, county_adcode="130321"), TODAY)
    other = create_problem(con, accounts["bnu"], draft(pairing_id=RONGAN), TODAY)
    with pytest.raises(AccessDenied, match="scope"):
        update_problem(con, school, other, 1, ProblemChange(comment="不是我们的"), TODAY)


def test_bad_drafts_are_refused(con, accounts):
    bnu = accounts["bnu"]
    for changes, code in [
        ({"title": "   "}, "title_required"),
        ({"due_date": TODAY - timedelta(days=20)}, "due_before_raised"),
        ({"raised_on": TODAY + timedelta(days=1)}, "raised_on_invalid"),
        ({"category": "weather"}, "category_unknown"),
        ({"status": "resolved"}, "resolution_required"),
        ({"title": "x" * 201}, "too_long"),
        ({"pairing_id": 999_999}, "place_unknown"),
    ]:
        with pytest.raises(ProblemRefused) as refused:
            create_problem(con, bnu, draft(**changes), TODAY)
        assert refused.value.code == code, changes
    create_problem(con, bnu, draft(), TODAY)
    with pytest.raises(ProblemRefused, match="duplicate"):  # same pairing, day and title (spacing and case folded)
        create_problem(con, bnu, draft(title=" 派驻教师周转房不足 "), TODAY)


def test_long_and_hostile_texts_are_stored_as_typed(con, accounts):
    text = "<script>alert(1)</script> [链接](http://example.com) **粗体**\n" + "长" * 10_000
    problem_id = create_problem(con, accounts["bnu"], draft(description=text, title="<b>标题</b>"), TODAY)
    stored = row(con, problem_id)
    assert stored["description"] == text.strip() and stored["title"] == "<b>标题</b>"


# ---------------------------------------------------------------------------------------------------------
# Overdue, needs attention, the overview and the map


@pytest.mark.parametrize(
    ("age", "due", "status", "reason"),
    [
        (60, None, "open", None),  # 60 days is not "more than 60"
        (61, None, "open", "open_long"),
        (61, None, "constrained", "open_long"),
        (61, None, "resolved", None),
        (10, 0, "in_progress", None),  # due today: not late yet
        (10, -1, "in_progress", "past_due"),
        (90, -1, "open", "past_due"),  # past due wins over open long
        (10, -1, "discontinued", None),
    ],
)
def test_the_overdue_rule_at_its_boundaries(con, accounts, age, due, status, reason):
    raised = TODAY - timedelta(days=age)
    values = {"raised_on": raised, "status": status, "due_date": None if due is None else TODAY + timedelta(days=due)}
    if status in ("resolved", "discontinued"):
        values["resolution"] = "已处理"
    if status == "constrained":
        values["comment"] = "等待编制"
    problem_id = create_problem(con, CLI, draft(**values), TODAY)
    info = figures.problem(con, problem_id, Filters(), TODAY)
    assert info["overdue_reason"] == reason
    rows = attention.attention_query(Filters(), TODAY).page(con)
    listed = rows[rows["reason"] == "problem_overdue"]
    assert (problem_id in set(listed["problem_id"])) is (reason is not None)
    if reason:
        assert listed.iloc[0]["problem"] == "派驻教师周转房不足" and listed.iloc[0]["overdue_reason"] == reason


def test_the_list_puts_overdue_first_then_the_other_unresolved_then_the_closed(con, accounts):
    closed = create_problem(con, CLI, draft(title="已解决", raised_on=TODAY - timedelta(days=300), status="resolved",
                                            resolution="已处理"), TODAY)  # fmt: skip
    recent = create_problem(con, CLI, draft(title="新提出", raised_on=TODAY - timedelta(days=5)), TODAY)
    long = create_problem(con, CLI, draft(title="拖了很久", raised_on=TODAY - timedelta(days=90)), TODAY)
    late = create_problem(con, CLI, draft(title="过了期限", raised_on=TODAY - timedelta(days=20),
                                          due_date=TODAY - timedelta(days=1)), TODAY)  # fmt: skip
    listed = figures.list_query(Filters(), TODAY).page(con)
    assert list(listed["problem_id"]) == [late, long, recent, closed]


def test_overdue_problems_join_needs_attention_and_the_counts(con, accounts):
    before = attention.attention_summary(con, Filters(), TODAY)
    assert before["problem_overdue"] == 0
    late = create_problem(con, CLI, draft(raised_on=TODAY - timedelta(days=70)), TODAY)
    create_problem(con, CLI, draft(title="另一个问题", category="teachers"), TODAY)
    closed = create_problem(
        con, CLI, draft(title="已解决的问题", raised_on=TODAY - timedelta(days=40), category="funding"), TODAY
    )
    update_problem(con, CLI, closed, 1, ProblemChange(status="resolved", resolution="已拨款"), TODAY)
    after = attention.attention_summary(con, Filters(), TODAY)
    assert after["problem_overdue"] == 1
    counts = figures.category_counts(con, Filters(), TODAY).set_index("category")
    assert list(counts.index) == list(figures.CATEGORIES)
    assert (counts.loc["facilities", "open"], counts.loc["facilities", "overdue"]) == (1, 1)
    assert (counts.loc["teachers", "open"], counts.loc["funding", "resolved"]) == (1, 1)
    summary = figures.summary(con, Filters(), TODAY)
    assert (summary["open"], summary["overdue"], summary["resolved"], summary["median_days"]) == (2, 1, 1, 40.0)
    update_problem(con, CLI, late, 1, ProblemChange(status="resolved", resolution="已建成周转房"), TODAY)
    assert attention.attention_summary(con, Filters(), TODAY)["problem_overdue"] == 0
    provinces = coverage.province_metrics(con, Filters(), TODAY).set_index("code")
    assert provinces.loc["130000", "open_problems"] == 1 and provinces["open_problems"].sum() == 1
    counties = coverage.county_metrics(con, Filters(), TODAY, "130000").set_index("adcode")
    assert counties["open_problems"].sum() == 1


def test_a_province_problem_is_seen_by_that_province_and_the_ministry_only(con, accounts):
    create_problem(con, accounts["hebei"], draft(scope="province", pairing_id=None, province_code="130000",
                                                 raised_on=TODAY - timedelta(days=90)), TODAY)  # fmt: skip
    create_problem(con, accounts["bnu"], draft(pairing_id=RONGAN, raised_on=TODAY - timedelta(days=90)), TODAY)

    def seen(scope: Scope, **filters) -> int:
        return figures.list_query(Filters(scope=scope, **filters), TODAY).count(con)

    assert seen(Scope()) == 2
    assert seen(Scope(province="130000")) == 1 and seen(Scope(province="450000")) == 1
    assert seen(Scope(university="北京师范大学")) == 1, "a university sees its pairings' problems, no province's"
    assert seen(Scope(university="复旦大学")) == 0
    assert seen(Scope(), universities=("北京师范大学",)) == 1, "a university filter leaves the province's problem out"
    assert seen(Scope(), province="130000") == 1
    summary = figures.summary(con, Filters(), TODAY)
    assert summary["area_overdue"] == 1, "the province's overdue problem is named under needs attention"
    assert attention.attention_summary(con, Filters(), TODAY)["problem_overdue"] == 1, "only the pairing's is a row"
    provinces = coverage.province_metrics(con, Filters(), TODAY).set_index("code")
    assert (provinces.loc["130000", "open_problems"], provinces.loc["450000", "open_problems"]) == (1, 1)


def test_the_map_shows_no_open_problem_as_calm_not_as_a_warning(con, accounts):
    from assistance.figures import maps

    create_problem(con, accounts["bnu"], draft(), TODAY)
    metrics = coverage.province_metrics(con, Filters(), TODAY)
    figure = maps.national_map(metrics, "open_problems", "zh", maps.GeoAssets(inline=True))
    flat = {t.colorscale[0][1] for t in figure.data if t.type == "choropleth" and t.colorscale}
    assert maps.CALM_ZERO_FILL in flat and maps.ZERO_FILL not in flat, "0 open problems is good news"
    assert maps.zero_style("active_share")[0] == maps.ZERO_FILL, "a 0 of the other metrics still asks for a look"
