"""Security headers on real responses, scored with the Observatory's rules (§8.3, ASVS 3.4).

Target: A+ with no negative modifier on every kind of response: the HTML page, an API
answer, a static asset, an error page and a redirect that sets a cookie.
"""

from __future__ import annotations

import pytest

from .fixtures import tables_created
from .observatory import grade, parse_csp, score

INDEX = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="app-config" content="__APP_CONFIG__"><title>x</title>
<script type="module" crossorigin src="/assets/index-abc123.js"></script>
<link rel="stylesheet" crossorigin href="/assets/index-abc123.css"></head>
<body><div id="app"></div></body></html>"""


@pytest.fixture
def built_frontend(tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX, encoding="utf-8")
    (dist / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    (dist / "assets" / "index-abc123.css").write_text("body{}", encoding="utf-8")
    return dist


@pytest.fixture
def web_client(make_config, make_app, built_frontend):
    with tables_created(make_app(make_config(frontend_dist=built_frontend))) as app:
        yield app.test_client()


RESPONSES = {
    "html-page": ("GET", "/"),
    "api": ("GET", "/api/me"),
    "static-asset": ("GET", "/assets/index-abc123.js"),
    "error-page": ("GET", "/no-such-page"),
    "login-redirect": ("GET", "/auth/login"),
    "health": ("GET", "/livez"),
}


@pytest.mark.parametrize("kind", RESPONSES)
def test_observatory_grade_is_a_plus_with_no_penalty(web_client, kind):
    method, path = RESPONSES[kind]
    response = web_client.open(path, method=method, headers={"Accept": "text/html"})
    total, results = score(response)
    penalties = [result for result in results if result.modifier < 0]
    print(f"\nObservatory {kind}: {total} ({grade(total)}) "
          + ", ".join(f"{r.outcome} {r.modifier:+d}" for r in results if r.modifier))
    assert penalties == []
    assert grade(total) == "A+"


def test_csp_is_strict_and_lists_the_sdk_and_the_portals(web_client, app):
    policy = parse_csp(web_client.get("/").headers["Content-Security-Policy"])
    settings = app.config["SETTINGS"]
    assert policy["default-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["script-src"] == ["'self'", "https://res.platform.example.gov.cn"]
    # §6.3.2 b: the web portal may frame the app; nobody else may.
    assert policy["frame-ancestors"] == ["'self'", *settings.ywxt_portal_origins]


def test_no_x_frame_options_because_the_portal_frames_the_app(web_client):
    assert "X-Frame-Options" not in web_client.get("/").headers


def test_hsts_is_two_years_with_subdomains(web_client):
    hsts = web_client.get("/").headers["Strict-Transport-Security"]
    assert "max-age=63072000" in hsts
    assert "includeSubDomains" in hsts


@pytest.mark.parametrize("path", ["/", "/api/me", "/assets/index-abc123.js"])
def test_cross_origin_isolation_and_nosniff(web_client, path):
    headers = web_client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_plain_http_is_sent_to_https_permanently(web_client):
    answer = web_client.get("/api/me", base_url="http://localhost")
    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://")


def test_the_redirect_keeps_path_and_query_on_the_apps_own_origin(web_client):
    """Non-ASCII paths stay as they were sent, and the Host a request names is not echoed."""
    answer = web_client.get("/事项/一 二", query_string={"q": "张", "box": "todo"},
                            base_url="http://attacker.example")
    assert answer.status_code == 301
    assert answer.headers["Location"] == (
        "https://xietong.example.gov.cn/%E4%BA%8B%E9%A1%B9/%E4%B8%80%20%E4%BA%8C"
        "?q=%E5%BC%A0&box=todo")


def test_https_from_the_proxy_is_trusted(web_client):
    """Behind nginx the app sees http plus X-Forwarded-Proto: https (ProxyFix, 1 hop)."""
    answer = web_client.get("/livez", base_url="http://localhost",
                            headers={"X-Forwarded-Proto": "https"})
    assert answer.status_code == 200
    assert "Strict-Transport-Security" in answer.headers


def test_https_claimed_by_an_untrusted_peer_is_still_sent_to_https(web_client):
    """X-Forwarded-Proto counts only from a configured proxy (security/proxies.py): a client
    that claims HTTPS over plain HTTP is redirected and gets no HSTS."""
    answer = web_client.get("/livez", base_url="http://localhost",
                            headers={"X-Forwarded-Proto": "https"},
                            environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in answer.headers


def test_a_header_a_view_sets_itself_is_kept(web_client, app):
    """The fixed headers are defaults: an answer that sets its own keeps it."""
    assert web_client.get("/healthz").headers["Cache-Control"] == "no-store"
    own = web_client.get("/livez").headers
    assert own.getlist("Content-Security-Policy") == [own["Content-Security-Policy"]]


@pytest.mark.parametrize("path", ["/api/me", "/auth/login", "/healthz"])
def test_answers_that_can_name_a_person_are_not_stored(web_client, path):
    assert web_client.get(path).headers["Cache-Control"] == "no-store"


def test_development_over_http_has_no_hsts_and_no_redirect(make_config, make_app):
    app = make_app(make_config(app_base_url="http://127.0.0.1:5000"))
    answer = app.test_client().get("/livez", base_url="http://127.0.0.1:5000")
    assert answer.status_code == 200
    assert "Strict-Transport-Security" not in answer.headers
