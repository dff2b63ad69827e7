"""GET /api/jssdk/signature: what wx.config / wx.agentConfig need, for this app's pages only."""

from __future__ import annotations

import pytest
import requests

from .fixtures import APP_ORIGIN


@pytest.fixture
def logged_in(auth):
    auth.login("zhangwei")
    return auth.client


@pytest.mark.parametrize(("kind", "check"), [("corp", "config"), ("agent", "agentConfig")])
def test_signature_is_accepted_by_the_platform_js_sdk(logged_in, sim, kind, check):
    """The simulator's JS-SDK recomputes it with its own current ticket and agrees."""
    page = f"{APP_ORIGIN}/?from=todo#/items/3"
    answer = logged_in.get("/api/jssdk/signature", query_string={"url": page, "type": kind})
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    signed = answer.json
    body = {"kind": check, "url": page.split("#")[0], **signed}
    verdict = requests.post(f"{sim.base_url}/jssdk/verify", json=body, timeout=5).json()
    assert verdict["ok"] is True, verdict
    if kind == "corp":
        assert set(signed) == {"appId", "timestamp", "nonceStr", "signature"}
    else:
        assert set(signed) == {"corpid", "agentid", "timestamp", "nonceStr", "signature"}


def test_tickets_are_cached_not_fetched_per_signature(logged_in, sim):
    query = {"url": f"{APP_ORIGIN}/", "type": "corp"}
    for _ in range(5):
        logged_in.get("/api/jssdk/signature", query_string=query)
    assert len(sim.calls("/cgi-bin/get_jsapi_ticket")) == 1
    assert len(sim.calls("/cgi-bin/gettoken")) == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "https://xietong.example.gov.cn.evil.example/",
        "http://xietong.example.gov.cn/",
        "//evil.example/",
        "https://user@xietong.example.gov.cn/",
        "",
    ],
)
def test_foreign_urls_are_not_signed(logged_in, url):
    answer = logged_in.get("/api/jssdk/signature", query_string={"url": url, "type": "corp"})
    assert answer.status_code == 400
    assert answer.json["error"]["message"] == "只能为本应用的页面地址签名。"


def test_unknown_type_is_refused(logged_in):
    answer = logged_in.get("/api/jssdk/signature", query_string={"url": f"{APP_ORIGIN}/",
                                                                  "type": "other"})
    assert answer.status_code == 400


def test_signature_needs_a_login(platform_client):
    answer = platform_client.get("/api/jssdk/signature",
                                 query_string={"url": f"{APP_ORIGIN}/", "type": "corp"})
    assert answer.status_code == 401
