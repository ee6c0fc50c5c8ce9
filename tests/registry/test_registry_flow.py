"""The Registry page's state and words without a browser: the shared upload flow for registry and plan files,
the report's counts, changes, new parties and schools, the demo notes and the export's file names."""

from __future__ import annotations

import duckdb
import pytest

from assistance.registry.importer import RegistryImport
from assistance.registry.plans import PlansImport
from assistance.web import registry_flow as flow_text
from assistance.web.upload_flow import Upload, UploadFlow

HEADER = "帮扶单位,省份,市/州,受援县,受援学校,学校简称,层级,协议开始日期,协议结束日期,周期,来源"
FILE = Upload("id-1", "名册.csv")


@pytest.fixture
def con(demo_db):
    connection = duckdb.connect(str(demo_db))
    yield connection
    connection.close()


def registry(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode("utf-8")


def test_a_registry_file_with_nothing_new_or_changed_cannot_be_committed(con):
    flow = UploadFlow(nothing_hint=flow_text.REGISTRY_FORM.nothing_hint)
    unchanged = RegistryImport(con, registry("北京师范大学,,,青龙,青龙满族自治县第一中学,,,,,,"), "r.csv").validate()
    assert (unchanged.unchanged, unchanged.nothing_to_add) == (1, True)
    flow.record_check(FILE, unchanged)
    assert not flow.can_commit(FILE)
    assert flow.hint(FILE) == "registry.page.nothing_to_commit"

    changed = RegistryImport(con, registry("北京师范大学,,,青龙,青龙满族自治县第一中学,,,,2027-08-31,,"), "r.csv")
    flow.record_check(FILE, changed.validate())
    assert flow.can_commit(FILE) and flow.hint(FILE) is None


def test_an_undone_batch_is_forgotten_by_the_flow_that_committed_it(con):
    flow = UploadFlow()
    report = RegistryImport(con, registry("甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,,,"), "r.csv").run()
    flow.record_commit(FILE, report)
    flow.forget(report.batch_id + 1)
    assert flow.shown(FILE) == (report, True)
    flow.forget(report.batch_id)
    assert flow.shown(FILE) is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_registry_report_in_words(con, lang):
    data = registry(
        "北京师范大学,,,青龙,青龙满族自治县第一中学,,,,2027-08-31,2,",
        "甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,,,",
        "甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,,,",
    )
    report = RegistryImport(con, data, "r.csv").validate()
    labels = [key for key, _value in flow_text.metrics(report, committed=False)]
    assert labels[1:3] == ["upload.metric_would_insert", "registry.page.metric_would_change"]
    assert [value for _key, value in flow_text.metrics(report, committed=False)] == [3, 1, 1, 0, 1]

    changes = flow_text.changes_view(report, lang, {})
    rows = {row[2]: row for row in changes.itertuples(index=False)}
    assert rows["协议结束日期"][:2] == (2, "北京师范大学 → 青龙满族自治县第一中学")
    assert rows["协议结束日期"][3:] == ("—", "2027-08-31")
    assert rows["周期"][3:] == ("1", "2")
    assert "数据来源" not in rows and "Provenance" not in rows, "a verified pairing stays verified"

    parties = flow_text.new_parties_view(report, lang)
    assert parties.iloc[0].tolist() == ["甘肃农业大学", "高校" if lang == "zh" else "university", "—", 3]
    schools = flow_text.new_schools_view(report, lang)
    assert schools.iloc[0].tolist() == ["榆中县第一中学", "榆中县", 3]

    (note,) = report.demo_notes(lang)
    assert (
        ("国家示范、省级层级的示例数据将被移除" in note)
        if lang == "zh"
        else ("of the tiers National, Provincial will" in note)
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_demo_pairing_named_in_a_real_file_becomes_imported(con, lang):
    report = RegistryImport(con, registry("北京大学,,,桦南,桦南县示例中学,,,,2027-08-31,,"), "r.csv").validate()
    changes = flow_text.changes_view(report, lang, {})
    provenance = changes[changes.iloc[:, 2] == ("数据来源" if lang == "zh" else "Provenance")]
    assert provenance.iloc[0, 3:].tolist() == (["示例", "导入"] if lang == "zh" else ["Demo", "Imported"])


def test_a_close_party_name_is_a_did_you_mean(con):
    report = RegistryImport(con, registry("北京师范大学珠海校区,广东,,南雄,南雄中学,,省级,2024-09-01,,,"), "r.csv")
    parties = flow_text.new_parties_view(report.validate(), "zh")
    assert "北京师范大学" in parties.iloc[0, 2]


def test_plan_changes_name_the_pairing_school_year_and_measure(con):
    header = "帮扶高校,受援学校,受援县,学年,帮扶举措,目标次数,备注"
    PlansImport(con, f"{header}\n北师大,青龙一中,,2025,教研,6,\n".encode(), "p.csv").run()
    report = PlansImport(con, f"{header}\n北师大,青龙一中,,2025,教研,9,\n".encode(), "p.csv").validate()
    view = flow_text.changes_view(report, "en", {"teaching_research": "Teaching research"})
    assert view.iloc[0].tolist() == [2, "pairing #1 · School year 2025–26 · Teaching research", "目标次数", "6", "9"]
    assert report.demo_notes("en") == [], "the pairing's demo targets went with the first plan file"


def test_export_choices_and_file_names():
    assert flow_text.tier_choices() == ["", "national", "provincial", "municipal"]
    assert flow_text.tier_label("", "zh") == "全部层级"
    assert flow_text.export_file_name("xlsx", "national", "zh") == "帮扶名册_国家示范.xlsx"
    assert flow_text.export_file_name("csv", "", "en") == "registry_all.csv"
