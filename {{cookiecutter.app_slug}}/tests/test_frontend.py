"""The built front end is served from the app's origin with its run-time settings."""

from __future__ import annotations

import dataclasses
import html
import json
import re

import pytest

from {{ cookiecutter.__package_name }} import features
from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.inbox import post_message

from .fixtures import AuthActions, tables_created
from .test_security_headers import built_frontend  # noqa: F401 - a shared fixture

FIRST_SCREEN = re.compile(
    r'<script type="application/json" id="first-screen">(.*?)</script>', re.DOTALL)
# The GET requests 工作台 starts with (frontend/src/api/firstScreen.ts), before the
# installed features' own (their `first_screen`).
CORE_FIRST_SCREEN_URLS = ["/api/me", "/api/messages"]


@pytest.fixture
def web_app(make_config, make_app, built_frontend):  # noqa: F811
    with tables_created(make_app(make_config(frontend_dist=built_frontend))) as app:
        yield app


@pytest.fixture
def site(platform_app, make_app, built_frontend, sim):  # noqa: F811
    """The built front end served by an app that logs in through the simulator."""
    settings = dataclasses.replace(platform_app.config["SETTINGS"], frontend_dist=built_frontend)
    app = make_app(settings)  # the same database as platform_app, which drops it afterwards
    yield AuthActions(app.test_client(), sim)
    with app.app_context():
        db.engine.dispose()


def page_config(page: str) -> dict:
    raw = re.search(r'<meta name="app-config" content="([^"]*)"', page).group(1)
    return json.loads(html.unescape(raw))


def first_screen(page: str) -> dict | None:
    blocks = FIRST_SCREEN.findall(page)
    assert len(blocks) <= 1
    return json.loads(blocks[0]) if blocks else None


def tell(app, userid: str, title: str) -> None:
    """A message in the user's inbox, as a feature posts one."""
    with app.app_context():
        post_message(userid, title, "请查看", "/#/")
        db.session.commit()


def test_index_carries_the_run_time_config(web_app):
    answer = web_app.test_client().get("/")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-cache"
    page = answer.get_data(as_text=True)
    assert first_screen(page) is None  # nobody logged in: no data, the front end asks the API
    config = page_config(page)
    settings = web_app.config["SETTINGS"]
    assert config["appName"] == "{{ cookiecutter.app_name }}"
    assert config["jssdkUrl"] == settings.ywxt_jssdk_url
    assert config["corpId"] == settings.ywxt_corp_id
    assert config["agentId"] == settings.ywxt_agent_id
    assert config["pageWidth"]["mode"] == "{{ cookiecutter.page_width_mode }}"
    assert "<title>{{ cookiecutter.app_name }}</title>" in page
    assert "__APP_CONFIG__" not in page
    # Nothing secret reaches the browser.
    assert settings.ywxt_secret not in page


VISITOR_MARK = '<meta name="app-session" content="none">'


def test_visitor_page_says_there_is_no_session(site):
    """A first visit (no session cookie): the page itself says so, and main.ts goes to the
    login page without a request that fails with 401; a logged-in page has no such mark."""
    first_visit = site.client.get("/").get_data(as_text=True)
    assert VISITOR_MARK in first_visit.partition("</head>")[0]
    site.login("zhangwei")
    assert VISITOR_MARK not in site.client.get("/").get_data(as_text=True)


def test_config_is_html_escaped(make_config, make_app, built_frontend):  # noqa: F811
    app = make_app(make_config(frontend_dist=built_frontend,
                               ywxt_jssdk_url='https://sdk.example.gov.cn/a.js?x="><script>'))
    page = app.test_client().get("/").get_data(as_text=True)
    assert '"><script>' not in page
    assert page_config(page)["jssdkUrl"].endswith('x="><script>')


def test_logged_in_page_carries_the_api_answers_of_the_first_screen(site, platform_app):
    site.login("zhangwei")
    tell(platform_app, "zhangwei", "核对三月份会议室预约")
    answer = site.client.get("/")
    assert answer.status_code == 200
    # A person's data: no browser or proxy keeps the page, and it differs by session.
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Cookie" in answer.headers["Vary"]
    data = first_screen(answer.get_data(as_text=True))
    assert list(data) == CORE_FIRST_SCREEN_URLS + list(features.first_screen(platform_app))
    # Exactly what the API answers, so the first screen and later reloads never disagree.
    for url in data:
        assert data[url] == site.client.get(url).json, url
    assert data["/api/me"]["userid"] == "zhangwei"
    assert data["/api/messages"]["unread"] == 1
    assert data["/api/messages"]["messages"][0]["title"] == "核对三月份会议室预约"


def test_first_screen_data_cannot_end_its_script_block(site, platform_app):
    """A title is the user's text: nothing in it may close the block or run as script."""
    site.login("zhangwei")
    title = "</script><script>alert(1)<!--&amp;\u2028-\u2029-"
    tell(platform_app, "zhangwei", title)
    page = site.client.get("/").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    block = FIRST_SCREEN.search(page).group(1)
    assert not set(block) & set("<>&\u2028\u2029")
    assert first_screen(page)["/api/messages"]["messages"][0]["title"] == title


def test_logged_out_visitor_gets_no_data_after_logout(site):
    site.login("zhangwei")
    assert first_screen(site.client.get("/").get_data(as_text=True)) is not None
    site.client.post("/auth/logout", headers={"X-CSRF-Token": site.csrf_token()})
    answer = site.client.get("/")
    assert first_screen(answer.get_data(as_text=True)) is None
    assert answer.headers["Cache-Control"] == "no-cache"


def test_database_failure_leaves_the_data_out_not_the_page(site, platform_app):
    """The data only saves round trips: the front end's own requests show the error. The
    session read itself fails here, in the database driver (read_rows)."""
    site.login("zhangwei")
    with platform_app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE login_session RENAME TO login_session_away")
    try:
        answer = site.client.get("/")
    finally:
        with platform_app.app_context(), db.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE login_session_away RENAME TO login_session")
    assert answer.status_code == 200
    assert first_screen(answer.get_data(as_text=True)) is None
    assert answer.headers["Cache-Control"] == "no-cache"


def test_assets_are_cached_for_a_year(web_app):
    answer = web_app.test_client().get("/assets/index-abc123.js")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_missing_asset_is_404(web_app):
    assert web_app.test_client().get("/assets/nope.js").status_code == 404


# The route never decodes a copy, so any bytes stand in for the build's Brotli output.
BROTLI_BYTES = b"\x1b\x0d\x00\xf8brotli copy of index-abc123.js"


@pytest.fixture
def brotli_app(web_app, built_frontend):  # noqa: F811
    """The built front end with a Brotli copy of its script only, as the build leaves it."""
    (built_frontend / "assets" / "index-abc123.js.br").write_bytes(BROTLI_BYTES)
    return web_app


def get_asset(app, path: str, accept_encoding: str | None):
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding is not None else {}
    return app.test_client().get(path, headers=headers)


@pytest.mark.parametrize("accept_encoding", [
    "gzip, deflate, br, zstd",  # Chromium's, on http:// too
    "br",
    "BR;q=0.5",  # codings are case-insensitive
    "gzip;q=1, *;q=0.1",  # the wildcard allows br
])
def test_brotli_copy_goes_to_browsers_that_accept_br(brotli_app, accept_encoding):
    plain = get_asset(brotli_app, "/assets/index-abc123.js", None)
    answer = get_asset(brotli_app, "/assets/index-abc123.js", accept_encoding)
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "br"
    assert answer.get_data() == BROTLI_BYTES
    assert answer.headers["Content-Length"] == str(len(BROTLI_BYTES))
    # The script's own type: the browser decodes the body, then runs it as a module.
    assert answer.headers["Content-Type"] == plain.headers["Content-Type"]
    assert answer.mimetype in {"text/javascript", "application/javascript"}
    assert "Accept-Encoding" in answer.vary
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("accept_encoding", [
    None,  # no header: any coding is allowed, but identity is the safe answer
    "gzip, deflate",
    "gzip, br;q=0",
    "br;q=0, *",  # the named coding's q=0 wins over the wildcard
    "identity",
])
def test_plain_file_when_br_is_not_accepted(brotli_app, accept_encoding):
    answer = get_asset(brotli_app, "/assets/index-abc123.js", accept_encoding)
    assert answer.status_code == 200
    assert "Content-Encoding" not in answer.headers
    assert answer.get_data(as_text=True) == "console.log(1)"
    # The same URL has a br answer: caches must tell the two apart.
    assert "Accept-Encoding" in answer.vary
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_plain_file_when_there_is_no_brotli_copy(brotli_app):
    answer = get_asset(brotli_app, "/assets/index-abc123.css", "gzip, deflate, br, zstd")
    assert answer.status_code == 200
    assert "Content-Encoding" not in answer.headers
    assert answer.get_data(as_text=True) == "body{}"
    assert answer.mimetype == "text/css"


def test_a_brotli_copy_outside_the_assets_is_not_served(brotli_app, built_frontend):  # noqa: F811
    (built_frontend / "index.html.br").write_bytes(BROTLI_BYTES)
    answer = get_asset(brotli_app, "/assets/../index.html", "br")
    assert answer.status_code == 404


def test_without_a_built_front_end_the_home_page_is_server_rendered(make_config, make_app,
                                                                     tmp_path):
    app = make_app(make_config(frontend_dist=tmp_path / "not-built"))
    answer = app.test_client().get("/", headers={"Accept": "text/html"})
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/auth/login")
