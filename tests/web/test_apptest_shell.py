"""AppTest runs what `streamlit run` runs: app.py's shell and then the page, on every run, not only the first.

Without the session fixture in tests/conftest.py (`apptest_runs_like_the_server`), a rerun or a widget
interaction executes the page file alone: these tests then fail on their second run.
"""

from __future__ import annotations

import pytest

from tests.conftest import open_page

SHELL = {  # the sidebar's filters, in the order the shell draws them
    "zh": ["帮扶高校", "省份", "层级", "协议周期", "帮扶举措", "时段"],
    "en": ["University", "Province", "Tier", "Agreement cycle", "Measure", "Period"],
}
BADGE = {"zh": "示例数据", "en": "Sample data"}


def badge_shown(app, lang: str) -> bool:
    return any(BADGE[lang] in str(getattr(node, "proto", "")) for node in app.main)


def filter_labels(app) -> list[str]:
    return sorted(w.label for w in [*app.sidebar.multiselect, *app.sidebar.selectbox])


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", ["pages/overview.py", "pages/map.py", "pages/about.py"])
def test_every_rerun_draws_the_shell_before_the_page(app_db, page, lang):
    app = open_page(page, lang)
    title = [t.value for t in app.title]
    for run in ("first", "rerun", "second rerun"):
        assert not app.exception, (run, [e.value for e in app.exception])
        assert filter_labels(app) == sorted(SHELL[lang]), f"{run}: the shell's filters are missing"
        assert badge_shown(app, lang), f"{run}: the shell's sample-data badge is missing"
        assert [t.value for t in app.title] == title, f"{run}: another page ran"
        app.run()


def test_a_sidebar_filter_change_reaches_the_page_and_the_url(app_db):
    """A widget interaction reruns app.py with the new widget state: the page sees the new filter."""
    app = open_page("pages/overview.py", "en")
    app.sidebar.selectbox(key="f_province").select("620000").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.query_params.get("province") in ("620000", ["620000"])
    assert any("Gansu" in caption.value for caption in app.caption), [c.value for c in app.caption]
    assert filter_labels(app) == sorted(SHELL["en"])
