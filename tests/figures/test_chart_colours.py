"""Issue 13, item 7: a measure has one colour in every chart, the legends list measures in the programme's order,
and month labels follow the page's language (2023年1月 on a Chinese page, Jan 2023 on an English one)."""

from __future__ import annotations

import re
import shutil
from datetime import date

import duckdb
import pytest

from assistance.analytics import coverage, universities
from assistance.figures import activity, progress
from assistance.figures.style import MEASURE_COLOURS, measure_colour, month_format, month_label
from assistance.filters import Filters

ZH_MONTH = re.compile(r"^\d{4}年\d{1,2}月$")
EN_MONTH = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")


@pytest.fixture(scope="module")
def con(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("colours") / "colours.duckdb"
    shutil.copy(demo_db_template, path)
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def labels(con) -> dict[str, dict[str, str]]:
    """Each language's measure labels in the programme's order, as `PageContext.measure_names()` gives them."""
    rows = con.execute("SELECT code, label_zh, label_en FROM measures ORDER BY sort_order").fetchall()
    return {"zh": {code: zh for code, zh, _ in rows}, "en": {code: en for code, _, en in rows}}


def bar_charts(con, labels: dict[str, str], lang: str) -> dict[str, object]:
    """Every chart that stacks activities by measure, as the pages build them."""
    lzu = Filters(universities=("兰州大学",))
    return {
        "overview": activity.monthly_chart(coverage.monthly_by_measure(con, Filters()), labels, lang),
        "overview, one university": activity.monthly_chart(coverage.monthly_by_measure(con, lzu), labels, lang),
        "universities timeline": progress.timeline_by_measure(
            universities.timeline_by_measure(con, Filters()), lang, labels
        ),
        "universities timeline, one measure": progress.timeline_by_measure(
            universities.timeline_by_measure(con, Filters(measure="student_camp")), lang, labels
        ),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_gives_a_measure_its_one_colour_in_the_programme_order(con, labels, lang):
    names = labels[lang]
    code_of = {label: code for code, label in names.items()}
    for chart, figure in bar_charts(con, names, lang).items():
        traces = [trace for trace in figure.data if trace.type == "bar"]
        assert traces, chart
        for trace in traces:
            assert trace.marker.color == measure_colour(code_of[trace.name]), (chart, trace.name)
        shown = [trace.name for trace in traces]
        assert shown == [label for label in names.values() if label in shown], chart  # the legend's order
        assert figure.layout.legend.traceorder == "normal", chart  # stacked bars would otherwise list it reversed


def test_a_measures_colour_does_not_depend_on_the_other_measures_in_view(con, labels):
    monthly = coverage.monthly_by_measure(con, Filters(measure="other"))
    figure = activity.monthly_chart(monthly, {"other": labels["zh"]["other"]}, "zh")
    assert [trace.marker.color for trace in figure.data] == [MEASURE_COLOURS["other"]]


def test_every_measure_has_its_own_colour(labels):
    assert set(labels["zh"]) <= set(MEASURE_COLOURS)
    assert len(set(MEASURE_COLOURS.values())) == len(MEASURE_COLOURS)


def test_month_labels_follow_the_language(con, labels):
    assert month_label(date(2023, 1, 1), "zh") == "2023年1月" and month_label(date(2023, 1, 1), "en") == "Jan 2023"
    assert month_label(date(2025, 12, 1), "zh") == "2025年12月" and month_label(date(2025, 12, 1), "en") == "Dec 2025"
    for lang, pattern in (("zh", "%Y年%-m月"), ("en", "%b %Y")):
        assert month_format(lang) == pattern
        for figure in bar_charts(con, labels[lang], lang).values():
            assert figure.layout.xaxis.tickformat == pattern and figure.layout.xaxis.hoverformat == pattern
    frame = universities.timeline(con, Filters(universities=("兰州大学",)))
    for lang, shape in (("zh", ZH_MONTH), ("en", EN_MONTH)):
        heatmap = progress.timeline_heatmap(frame, lang, {}, date(2022, 9, 1), date(2023, 8, 1))
        months = list(heatmap.data[0].x)
        assert len(months) == 12 and all(shape.match(month) for month in months), months
        assert months[4] == ("2023年1月" if lang == "zh" else "Jan 2023")
