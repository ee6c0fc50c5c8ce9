"""The rows of the workbook fixtures (tests/ingest/fixtures, written by make_fixtures.py), shared with the tests
that read them and build the same workbook as .xlsx to compare."""

from __future__ import annotations

from datetime import date, datetime

from tests.corpus import ZH


class Percent(float):
    """A number written as a percent cell (format 0%): the cell holds the fraction, 0.5 for 50%."""


INSTRUCTIONS = [["填写说明"], ["请在“活动记录”工作表中填写，每行一次活动。"]]
ACTIVITY_ROWS = [
    ZH,
    [date(2023, 9, 1), "北京师范大学", "青龙满族自治县第一中学", "青龙满族自治县", "教师培训",
     "旧版工作簿日期单元格（测试）", 30, 0, 6.5, "线上"],
    [45173, "北师大", "青龙一中", None, "教师培训", "旧版工作簿序列号日期（测试）", 3.0, 12, 2, None],
    [None] * 10,
    ["2024-03-05", "兰州大学", "恩玲中学", "榆中县", "学生营地活动", "旧版工作簿百分比（测试）", "4", "60",
     Percent(0.5), None],
    [date(2030, 1, 1), "北师大", "青龙一中", None, "教师培训", "未来（测试）", 1, 1, 1, None],
    [datetime(2023, 9, 2, 14, 30), "北师大", "青龙一中", None, "教师培训", "负数（测试）", -2, 1, 1, None],
]  # fmt: skip
ACTIVITY_SHEETS = {"填写说明": INSTRUCTIONS, "活动记录": ACTIVITY_ROWS}
# What reading them gives, whatever the format: rows 2, 3, 5, 6, 7 (line 4 is blank); two rejected.
ACTIVITY_OUTCOME = {"sheet": "活动记录", "header_line": 1, "rows": 5, "inserted": 3, "rejected": 2}
ACTIVITY_ERRORS = {(6, "date", "date_future"), (7, "teachers", "number_negative")}
# The stored values of the three good rows: (title, date, teachers, students, hours).
ACTIVITY_STORED = [
    ("旧版工作簿日期单元格（测试）", date(2023, 9, 1), 30, 0, 6.5),
    ("旧版工作簿序列号日期（测试）", date(2023, 9, 4), 3, 12, 2.0),
    ("旧版工作簿百分比（测试）", date(2024, 3, 5), 4, 60, 0.5),
]

REGISTRY_SHEETS = {
    "名册": [
        ["Registry 2025"],
        ["supporter", "province", "county", "school", "tier", "start_date", "cycle"],
        ["甘肃农业大学", "甘肃", "榆中", "榆中县第一中学", "provincial", date(2023, 9, 1), 1],
    ]
}

# A plan (一校一策) as a university keeps it: school years and targets as number cells (an .xls holds every number as
# a float) and as text.
PLAN_SHEETS = {
    "计划": [
        ["帮扶高校", "受援学校", "受援县", "学年", "帮扶举措", "目标次数", "备注"],
        ["北京师范大学", "青龙满族自治县第一中学", None, "2024-2025", "教研", 12, None],
        ["北师大", "青龙一中", None, 2025, "跟岗", 4.0, "旧版工作簿（测试）"],
    ]
}
# The targets stored for pairing 1 (北京师范大学 – 青龙满族自治县第一中学): (school year, measure) → target.
PLAN_STORED = {(2024, "teaching_research"): 12, (2025, "shadowing"): 4}

# Outcome figures as a school keeps them: a title row above the header, rates as percent cells (the cell holds the
# fraction; it means what it shows), a school year as text and as a number.
OUTCOME_SHEETS = {
    "办学成效": [
        ["学校填报说明：每校每学年一行"],
        ["受援学校", "学年", "在校生数", "本科上线率", "优质生源本地就读率"],
        ["青龙满族自治县第一中学", "2021-2022", 3200, Percent(0.35), Percent(0.625)],
        ["青龙满族自治县第一中学", 2022, 3300, Percent(1), Percent(0.7)],
    ]
}
# What is stored: school year → (students, undergrad_rate_pct, top_intake_local_pct).
OUTCOME_STORED = {2021: (3200, 35, 62.5), 2022: (3300, 100, 70)}

# Every workbook fixture: tests/ingest/fixtures/<kind>.xls and .ods.
SHEETS = {"activities": ACTIVITY_SHEETS, "registry": REGISTRY_SHEETS, "plans": PLAN_SHEETS, "outcomes": OUTCOME_SHEETS}
