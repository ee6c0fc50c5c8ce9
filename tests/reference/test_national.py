"""The national-scale demo (issue 14, item 1): `python -m assistance demo` on a small size, built twice.

Deterministic for a seed and day (the same row hashes, ids included), the three tiers, every added row demo, schools
in real county-level units of the programme provinces, exactly the pairings and activities asked for, plans for
every new pairing, activities inside their pairing's agreement, demo outcomes for every new school (none for a real
one), demo problems (some overdue) and cases (some selected in each new tier) for the new pairings, and every page
rendering on it (AppTest).
"""

from __future__ import annotations

import re
import shutil

import duckdb
import pytest

from assistance.cli.main import main
from assistance.outcomes.demo import last_complete_year
from tests.conftest import DEMO_TODAY, menu_pages, open_page
from tests.guidance.test_guidance_demo import schools_named_in_invented_texts

PAIRINGS, ACTIVITIES, SEED = 400, 50_000, 7
TABLES = (
    "universities", "university_aliases", "schools", "school_aliases", "pairings", "plan_targets", "activities",
    "counties", "provinces", "outcomes", "problems", "problem_history", "cases", "case_pairings", "case_evidence",
    "case_outcomes", "case_history",
)  # fmt: skip
GUIDANCE = ("problems", "problem_history", "cases", "case_pairings", "case_evidence", "case_outcomes", "case_history")


def _demo(path, *extra: str) -> int:
    return main(
        ["demo", "--pairings", str(PAIRINGS), "--activities", str(ACTIVITIES), "--db", str(path),
         "--seed", str(SEED), "--today", DEMO_TODAY.isoformat(), *extra]
    )  # fmt: skip


def _hashes(path) -> dict[str, tuple[int, int]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {table: con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t").fetchone() for table in TABLES}


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """Two builds with the same seed and day: (path of the first, path of the second)."""
    folder = tmp_path_factory.mktemp("national")
    first, second = folder / "a.duckdb", folder / "b.duckdb"
    assert _demo(first) == 0
    assert _demo(second) == 0
    return first, second


@pytest.fixture
def con(national):
    with duckdb.connect(str(national[0]), read_only=True) as connection:
        yield connection


def test_the_same_seed_and_day_give_the_same_rows(national):
    first, second = national
    assert _hashes(first) == _hashes(second)


def test_another_seed_gives_other_rows(national, tmp_path):
    other = tmp_path / "other.duckdb"
    assert main(["demo", "--pairings", "200", "--activities", "30000", "--db", str(other), "--seed", "8",
                 "--today", DEMO_TODAY.isoformat()]) == 0  # fmt: skip
    assert _hashes(other)["activities"] != _hashes(national[0])["activities"]
    ours, theirs = _hashes(other), _hashes(national[0])
    assert all(ours[table] != theirs[table] for table in GUIDANCE)


def test_exact_sizes_and_three_tiers(con):
    assert con.execute("SELECT count(*) FROM pairings").fetchone()[0] == PAIRINGS
    assert con.execute("SELECT count(*) FROM activities").fetchone()[0] == ACTIVITIES
    tiers = dict(con.execute("SELECT tier, count(*) FROM pairings GROUP BY tier").fetchall())
    assert tiers["national"] == 115  # the normal init's 29 verified + 86 demo
    assert tiers["provincial"] > 50 and tiers["municipal"] > 50
    assert tiers["provincial"] + tiers["municipal"] == PAIRINGS - 115


def test_every_added_row_is_demo(con):
    assert con.execute("SELECT DISTINCT provenance FROM activities").fetchall() == [("demo",)]
    assert con.execute("SELECT DISTINCT provenance FROM plan_targets").fetchall() == [("demo",)]
    # Pairings: all demo but the 29 verified national ones, which keep their sources.
    assert dict(con.execute("SELECT provenance, count(*) FROM pairings GROUP BY ALL").fetchall()) == {
        "verified": 29,
        "demo": PAIRINGS - 29,
    }
    built = con.execute("SELECT count(*) FROM pairings WHERE tier <> 'national' AND batch_id IS NULL").fetchone()[0]
    assert built == PAIRINGS - 115  # part of the build, not an upload batch
    # Invented names say so: every new party and school is marked 示例.
    parties = con.execute("SELECT name_zh, kind FROM universities WHERE NOT national").fetchall()
    assert parties and all(name.endswith("（示例）") for name, _ in parties)
    assert {kind for _, kind in parties} == {"university", "high_school"}
    schools = [r[0] for r in con.execute(
        "SELECT s.name_zh FROM schools s JOIN pairings p USING (school_id) WHERE p.tier <> 'national'"
    ).fetchall()]  # fmt: skip
    assert len(schools) == PAIRINGS - 115 and all("示例" in name for name in schools)


def test_schools_sit_in_real_counties_of_the_programme(con):
    rows = con.execute(
        """SELECT s.name_zh, c.name_zh, pr.in_programme, p.tier
        FROM pairings p JOIN schools s USING (school_id)
        LEFT JOIN counties c ON c.adcode = s.county_adcode LEFT JOIN provinces pr ON pr.code = c.province_code"""
    ).fetchall()
    assert all(county is not None and in_programme for _, county, in_programme, _ in rows)
    new = [(school, county) for school, county, _, tier in rows if tier != "national"]
    # County-level units a county high school sits in (县, 县级市, 旗, the Corps cities), named after them.
    assert all(re.search("(县|市|旗)$", county) and school.startswith(county) for school, county in new)
    # A provincial supporter is in the school's province, a municipal one in its prefecture.
    mismatched = con.execute(
        """SELECT count(*) FROM pairings p JOIN universities u USING (university_id) JOIN schools s USING (school_id)
        JOIN counties sc ON sc.adcode = s.county_adcode JOIN counties uc ON uc.adcode = u.district_adcode
        WHERE p.tier <> 'national' AND (sc.province_code <> uc.province_code
            OR p.tier = 'municipal' AND u.kind <> 'high_school' OR p.tier = 'provincial' AND u.kind <> 'university')"""
    ).fetchone()[0]
    assert mismatched == 0


def test_plans_and_activities_fit_their_pairings(con):
    without_plan = con.execute(
        "SELECT count(*) FROM pairings p WHERE pairing_id NOT IN (SELECT pairing_id FROM plan_targets)"
    ).fetchone()[0]
    assert without_plan == 0
    outside = con.execute(
        """SELECT count(*) FROM activities a JOIN pairings p USING (pairing_id)
        WHERE a.date < p.start_date OR a.date > coalesce(p.end_date, ?) OR a.date > ?""",
        [DEMO_TODAY, DEMO_TODAY],
    ).fetchone()[0]
    assert outside == 0
    # The natural key holds (activities has no unique index since schema 6: the build itself keeps it) and the
    # stored key is the normalised title, as uploads compute it.
    total, keys = con.execute(
        "SELECT count(*), count(DISTINCT (pairing_id, date, measure, title_key)) FROM activities"
    ).fetchone()
    assert total == keys
    assert con.execute("SELECT count(*) FROM activities WHERE title_key <> lower(title)").fetchone()[0] > 0
    assert con.execute("SELECT count(*) FROM activities WHERE title_key LIKE '%（%'").fetchone()[0] == 0


def test_every_demo_school_has_demo_outcomes_with_believable_trends(con):
    """The new schools get outcomes as the 86 demo schools do: baseline 2021 to the last complete school year, all
    demo; a school of a verified pairing gets none; large classes are phased out and admission rates mostly rise."""
    missing = con.execute(
        """SELECT count(*) FROM (SELECT school_id FROM pairings GROUP BY school_id HAVING bool_and(provenance = 'demo'))
        WHERE school_id NOT IN (SELECT school_id FROM outcomes)"""
    ).fetchone()[0]
    assert missing == 0
    real = con.execute(
        "SELECT count(*) FROM outcomes WHERE school_id IN (SELECT school_id FROM pairings WHERE provenance <> 'demo')"
    ).fetchone()[0]
    assert real == 0
    assert con.execute("SELECT DISTINCT provenance FROM outcomes").fetchall() == [("demo",)]
    assert con.execute("SELECT count(DISTINCT school_id) FROM outcomes").fetchone()[0] == PAIRINGS - 29
    first, last, large0, large1, rate0, rate1 = con.execute(
        """SELECT min(school_year), max(school_year),
               avg(large_classes) FILTER (WHERE school_year = 2021),
               avg(large_classes) FILTER (WHERE school_year = 2024),
               avg(undergrad_rate_pct) FILTER (WHERE school_year = 2021),
               avg(undergrad_rate_pct) FILTER (WHERE school_year = 2024)
        FROM outcomes"""
    ).fetchone()
    assert (first, last) == (2021, last_complete_year(DEMO_TODAY))
    assert large1 < large0 / 2 and rate1 > rate0


def test_new_pairings_have_demo_problems_some_overdue(con):
    """About one problem per three new pairings still running (as init's demo has for the national ones), every one
    demo, of a demo pairing or of a demo pairing's county or province, with the generator's mix of statuses and some
    overdue in each new tier; init's problems of the national demo pairings stay as they were."""
    running = con.execute(
        "SELECT count(*) FROM pairings WHERE tier <> 'national' AND (end_date IS NULL OR end_date >= ?)", [DEMO_TODAY]
    ).fetchone()[0]
    rows = con.execute(
        """SELECT coalesce(p.tier, 'area'), count(*), count(*) FILTER (pr.provenance = 'demo'),
               count(*) FILTER (pr.overdue), count(DISTINCT pr.status), count(*) FILTER (p.provenance <> 'demo')
        FROM problem_overview pr LEFT JOIN pairings p USING (pairing_id) GROUP BY ALL"""
    ).fetchall()
    counts = {tier: dict(zip(("problems", "demo", "overdue", "statuses", "real"), row, strict=True))
              for tier, *row in rows}  # fmt: skip
    assert counts["national"]["problems"] == 34  # init's (and 4 of the 8 county and province problems)
    assert all(row["problems"] == row["demo"] and row["real"] == 0 for row in counts.values())
    added = counts["provincial"]["problems"] + counts["municipal"]["problems"] + counts["area"]["problems"] - 4
    assert abs(added - running / 3) <= 1, (added, running)
    for tier in ("provincial", "municipal"):
        assert 0 < counts[tier]["overdue"] < counts[tier]["problems"], f"{tier}: some overdue, some not"
        assert counts[tier]["statuses"] >= 4


def test_new_pairings_have_demo_cases_selected_in_each_tier(con):
    """About one case per fifty new pairings of each tier still running, some selected by the ministry in each; all
    demo; each written after its pairing began, citing its own pairing's activities (none dated after it was written)
    and its own school's outcome figures; init's 20 cases of the national pairings stay."""
    rows = con.execute(
        """SELECT p.tier, c.status, count(*), count(*) FILTER (CAST(c.created_at AS DATE) < p.start_date + 60),
               count(*) FILTER (c.case_id IN (SELECT case_id FROM case_evidence)),
               count(*) FILTER (c.case_id IN (SELECT case_id FROM case_outcomes))
        FROM cases c JOIN case_pairings USING (case_id) JOIN pairings p USING (pairing_id) GROUP BY ALL"""
    ).fetchall()
    cases = {}
    for tier, status, n, early, evidenced, figured in rows:
        tier_counts = cases.setdefault(tier, {"cases": 0, "early": 0, "evidenced": 0, "figured": 0})
        tier_counts[status] = n
        for key, value in (("cases", n), ("early", early), ("evidenced", evidenced), ("figured", figured)):
            tier_counts[key] += value
    assert cases["national"]["cases"] == 20
    for tier in ("provincial", "municipal"):
        running = con.execute(
            "SELECT count(*) FROM pairings WHERE tier = ? AND (end_date IS NULL OR end_date >= ?)", [tier, DEMO_TODAY]
        ).fetchone()[0]
        assert cases[tier]["cases"] == max(1, round(running / 50)) and cases[tier].get("selected", 0) >= 1
        assert cases[tier]["early"] == 0 and cases[tier]["evidenced"] == cases[tier]["cases"]
        assert cases[tier]["figured"] >= 1
    assert con.execute("SELECT DISTINCT provenance FROM cases").fetchall() == [("demo",)]
    foreign, late = con.execute(
        """SELECT count(*) FILTER (a.pairing_id NOT IN (SELECT pairing_id FROM case_pairings cp
                   WHERE cp.case_id = e.case_id)),
               count(*) FILTER (a.date > CAST(c.created_at AS DATE))
        FROM case_evidence e JOIN activities a USING (activity_id) JOIN cases c USING (case_id)"""
    ).fetchone()
    assert (foreign, late) == (0, 0)
    foreign_figures = con.execute(
        """SELECT count(*) FROM case_outcomes co WHERE NOT EXISTS (SELECT 1 FROM case_pairings cp JOIN pairings p
            USING (pairing_id) WHERE cp.case_id = co.case_id AND p.school_id = co.school_id)"""
    ).fetchone()[0]
    assert foreign_figures == 0


def test_no_school_is_named_in_an_invented_problem_or_case(con):
    assert schools_named_in_invented_texts(con) == []


def test_existing_file_is_kept_unless_forced(national, capsys):
    before = _hashes(national[0])
    assert _demo(national[0]) == 2
    assert "--force" in capsys.readouterr().err
    assert _hashes(national[0]) == before


def test_sizes_below_the_national_demo_are_refused(tmp_path, capsys):
    path = tmp_path / "small.duckdb"
    assert main(["demo", "--pairings", "100", "--activities", "50000", "--db", str(path)]) == 2
    assert "115" in capsys.readouterr().err
    assert not path.exists() and not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def app_national(national, tmp_path_factory):
    """A copy for the app (which keeps its read-write connection open), and a municipal pairing to open."""
    path = tmp_path_factory.mktemp("national_app") / "app.duckdb"
    shutil.copy(national[0], path)
    with duckdb.connect(str(path), read_only=True) as con:
        pairing = con.execute("SELECT max(pairing_id) FROM pairings WHERE tier = 'municipal'").fetchone()[0]
    return path, pairing


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", menu_pages())
def test_every_page_renders_on_the_national_demo(app_national, monkeypatch, page, lang):
    path, pairing = app_national
    monkeypatch.setenv("ASSISTANCE_DB", str(path))
    params = {"pairing": str(pairing)} if page == "pages/schools.py" else {}  # a municipal pairing's scorecard
    ministry = {"username": "ministry", "role": "ministry"}  # signed in: the audit log is the ministry's page
    app = open_page(page, lang, account=ministry, **params)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title
