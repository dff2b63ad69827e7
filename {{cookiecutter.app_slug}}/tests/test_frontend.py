"""The built front end is served from the app's origin with its run-time settings."""

from __future__ import annotations

import html
import json
import re

import pytest

from .conftest import tables_created
from .test_security_headers import built_frontend  # noqa: F401 - a shared fixture


@pytest.fixture
def web_app(make_config, make_app, built_frontend):  # noqa: F811
    with tables_created(make_app(make_config(frontend_dist=built_frontend))) as app:
        yield app


def page_config(page: str) -> dict:
    raw = re.search(r'<meta name="app-config" content="([^"]*)"', page).group(1)
    return json.loads(html.unescape(raw))


def test_index_carries_the_run_time_config(web_app):
    answer = web_app.test_client().get("/")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-cache"
    page = answer.get_data(as_text=True)
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


def test_config_is_html_escaped(make_config, make_app, built_frontend):  # noqa: F811
    app = make_app(make_config(frontend_dist=built_frontend,
                               ywxt_jssdk_url='https://sdk.example.gov.cn/a.js?x="><script>'))
    page = app.test_client().get("/").get_data(as_text=True)
    assert '"><script>' not in page
    assert page_config(page)["jssdkUrl"].endswith('x="><script>')


def test_assets_are_cached_for_a_year(web_app):
    answer = web_app.test_client().get("/assets/index-abc123.js")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_missing_asset_is_404(web_app):
    assert web_app.test_client().get("/assets/nope.js").status_code == 404


def test_without_a_built_front_end_the_home_page_is_server_rendered(make_config, make_app,
                                                                     tmp_path):
    app = make_app(make_config(frontend_dist=tmp_path / "not-built"))
    answer = app.test_client().get("/", headers={"Accept": "text/html"})
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/auth/login")
