"""Scope everywhere (issue 12): an account's scope, taken from its row in the accounts table (scope_of), holds every
query to the account's own pairings; a filter narrows the view inside the scope and can never widen it.

The expected rows are read straight from the stable view pairing_overview / activity_overview, not through the
queries under test."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from assistance.access.accounts import CLI, Account, add_account, get_account
from assistance.access.scope import NATIONAL, Scope, pairing_in_scope, scope_of
from assistance.analytics import coverage, queries, scorecard, universities
from assistance.filters import Filters
from tests.conftest import DEMO_TODAY as TODAY

PASSWORD = "password-of-scope-tests"
# account → the pairing_overview rows of its scope
ACCOUNTS = {
    "bnu": (("university",), {"university": "北师大"}, "university = '北京师范大学'"),
    "guangxi": (("province",), {"province": "广西"}, "province_code = '450000'"),
    "corps": (("province",), {"province": "660000"}, "province_code = '660000'"),
    "qinglong": (("school",), {"school": "青龙一中"}, "school = '青龙满族自治县第一中学'"),
    "gansu_viewer": (("viewer",), {"province": "甘肃"}, "province_code = '620000'"),
    "fudan_viewer": (("viewer",), {"university": "复旦大学"}, "university = '复旦大学'"),
}


@pytest.fixture(scope="module")
def con(demo_db_template, tmp_path_factory):
    """The demo database with one account of each scope (read by every test, written by none)."""
    path = tmp_path_factory.mktemp("access_scope") / "scope.duckdb"
    shutil.copy(demo_db_template, path)
    connection = duckdb.connect(str(path))
    for username, ((role,), given, _where) in ACCOUNTS.items():
        add_account(connection, username, role, PASSWORD, **given)
    yield connection
    connection.close()


def scope(con, username: str) -> Scope:
    return scope_of(get_account(con, username))


def expected_pairings(con, username: str) -> set[int]:
    where = ACCOUNTS[username][2]
    return {row[0] for row in con.execute(f"SELECT pairing_id FROM pairing_overview WHERE {where}").fetchall()}


def all_pairings(con) -> set[int]:
    return {row[0] for row in con.execute("SELECT pairing_id FROM pairing_overview").fetchall()}


def test_the_expected_slices_are_real_slices(con):
    """Each scope holds some pairings and not all: a query that ignored the scope could not pass."""
    everything = all_pairings(con)
    for username in ACCOUNTS:
        mine = expected_pairings(con, username)
        assert 0 < len(mine) < len(everything), username


def test_the_scope_of_each_role_comes_from_its_account():
    assert scope_of(None) == NATIONAL
    assert scope_of(CLI) == NATIONAL
    assert scope_of(Account("m", "ministry")) == NATIONAL
    assert scope_of(Account("u", "university", university="北京师范大学")) == Scope(university="北京师范大学")
    assert scope_of(Account("p", "province", province_code="450000")) == Scope(province="450000")
    assert scope_of(Account("s", "school", school_id=1, school="青龙满族自治县第一中学")) == Scope(
        school_id=1, school="青龙满族自治县第一中学"
    )
    assert scope_of(Account("v", "viewer")) == NATIONAL
    assert scope_of(Account("v", "viewer", province_code="620000")) == Scope(province="620000")


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_counts_and_kpis_cover_the_scope_only(con, username):
    mine = expected_pairings(con, username)
    filters = Filters(scope=scope(con, username))
    assert coverage.pairing_count(con, filters) == len(mine)
    kpis = coverage.kpis(con, filters, TODAY)
    ids = ", ".join(map(str, mine))
    pairings, universities_n, activities, teachers = con.execute(
        f"SELECT (SELECT count(*) FROM pairing_overview WHERE pairing_id IN ({ids})), "
        f"(SELECT count(DISTINCT university) FROM pairing_overview WHERE pairing_id IN ({ids})), "
        f"count(*), coalesce(sum(teachers), 0) FROM activity_overview WHERE pairing_id IN ({ids})"
    ).fetchone()
    assert (kpis.pairings, kpis.universities, kpis.activities, kpis.teachers) == (
        pairings, universities_n, activities, teachers,
    )  # fmt: skip
    national = coverage.kpis(con, Filters(), TODAY)
    assert kpis.activities < national.activities


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_the_pairings_table_and_the_verified_list_hold_the_scope_only(con, username):
    mine = expected_pairings(con, username)
    user_scope = scope(con, username)
    table = universities.pairings_query(Filters(scope=user_scope), TODAY).page(con)
    assert set(table["pairing_id"]) == mine
    assert universities.pairings_query(Filters(scope=user_scope), TODAY).count(con) == len(mine)
    verified = queries.verified_pairings(con, scope=user_scope)
    ids = ", ".join(map(str, mine))
    expected = set(
        con.execute(
            f"SELECT university, school FROM pairing_overview WHERE provenance = 'verified' AND pairing_id IN ({ids})"
        ).fetchall()
    )
    assert set(zip(verified["university"], verified["school"], strict=True)) == expected


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_a_scorecard_opens_only_inside_the_scope(con, username):
    mine = expected_pairings(con, username)
    user_scope = scope(con, username)
    # every pairing of the scope, and as many outside it (those that share the university or the province first)
    in_mine = "SELECT {} FROM pairing_overview WHERE list_contains($mine, pairing_id)"
    outside = con.execute(
        f"SELECT pairing_id FROM pairing_overview WHERE NOT ({ACCOUNTS[username][2]}) ORDER BY "
        f"(university IN ({in_mine.format('university')}) OR province_code IN ({in_mine.format('province_code')}))"
        " DESC, pairing_id LIMIT $n",
        {"mine": sorted(mine), "n": max(len(mine), 4)},
    ).fetchall()
    tried = mine | {row[0] for row in outside}
    assert len(tried) > len(mine)
    opened = {pid for pid in tried if scorecard.pairing_info(con, pid, user_scope) is not None}
    assert opened == mine
    with con.cursor() as cur:
        assert {pid for pid in all_pairings(con) if pairing_in_scope(cur, pid, user_scope)} == mine


def test_a_university_filter_naming_another_university_shows_nothing_inside_a_university_scope(con):
    bnu = scope(con, "bnu")
    other = Filters(universities=("复旦大学",), scope=bnu)
    assert coverage.pairing_count(con, other) == 0
    kpis = coverage.kpis(con, other, TODAY)
    assert (kpis.pairings, kpis.activities) == (0, 0)
    assert universities.pairings_query(other, TODAY).page(con).empty
    both = Filters(universities=("复旦大学", "北京师范大学"), scope=bnu)
    assert set(universities.pairings_query(both, TODAY).page(con)["pairing_id"]) == expected_pairings(con, "bnu")
    assert not bnu.allows_university("复旦大学") and bnu.allows_university("北京师范大学")


def test_filters_narrow_but_never_widen_a_province_or_school_scope(con):
    guangxi = scope(con, "guangxi")
    assert coverage.pairing_count(con, Filters(province="620000", scope=guangxi)) == 0
    assert coverage.pairing_count(con, Filters(universities=("清华大学",), scope=guangxi)) == 0  # none in Guangxi
    narrowed = Filters(universities=("北京师范大学",), scope=guangxi)
    expected = expected_pairings(con, "guangxi") & expected_pairings(con, "bnu")
    assert expected and set(universities.pairings_query(narrowed, TODAY).page(con)["pairing_id"]) == expected
    school = scope(con, "qinglong")
    assert coverage.pairing_count(con, Filters(universities=("复旦大学",), scope=school)) == 0
    assert coverage.pairing_count(con, Filters(province="450000", scope=school)) == 0
    corps = scope(con, "corps")
    assert coverage.pairing_count(con, Filters(province="450000", scope=corps)) == 0
