"""Filters round-trip through the URL; periods follow the school calendar."""

from datetime import date

from assistance.filters import (
    Filters,
    LinkReading,
    Period,
    current_semester,
    name_index,
    period_choices,
    previous_semester,
    read_link,
)

UNIVERSITIES = name_index(
    [("北京师范大学", ["Beijing Normal University", "北师大", "BNU"]), ("兰州大学", ["Lanzhou University"])]
)
PROVINCES = name_index([("620000", ["甘肃省", "甘肃", "Gansu"]), ("450000", ["广西壮族自治区", "Guangxi"])])
MEASURES = name_index([("teacher_training", ["教师培训", "Teacher training"]), ("other", ["其他", "Other"])])
PERIODS = [p.code for p in period_choices(date(2026, 11, 28))]


def read(params) -> LinkReading:
    return read_link(params, UNIVERSITIES, PROVINCES, MEASURES, PERIODS)


def test_filters_round_trip_through_query_params():
    filters = Filters(("北京师范大学", "兰州大学"), "620000", "teacher_training", Period(2025, "autumn"))
    assert read(filters.to_query()) == LinkReading(filters)


def test_unknown_values_in_a_link_are_dropped_and_named():
    params = {"university": ["北京师范大学", "不存在大学"], "province": "999999", "measure": "x", "period": "nonsense"}
    reading = read(params)
    assert reading.filters == Filters(("北京师范大学",))
    assert reading.ignored == (("university", "不存在大学"), ("province", "999999"), ("measure", "x"),
                               ("period", "nonsense"))  # fmt: skip


def test_a_link_may_name_things_in_any_spelling():
    params = {"university": "Beijing  Normal University,ＢＮＵ,lanzhou university", "province": "Gansu",
              "measure": "教师培训", "period": "2025-Autumn"}  # fmt: skip
    expected = Filters(("北京师范大学", "兰州大学"), "620000", "teacher_training", Period(2025, "autumn"))
    assert read(params) == LinkReading(expected)


def test_a_period_the_app_does_not_offer_is_named():
    assert read({"period": "2099"}).ignored == (("period", "2099"),)
    assert read({"period": "all"}) == LinkReading(Filters())


def test_repeated_single_choice_keys_keep_the_first_and_name_the_rest():
    reading = read({"province": ["620000", "620000", "Guangxi"]})
    assert reading.filters.province == "620000"
    assert reading.ignored == (("province", "450000"),)


def test_period_bounds_partition_the_school_year():
    assert Period(2025).bounds() == (date(2025, 9, 1), date(2026, 8, 31))
    assert Period(2025, "autumn").bounds() == (date(2025, 9, 1), date(2026, 1, 31))
    assert Period(2025, "spring").bounds() == (date(2026, 2, 1), date(2026, 8, 31))
    assert Period().bounds() == (None, None)
    assert Period.parse("2025-spring") == Period(2025, "spring") and Period.parse("all") == Period()


def test_current_and_previous_semester():
    assert current_semester(date(2026, 11, 28)) == Period(2026, "autumn")
    assert current_semester(date(2027, 1, 15)) == Period(2026, "autumn")
    assert current_semester(date(2027, 3, 1)) == Period(2026, "spring")
    assert previous_semester(Period(2026, "autumn")) == Period(2025, "spring")
    assert previous_semester(Period(2026, "spring")) == Period(2026, "autumn")


def test_period_choices_are_newest_first_and_skip_future_semesters():
    codes = [p.code for p in period_choices(date(2026, 11, 28))]
    assert codes[:3] == ["all", "2026", "2026-autumn"]
    assert "2026-spring" not in codes and "2025-spring" in codes and codes[-1] == "2022-spring"


def test_description_line_reads_naturally():
    filters = Filters(("北京师范大学",), None, None, Period(2025, "autumn"))
    assert filters.describe("zh", {}, {}) == "北京师范大学 · 2025–26 学年秋季学期 · 全部举措"
    english = filters.describe("en", {}, {}, {"北京师范大学": "Beijing Normal University"})
    assert english == "Beijing Normal University · Autumn semester 2025–26 · All measures"


def test_a_monthly_chart_spans_the_period_up_to_today():
    today = date(2026, 11, 28)
    assert Period().chart_span(today) == (None, today)
    assert Period(2026).chart_span(today) == (date(2026, 9, 1), today), "the current year stops today"
    assert Period(2025, "spring").chart_span(today) == (date(2026, 2, 1), date(2026, 8, 31))
