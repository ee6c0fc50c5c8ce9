"""Issue 13, item 12: a status is a word with a coloured marker ("● 滞后 / ● Behind"), never a colour's one character
("绿"), and days since the last activity read "今天 / today", "昨天 / yesterday", else "N 天前 / N days ago": in the
tables, the scorecard, the needs-attention list and the exports."""

from __future__ import annotations

import csv
import io
import shutil
from unittest import mock

import duckdb
import pandas as pd
import pytest

from assistance.analytics import queries, scorecard, universities
from assistance.analytics.scorecard import STATUSES
from assistance.export.columns import PAIRING_COLUMNS, YEAR_SCORECARD_COLUMNS, code_labels, days_text
from assistance.export.writers import table_bytes
from assistance.figures.style import STATUS_TEXT
from assistance.filters import Filters
from assistance.web.shell import PageContext
from assistance.web.tables import present, status_text, styled
from tests.conftest import DEMO_TODAY, open_page

WORDS = {
    "zh": {"green": "达标", "amber": "滞后", "red": "严重滞后", "not_due": "未到期", "no_target": "无计划"},
    "en": {"green": "On track", "amber": "Behind", "red": "Far behind", "not_due": "Not yet due"},
}
COLOURS_ALONE = {"绿", "黄", "红", "Green", "Amber", "Red"}
BNU = "北京师范大学"


@pytest.fixture(scope="module")
def con(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("status") / "status.duckdb"
    shutil.copy(demo_db_template, path)
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


def context(con, lang: str) -> PageContext:
    return PageContext(
        lang, Filters(), con, queries.universities(con), queries.provinces(con), queries.measures(con), True
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_status_is_a_word_with_a_marker(lang):
    for code, word in WORDS[lang].items():
        assert status_text(code, lang) == f"{'●' if code in ('green', 'amber', 'red') else '○'} {word}"
    for code in STATUSES:
        marker, word = status_text(code, lang).split(" ", 1)
        assert marker in "●○" and word not in COLOURS_ALONE and len(word) >= 2


def test_days_since_read_as_words():
    assert [days_text(days, "zh") for days in (0, 1, 2, 60)] == ["今天", "昨天", "2 天前", "60 天前"]
    assert [days_text(days, "en") for days in (0, 1, 2, 1200)] == ["today", "yesterday", "2 days ago", "1,200 days ago"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_table_shows_status_words_in_colour_and_days_in_words_and_still_sorts_by_number(con, lang):
    frame = universities.pairings_query(Filters(universities=(BNU,)), DEMO_TODAY).page(con)
    frame["days_since_last"] = range(len(frame))  # 0 (today), 1 (yesterday), 2, …
    ctx = context(con, lang)
    shown, config = present(frame, PAIRING_COLUMNS, ctx)
    status, days = ctx.t("export.col.status"), ctx.t("export.col.days_since_last")
    assert config[days]["type_config"].get("format") is None  # with a format the grid ignores the words below
    assert set(shown[status]) <= {status_text(code, lang) for code in STATUSES} and len(set(shown[status])) >= 2
    assert pd.api.types.is_numeric_dtype(shown[days])  # the grid sorts the numbers, whatever the cells read
    html = styled(shown, PAIRING_COLUMNS, ctx).to_html()
    assert len(frame) >= 2
    for days in range(len(frame)):
        assert f">{days_text(days, lang)}</td>" in html
    for code in set(frame["status"]):
        assert f">{status_text(code, lang)}</td>" in html and f"color: {STATUS_TEXT[code]}" in html


def test_exports_write_status_words(con):
    """The Chinese files (the upload format) and the English labels both carry the words, not a colour."""
    query = universities.pairings_query(Filters(), DEMO_TODAY)
    rows = list(
        csv.reader(io.StringIO(table_bytes(con, query, PAIRING_COLUMNS, "csv", "帮扶学校").decode("utf-8-sig")))
    )
    statuses = {row[rows[0].index("状态")] for row in rows[1:]}
    assert statuses and statuses <= set(WORDS["zh"].values()) | {"未开始"}, statuses
    years = scorecard.year_scorecard_query(con, 1, DEMO_TODAY)
    rows = list(
        csv.reader(io.StringIO(table_bytes(con, years, YEAR_SCORECARD_COLUMNS, "csv", "历年").decode("utf-8-sig")))
    )
    assert {row[-1] for row in rows[1:]} <= set(WORDS["zh"].values()) | {"未开始"}
    english = dict(code_labels("en")["status"])
    assert {english[code] for code in WORDS["en"]} == set(WORDS["en"].values())


@pytest.mark.parametrize(("pairing", "zh", "en"), [(4, "今天", "today"), (9, "昨天", "yesterday")])
def test_the_scorecard_says_today_or_yesterday_and_its_status_in_words(app_db, con, pairing, zh, en):
    last = con.execute("SELECT max(date) FROM activities WHERE pairing_id = ?", [pairing]).fetchone()[0]  # same data
    assert (DEMO_TODAY - last).days == (0 if zh == "今天" else 1)
    with mock.patch.object(scorecard, "today", return_value=DEMO_TODAY):
        for lang, word in (("zh", zh), ("en", en)):
            app = open_page("pages/schools.py", lang, pairing=str(pairing))
            assert not app.exception
            last_label = "最近活动" if lang == "zh" else "Last activity"
            metric = next(m for m in app.metric if m.label == last_label)
            assert metric.value == last.isoformat() and metric.delta == word
            statuses = [m.value for m in app.markdown if "●" in m.value or "○" in m.value]
            assert statuses and any(word in statuses[0] for word in WORDS[lang].values()), statuses
            assert not any(f"[● {colour}]" in statuses[0] for colour in COLOURS_ALONE)


def test_the_status_rule_names_the_same_words(app_db):
    app = open_page("pages/schools.py", "zh", pairing="1")
    rule = next(m.value for m in app.markdown if "完成率" in m.value and "按期应完成数" in m.value)
    assert "● 达标" in rule and "● 滞后" in rule and "● 严重滞后" in rule and "恰好 50% 为滞后" in rule
    assert "● 绿" not in rule
