"""Issue 13, item 13: names sort by pinyin in Chinese (安徽 … 北京 … 上海, not 上海交通大学 first by code point) and
alphabetically by English name in English, in every list and select box of universities, schools and provinces,
including the SQL-sorted paged tables (keys precomputed in `name_keys`, never sorted per page in Python)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from assistance.analytics import attention, queries, scorecard, universities
from assistance.filters import Filters
from assistance.store import db
from assistance.store.sortkeys import fill_sort_keys, pinyin_key
from tests.conftest import DEMO_TODAY, open_page


@pytest.fixture
def con(demo_db):
    connection = duckdb.connect(str(demo_db))
    yield connection
    connection.close()


def pinyin_sorted(names) -> list[str]:
    return sorted(names, key=lambda name: (pinyin_key(name), name))


def english_sorted(names) -> list[str]:
    return sorted(names, key=str.lower)


def test_the_key_is_tone_numbered_pinyin_read_as_in_the_word():
    assert pinyin_key("北京师范大学") == "bei3 jing1 shi1 fan4 da4 xue2"
    assert pinyin_key("重庆市").startswith("chong2 qing4") and pinyin_key("长沙").startswith("chang2")
    assert pinyin_sorted(["上海交通大学", "陕西省", "北京大学", "山西省", "安徽省", "重庆市"]) == [
        "安徽省", "北京大学", "重庆市", "山西省", "陕西省", "上海交通大学",
    ]  # fmt: skip
    assert pinyin_key("ＸＸ一中 No.2") == "xx yi1 zhong1 no.2"


def test_every_name_has_a_key_after_init_and_fill_is_idempotent(con):
    missing = con.execute(
        "SELECT count(*) FROM (SELECT name_zh AS n FROM universities UNION SELECT name_zh FROM schools "
        "UNION SELECT name_zh FROM provinces UNION SELECT name_zh FROM counties) WHERE n NOT IN "
        "(SELECT name FROM name_keys)"
    ).fetchone()[0]
    assert missing == 0
    assert fill_sort_keys(con) == 0


def test_a_registry_import_gives_its_new_school_a_key_and_a_start_fills_any_other(con):
    from assistance.registry.importer import RegistryImport

    data = "帮扶单位,受援县,受援学校\n兰州大学,榆中,阿干镇示范中学\n".encode()
    report = RegistryImport(con, data, "r.csv", uploaded_by="测试").run()
    assert report.inserted == 1
    key = con.execute("SELECT pinyin FROM name_keys WHERE name = '阿干镇示范中学'").fetchone()
    assert key == (pinyin_key("阿干镇示范中学"),)
    # A name written some other way gets its key at the next start (every process migrates on opening).
    con.execute("INSERT INTO schools VALUES (99999, '白银区测试中学', '620402')")
    db.migrate(con)
    assert con.execute("SELECT pinyin FROM name_keys WHERE name = '白银区测试中学'").fetchone() == (
        "bai2 yin2 qu1 ce4 shi4 zhong1 xue2",
    )


def test_reference_lists_sort_by_pinyin_in_chinese_and_by_english_name_in_english(con):
    zh = queries.universities(con, "zh")["name_zh"].tolist()
    assert zh == pinyin_sorted(zh) and zh[0] == "北京大学" and zh.index("北京大学") < zh.index("上海交通大学")
    en = queries.universities(con, "en")["name_en"].tolist()
    assert en == english_sorted(en)
    provinces = queries.provinces(con, "zh")["name_zh"].tolist()
    assert provinces[:3] == ["安徽省", "澳门特别行政区", "北京市"]
    provinces_en = queries.provinces(con, "en")["name_en"].tolist()
    assert provinces_en == english_sorted(provinces_en) and provinces_en[0] == "Anhui"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_paged_tables_sort_names_in_sql_by_the_language(con, lang):
    today = DEMO_TODAY
    rows = universities.universities_query(Filters(), today, lang).page(con)
    names = rows["university_en" if lang == "en" else "university"].tolist()
    assert names == (english_sorted(names) if lang == "en" else pinyin_sorted(names))
    page = universities.universities_query(Filters(), today, lang).page(con, "university", True, 5, 0)
    assert page["university"].tolist() == rows["university"].tolist()[::-1][:5], "descending, in SQL, by page"

    pairings = universities.pairings_query(Filters(), today, lang).page(con, "school")
    schools = pairings["school"].tolist()
    assert schools == pinyin_sorted(schools), "schools have Chinese names only: pinyin in both languages"
    by_university = universities.pairings_query(Filters(), today, lang).page(con, "university")
    firsts = list(dict.fromkeys(by_university["university"]))
    names = dict(zip(queries.universities(con)["name_zh"], queries.universities(con)["name_en"], strict=True))
    shown = [names[n] for n in firsts] if lang == "en" else firsts
    assert shown == (english_sorted(shown) if lang == "en" else pinyin_sorted(shown))

    needs = attention.attention_query(Filters(), today, lang).page(con, "school")["school"].tolist()
    assert needs == pinyin_sorted(needs)
    picker = scorecard.pairing_choices(con, Filters(), lang)
    first = list(dict.fromkeys(picker["university_en" if lang == "en" else "university"]))
    assert first == (english_sorted(first) if lang == "en" else pinyin_sorted(first))


def test_the_timeline_rows_follow_pinyin(con):
    frame = universities.timeline(con, Filters(universities=("兰州大学",)), "zh")
    from assistance.figures.progress import timeline_heatmap

    figure = timeline_heatmap(frame, "zh", {}, date(2025, 9, 1), date(2026, 11, 1))
    assert list(figure.data[0].y) == ["恩玲中学", "靖远县第四中学", "塔里木高级中学"]  # en, jing, ta


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sidebar_and_the_pickers_offer_names_in_the_language_order(app_db, lang):
    app = open_page("pages/universities.py", lang)
    assert not app.exception, [e.value for e in app.exception]
    options = app.sidebar.multiselect(key="f_university").options
    assert options == (english_sorted(options) if lang == "en" else pinyin_sorted(options))
    assert options[0] == ("北京大学" if lang == "zh" else "Beijing Foreign Studies University")
    provinces = app.sidebar.selectbox(key="f_province").options
    assert provinces == (english_sorted(provinces) if lang == "en" else pinyin_sorted(provinces))
    assert provinces[0] == ("安徽省" if lang == "zh" else "Anhui")
    table = app.dataframe[0].value  # one row per university
    first = table.iloc[:, 0].tolist()
    assert first == (english_sorted(first) if lang == "en" else pinyin_sorted(first))
