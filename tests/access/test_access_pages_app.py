"""AppTest of what every page shows to whom (issue 12), without a browser: with accounts and no one signed in, every
page (and a link to one problem, case or scorecard) draws the sign-in form and nothing else; with no account yet,
the app is browsable, the sidebar says how to create the first ministry account, and the Upload and Registry pages
offer neither an uploader nor an undo; a link to a problem outside a university account's scope shows nothing of it
and says it may be outside the scope."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from assistance.access.sessions import SECRET_ENV
from assistance.i18n import t
from tests.conftest import add_test_account, open_page

# Every page of app.py, with the parameters of a link to one record where the page has one.
PAGES = [
    ("pages/overview.py", {}),
    ("pages/map.py", {"view": "links"}),
    ("pages/universities.py", {"university": "北京师范大学"}),
    ("pages/schools.py", {}),
    ("pages/schools.py", {"pairing": "38"}),
    ("pages/upload.py", {}),
    ("pages/registry.py", {}),
    ("pages/audit.py", {}),
    ("pages/about.py", {}),
    ("pages/problems.py", {}),
    ("pages/problems.py", {"problem": "3"}),
    ("pages/cases.py", {}),
    ("pages/cases.py", {"case": "1"}),
]
BNU = {"username": "bnu", "role": "university", "university": "北京师范大学"}


@pytest.fixture
def page_db(demo_db, monkeypatch):
    """A database of this test's own (the app caches one connection per path), no cookie secret."""
    monkeypatch.setenv("ASSISTANCE_DB", str(demo_db))
    monkeypatch.delenv(SECRET_ENV, raising=False)
    return demo_db


def ok(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    return app


def drawn(node) -> list[tuple[str, str]]:
    """(type, label or value) of every element under `node` (the main area, the sidebar), in order."""
    found = []
    for child in getattr(node, "children", {}).values():
        if getattr(child, "children", None):
            found += drawn(child)
        elif child.type not in ("column", "flex_container", "form"):
            text = getattr(child, "label", None) or getattr(child, "value", "")
            found.append((child.type, text if isinstance(text, str) else ""))
    return found


def texts(app: AppTest) -> str:
    return " ".join(str(getattr(element, "proto", "")) for element in app.main)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("page", "params"), PAGES, ids=[f"{p[6:-3]}{'-' + '-'.join(q) if q else ''}" for p, q in PAGES]
)
def test_with_accounts_every_page_asks_for_sign_in_and_shows_nothing_else(page_db, page, params, lang):
    add_test_account(page_db)
    app = ok(open_page(page, lang, **params))
    assert drawn(app.main) == [
        ("title", t("signin.title", lang)),
        ("caption", t("app.subtitle", lang)),
        ("text_input", t("signin.username", lang)),
        ("text_input", t("signin.password", lang)),
        ("button", t("signin.submit", lang)),
        ("caption", t("signin.no_cookie", lang)),
    ]
    assert drawn(app.sidebar) == [], "no filters, no page menu, no account box"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sign_in_form_is_labelled_in_the_pages_language(page_db, lang):
    add_test_account(page_db)
    app = ok(open_page("pages/overview.py", lang))
    assert [field.label for field in app.text_input] == [t("signin.username", lang), t("signin.password", lang)]
    assert [button.label for button in app.button] == [t("signin.submit", lang)]
    assert (t("signin.username", lang), t("signin.password", lang), t("signin.submit", lang)) == {
        "zh": ("用户名", "密码", "登录"),
        "en": ("Username", "Password", "Sign in"),
    }[lang]
    assert app.text_input(key="signin_password").proto.type == app.text_input(key="signin_password").proto.PASSWORD


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_with_no_account_the_app_is_browsable_and_says_how_to_create_the_first(page_db, lang):
    app = ok(open_page("pages/overview.py", lang))
    banner = [element.value for element in app.sidebar.info]
    assert banner == [t("signin.read_only", lang)]
    assert "users add" in banner[0] and "--role ministry" in banner[0]
    assert app.metric, "the overview's figures"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", ["pages/upload.py", "pages/registry.py"])
def test_with_no_account_upload_and_registry_offer_no_uploader_and_no_undo(page_db, page, lang):
    app = ok(open_page(page, lang))
    assert app.get("file_uploader") == []
    assert not [button for button in app.button if button.key and button.key.endswith("_undo")]
    assert not [box for box in app.selectbox if box.key and box.key.endswith("_undo_pick")]
    assert not [box for box in app.checkbox if box.key and box.key.endswith("_undo_confirm")]
    said = [element.value for element in [*app.info, *app.caption]]
    forms = {"pages/upload.py": 1, "pages/registry.py": 3}[page]  # the registry's three tabs: registry, plans, outcomes
    assert said.count(t("signin.read_only", lang)) == forms + 1, "each form and the undo say why"


def outside_problems(path) -> list[tuple[int, str, str]]:
    """(id, title, description) of a problem of another university's pairing and of a province-wide problem."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            """(SELECT p.problem_id, p.title, coalesce(p.description, '') FROM problems p
                JOIN pairing_overview po USING (pairing_id) WHERE po.university <> '北京师范大学' ORDER BY 1 LIMIT 1)
            UNION ALL
            (SELECT problem_id, title, coalesce(description, '') FROM problems WHERE scope = 'province'
             ORDER BY 1 LIMIT 1)"""
        ).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_link_to_a_problem_outside_a_university_accounts_scope_shows_nothing_of_it(page_db, lang):
    problems = outside_problems(page_db)
    assert len(problems) == 2, "the demo has both kinds"
    for problem_id, title, description in problems:
        app = ok(open_page("pages/problems.py", lang, account=BNU, problem=str(problem_id)))
        assert [element.value for element in app.warning] == [t("problems.not_found", lang, problem=problem_id)]
        assert [element.value for element in app.title] == [t("problems.nav", lang)]
        shown = texts(app)
        assert title not in shown and (not description or description not in shown)
        assert not app.dataframe and not app.get("form"), "no history, no form to move it on"
