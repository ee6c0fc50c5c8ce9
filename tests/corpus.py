"""A corpus of activity-log files written the ways coordinators' tools write them, each with its expected
outcome. Files are generated here (not committed) so every byte and every expectation is visible in code.

`Case.errors` is the exact set of (line, field, code) the import must report; lines are the file's own.
The corpus database is the demo database plus one extra school (青龙满族自治县第二中学, paired with
北京师范大学 in the same county as 青龙一中), so a county alone is ambiguous for that university.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
from openpyxl import Workbook

TODAY = date(2026, 11, 28)
ZH = [
    "日期",
    "帮扶高校",
    "受援学校",
    "受援县",
    "帮扶举措",
    "活动名称",
    "参与教师人数",
    "参与学生人数",
    "时长（小时）",
    "备注",
]
EN = ["date", "university", "school", "county", "measure", "title", "teachers", "students", "hours", "notes"]

# Valid rows over verified pairings; titles carry （测试） so they never collide with demo activities.
VALID = [
    [
        "2023-09-01",
        "北京师范大学",
        "青龙满族自治县第一中学",
        "青龙满族自治县",
        "教师培训",
        "新高考数学教学能力提升培训（测试）",
        "30",
        "0",
        "6",
        "线上",
    ],
    ["2023-10-12", "北师大", "青龙一中", "", "teacher_visit", "语文示范课与评课（测试）", "8", "120", "3.5", ""],
    ["2024-03-05", "兰州大学", "恩玲中学", "榆中县", "学生营地活动", "寒假科学营（测试）", "4", "60", "48", ""],
    ["2024-05-20", "复旦大学", "", "奉节县", "骨干教师到校指导", "数学集体备课（测试）", "12", "45", "2", ""],
    ["2025-01-10", "浙江大学", "马山中学", "", "大学生支教实习", "研究生支教团到岗（测试）", "10", "600", "80", ""],
    ["2025-11-15", "BNU", "", "融安县", "principal_training", "校长领导力专题培训（测试）", "5", "0", "16", ""],
]


@dataclass
class Case:
    name: str
    data: bytes
    rows: int
    inserted: int
    duplicates: int = 0
    errors: set[tuple[int, str, str]] = field(default_factory=set)
    rejected: int | None = None  # defaults to the number of distinct error lines
    ignored: list[str] = field(default_factory=list)
    sheet: str | None = None
    header_line: int = 1
    quoted: bool = False  # holds quote characters (read by the Python CSV reader)

    @property
    def expected_rejected(self) -> int:
        return self.rejected if self.rejected is not None else len({line for line, _, _ in self.errors})


def to_csv(rows: list[list], delimiter: str = ",", newline: str = "\n", quoting: int = csv.QUOTE_MINIMAL) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerows(rows)
    return buffer.getvalue()


def to_xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _encoding_cases() -> list[Case]:
    rows = [ZH, *VALID]
    text = to_csv(rows)
    crlf = to_csv(rows, newline="\r\n")
    tab = to_csv(rows, delimiter="\t")
    n = len(VALID)
    return [
        Case("utf8_comma_lf.csv", text.encode("utf-8"), n, n),
        Case("utf8_bom_crlf.csv", codecs.BOM_UTF8 + crlf.encode("utf-8"), n, n),
        Case("gbk_comma_crlf.csv", crlf.encode("gbk"), n, n),
        Case("gb18030_tab_crlf.csv", to_csv(rows, "\t", "\r\n").encode("gb18030"), n, n),
        Case("utf8_tab_lf.tsv", tab.encode("utf-8"), n, n),
        Case("utf16_unicode_text.txt", tab.replace("\n", "\r\n").encode("utf-16"), n, n),
        Case("mac_cr_only.csv", to_csv(rows, newline="\r").encode("utf-8"), n, n),
        Case("mixed_line_endings.csv", (to_csv(rows[:3], newline="\r\n") + to_csv(rows[3:])).encode("utf-8"), n, n),
        Case("all_quoted.csv", to_csv(rows, quoting=csv.QUOTE_ALL).encode("utf-8"), n, n, quoted=True),
        Case("no_final_newline.csv", text.rstrip("\n").encode("utf-8"), n, n),
    ]


def _header_cases() -> list[Case]:
    english = [[" Date ", "UNIVERSITY", "School Name", "county", "Measure", "Title", "Teachers", "students", "Hours",
                "Notes"]]  # fmt: skip
    aliases = [["*日期（年-月-日）", "高校", "学校", "县区", "举措", "活动", "教师人数", "学生数", "时长(h)", "说明"]]
    extra = [["序号", *ZH[:5], "填报人", *ZH[5:], "", "联系电话"]]
    extra_rows = [
        [str(i + 1), *r[:5], "王老师", *r[5:], "x" if i == 2 else "", "13800000000"] for i, r in enumerate(VALID)
    ]
    n = len(VALID)
    return [
        Case("english_headers.csv", to_csv(english + VALID).encode("utf-8"), n, n),
        Case("alias_headers.csv", to_csv(aliases + VALID).encode("utf-8"), n, n),
        Case("extra_columns.csv", to_csv(extra + extra_rows).encode("utf-8"), n, n,
             ignored=["序号", "填报人", "联系电话", "#13"]),
        Case(
            "title_rows_above_header.csv",
            to_csv([["XX大学县中托管帮扶活动记录表"], ["填报单位：教务处", "", "2025年"], ZH, *VALID]).encode("utf-8"),
            n, n, header_line=3,
        ),
        Case("only_school_columns.csv", to_csv([ZH[:3] + ZH[4:6]] + [r[:3] + r[4:6] for r in VALID[:2] + VALID[3:4]])
             .encode(), 3, 2, errors={(4, "place", "place_missing")}),
    ]  # fmt: skip


def _messy_cases() -> list[Case]:
    blank = "\n".join(
        [
            ",".join(ZH),
            "",
            ",".join(VALID[0]),
            "   ",
            ",,,,,,,,,",
            "\t",
            ",".join(VALID[1]),
            "",
            "",
            "2023-09-01,北师大,青龙一中,,教师培训,,1,1,1,",  # line 10: no title
            ",".join(VALID[2]),
            "",
        ]
    )
    fullwidth = [
        ZH,
        [
            "２０２３－０９－０１",
            "　北师大　",
            " 青龙一中 ",
            "",
            "教师培训",
            "　全角测试活动（测试）　",
            "１２",
            "３００",
            "３．５",
            "",
        ],
        [
            "２０２３年９月２日",
            "ＢＮＵ",
            "",
            "融安",
            "ｔｅａｃｈｅｒ＿ｖｉｓｉｔ",
            "ＡＢＣ 教研（测试）",
            " 7 ",
            "0",
            "２",
            "",
        ],
    ]
    quoted = (
        ",".join(ZH) + "\n"
        + ",".join(VALID[0][:5]) + ',"活动, 含逗号（测试）",1,2,3,"备注第一行\n备注第二行\n第三行"\n'
        + ",".join(VALID[1][:5]) + ',"他说""好""（测试）",1,2,3,\n'
        + '2023-09-05,北师大,青龙一中,,吃饭,多行之后（测试）,1,1,1,\n'  # line 6 after a 3-line record
    )  # fmt: skip
    formats = [
        ZH,
        ["2023/9/1", "北师大", "青龙一中", "", "教师培训", "格式1（测试）", "12人", "1,200", "3小时", ""],
        ["2023.9.2", "北师大", "青龙一中", "", "Teacher training", "格式2（测试）", "0", "0", "2.5h", ""],
        ["2023年9月3日", "北师大", "青龙一中", "", "TEACHER_TRAINING", "格式3（测试）", "", "", "", ""],
        ["20230904", "北师大", "青龙一中", "", "其它", "格式4（测试）", "1", "1", "1", ""],
        ["45174", "北师大", "青龙一中", "", "教研", "格式5（测试）", "1", "1", "1", ""],  # Excel serial: 2023-09-05
        ["2023-09-06 00:00:00", "北师大", "青龙一中", "", "校长培训", "格式6（测试）", "1", "1", "1", ""],
        ["2023/9/7 8:30", "北师大", "青龙一中", "", "夏令营", "格式7（测试）", "+1", "1.0", ".5", ""],
        ["2023-09-08", "Beijing Normal University", "青龙满族自治县第一中学", "130321", "lab_open_day", "格式8（测试）",
         "1", "1", "1", ""],
    ]  # fmt: skip
    return [
        Case("blank_lines.csv", blank.encode("utf-8"), 4, 3, errors={(10, "title", "required")}),
        Case("fullwidth_digits_spaces.csv", to_csv(fullwidth).encode("utf-8"), 2, 2),
        Case("quoted_multiline.csv", quoted.encode("utf-8"), 3, 2, errors={(6, "measure", "measure_unknown")},
             quoted=True),
        Case("formats.csv", to_csv(formats).encode("utf-8"), 8, 8),
    ]  # fmt: skip


def _bad_rows() -> list[list]:
    """Every kind of bad row, one per line (line = index + 2), each with one problem."""
    ok = ["2023-09-01", "北师大", "青龙一中", "", "教师培训", None, "1", "1", "1", ""]
    changes = [
        ({0: "2023-02-30"}, "date", "date_invalid"),
        ({0: "09/01/2023"}, "date", "date_invalid"),
        ({0: "2027-01-01"}, "date", "date_future"),
        ({0: "2022-05-31"}, "date", "date_too_early"),
        ({0: ""}, "date", "required"),
        ({6: "-3"}, "teachers", "number_negative"),
        ({7: "十二"}, "students", "number_invalid"),
        ({6: "2.5"}, "teachers", "number_not_whole"),
        ({6: "99999999999"}, "teachers", "number_too_large"),
        ({8: "-1"}, "hours", "number_negative"),
        ({8: "两小时"}, "hours", "number_invalid"),
        ({4: "吃饭"}, "measure", "measure_unknown"),
        ({4: ""}, "measure", "required"),
        ({1: "北京烹饪学院"}, "university", "university_unknown"),
        ({1: ""}, "university", "required"),
        ({2: "不存在中学"}, "school", "school_unknown"),
        ({2: "", 3: "不存在县"}, "county", "county_unknown"),
        ({2: "", 3: ""}, "place", "place_missing"),
        ({1: "复旦大学"}, "school", "school_not_paired"),
        ({1: "复旦大学", 2: "", 3: "榆中县"}, "county", "county_not_paired"),
        ({3: "融安县"}, "county", "school_county_mismatch"),
        ({2: "", 3: "青龙满族自治县"}, "county", "ambiguous"),
        ({5: ""}, "title", "required"),
        ({5: "长" * 201}, "title", "title_too_long"),
    ]
    rows = []
    for index, (change, fieldname, code) in enumerate(changes):
        row = list(ok)
        row[5] = f"坏行{index}（测试）"
        for position, value in change.items():
            row[position] = value
        rows.append((row, (index + 2, fieldname, code)))
    return rows


def _bad_cases() -> list[Case]:
    bad = _bad_rows()
    rows = [ZH] + [row for row, _ in bad]
    errors = {expected for _, expected in bad}
    mixed = [ZH, VALID[0], bad[0][0], VALID[1], VALID[0], bad[11][0], VALID[2], VALID[1]]
    many = [ZH, ["2019-01-01", "北京烹饪学院", "不存在中学", "", "吃饭", "", "-1", "x", "y", ""]]
    return [
        Case("every_bad_row.csv", to_csv(rows).encode("utf-8"), len(bad), 0, errors=errors),
        Case("mixed.csv", to_csv(mixed).encode("utf-8"), 7, 3, duplicates=2,
             errors={(3, "date", "date_invalid"), (6, "measure", "measure_unknown")}),
        Case("many_problems_one_row.csv", to_csv(many).encode("utf-8"), 1, 0, errors={
            (2, "date", "date_too_early"), (2, "university", "university_unknown"), (2, "school", "school_unknown"),
            (2, "measure", "measure_unknown"), (2, "title", "required"), (2, "teachers", "number_negative"),
            (2, "students", "number_invalid"), (2, "hours", "number_invalid")}),
    ]  # fmt: skip


def _duplicate_cases() -> list[Case]:
    base = VALID[0]
    variants = [
        base,
        [*base[:5], " 新高考数学教学能力提升培训（测试） ", *base[6:]],  # stray spaces
        [*base[:5], "新高考数学教学能力提升培训(测试)", "99", *base[7:]],  # half-width brackets (NFKC-equal)
        [
            "2023/9/1",
            "北师大",
            "青龙一中",
            "",
            "teacher_training",
            "新高考数学教学能力提升培训（测试）",
            "1",
            "",
            "",
            "",
        ],
    ]
    cased = [[*VALID[1][:5], "ABC  教研（测试）", *VALID[1][6:]], [*VALID[1][:5], "abc 教研（测试）", *VALID[1][6:]]]
    return [
        Case("in_file_duplicates.csv", to_csv([ZH, *variants, *cased]).encode("utf-8"), 6, 2, duplicates=4),
    ]


def _xlsx_cases() -> list[Case]:
    header = list(ZH)
    rows = [
        header,
        [
            datetime(2023, 9, 1),
            "北京师范大学",
            "青龙一中",
            None,
            "教师培训",
            "表格日期单元格（测试）",
            30,
            0,
            6.5,
            None,
        ],
        [
            datetime(2023, 9, 2, 14, 30),
            "北师大",
            "青龙一中",
            None,
            "教师培训",
            "带时间的日期（测试）",
            3.0,
            12,
            2,
            None,
        ],
        ["2023-09-03", "北师大", "青龙一中", None, "教师培训", "文本日期（测试）", "5", "6", "1.5", None],
        [45173, "北师大", "青龙一中", None, "教师培训", "序列号日期（测试）", 1, 1, 1, None],  # 2023-09-04
        [None, None, None, None, None, None, None, None, None, None],
        [datetime(2030, 1, 1), "北师大", "青龙一中", None, "教师培训", "未来（测试）", 1, 1, 1, None],  # line 7
        [datetime(2023, 9, 5), "北师大", "青龙一中", None, "教师培训", "负数（测试）", -2, 1, 1, None],  # line 8
        [datetime(2023, 9, 6), "北师大", "青龙一中", None, "教师培训", "小数（测试）", 2.5, 1, 1, None],  # line 9
    ]
    second = [
        header,
        [datetime(2024, 4, 1), "兰州大学", "恩玲中学", None, "教研指导", "第二个工作表（测试）", 1, 2, 3, None],
    ]
    instructions = [["填写说明"], ["请在“活动”工作表中填写"]]
    errors = {(7, "date", "date_future"), (8, "teachers", "number_negative"), (9, "teachers", "number_not_whole")}
    return [
        Case("dates_and_numbers.xlsx", to_xlsx({"活动记录": rows, "第二季度": second}), 7, 4, errors=errors),
        Case("chosen_sheet.xlsx", to_xlsx({"活动记录": rows, "第二季度": second}), 1, 1, sheet="第二季度"),
        Case("title_row.xlsx", to_xlsx({"Sheet1": [["2025年活动记录"], [], *rows[:3]]}), 2, 2, header_line=3),
        Case("second_sheet_by_name.xlsx", to_xlsx({"说明": instructions, "活动": rows[:2]}), 1, 1, sheet="活动"),
        # No sheet named: an instruction sheet in front is skipped, the first sheet with a header is read.
        Case("instructions_first.xlsx", to_xlsx({"说明": instructions, "活动": rows[:2]}), 1, 1),
    ]


def _injection_cases() -> list[Case]:
    nasty = [
        "<script>alert('x')</script>（测试）",
        "'; DROP TABLE activities; --",
        '=HYPERLINK("http://example.com","点我")',
        "Robert'); DELETE FROM upload_batches; --",
        "{value} {candidates} %s ?（测试）",
    ]
    rows = [ZH] + [["2023-09-01", "北师大", "青龙一中", "", "教师培训", title, "1", "1", "1", title] for title in nasty]
    return [Case("injection_titles.csv", to_csv(rows).encode("utf-8"), len(nasty), len(nasty), quoted=True)]


def corpus() -> list[Case]:
    """Every generated file with its expected outcome (against the corpus database, on TODAY)."""
    return [
        *_encoding_cases(),
        *_header_cases(),
        *_messy_cases(),
        *_bad_cases(),
        *_duplicate_cases(),
        *_xlsx_cases(),
        *_injection_cases(),
    ]


# Files that cannot be used at all, with the IngestFileError code they must raise.
def unusable() -> list[tuple[str, bytes, str, str | None]]:
    zipped = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("log.csv", to_csv([ZH, *VALID]))
    return [
        ("empty.csv", b"", "empty", None),
        ("binary.csv", bytes(range(256)) * 4, "binary", None),
        ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "binary", None),
        ("old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "xls", None),
        ("archive.xlsx", zipped.getvalue(), "zip", None),
        ("broken.xlsx", b"PK\x03\x04" + bytes(100), "xlsx_corrupt", None),
        ("latin1.csv", "日期,x\n".encode() + b"\xff\xfe\xfa" * 3 + b"\x81", "encoding", None),
        ("no_header.csv", to_csv([["a", "b"], ["1", "2"]]).encode(), "no_header", None),
        ("missing_title.csv", to_csv([ZH[:5], VALID[0][:5]]).encode(), "missing_columns", None),
        (
            "no_header_in_any_sheet.xlsx",
            to_xlsx({"说明": [["填写说明"]], "备注": [["无"]]}),
            "no_header_in_sheets",
            None,
        ),
        ("wrong_sheet.xlsx", to_xlsx({"活动": [ZH, VALID[0]]}), "sheet_missing", "没有这个表"),
    ]


def corpus_database(con: duckdb.DuckDBPyConnection) -> None:
    """Add the second 青龙 school for 北京师范大学, making the county alone ambiguous for it."""
    con.execute("INSERT INTO schools VALUES (9001, '青龙满族自治县第二中学', '130321')")
    con.execute("INSERT INTO school_aliases VALUES ('青龙满族自治县第二中学', 9001), ('青龙二中', 9001)")
    con.execute(
        "INSERT INTO pairings (pairing_id, university_id, school_id, tier, start_date, provenance, confidence, source) "
        "SELECT 9001, university_id, 9001, 'provincial', DATE '2022-09-01', 'demo', NULL, "
        "'test fixture' FROM universities WHERE name_zh = '北京师范大学'"
    )


def demo_duplicates_case(con: duckdb.DuckDBPyConnection) -> Case:
    """Three activities already in the database, written back as a file: all duplicates."""
    rows = con.execute(
        "SELECT strftime(a.date, '%Y/%m/%d'), u.name_zh, s.name_zh, '', m.label_zh, a.title, a.teachers, a.students, "
        "a.hours, '' FROM activities a JOIN pairings p USING (pairing_id) JOIN universities u USING (university_id) "
        "JOIN schools s ON s.school_id = p.school_id JOIN measures m ON m.code = a.measure "
        "WHERE a.pairing_id < 9000 ORDER BY a.activity_id LIMIT 3"
    ).fetchall()
    data = to_csv([ZH, *[["" if v is None else str(v) for v in row] for row in rows]]).encode("utf-8")
    return Case("demo_duplicates.csv", data, 3, 0, duplicates=3)


def build_corpus_database(template, path) -> None:
    """A copy of the demo database at `path` with the corpus additions."""
    import shutil

    shutil.copy(template, path)
    con = duckdb.connect(str(path))
    try:
        corpus_database(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
