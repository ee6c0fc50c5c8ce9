"""Entry point: the shared shell (language, filters, sample-data badge) and page routing. An error no page
expected shows a short message (the details go to the server log; `client.showErrorDetails` is "none" for
what happens outside this script)."""

import streamlit as st

from assistance.i18n import t
from assistance.web.shell import current_language, render_shell, route_while_signing_in, unexpected_error

st.set_page_config(page_title="县中托管帮扶 · County High School Trusteeship", page_icon="🏫", layout="wide")

try:
    context = render_shell()  # None: the sign-in form is drawn, no page runs
    lang = context.lang if context is not None else current_language()
    pages = [
        st.Page("pages/overview.py", title=t("nav.overview", lang), icon=":material/dashboard:", default=True),
        st.Page("pages/map.py", title=t("menu.map", lang), icon=":material/map:", url_path="map"),
        st.Page(
            "pages/universities.py",
            title=t("nav.universities", lang),
            icon=":material/school:",
            url_path="universities",
        ),
        st.Page("pages/schools.py", title=t("nav.schools", lang), icon=":material/fact_check:", url_path="schools"),
        st.Page("pages/upload.py", title=t("menu.upload", lang), icon=":material/upload_file:", url_path="upload"),
        st.Page("pages/registry.py", title=t("registry.nav", lang), icon=":material/list_alt:", url_path="registry"),
        st.Page(
            "pages/audit.py",
            title=t("audit.nav", lang),
            icon=":material/history:",
            url_path="audit",
            # In the menu for the ministry only; registered for everyone so that a typed address gets the page's
            # own refusal rather than another page.
            visibility="visible" if context is not None and context.may("view_audit") else "hidden",
        ),
        st.Page("pages/about.py", title=t("menu.about", lang), icon=":material/info:", url_path="about"),
    ]
    # Guidance (issue 10): the problem tracker and the good-practice library, one menu of the page menu (so that every
    # page name still fits the top bar).
    guidance = [
        st.Page("pages/problems.py", title=t("problems.nav", lang), icon=":material/report:", url_path="problems"),
        st.Page("pages/cases.py", title=t("cases.nav", lang), icon=":material/menu_book:", url_path="cases"),
    ]
    if context is None:  # signing in: the address keeps its page, which runs once someone is signed in
        route_while_signing_in([*pages, *guidance])
    else:
        st.sidebar.caption(t("app.subtitle", lang))
        st.navigation({"": pages, t("nav.guidance", lang): guidance}, position="top").run()
except Exception as error:  # the last line of defence: a short message, never a stack trace
    unexpected_error(error)
