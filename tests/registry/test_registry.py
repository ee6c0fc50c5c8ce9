"""Registry import: names resolved like a person reads them, every row new / unchanged / changed / rejected,
demo rows replaced by real ones, undo of exactly one batch, and the bad input of issue 9.

Each bad input gives a clear report (rejected rows with line, column and a reason in zh and en) or a one-line
refusal (IngestFileError), never a traceback, and never a partial commit."""

from __future__ import annotations

import io
import os

import pytest

from assistance.ingest.errors import IngestFileError
from assistance.registry import places
from assistance.registry.importer import RegistryImport
from assistance.registry.undo import undo
from tests.conftest import snapshot

TABLES = ("universities", "university_aliases", "schools", "school_aliases", "pairings", "plan_targets", "activities")
HEADER = "帮扶单位,省份,市/州,受援县,受援学校,学校简称,层级,协议开始日期,协议结束日期,周期,来源"


@pytest.fixture
def con(empty_con):
    """`init --empty`: reference data and the 115 national pairings (29 verified, 86 demo), no history."""
    return empty_con


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def dry(con, data: bytes, name: str = "r.csv"):
    return RegistryImport(con, data, name).validate()


def commit(con, data: bytes, name: str = "r.csv"):
    return RegistryImport(con, data, name, uploaded_by="测试").run()


def errors(report, lang="zh") -> list[tuple]:
    return [(e["line"], e["column"], e["message"]) for e in report.to_dict(lang)["errors"]]


# ---------------------------------------------------------------------------------------------------------
# Names


def test_place_keys_read_names_as_people_write_them():
    assert places.county_short("青龙满族自治县") == "青龙"
    assert places.county_short("朝阳区") == places.county_short("朝阳县") == "朝阳"
    assert places.county_short("城区") == "城区"
    assert places.city_key("第一师") == "阿拉尔" and places.city_key("大理白族自治州") == "大理"
    assert places.school_key("青龙县第一中学") == places.school_key("青龙第一中学")
    assert places.school_key("青龙一中") != places.school_key("青龙县第一中学")
    assert places.tier_of("省级") == "provincial" and places.tier_of(" National ") == "national"
    assert places.tier_of("县级") is None
    assert places.party_kind("兰州市第一中学") == "high_school"
    assert places.party_kind("北京师范大学附属中学") == "high_school"
    assert places.party_kind("甘肃农业大学") == "university"
    assert places.party_kind("某市教育局") == "institution"


def test_a_header_is_recognised_as_the_kind_of_file_it_belongs_to():
    from assistance.ingest.fields import ACTIVITIES, PLANS, REGISTRY, find_header, recognise

    activity = ["日期", "帮扶高校", "受援学校", "受援县", "帮扶举措", "活动名称"]
    registry = ["帮扶单位", "省份", "受援县", "受援学校", "层级（国家示范/省级/市级）"]
    plans = ["帮扶高校", "受援学校", "学年", "帮扶举措", "目标次数"]
    kinds = (ACTIVITIES, REGISTRY, PLANS)
    assert [recognise(row, kinds).kind.name for row in (activity, registry, plans)] == ["activities", "registry",
                                                                                        "plans"]  # fmt: skip
    match = find_header([["2025 名册"], registry], [1, 3], REGISTRY)
    assert match.index == 1 and match.fields["tier"] == 4 and match.columns()["supporter"] == "帮扶单位"
    with pytest.raises(IngestFileError) as caught:
        find_header([activity], [1], REGISTRY)
    assert caught.value.params["line"] == 1 and "上传活动记录" in caught.value.message("zh")


def test_county_by_full_name_short_name_and_adcode(con):
    rows = [
        "北京师范大学,,,青龙满族自治县,青龙满族自治县第一中学,,,,,,",
        "复旦大学,,,130321,青龙县实验高中,,,,,,",
        "浙江大学,河北,,青龙县,青龙县第三中学,,,,,,",
    ]
    report = dry(con, csv(*rows))
    assert (report.rows, report.unchanged, report.inserted, report.rejected) == (3, 1, 2, 0)
    assert set(report.new_schools["county_adcode"]) == {"130321"}


def test_county_codes_that_name_no_county_or_another_county(con):
    report = dry(con, csv("北京师范大学,,,999999,某中学,,,,,,"))
    assert errors(report)[0][1] == "受援县" and "999999" in errors(report)[0][2]
    header = "帮扶单位,受援县,县代码,受援学校"
    mismatch = dry(con, csv("北京师范大学,青龙,620123,某中学", "北京师范大学,青龙,62012,某中学", header=header))
    assert [(e[0], e[1]) for e in errors(mismatch)] == [(2, "县代码"), (3, "县代码")]
    assert "榆中县" in errors(mismatch)[0][2]


def test_an_unknown_county_is_rejected_with_its_line_and_column(con):
    report = dry(con, csv("北京师范大学,,,不存在县,某中学,,,,,,"))
    assert report.rejected == 1 and report.exit_code == 1
    [(line, column, message)] = errors(report)
    assert (line, column) == (2, "受援县") and "不存在县" in message
    assert "no county-level unit" in errors(report, "en")[0][2]


@pytest.mark.parametrize(
    ("county", "candidates"),
    [
        ("新城区", ("内蒙古自治区呼和浩特市", "陕西省西安市")),
        ("桥西区", ("河北省石家庄市", "河北省张家口市")),
        ("朝阳", ("朝阳县（辽宁省朝阳市", "朝阳区（北京市", "朝阳区（吉林省长春市")),
    ],
)
def test_an_ambiguous_county_without_province_names_the_candidates(con, county, candidates):
    report = dry(con, csv(f"北京师范大学,,,{county},某示范中学,,,,,,"))
    [(line, column, message)] = errors(report)
    assert line == 2 and column == "受援县"
    assert all(c in message for c in candidates) and "省份" in message
    assert "province or city column" in errors(report, "en")[0][2]


def test_the_province_or_the_city_settles_an_ambiguous_county(con):
    rows = [
        "北京师范大学,陕西,,新城区,西安新城示范高中,,,,,,",
        "北京师范大学,辽宁省,,朝阳,朝阳县示范高中,,,,,,",
        "北京师范大学,,张家口,桥西区,桥西示范高中,,,,,,",
        "北京师范大学,130000,石家庄市,桥西区,石家庄桥西示范高中,,,,,,",
    ]
    report = commit(con, csv(*rows))
    assert (report.inserted, report.rejected) == (4, 0), errors(report)
    adcodes = con.execute(
        "SELECT county_adcode FROM pairing_overview WHERE school LIKE '%示范高中' ORDER BY pairing_id"
    ).fetchall()
    assert [a for (a,) in adcodes] == ["610102", "211321", "130703", "130104"]


def test_a_county_outside_the_province_given_is_rejected_naming_where_it_is(con):
    report = dry(con, csv("北京师范大学,甘肃,,青龙,某示范中学,,,,,,"))
    [(_line, column, message)] = errors(report)
    assert column == "受援县" and "河北省" in message


def test_the_corps_by_its_names_and_its_divisions(con):
    rows = [
        "兰州大学,新疆生产建设兵团,第一师,阿拉尔市,塔里木高级中学,,,,,,",  # the verified pairing
        "兰州大学,兵团,,石河子,石河子示范高中,,,,,,",
        "兰州大学,新疆,第八师,石河子市,石河子第二示范高中,,,,,,",
    ]
    report = dry(con, csv(*rows))
    assert (report.unchanged, report.inserted, report.rejected) == (1, 2, 0), errors(report)


def test_a_school_name_with_a_trailing_space_and_full_width_brackets(con):
    first = commit(con, csv("兰州市第一中学,甘肃,,榆中,榆中县第一中学（高中部） ,榆中一中,市级,2023-09-01,,,"))
    assert (first.inserted, first.rejected) == (1, 0)
    stored = con.execute("SELECT school FROM pairing_overview WHERE tier = 'municipal'").fetchall()
    assert stored == [("榆中县第一中学（高中部）",)]  # trimmed, the user's own brackets kept
    again = dry(con, csv("兰州市第一中学,甘肃,,榆中,　榆中县第一中学(高中部),,市级,,,,"))
    assert (again.unchanged, again.inserted) == (1, 0)
    assert con.execute("SELECT count(*) FROM schools WHERE name_zh LIKE '榆中县第一中学%'").fetchone()[0] == 1


def test_a_near_duplicate_school_is_a_did_you_mean_not_a_second_school(con):
    commit(con, csv("兰州市第一中学,甘肃,,榆中,榆中县第一中学,,市级,2023-09-01,,,"))
    report = dry(con, csv("兰州市第二中学,甘肃,,榆中,榆中第一中学,,市级,2023-09-01,,,"))
    [(_line, column, message)] = errors(report)
    assert column == "受援学校" and "榆中县第一中学" in message and "是否" in message
    assert "did you mean 榆中县第一中学" in errors(report, "en")[0][2]
    in_file = dry(con, csv("甲市中学,甘肃,,临洮,临洮县第五中学,,市级,2023-09-01,,,",
                           "乙市中学,甘肃,,临洮,临洮第五中学,,市级,2023-09-01,,,"))  # fmt: skip
    [(line, _column, message)] = errors(in_file)
    assert line == 3 and "临洮县第五中学" in message and "2" in message


# ---------------------------------------------------------------------------------------------------------
# Supporting parties and tiers


def test_a_national_row_naming_a_university_outside_the_48_is_rejected(con):
    report = dry(
        con, csv("甘肃农业大学,甘肃,,榆中,榆中县第一中学,,,,,,", "北京师大,河北,,青龙,青龙县第一中学,,国家示范,,,,")
    )
    assert report.rejected == 2
    lines = {line: message for line, _c, message in errors(report)}
    assert "48" in lines[2] and "甘肃农业大学" in lines[2]
    assert "北京师范大学" in lines[3]  # did you mean


def test_provincial_and_municipal_parties_are_created_and_listed_as_new(con):
    rows = [
        "甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,,,",
        "兰州市第一中学,甘肃,,临洮,临洮中学,,市级,2023-09-01,,,",
        "北京师范大学,甘肃,,华池,华池县第一中学,,省级,2023-09-01,,,",  # a national university, provincial tier
    ]
    report = commit(con, csv(*rows))
    assert (report.inserted, report.rejected) == (3, 0), errors(report)
    assert dict(zip(report.new_parties["name"], report.new_parties["kind"], strict=True)) == {
        "甘肃农业大学": "university",
        "兰州市第一中学": "high_school",
    }
    kinds = dict(
        con.execute("SELECT school, supporting_kind FROM pairing_overview WHERE tier <> 'national'").fetchall()
    )
    assert kinds == {"榆中县第一中学": "university", "临洮中学": "high_school", "华池县第一中学": "university"}
    assert con.execute("SELECT count(*) FROM universities WHERE national").fetchone()[0] == 49
    hint = dry(con, csv("兰州市一中,甘肃,,岷县,岷县第一中学,,市级,2023-09-01,,,"))
    assert "兰州市第一中学" in hint.new_parties["similar"].iloc[0]


def test_tier_names_and_the_national_default(con):
    report = dry(con, csv("北京师范大学,,,青龙,青龙满族自治县第一中学,,国家示范,,,,",
                          "北京师范大学,,,青龙,青龙满族自治县第一中学,,national,,,,"))  # fmt: skip
    assert report.rejected == 1 and "2" in errors(report)[0][2]  # the same pairing twice
    bad = dry(con, csv("北京师范大学,,,青龙,青龙满族自治县第一中学,,县级,,,,"))
    assert errors(bad)[0][1] == "层级"
    no_start = dry(con, csv("兰州市第一中学,甘肃,,临洮,临洮中学,,市级,,,,"))
    assert errors(no_start)[0][1] == "协议开始日期"


# ---------------------------------------------------------------------------------------------------------
# Rows: new, unchanged, changed, rejected


def test_the_same_pairing_twice_in_one_file_rejects_the_second_naming_the_first(con):
    before = snapshot(con, TABLES)
    rows = [
        "复旦大学,,,临洮,临洮中学,,,,,,",
        "北京师范大学,,,青龙,青龙满族自治县第一中学,,,,,,",
        "复旦大学,甘肃,,临洮县,临洮中学,,,,,,",
    ]
    report = commit(con, csv(*rows))
    assert (report.rows, report.inserted, report.unchanged, report.rejected) == (3, 1, 1, 1)
    [(line, column, message)] = errors(report)
    assert (line, column) == (4, "受援学校") and "第 2 行" in message
    assert "as line 2" in errors(report, "en")[0][2]
    assert snapshot(con, TABLES)["pairings"][0] == before["pairings"][0] + 1 - 86  # one new; the demo ones replaced


def test_end_date_before_start_is_rejected(con):
    report = dry(con, csv("北京师范大学,,,青龙,青龙满族自治县第一中学,,,2023-09-01,2022-08-31,,"))
    [(line, column, message)] = errors(report)
    assert (line, column) == (2, "协议结束日期") and "2022-08-31" in message and "2023-09-01" in message
    stored_start = dry(con, csv("北京师范大学,,,青龙,青龙满族自治县第一中学,,,,2021-06-30,,"))
    assert "2022-09-01" in errors(stored_start)[0][2]  # against the stored start date


def test_resigning_is_a_change_of_the_same_pairing_shown_before_and_after(con):
    report = commit(con, csv("北京师范大学,,,青龙,青龙满族自治县第一中学,,,2025-09-01,2028-08-31,2,"))
    assert (report.changed, report.inserted) == (1, 0)
    changes = {r.field: (r.before, r.after) for r in report.changes.itertuples()}
    assert changes == {
        "start_date": ("2022-09-01", "2025-09-01"),
        "end_date": (None, "2028-08-31"),
        "cycle": ("1", "2"),
    }
    row = con.execute("SELECT start_date, end_date, cycle FROM pairing_overview WHERE pairing_id = 1").fetchone()
    assert [str(v) for v in row] == ["2025-09-01", "2028-08-31", "2"]


def test_an_absent_column_or_an_empty_cell_leaves_a_field_and_nothing_is_deleted(con):
    commit(con, csv("北京师范大学,,,青龙,青龙满族自治县第一中学,,,,2025-08-31,,"))
    minimal = csv("北京师范大学,青龙,青龙满族自治县第一中学", header="帮扶单位,受援县,受援学校")
    before = snapshot(con, TABLES)
    report = commit(con, minimal)
    assert (report.unchanged, report.changed) == (1, 0)
    assert snapshot(con, TABLES)["pairings"] == before["pairings"]  # the other pairings stay
    assert str(con.execute("SELECT end_date FROM pairings WHERE pairing_id = 1").fetchone()[0]) == "2025-08-31"


def test_total_rows_title_rows_and_blank_lines_are_not_records(con):
    data = (
        "2025年县中托管帮扶名册\n\n"
        + HEADER
        + "\n北京师范大学,,,青龙,青龙满族自治县第一中学,,,,,,\n\n合计,1,,,,,,,,,\n"
    )
    report = dry(con, data.encode())
    assert (report.header_line, report.rows, report.unchanged, report.total_rows) == (3, 1, 1, 1)
    numbered = "序号," + HEADER + "\n1,北京师范大学,,,青龙,青龙满族自治县第一中学,,,,,,\n总计,1,,,,,,,,,,\n"
    report = dry(con, numbered.encode())
    assert (report.rows, report.unchanged, report.total_rows, report.ignored_columns) == (1, 1, 1, ["序号"])


def test_an_xlsx_registry_with_english_headers_and_date_cells(con):
    from datetime import datetime

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Registry 2025"])
    sheet.append(["supporter", "province", "county", "school", "tier", "start_date", "cycle"])
    sheet.append(["甘肃农业大学", "甘肃", "榆中", "榆中县第一中学", "provincial", datetime(2023, 9, 1), 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = commit(con, buffer.getvalue(), "r.xlsx")
    assert (report.header_line, report.inserted, report.rejected) == (2, 1, 0), errors(report)
    assert str(con.execute("SELECT start_date FROM pairing_overview WHERE tier = 'provincial'").fetchone()[0]) == (
        "2023-09-01"
    )


# ---------------------------------------------------------------------------------------------------------
# Files that cannot be used: one line, nothing written


def _refused(con, data: bytes, name: str = "r.csv", **kwargs) -> IngestFileError:
    before = snapshot(con, TABLES)
    with pytest.raises(IngestFileError) as caught:
        RegistryImport(con, data, name, **kwargs).run()
    assert snapshot(con, TABLES) == before
    for lang in ("zh", "en"):
        assert "\n" not in caught.value.message(lang) and caught.value.message(lang)
    return caught.value


def test_an_activity_log_uploaded_as_a_registry_names_the_upload_page(con):
    log = "日期,帮扶高校,受援学校,受援县,帮扶举措,活动名称\n2023-09-01,北师大,青龙一中,,教研,集体备课\n".encode()
    error = _refused(con, log)
    assert error.code == "wrong_kind"
    assert "上传活动记录" in error.message("zh") and "Upload activities" in error.message("en")
    plan = "帮扶高校,受援学校,学年,帮扶举措,目标次数\n北师大,青龙一中,2023,教研,6\n".encode()
    assert "plans import" in _refused(con, plan).message("en")


def test_empty_binary_and_headerless_files_are_refused(con):
    assert _refused(con, b"").code == "empty"
    assert _refused(con, os.urandom(4096) + b"\x00" * 64).code in ("binary", "encoding")
    assert _refused(con, b"PK\x03\x04" + os.urandom(2000), "r.xlsx").code in ("xlsx_corrupt", "zip")
    assert _refused(con, b"a,b\n1,2\n").code == "no_header"
    error = _refused(con, "帮扶单位,受援县\n北京师范大学,青龙\n".encode())
    assert error.code == "missing_columns" and "受援学校" in error.message("zh")


def test_a_20_mb_file_is_refused_before_it_is_read(con, tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as handle:
        handle.write(csv())
        handle.truncate(20 * 1024 * 1024 + 1)
    error = _refused(con, big, "big.csv")
    assert error.code == "too_large" and "20" in error.message("zh")
    small_cap = _refused(con, csv("北京师范大学,,,青龙,青龙满族自治县第一中学,,,,,,"), max_bytes=10)
    assert small_cap.code == "too_large"


# ---------------------------------------------------------------------------------------------------------
# Real rows replace demo rows of their tier; undo reverses exactly one batch


def test_real_rows_replace_demo_rows_of_their_tier_and_undo_puts_them_back(demo_con):
    con = demo_con
    before = snapshot(con, TABLES)
    # An uploaded activity on a demo pairing keeps that pairing (uploads are never removed).
    con.execute(
        "INSERT INTO activities (pairing_id, date, measure, title, title_key, provenance, batch_id) "
        "VALUES (40, DATE '2025-03-01', 'other', '上传的活动', '上传的活动', 'imported', 999)"
    )
    before = snapshot(con, TABLES)
    demo_national = con.execute("SELECT count(*) FROM pairings WHERE provenance = 'demo'").fetchone()[0]
    demo_activities = con.execute("SELECT count(*) FROM activities WHERE provenance = 'demo'").fetchone()[
        0
    ]  # every pairing is national
    data = csv("北京师范大学,甘肃,,榆中,榆中县示范高中,,,,,,")
    report = dry(con, data)
    assert report.demo == {
        "pairings": demo_national - 1, "plans": report.demo["plans"], "activities": demo_activities, "kept": 1,
    }  # fmt: skip
    assert (
        report.demo["plans"] == con.execute("SELECT count(*) FROM plan_targets WHERE provenance='demo'").fetchone()[0]
    )
    assert snapshot(con, TABLES) == before  # a dry run writes nothing

    done = commit(con, data)
    assert done.inserted == 1 and done.batch_id
    left = con.execute("SELECT provenance, count(*) FROM pairings GROUP BY ALL ORDER BY 1").fetchall()
    assert left == [("demo", 1), ("imported", 1), ("verified", 29)]
    assert con.execute("SELECT count(*) FROM activities WHERE provenance = 'demo'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM activities WHERE provenance = 'imported'").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM schools WHERE name_zh LIKE '%示例%'").fetchone()[0] == 1

    result = undo(con, done.batch_id)
    assert result.status == "done" and "restored" in result.message("en")
    assert snapshot(con, TABLES) == before
    assert undo(con, done.batch_id).status == "already"


def test_undo_leaves_out_a_demo_activity_whose_natural_key_an_upload_took_meanwhile(demo_con):
    """activities has no unique index (schema 6): undo's restore itself skips an archived demo activity whose
    natural key an uploaded activity has taken since (store.db.new_natural_key)."""
    con = demo_con
    demo = con.execute("SELECT count(*) FROM activities WHERE provenance = 'demo'").fetchone()[0]
    taken = con.execute(
        "SELECT pairing_id, date, measure, title, title_key FROM activities WHERE provenance = 'demo' "
        "ORDER BY activity_id LIMIT 1"
    ).fetchone()
    done = commit(con, csv("北京师范大学,甘肃,,榆中,榆中县示范高中,,,,,,"))
    assert con.execute("SELECT count(*) FROM activities WHERE provenance = 'demo'").fetchone()[0] == 0
    con.execute(
        "INSERT INTO activities (pairing_id, date, measure, title, title_key, provenance, batch_id) "
        "VALUES (?, ?, ?, ?, ?, 'imported', 999)",
        list(taken),
    )
    assert undo(con, done.batch_id).status == "done"
    assert con.execute("SELECT count(*) FROM activities WHERE provenance = 'demo'").fetchone()[0] == demo - 1
    same_key = con.execute(
        "SELECT provenance FROM activities WHERE pairing_id = ? AND date = ? AND measure = ? AND title_key = ?",
        [taken[0], taken[1], taken[2], taken[4]],
    ).fetchall()
    assert same_key == [("imported",)]
    assert con.execute("SELECT count(*) FROM archived_activities").fetchone()[0] == 0


def test_undo_refuses_while_later_batches_build_on_it(con):
    first = commit(con, csv("甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,,,"))
    second = commit(con, csv("甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,2026-08-31,,"))
    assert second.changed == 1
    blocked = undo(con, first.batch_id)
    assert blocked.status == "blocked" and f"#{second.batch_id}" in blocked.message("en")
    assert undo(con, second.batch_id).status == "done"
    assert con.execute("SELECT end_date FROM pairing_overview WHERE tier = 'provincial'").fetchone()[0] is None
    assert undo(con, first.batch_id).status == "done"
    assert con.execute("SELECT count(*) FROM universities WHERE name_zh = '甘肃农业大学'").fetchone()[0] == 0


def test_a_rejected_row_never_half_commits_and_the_batch_records_the_file(con):
    data = csv("北京师范大学,,,青龙,青龙满族自治县第一中学,,,,2025-08-31,,", "北京师范大学,,,不存在县,某中学,,,,,,")
    report = commit(con, data)
    assert (report.changed, report.rejected) == (1, 1)
    batch = con.execute(
        "SELECT kind, rows, inserted, changed, unchanged, rejected, uploaded_by, sha256 FROM upload_batches "
        "WHERE batch_id = ?",
        [report.batch_id],
    ).fetchone()
    assert batch[:7] == ("registry", 2, 0, 1, 0, 1, "测试") and len(batch[7]) == 64
    assert con.execute("SELECT count(*) FROM rejected_rows WHERE batch_id = ?", [report.batch_id]).fetchone()[0] == 1
    assert "不存在县" in report.rejected_csv("zh").decode("utf-8-sig")
    assert con.execute("SELECT count(*) FROM schools WHERE name_zh = '某中学'").fetchone()[0] == 0
