"""OIDC single sign-on in headless Chromium (issue 12), offline: Streamlit's `st.login` against `oidc-provider-mock`
on loopback. The account table maps the identity the provider signs in (its e-mail, else its subject) to a role
and scope; an identity with no account, or a disabled one, sees a message and no data; sign-out leaves both the
app and the provider.

The test server reads its `[auth]` secrets from a file of its own (`--secrets.files`), never from the repository's
`.streamlit/`; the redirect URI's `{port}` is filled in by Streamlit with the port the server listens on."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.request
from urllib.parse import quote

import duckdb
import pytest

from assistance.access.accounts import add_account, disable_account
from assistance.i18n import t
from tests.conftest import OfflinePage, serve_streamlit, wait_for_app

oidc_provider_mock = pytest.importorskip("oidc_provider_mock")

CLIENT_ID = "assistance-test"
# Identities at the provider: subject -> claims (the form at the provider asks for the subject).
PROVIDER_USERS = {
    "u-1001": {"email": "coordinator@bnu.example", "name": "BNU coordinator"},
    "gx-officer-7": {"email": "officer@gx.example", "name": "Guangxi officer"},
    "u-2002": {"email": "former@bnu.example"},
    "u-3003": {"email": "stranger@elsewhere.example"},
}
SSO_BUTTON = t("signin.sso", "zh")
SIGN_OUT = t("signin.sign_out", "zh")
SIDEBAR = '[data-testid="stSidebar"]'
# The provider's own pages (not the app's) load their stylesheet from a CDN; the offline browser refuses it.
PROVIDER_ASSETS = ("https://cdn.jsdelivr.net/npm/@picocss/",)


@pytest.fixture(scope="module")
def provider() -> str:
    """The mock identity provider on 127.0.0.1 (any client id and secret), with PROVIDER_USERS' claims."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        for sub, claims in PROVIDER_USERS.items():
            request = urllib.request.Request(
                f"{url}/users/{quote(sub)}", data=json.dumps(claims).encode(), method="PUT",
                headers={"Content-Type": "application/json"},
            )  # fmt: skip
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 204
        yield url
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def sso_server(provider, demo_db_template, tmp_path_factory) -> str:
    """`streamlit run app.py` with `[auth]` secrets pointing at the mock provider, over a demo database with
    single sign-on accounts: one by e-mail, one by subject, one disabled."""
    folder = tmp_path_factory.mktemp("oidc")
    path = folder / "sso.duckdb"
    shutil.copy(demo_db_template, path)
    con = duckdb.connect(str(path))
    try:
        add_account(con, "bnu_sso", "university", None, university="北京师范大学", identity="coordinator@bnu.example")
        add_account(con, "gx_sso", "province", None, province="450000", identity="gx-officer-7")
        add_account(con, "former", "viewer", None, identity="former@bnu.example")
        disable_account(con, "former")
    finally:
        con.close()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-cookie-secret-for-these-tests-only"\n'
        f'client_id = "{CLIENT_ID}"\n'
        'client_secret = "a-client-secret-for-these-tests-only"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    yield from serve_streamlit(path, options=("--secrets.files", str(secrets)))


@pytest.fixture
def offline(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    wrapper = OfflinePage(context)
    yield wrapper
    context.close()


def back_in_the_app(page, base: str) -> None:
    """Wait until the provider has sent the browser back and the app has redirected past /oauth2callback."""
    page.wait_for_url(lambda url: url.startswith(f"{base}/") and "/oauth2callback" not in url, timeout=60_000)
    wait_for_app(page, timeout=60_000)


def app_requests_left_the_machine(offline: OfflinePage) -> list[str]:
    """The requests that were refused, but for the provider's own stylesheet."""
    return [url for url in offline.external_requests if not url.startswith(PROVIDER_ASSETS)]


def sign_in_with_provider(page, base: str, provider: str, sub: str) -> None:
    """The sign-in form's single sign-on button, the provider's form (type the subject, Authorize), back."""
    page.goto(f"{base}/")
    wait_for_app(page, timeout=60_000)
    page.wait_for_timeout(800)  # the bare address reruns at once (see sign_in_browser): click the second run's button
    wait_for_app(page, timeout=60_000)
    page.get_by_role("button", name=SSO_BUTTON).click()
    page.wait_for_url(f"{provider}/oauth2/authorize**", timeout=60_000)
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    back_in_the_app(page, base)


def sign_out(page, base: str, provider: str) -> None:
    """退出登录, then end the session at the provider, which sends the browser back to the app."""
    page.get_by_role("button", name=SIGN_OUT).click()
    page.wait_for_url(f"{provider}/oauth2/end_session**", timeout=60_000)
    page.get_by_role("button", name="End session").click()
    back_in_the_app(page, base)


def assert_sign_in_form(page) -> None:
    """The sign-in form with its single sign-on button, and nothing of the data."""
    page.get_by_role("button", name=SSO_BUTTON).wait_for(timeout=60_000)
    page.get_by_label("用户名").wait_for(timeout=60_000)  # the form's fields may be drawn after its button
    assert page.get_by_label("用户名").count() == 1
    assert_no_data(page)


def assert_no_data(page) -> None:
    assert page.get_by_text("已登录", exact=False).count() == 0
    for data in ('[data-testid="stMetric"]', '[data-testid="stPlotlyChart"]', '[data-testid="stDataFrame"]'):
        assert page.locator(data).count() == 0, data
    assert not page.locator(SIDEBAR).is_visible()


@pytest.mark.parametrize(
    ("sub", "username", "scope"),
    [
        ("u-1001", "bnu_sso", "帮扶高校 · 北京师范大学"),  # the account's identity is the e-mail
        ("gx-officer-7", "gx_sso", "省级教育部门 · 广西壮族自治区"),  # the account's identity is the subject
    ],
)
def test_single_sign_on_signs_in_the_account_of_the_identity(sso_server, provider, offline, sub, username, scope):
    page = offline.page
    page.goto(f"{sso_server}/")
    wait_for_app(page, timeout=60_000)
    assert_sign_in_form(page)
    sign_in_with_provider(page, sso_server, provider, sub)
    sidebar = page.locator(SIDEBAR)
    sidebar.get_by_text(f"已登录：{username}").wait_for(timeout=60_000)
    assert sidebar.get_by_text(scope).count() == 1
    page.get_by_text("您的范围：" + scope.split(" · ")[1]).first.wait_for(timeout=60_000)  # the scope's own data

    page.goto(f"{sso_server}/about")  # a new page load: Streamlit's identity cookie keeps the sign-in
    wait_for_app(page, timeout=60_000)
    sidebar.get_by_text(f"已登录：{username}").wait_for(timeout=60_000)

    sign_out(page, sso_server, provider)
    assert_sign_in_form(page)
    page.reload()
    wait_for_app(page, timeout=60_000)
    assert_sign_in_form(page)
    assert app_requests_left_the_machine(offline) == []


@pytest.mark.parametrize(
    ("sub", "identity"),
    [
        ("u-3003", "stranger@elsewhere.example"),  # no account has this e-mail or subject
        ("u-2002", "former@bnu.example"),  # the account of this e-mail is disabled
    ],
)
def test_an_identity_without_a_usable_account_sees_a_message_and_no_data(sso_server, provider, offline, sub, identity):
    page = offline.page
    sign_in_with_provider(page, sso_server, provider, sub)
    page.get_by_text(t("signin.sso_unknown", "zh", identity=identity)).wait_for(timeout=60_000)
    assert_no_data(page)
    for path in ("map", f"universities?university={quote('北京师范大学')}"):  # a pasted link shows nothing either
        page.goto(f"{sso_server}/{path}")
        wait_for_app(page, timeout=60_000)
        page.get_by_text(t("signin.sso_unknown", "zh", identity=identity)).wait_for(timeout=60_000)
        assert_no_data(page)

    sign_out(page, sso_server, provider)  # the message's 退出登录 leaves the provider's session too
    assert_sign_in_form(page)
    assert page.get_by_text(identity, exact=False).count() == 0
    assert app_requests_left_the_machine(offline) == []


def test_a_refusal_at_the_provider_leaves_the_sign_in_form(sso_server, provider, offline):
    page = offline.page
    page.goto(f"{sso_server}/")
    wait_for_app(page, timeout=60_000)
    page.get_by_role("button", name=SSO_BUTTON).click()
    page.wait_for_url(f"{provider}/oauth2/authorize**", timeout=60_000)
    page.get_by_role("button", name="Deny").click()
    back_in_the_app(page, sso_server)
    assert_sign_in_form(page)
    assert app_requests_left_the_machine(offline) == []
