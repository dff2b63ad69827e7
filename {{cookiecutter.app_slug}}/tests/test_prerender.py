"""The first screen as HTML in index.html's #app (prerender.py, frontend.py).

The template here is hand-made in the shape `npm run build` writes (dist/first-screen.json,
frontend/src/firstScreen.server.ts); the browser tests check the built one against the app
(frontend/tests/real/first-screen.spec.ts).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from {{ cookiecutter.__package_name }} import features, prerender
from {{ cookiecutter.__package_name }}.frontend import TEXT_SETTINGS_KEY

from .test_frontend import built_frontend, first_screen, site, tell  # noqa: F401 - fixtures

# The script that loads the app's scripts follows #app (frontend.scripts_after_paint).
APP_ROOT = re.compile(r'<div id="app">(.*)</div><script>', re.DOTALL)


def template(panels: str = "") -> dict:
    """Pages that show the greeting and the badge as the built ones do, with `panels`."""
    def page(badge: str) -> str:
        return (f'<main><p data-testid="greeting">⟦name⟧，您好</p>{panels}</main>'
                f'<nav>{badge}</nav>')
    badge = '<span data-testid="unread-badge">{}</span>'
    return {"version": 1, "pages": {"none": page(""), "some": page(badge.format("⟦unread⟧")),
                                    "many": page(badge.format("99+"))},
            "panels": {}}


def write_template(dist, data: dict) -> None:
    (dist / prerender.TEMPLATE_FILE).write_text(json.dumps(data), encoding="utf-8")


def app_root(page: str) -> str:
    return APP_ROOT.search(page).group(1)


def test_logged_in_page_shows_the_first_screen_before_any_script(site, built_frontend,  # noqa: F811
                                                                 platform_app):
    panels = "".join(f"<section>⟦panel:{feature.name}⟧</section>"
                     for feature in features.installed(platform_app))
    write_template(built_frontend, template(panels))
    site.login("zhangwei")
    tell(platform_app, "zhangwei", "核对三月份会议室预约")
    page = site.client.get("/").get_data(as_text=True)
    root = app_root(page)
    assert '<p data-testid="greeting">张伟，您好</p>' in root
    assert '<span data-testid="unread-badge">1</span>' in root
    assert "⟦" not in root
    # The page-width class main.ts sets: the layout is the app's before it runs.
    assert '<html lang="zh-CN" class="page-adaptive">' in page
    # The data block is still there: the app's first render draws the same from it.
    assert first_screen(page)["/api/me"]["name"] == "张伟"


def test_its_stylesheets_come_inline_allowed_by_their_hash_only(site, built_frontend):  # noqa: F811
    """Linked, the stylesheets would hold the first paint back until they came."""
    write_template(built_frontend, template())
    site.login("zhangwei")
    answer = site.client.get("/")
    page = answer.get_data(as_text=True)
    assert 'rel="stylesheet"' not in page
    assert page.count("<style>body{}</style>") == 1  # the built index-abc123.css
    digest = base64.b64encode(hashlib.sha256(b"body{}").digest()).decode()
    policy = answer.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy
    # Everything else as on every answer; a visitor's page keeps its links and the usual CSP.
    usual = site.client.get("/api/me").headers["Content-Security-Policy"]
    assert re.sub(r" 'sha256-[^']+'", "", policy) == usual  # only hashes added
    site.client.post("/auth/logout", headers={"X-CSRF-Token": site.csrf_token()})
    answer = site.client.get("/")
    assert 'rel="stylesheet"' in answer.get_data(as_text=True)
    assert answer.headers["Content-Security-Policy"] == usual


def test_its_scripts_are_requested_after_the_first_paint(site, built_frontend):  # noqa: F811
    """One inline script, allowed by its hash, adds the built module script once painted."""
    write_template(built_frontend, template())
    site.login("zhangwei")
    answer = site.client.get("/")
    page = answer.get_data(as_text=True)
    assert '<script type="module"' not in page
    inline = re.findall(r"<script>(.*?)</script>", page)
    assert len(inline) == 1
    assert "largest-contentful-paint" in inline[0] and '"/assets/index-abc123.js"' in inline[0]
    assert page.index('<div id="app">') < page.index(inline[0])  # it can empty #app
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}' " in answer.headers["Content-Security-Policy"]
    site.client.post("/auth/logout", headers={"X-CSRF-Token": site.csrf_token()})
    page = site.client.get("/").get_data(as_text=True)
    assert '<script type="module" crossorigin src="/assets/index-abc123.js">' in page
    assert "<script>" not in page


def test_the_drawn_page_reads_the_text_settings_where_the_front_end_keeps_them(
        site, built_frontend):  # noqa: F811
    """The loader applies 字体大小 and 长辈版 before the first paint from the key the front
    end writes (useTextSettings.ts); a renamed key there would silently stop it."""
    source = (Path(__file__).resolve().parent.parent / "frontend" / "src" / "composables"
              / "useTextSettings.ts").read_text(encoding="utf-8")
    key = re.search(r"TEXT_SETTINGS_KEY = '([^']+)'", source)
    assert key is not None and key.group(1) == TEXT_SETTINGS_KEY
    write_template(built_frontend, template())
    site.login("zhangwei")
    (inline,) = re.findall(r"<script>(.*?)</script>", site.client.get("/").get_data(as_text=True))
    assert f"localStorage.getItem({json.dumps(TEXT_SETTINGS_KEY)})" in inline


@pytest.mark.parametrize("data", [
    {**template(), "pages": {"none": "⟦who⟧", "some": "⟦who⟧", "many": "⟦who⟧"}},  # unknown slot
    {**template(), "version": 2},
    "not a template",
])
def test_a_template_that_does_not_fit_leaves_the_page_as_before(site, built_frontend, data):  # noqa: F811
    write_template(built_frontend, data)
    site.login("zhangwei")
    answer = site.client.get("/")
    assert answer.status_code == 200
    assert '<div id="app"></div>' in answer.get_data(as_text=True)


def test_fill_escapes_text_and_keeps_built_html():
    html = prerender.fill("<b title=\"⟦t⟧\">⟦t⟧</b>⟦part⟧",
                          {"t": '<script>"x" & \'y\'', "part": prerender.Html("<i>ok</i>")})
    assert html == ('<b title="&lt;script&gt;&quot;x&quot; &amp; &#x27;y&#x27;">'
                    "&lt;script&gt;&quot;x&quot; &amp; &#x27;y&#x27;</b><i>ok</i>")


def test_fill_does_not_fill_slots_inside_a_users_text():
    assert prerender.fill("⟦a⟧|⟦b⟧", {"a": "⟦b⟧", "b": "2"}) == "⟦b⟧|2"


def test_badge_forms_follow_the_tab_bar():
    assert [prerender.badge_form(n) for n in (0, 1, 99, 100)] == ["none", "some", "some", "many"]


NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.mark.parametrize(("value", "shown"), [
    ("2026-03-01T01:30:00+00:00", "今天 09:30"),
    ("2026-02-28T16:05:00+00:00", "今天 00:05"),  # the day in Shanghai, not in UTC
    ("2026-02-28T15:59:00+00:00", "02-28 23:59"),
    ("2025-12-30T08:00:00+00:00", "2025-12-30"),
    (None, ""),
])
def test_relative_times_read_as_in_the_app(value, shown):
    assert prerender.format_relative(value, NOW) == shown
