"""Login and signature endpoints are rate limited; the answer is a friendly 429."""

from __future__ import annotations

from .fixtures import APP_ORIGIN, AuthActions


def test_login_is_limited_per_address(platform_client):
    answers = [platform_client.get("/auth/login").status_code for _ in range(31)]
    assert answers[:30] == [302] * 30
    limited = platform_client.get("/auth/login", headers={"Accept": "application/json"})
    assert limited.status_code == 429
    assert limited.json["error"]["title"] == "操作太频繁"
    assert int(limited.headers["Retry-After"]) > 0
    # Another client (behind the trusted proxy) still gets in.
    other = platform_client.get("/auth/login", headers={"X-Forwarded-For": "203.0.113.7"})
    assert other.status_code == 302


def test_signatures_are_limited_per_session_not_per_office(platform_app, sim):
    query = {"url": f"{APP_ORIGIN}/", "type": "corp"}
    first, second = (AuthActions(platform_app.test_client(), sim) for _ in range(2))
    first.login("zhangwei")
    second.login("lina")
    codes = [first.client.get("/api/jssdk/signature", query_string=query).status_code
             for _ in range(61)]
    assert codes[:60] == [200] * 60
    assert codes[60] == 429
    # Same address, another session: not throttled with the first.
    assert second.client.get("/api/jssdk/signature", query_string=query).status_code == 200
