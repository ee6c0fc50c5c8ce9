"""AppTest: the views that read at 2,000 pairings (issue 14, item 5), on the demo in zh and en. The link map draws
flows past its limit (lowered here: the demo has 115 pairings) and one line per pairing for one province or
party; the school picker offers the pairings in the filters' and the account's scope; the needs-attention summary
counts what the list holds."""

from __future__ import annotations

import json

import duckdb
import pytest

from assistance.analytics import attention, coverage, scorecard
from assistance.filters import Filters
from assistance.i18n import t
from tests.conftest import open_page

MAP, SCHOOLS, OVERVIEW = "pages/map.py", "pages/schools.py", "pages/overview.py"
BNU = "北京师范大学"


def opened(page: str, lang: str, **params):
    app = open_page(page, lang, **params)
    assert not app.exception, [e.value for e in app.exception]
    return app


def traces(app) -> dict[str, dict]:
    (chart,) = app.get("plotly_chart")
    return {trace.get("name"): trace for trace in json.loads(chart.proto.spec)["data"]}


def captions(app) -> list[str]:
    return [caption.value for caption in app.caption]


@pytest.fixture(scope="module")
def template(demo_db_template):
    with duckdb.connect(str(demo_db_template), read_only=True) as con:
        yield con


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_past_the_limit_the_link_map_draws_flows(app_db, template, monkeypatch, lang):
    monkeypatch.setattr(coverage, "LINK_LIMIT", 50)
    app = opened(MAP, lang, view="links")
    shown = traces(app)
    flows = coverage.flows(template, Filters())
    middle = shown[t("map.flows.middle", lang)]
    assert len(middle["lon"]) == len(flows) < int(flows["pairings"].sum()) == 115
    assert t("map.links.school_demo", lang) not in shown  # no line or marker per school
    assert t("map.flows.caption", lang, pairings="115", flows=f"{len(flows):,}") in captions(app)
    assert t("map.links.threshold", lang, limit=50) in captions(app)


@pytest.mark.parametrize(("lang", "selected"), [("zh", {"province": "620000"}), ("en", {"university": BNU})])
def test_one_province_or_party_selected_draws_its_pairings_one_by_one(app_db, template, monkeypatch, lang, selected):
    monkeypatch.setattr(coverage, "LINK_LIMIT", 1)
    app = opened(MAP, lang, view="links", **selected)
    shown = traces(app)
    filters = Filters(province=selected.get("province"), universities=tuple(filter(None, [selected.get("university")])))
    links = coverage.links(template, filters)
    schools = sum(
        len(trace["lon"]) for name, trace in shown.items() if name and name.startswith(t("map.col.school", lang))
    )
    assert schools == len(links) > 0 and t("map.flows.middle", lang) not in shown
    assert t("map.links.caption", lang) in captions(app)


def picker(app):
    (box,) = [box for box in app.selectbox if box.label == t("school.pick_label", app.query_params.get("lang", "zh"))]
    return box


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_picker_offers_the_pairings_in_the_filters_scope(app_db, template, lang):
    app = opened(SCHOOLS, lang, province="130000", cycle="2")
    box = picker(app)
    filters = Filters(province="130000", cycle=2)
    expected = scorecard.pairing_choices(template, filters, lang)
    assert len(box.options) == len(expected) == coverage.pairing_count(template, filters) > 0
    for option, row in zip(box.options, expected.to_dict("records"), strict=True):
        province = row["province"] if lang == "zh" else row["province_en"]
        assert all(word in option for word in (row["school"], row["county"], province)), option
    assert box.help == t("school.pick_help", lang) and box.placeholder == t("school.pick_placeholder", lang)
    total = coverage.pairing_count(template, Filters())
    assert t("school.pick_count", lang, shown=len(expected), total=f"{total:,}") in captions(app)


@pytest.fixture
def private_db(demo_db, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_DB", str(demo_db))
    return demo_db


def test_a_university_account_is_offered_its_own_pairings_only(private_db, template):
    """Even with a link naming another university: the account's scope wins (the private copy has its rows)."""
    account = {"username": "bnu", "role": "university", "university": BNU}
    app = open_page(SCHOOLS, "zh", account=account, university="复旦大学")
    assert not app.exception
    own = {
        row[0] for row in template.execute("SELECT school FROM pairing_overview WHERE university = ?", [BNU]).fetchall()
    }
    options = picker(app).options
    assert len(options) == len(own) == 2 and all(BNU in option and option.split(" — ")[0] in own for option in options)
    assert t("school.pick_count", "zh", shown=2, total="2") in captions(app)


@pytest.mark.parametrize(("lang", "params"), [("zh", {}), ("en", {"province": "620000"})])
def test_the_attention_summary_counts_the_lists_pairings(app_db, template, lang, params):
    app = opened(OVERVIEW, lang, **params)
    filters = Filters(province=params.get("province"))
    rows = attention.attention_query(filters, scorecard.today()).page(template)
    pairings = t("attention.col.pairings", lang)
    frames = [frame.value for frame in app.dataframe]
    words = {"days": scorecard.SILENCE_DAYS, "amber": scorecard.AMBER_PERCENT}
    cards = {metric.label: metric.value for metric in app.metric}
    for reason in attention.REASONS:
        expected = rows.loc[rows["reason"] == reason, "pairing_id"].nunique()
        assert cards[t(f"attention.reason.{reason}", lang, **words)] == f"{expected:,}"
    (provinces,) = [f for f in frames if t("attention.short.silent", lang) in f.columns]
    per_province = rows.groupby("province_code")["pairing_id"].nunique().sort_values(ascending=False)
    assert provinces[pairings].tolist() == per_province.head(10).tolist()
    names = dict(template.execute(f"SELECT code, name_{lang} FROM provinces").fetchall())
    assert set(provinces[t("attention.col.province", lang)]) <= {names[c] for c in per_province.index}
    if params:
        assert provinces[t("attention.col.province", lang)].tolist() == [names["620000"]]
