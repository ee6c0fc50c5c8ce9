"""The demo problems and cases (issue 10) are honest: about one problem per three pairings and twenty cases, every
one `provenance = 'demo'`, none on a verified pairing (whose school is real), no school's name in an invented text,
realistic statuses and ages, the same rows for the same seed; the selected cases cover every problem category."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from assistance.analytics.problems import CATEGORIES, STATUSES
from assistance.guidance import demo
from tests.conftest import DEMO_TODAY


@pytest.fixture(scope="module")
def con(demo_db_template):
    connection = duckdb.connect(str(demo_db_template), read_only=True)
    yield connection
    connection.close()


def test_about_one_problem_per_three_pairings_all_demo_and_none_on_a_verified_pairing(con):
    pairings = con.execute("SELECT count(*) FROM pairings").fetchone()[0]
    problems = con.execute("SELECT count(*), count(*) FILTER (provenance = 'demo') FROM problems").fetchone()
    assert problems[0] == problems[1] == round(pairings / 3)
    on_verified = con.execute(
        "SELECT count(*) FROM problem_overview pr JOIN pairing_overview po USING (pairing_id) "
        "WHERE po.provenance <> 'demo'"
    ).fetchone()[0]
    assert on_verified == 0
    scopes = dict(con.execute("SELECT scope, count(*) FROM problems GROUP BY 1").fetchall())
    assert scopes["pairing"] > 25 and scopes.get("county", 0) >= 1 and scopes.get("province", 0) >= 1
    assert set(dict(con.execute("SELECT status, count(*) FROM problems GROUP BY 1").fetchall())) == set(STATUSES)
    overdue = con.execute("SELECT count(*) FILTER (overdue), count(*) FILTER (NOT overdue) FROM problem_overview")
    assert all(n > 0 for n in overdue.fetchone()), "some overdue, some not"
    histories = con.execute(
        "SELECT count(*) FROM problems p WHERE version <> (SELECT count(*) FROM problem_history h "
        "WHERE h.problem_id = p.problem_id) OR status <> (SELECT arg_max(to_status, event_id) FROM problem_history h "
        "WHERE h.problem_id = p.problem_id)"
    ).fetchone()[0]
    assert histories == 0, "every demo problem's history ends at its status"


def test_twenty_cases_of_demo_pairings_with_evidence_of_their_own(con):
    cases = con.execute("SELECT count(*), count(*) FILTER (provenance = 'demo') FROM cases").fetchone()
    assert cases == (20, 20)
    assert (
        con.execute(
            "SELECT count(*) FROM case_pairings cp JOIN pairing_overview po USING (pairing_id) "
            "WHERE po.provenance <> 'demo'"
        ).fetchone()[0]
        == 0
    )
    foreign = con.execute(
        "SELECT count(*) FROM case_evidence e JOIN activities a USING (activity_id) "
        "WHERE a.pairing_id NOT IN (SELECT pairing_id FROM case_pairings cp WHERE cp.case_id = e.case_id)"
    ).fetchone()[0]
    assert foreign == 0 and con.execute("SELECT count(DISTINCT case_id) FROM case_evidence").fetchone()[0] >= 15
    covered = con.execute("SELECT list_distinct(flatten(list(categories))) FROM cases WHERE status = 'selected'")
    assert set(covered.fetchone()[0]) == set(CATEGORIES)
    later = con.execute(
        "SELECT count(*) FROM case_evidence e JOIN activities a USING (activity_id) JOIN cases c USING (case_id) "
        "WHERE a.date > CAST(c.created_at AS DATE)"
    ).fetchone()[0]
    assert later == 0, "a case cites what had happened when it was written"


def test_demo_cases_cite_outcome_figures_of_their_own_schools(con):
    cited = con.execute(
        "SELECT count(*), count(DISTINCT case_id), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM case_pairings cp "
        "JOIN pairings p USING (pairing_id) WHERE cp.case_id = co.case_id AND p.school_id = co.school_id)), "
        "count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM outcome_overview o WHERE o.school_id = co.school_id "
        "AND o.school_year = co.school_year AND o.indicator = co.indicator)), "
        "count(*) FILTER (WHERE make_date(co.school_year + 1, 9, 1) > (SELECT CAST(created_at AS DATE) FROM cases c "
        "WHERE c.case_id = co.case_id)) FROM case_outcomes co"
    ).fetchone()
    _rows, citing, foreign, missing, unfinished = cited
    assert citing >= 10 and (foreign, missing, unfinished) == (0, 0, 0), cited


def test_no_school_is_named_in_an_invented_text(con):
    assert schools_named_in_invented_texts(con) == []


def schools_named_in_invented_texts(con) -> list[str]:
    """The schools (names and short names of four characters or more) that a problem's or a case's text names (the
    national demo's test asks it too)."""
    schools = [name for (name,) in con.execute("SELECT DISTINCT name_zh FROM schools").fetchall()]
    shorts = [alias for (alias,) in con.execute("SELECT DISTINCT alias FROM school_aliases").fetchall()]
    texts = con.execute(
        "SELECT title, description, resolution FROM problems UNION ALL SELECT title, before_text, action_text "
        "FROM cases UNION ALL SELECT after_text, array_to_string(tags, ' '), NULL FROM cases "
        "UNION ALL SELECT comment, NULL, NULL FROM problem_history UNION ALL SELECT comment, NULL, NULL "
        "FROM case_history"
    ).fetchall()
    body = " ".join(part for row in texts for part in row if part)
    return [name for name in schools + shorts if len(name) >= 4 and name in body]


def test_the_same_seed_gives_the_same_rows():
    places = [demo.DemoPlace(n, "130321", "130000", date(2022, 9, 1)) for n in range(1, 31)]
    first = demo.generate_problems(places, DEMO_TODAY, pairings=45)
    assert first == demo.generate_problems(places, DEMO_TODAY, pairings=45)
    assert first != demo.generate_problems(places, DEMO_TODAY, seed=1, pairings=45)
    assert len(first[0]) == 15


def test_the_stable_views_have_exactly_the_listed_columns(con):
    problem = [row[0] for row in con.execute("DESCRIBE problem_overview").fetchall()]
    assert problem == [
        "problem_id", "pairing_id", "university", "school", "province_code", "scope", "raised_by", "raised_on",
        "category", "title", "owner_level", "status", "due_date", "resolved_on", "overdue", "provenance",
    ]  # fmt: skip
    case = [row[0] for row in con.execute("DESCRIBE case_overview").fetchall()]
    assert case == [
        "case_id", "title", "university", "school", "province_code", "measures", "tags", "status", "updated_at",
        "provenance",
    ]  # fmt: skip
    late = con.execute(
        "SELECT count(*) FROM problem_overview WHERE overdue <> (status NOT IN ('resolved', 'discontinued') "
        "AND (coalesce(due_date < current_date, false) OR current_date - raised_on > 60))"
    ).fetchone()[0]
    assert late == 0
