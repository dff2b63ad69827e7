"""Friendly failures (DB31DSJ/Z 003 §6.3.3 c): Chinese page or JSON, never a stack trace."""

from __future__ import annotations

import pytest

from {{ cookiecutter.__package_name }}.platform import PlatformUnavailable

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def failing_app(make_config, make_app):
    """An app with routes that fail the ways a user can meet."""
    app = make_app(make_config())

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail /srv/app/db.py line 42")

    @app.get("/api/boom")
    def api_boom():
        raise RuntimeError("secret internal detail")

    @app.get("/api/platform")
    def platform_down():
        raise PlatformUnavailable("timeout", "/cgi-bin/gettoken")

    @app.get("/platform")
    def platform_page():
        raise PlatformUnavailable("connection refused", "/cgi-bin/gettoken")

    return app


def test_unknown_page_is_a_chinese_html_page(client):
    answer = client.get("/no-such-page", headers=BROWSER)
    assert answer.status_code == 404
    assert answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    assert "页面不存在" in page
    assert 'lang="zh-CN"' in page
    assert "返回首页" in page


def test_unknown_api_is_json(client):
    answer = client.get("/api/no-such-thing")
    assert answer.status_code == 404
    assert answer.json == {
        "error": {"status": 404, "title": "页面不存在", "message": "您访问的页面不存在或已被移除。"}
    }


def test_wrong_method_is_friendly(client):
    answer = client.post("/livez")
    assert answer.status_code == 405
    assert "操作不受支持" in answer.get_data(as_text=True)


def test_server_error_page_hides_the_internals(failing_app, caplog):
    answer = failing_app.test_client().get("/boom", headers=BROWSER)
    assert answer.status_code == 500
    page = answer.get_data(as_text=True)
    assert "系统繁忙" in page
    assert "secret internal detail" not in page
    assert "Traceback" not in page
    # The operator still gets the full error in the log.
    assert "secret internal detail" in caplog.text


def test_server_error_in_api_is_json(failing_app):
    answer = failing_app.test_client().get("/api/boom")
    assert answer.status_code == 500
    assert answer.json["error"]["title"] == "系统繁忙"
    assert "secret" not in answer.get_data(as_text=True)


@pytest.mark.parametrize(("path", "kind"), [("/api/platform", "json"), ("/platform", "html")])
def test_platform_unavailable_is_503_with_a_chinese_message(failing_app, path, kind):
    answer = failing_app.test_client().get(path, headers=BROWSER)
    assert answer.status_code == 503
    text = answer.get_data(as_text=True)
    assert "一网协同平台暂时无法访问" in text
    assert "gettoken" not in text
    assert answer.mimetype == ("application/json" if kind == "json" else "text/html")
