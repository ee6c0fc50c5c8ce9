"""AppTest: what a link (the address bar) can do to the app (issue 13, items 1, 3, 6, 10 and 14).

* No value of any parameter, on any page, shows an exception: out-of-range numbers, 10,000 characters,
  repeated keys (item 1).
* Names in another spelling resolve (Beijing Normal University → 北京师范大学); what cannot be understood is
  named in a note, the rest of the link applies (item 6).
* When the address changes under the app (Back/Forward, a link carrying filters), the address wins over the
  sidebar's last state (item 3; the real Back button: tests/web/test_navigation_browser.py).
* A table's scorecard link keeps the filters and the language (item 10).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from assistance.i18n import t
from tests.conftest import REPO, open_page, run_at
from tests.web.test_pages import PAGES as SHARED_PAGES

PAGES = (*SHARED_PAGES, "pages/registry.py")
PARAMS = ("pairing", "university", "province", "measure", "period", "metric", "view", "lang", "page", "sort")
BAD_VALUES = {
    "int32 + 1": "2147483648",
    "huge number": "9" * 40,
    "5000 digits": "7" * 5000,
    "negative": "-1",
    "superscript digit": "²",
    "10,000 characters": "x" * 10_000,
    "repeated": ["1", "abc"],
}
BNU = "北京师范大学"
BNU_EN = "Beijing Normal University"


def open_with(page: str, params: dict) -> AppTest:
    """`open_page` with any parameters, `lang` included (set as the address has it, not as a language)."""
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    return run_at(app, page)


def shown_text(app) -> str:
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption", "warning", "info", "error")
             for e in getattr(app, kind)]  # fmt: skip
    return "\n".join(str(part) for part in parts)


def assert_no_error(app) -> None:
    assert not app.exception, [e.value[:300] for e in app.exception]
    errors = [e.value for e in app.error]
    assert t("app.error", "zh") not in errors and t("app.error", "en") not in errors, errors


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("bad", list(BAD_VALUES), ids=list(BAD_VALUES))
def test_no_link_value_raises_on_any_page(app_db, page, bad):
    app = open_with(page, dict.fromkeys(PARAMS, BAD_VALUES[bad]))
    assert_no_error(app)
    app.run()  # and a rerun with the address the app wrote back
    assert_no_error(app)


def test_an_out_of_range_pairing_is_a_plain_not_found(app_db):
    app = open_page("pages/schools.py", "en", pairing="2147483648")
    assert_no_error(app)
    assert app.warning and "2147483648" in app.warning[0].value
    assert t("school.pick_label", "en") in [box.label for box in app.selectbox]


def test_an_unexpected_error_shows_a_short_message_not_a_trace(app_db, monkeypatch):
    from assistance.analytics import queries

    def broken(con):
        raise RuntimeError("/srv/secret/path.py exploded")

    monkeypatch.setattr(queries, "provenance_counts", broken)
    app = open_page("pages/about.py", "en")
    assert not app.exception
    assert [e.value for e in app.error] == [t("app.error", "en")]
    assert "/srv/secret" not in shown_text(app)


def test_streamlit_shows_no_error_details():
    import tomllib

    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


# ------------------------------------------------------------------------------------------ item 6


@pytest.mark.parametrize("spelling", ["Beijing Normal University", "beijing normal university", "BNU", "北师大"])
def test_english_names_and_aliases_resolve(app_db, spelling):
    app = open_page("pages/universities.py", "en", university=spelling)
    assert_no_error(app)
    assert app.sidebar.multiselect[0].value == [BNU]
    assert app.query_params.get("university") in (BNU, [BNU]), "the address is rewritten to the canonical name"
    assert not app.warning, [w.value for w in app.warning]


def test_province_and_measure_names_resolve(app_db):
    app = open_page("pages/overview.py", "zh", province="甘肃", measure="Student camp")
    assert app.sidebar.selectbox(key="f_province").value == "620000"
    assert app.sidebar.selectbox(key="f_measure").value == "student_camp"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_a_link_cannot_say_is_named_and_the_rest_applies(app_db, lang):
    app = open_page("pages/overview.py", lang, university="Beijing Normal University", province="999999", period="abc")
    assert_no_error(app)
    assert app.sidebar.multiselect[0].value == [BNU], "the understood part applies"
    notes = [w.value for w in app.warning]
    assert len(notes) == 1, notes
    assert "999999" in notes[0] and "abc" in notes[0]
    assert t("filters.province", lang) in notes[0] and t("filters.period", lang) in notes[0]
    assert "Beijing Normal University" not in notes[0]
    app.run()
    assert [w.value for w in app.warning] == notes, "the note stays while the link's view is shown"
    app.sidebar.selectbox(key="f_period").select("2025").run()
    assert not app.warning, "a filter change ends the note"


def test_a_very_long_bad_value_is_named_shortened(app_db):
    app = open_page("pages/about.py", "en", measure="m" * 10_000)
    notes = [w.value for w in app.warning]
    assert len(notes) == 1 and len(notes[0]) < 300, notes


# ------------------------------------------------------------------------------------------ item 3


def test_back_and_forward_restore_the_address_over_the_sidebar(app_db, monkeypatch):
    """Back/Forward rerun the page with the older address and the sidebar's newer widget state: the address wins."""
    from assistance.web import shell

    app = open_page("pages/overview.py", "zh")
    app.sidebar.multiselect(key="f_university").select(BNU).run()
    assert app.query_params.get("university") in (BNU, [BNU])
    monkeypatch.setattr(shell, "_history_navigation", lambda: True)
    app.query_params.pop("university")  # what Back does: the previous address, the same widgets
    app.run()
    assert_no_error(app)
    assert app.sidebar.multiselect[0].value == []
    assert "university" not in app.query_params
    assert "全部高校 · 全部时间 · 全部举措" in [c.value for c in app.caption]
    app.query_params["university"] = BNU  # Forward
    app.query_params["lang"] = "en"
    app.run()
    assert app.sidebar.multiselect[0].value == [BNU]
    assert app.session_state["lang"] == "en"


def test_a_page_change_that_drops_the_address_keeps_the_view(app_db, monkeypatch):
    """Streamlit's page menu drops the address's parameters on a page change; the filters and language stay, are
    written back, and Back to the bare entry that page change left behind does not clear them."""
    from assistance.web import shell

    app = open_page("pages/about.py", "en", measure="student_camp")
    app.query_params.clear()  # the menu's page change
    app.switch_page("pages/overview.py")
    app.run()
    assert_no_error(app)
    assert app.sidebar.selectbox(key="f_measure").value == "student_camp"
    assert url_values(app, "measure") == ["student_camp"] and url_values(app, "lang") == ["en"]
    monkeypatch.setattr(shell, "_history_navigation", lambda: True)
    app.query_params.clear()  # Back to the bare entry of that page change
    app.run()
    assert app.sidebar.selectbox(key="f_measure").value == "student_camp"
    assert url_values(app, "measure") == ["student_camp"]


def test_a_choice_made_while_the_first_run_is_still_going_is_kept(app_db, monkeypatch):
    """A user can pick a filter before a slow first run ends; the next run must not take it for an address change
    and put the address's (older) filters back."""
    import streamlit as st

    from assistance.web import shell

    sidebar = shell._sidebar
    monkeypatch.setattr(shell, "_sidebar", lambda *args: st.stop())  # the first run ends after reading the address
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.query_params["lang"] = "en"
    app.run()
    monkeypatch.setattr(shell, "_sidebar", sidebar)
    app.session_state["f_measure"] = "student_camp"  # the pick the browser sent meanwhile
    app.run()
    assert_no_error(app)
    assert app.sidebar.selectbox(key="f_measure").value == "student_camp"
    assert app.query_params.get("measure") in ("student_camp", ["student_camp"])


# ------------------------------------------------------------------------------------------ item 10


def click_cell(app, grid, row: int, column: str) -> None:
    """What a click on a table cell sends: a single-cell selection (the grid's positions, whatever the sort)."""
    assert grid.key, "the table takes cell clicks"
    app.session_state[grid.key] = {"selection": {"rows": [], "columns": [], "cells": [[row, column]]}}
    app.run()


def url_values(app, key: str) -> list[str]:
    value = app.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


@pytest.mark.parametrize("column", ["export.col.scorecard", "export.col.school"])
def test_a_scorecard_link_opens_here_with_the_filters_and_language(app_db, column):
    app = open_page("pages/universities.py", "en", university=BNU, period="2025-autumn")
    grid = app.dataframe[0]
    row = list(grid.value[t("export.col.school", "en")]).index("融安县示例中学")
    click_cell(app, grid, row, t(column, "en"))
    assert_no_error(app)
    assert [title.value for title in app.title] == ["融安县示例中学"]
    assert url_values(app, "pairing") == ["38"]
    assert url_values(app, "university") == [BNU] and url_values(app, "period") == ["2025-autumn"]
    assert url_values(app, "lang") == ["en"]
    assert app.sidebar.multiselect[0].value == [BNU], "the sidebar keeps the filter"
    back = next(button for button in app.button if button.label == t("school.back", "en", university=BNU_EN))
    back.click().run()  # the way back: all schools of the university
    assert [title.value for title in app.title] == [t("nav.universities", "en")]
    assert url_values(app, "university") == [BNU] and url_values(app, "period") == ["2025-autumn"]


def test_the_needs_attention_list_opens_scorecards_here(app_db):
    app = open_page("pages/overview.py", "zh", province="620000")
    grid = next(frame for frame in app.dataframe if t("attention.open", "zh") in frame.value.columns)
    school = grid.value[t("export.col.school", "zh")].iloc[0]
    click_cell(app, grid, 0, t("attention.open", "zh"))
    assert_no_error(app)
    assert [title.value for title in app.title] == [school]
    assert url_values(app, "province") == ["620000"]


def test_opening_a_university_from_the_list_keeps_the_other_filters(app_db):
    app = open_page("pages/universities.py", "zh", period="2025-autumn")
    grid = app.dataframe[0]
    name = grid.value[t("export.col.university", "zh")].iloc[0]
    click_cell(app, grid, 0, t("export.col.open", "zh"))
    assert_no_error(app)
    assert url_values(app, "university") == [name] and url_values(app, "period") == ["2025-autumn"]
    assert app.sidebar.multiselect[0].value == [name]


# ------------------------------------------------------------------------------------------ item 14


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_about_page_groups_thousands(app_db, lang):
    app = open_page("pages/about.py", lang)
    rows = [str(value) for value in app.dataframe[0].value[t("about.col.rows", lang)]]
    assert any("," in value for value in rows), rows  # 17,003 activities, 5,750 plan targets …
    assert all(value.replace(",", "").isdigit() and f"{int(value.replace(',', '')):,}" == value for value in rows)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_universities_list_says_why_it_has_one_row_more_than_universities(app_db, lang):
    app = open_page("pages/universities.py", lang)
    captions = [c.value for c in app.caption]
    note = next((c for c in captions if "创新人才教育研究会" in c or "Society for" in c), None)
    assert note is not None, captions
    assert "49" in note and "48" in note
    assert t("party.kind.institution", lang) in note


def test_schools_page_without_a_choice_lists_the_schools_in_view(app_db):
    app = open_page("pages/schools.py", "zh")
    assert t("school.list_title", "zh") in [s.value for s in app.subheader]
    grid = app.dataframe[0]
    assert t("export.col.status", "zh") in grid.value.columns and len(grid.value) == 25  # a page of 115
    assert t("export.table.rows", "zh", total="115", page=1, pages=5) in [c.value for c in app.caption]
    app = open_page("pages/schools.py", "zh", university=BNU)
    grid = app.dataframe[0]
    assert set(grid.value[t("export.col.school", "zh")]) == {"青龙满族自治县第一中学", "融安县示例中学"}
    row = list(grid.value[t("export.col.school", "zh")]).index("青龙满族自治县第一中学")
    click_cell(app, grid, row, t("export.col.school", "zh"))
    assert [title.value for title in app.title] == ["青龙满族自治县第一中学"]
    assert url_values(app, "university") == [BNU]
