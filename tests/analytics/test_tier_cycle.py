"""The tier and cycle filters (issue 9): their URL form (`?tier=national|provincial|municipal`, `?cycle=1|2`), what
they keep in the shared filter CTEs (every page follows), the KPI cards saying which tiers they count, and the
sample-data badge leaving a view that holds no demo rows."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from assistance.analytics import coverage, queries, universities
from assistance.filters import CYCLES, Filters, LinkReading, Period, cycle_label, name_index, read_link
from assistance.registry.importer import RegistryImport
from tests.analytics.test_ended_pairings_pages import database_after
from tests.conftest import open_page

HEADER = "帮扶单位,省份,市/州,受援县,受援学校,学校简称,层级,协议开始日期,协议结束日期,周期,来源"
# Provincial and municipal demo pairings beside the 115 national ones (loaded as init loads the demo list).
DEMO_TIERS = "\n".join(
    [
        HEADER,
        "甘肃农业大学,甘肃,,榆中,榆中县示例第一中学,,省级,2023-09-01,,1,",
        "西北师范大学,甘肃,,会宁,会宁县示例中学,,省级,2025-09-01,,2,",
        "兰州市第一中学,甘肃,兰州,永登,永登县示例中学,,市级,2022-09-01,2025-08-31,1,",
    ]
).encode("utf-8")
# Real national pairings: they replace the national tier's demo rows.
REAL_NATIONAL = f"{HEADER}\n北京师范大学,甘肃,,榆中,榆中县第二中学,,国家示范,2022-09-01,,1,\n".encode()


# ---------------------------------------------------------------------------------------------------------
# URL form


def read(params) -> LinkReading:
    """A link's filters, with one university, province, measure and school year known."""
    known = [name_index([(value, [])]) for value in ("北京师范大学", "620000", "teacher_training")]
    return read_link(params, *known, ["2025"])


def test_tier_and_cycle_round_trip_through_the_url():
    filters = Filters(("北京师范大学",), "620000", "teacher_training", Period(2025), tier="provincial", cycle=2)
    assert filters.to_query()["tier"] == "provincial" and filters.to_query()["cycle"] == "2"
    assert read(filters.to_query()) == LinkReading(filters)


@pytest.mark.parametrize(("value", "tier"), [("national", "national"), ("国家示范", "national"), ("Municipal",
                                             "municipal"), ("省级", "provincial")])  # fmt: skip
def test_a_tier_is_read_by_code_or_label(value, tier):
    assert read({"tier": value}).filters == Filters(tier=tier)


def test_unknown_tiers_and_cycles_are_dropped_and_named():
    reading = read({"tier": ["county", "national"], "cycle": ["3", "1", "2"]})
    assert reading.filters == Filters(tier="national", cycle=1)
    assert reading.ignored == (("tier", "county"), ("cycle", "3"), ("cycle", "2"))


def test_cycles_are_three_school_years_and_described():
    assert {1: (date(2022, 9, 1), date(2025, 8, 31)), 2: (date(2025, 9, 1), date(2028, 8, 31))} == CYCLES
    assert cycle_label(2, "zh") == "第 2 周期（2025–2028）"
    described = Filters(tier="national", cycle=1).describe("en", {}, {})
    assert described == "All universities · National · Cycle 1 (2022–2025) · All time · All measures"


# ---------------------------------------------------------------------------------------------------------
# What the CTEs keep


@pytest.fixture
def tiers_con(demo_db):
    con = duckdb.connect(str(demo_db))
    report = RegistryImport(con, DEMO_TIERS, "demo_tiers.csv", provenance="demo", record=False).run()
    assert (report.inserted, report.rejected) == (3, 0), report.to_dict("en")
    yield con
    con.close()


def test_the_tier_filter_keeps_one_tier_and_the_kpis_count_each(tiers_con):
    con = tiers_con
    assert coverage.pairing_count(con, Filters()) == 118
    assert {tier: coverage.pairing_count(con, Filters(tier=tier)) for tier in ("national", "provincial",
            "municipal")} == {"national": 115, "provincial": 2, "municipal": 1}  # fmt: skip
    assert queries.tier_counts(con, Filters()) == {"national": 115, "provincial": 2, "municipal": 1}
    assert queries.tier_counts(con, Filters(tier="provincial")) == {"provincial": 2}
    today = date(2026, 11, 28)
    assert coverage.kpis(con, Filters(tier="municipal"), today).pairings == 1
    rows = universities.pairings_query(Filters(tier="provincial"), today).page(con)
    assert sorted(rows["school"]) == ["会宁县示例中学", "榆中县示例第一中学"]


def test_the_cycle_keeps_agreements_that_overlap_it_and_activities_inside_it(tiers_con):
    con = tiers_con
    not_national = Filters(province="620000")
    by_cycle = {
        cycle: sorted(
            universities.pairings_query(Filters(province="620000", cycle=cycle), date(2026, 11, 28))
            .page(con)
            .query("tier != 'national'")["school"]
        )
        for cycle in (1, 2)
    }
    # 榆中 (from 2023, open-ended) overlaps both; 会宁 starts with cycle 2; 永登 ended with cycle 1.
    assert by_cycle == {1: ["榆中县示例第一中学", "永登县示例中学"], 2: ["会宁县示例中学", "榆中县示例第一中学"]}
    everything = universities.reach_totals(con, not_national)["activities"]
    first = universities.reach_totals(con, Filters(province="620000", cycle=1))["activities"]
    second = universities.reach_totals(con, Filters(province="620000", cycle=2))["activities"]
    assert first + second == everything > 0, "every activity is dated in one cycle or the other"
    window = con.execute(
        "SELECT count(*) FROM activity_overview WHERE province_code = '620000' AND date BETWEEN ? AND ?",
        list(CYCLES[1]),
    ).fetchone()[0]
    assert first == window
    # With a period too, both apply: 2025–26 lies in cycle 2 only.
    assert universities.reach_totals(con, Filters(province="620000", cycle=1, period=Period(2025)))["activities"] == 0


# ---------------------------------------------------------------------------------------------------------
# Pages: the URL round trip, the KPI cards' tiers, the sample-data badge


@pytest.fixture(scope="module")
def real_national_db(demo_db_template, tmp_path_factory):
    """Demo pairings in all three tiers, then a real national file that replaces the national demo rows."""
    path = database_after(
        demo_db_template,
        tmp_path_factory.mktemp("tiers_badge"),
        lambda con: RegistryImport(con, DEMO_TIERS, "demo_tiers.csv", provenance="demo", record=False),
        lambda con: RegistryImport(con, REAL_NATIONAL, "national.csv", uploaded_by="t"),
    )
    con = duckdb.connect(str(path))
    try:
        left = con.execute("SELECT tier, count(*) FROM pairings WHERE provenance = 'demo' GROUP BY ALL").fetchall()
        assert sorted(left) == [("municipal", 1), ("provincial", 2)], "the national demo pairings are gone"
        assert con.execute("SELECT count(*) FROM pairings WHERE provenance = 'imported'").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM activities a JOIN pairings p USING (pairing_id) WHERE "
                           "p.tier = 'national' AND a.provenance = 'demo'").fetchone()[0] == 0  # fmt: skip
    finally:
        con.close()
    return path


def badge_shown(app, lang: str) -> bool:
    badge = "示例数据" if lang == "zh" else "Sample data"
    return any(badge in str(getattr(node, "proto", "")) for node in app.main)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", ["pages/overview.py", "pages/universities.py", "pages/map.py"])
def test_the_badge_leaves_a_national_view_once_real_pairings_replace_the_demo_ones(
    real_national_db, monkeypatch, page, lang
):
    monkeypatch.setenv("ASSISTANCE_DB", str(real_national_db))
    national = open_page(page, lang, tier="national")
    assert not national.exception, [e.value for e in national.exception]
    assert not badge_shown(national, lang), "no demo row in a national-tier view"
    everything = open_page(page, lang)
    assert badge_shown(everything, lang), "the provincial and municipal demo rows are still in view"
    provincial = open_page(page, lang, tier="provincial")
    assert badge_shown(provincial, lang)


def test_tier_and_cycle_come_from_the_url_and_go_back_to_it(real_national_db, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_DB", str(real_national_db))
    app = open_page("pages/overview.py", "zh", tier="国家示范", cycle="2")
    assert not app.exception, [e.value for e in app.exception]
    assert app.sidebar.selectbox(key="f_tier").value == "national"
    assert app.sidebar.selectbox(key="f_cycle").value == 2
    assert app.query_params.get("tier") in ("national", ["national"]), "the address is written canonically"
    assert any("国家示范 · 第 2 周期（2025–2028）" in c.value for c in app.caption)
    assert any(c.value.startswith("计入的配对：国家示范 30 个") for c in app.caption), "the KPI cards' tiers"

    app.sidebar.selectbox(key="f_tier").select("municipal").run()
    assert app.query_params.get("tier") in ("municipal", ["municipal"])
    assert not any(c.value.startswith("计入的配对") for c in app.caption), "the municipal one ended before cycle 2"
    assert any("没有这一层级或周期的配对" in w.value for w in app.warning), "the empty view says why"
    app.sidebar.selectbox(key="f_cycle").select(1).run()
    assert app.query_params.get("cycle") in ("1", ["1"])
    assert any(c.value == "计入的配对：市级 1 个" for c in app.caption)
